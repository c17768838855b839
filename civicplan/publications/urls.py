from django.urls import path

from civicplan.publications import views
from civicplan.publications.feeds import ArticleFeed

app_name = "publications"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("rss/", ArticleFeed(), name="rss"),
    path("polls/", views.poll_list, name="polls"),
    path("polls/<int:pk>/", views.poll_detail, name="poll"),
    path("polls/<int:pk>/vote/", views.poll_vote, name="poll_vote"),
    path("polls/<int:pk>/export.xlsx", views.poll_export, name="poll_export"),
    path("cookies/", views.cookie_settings, name="cookie_settings"),
    path("comments/<int:pk>/complain/", views.comment_complain, name="comment_complain"),
    path("<slug:slug>/", views.article_detail, name="article"),
    path("<slug:slug>/rate/", views.article_rate, name="article_rate"),
    path("<slug:slug>/rating/", views.article_rating, name="article_rating"),
    path("<slug:slug>/comment/", views.comment_create, name="comment_create"),
]
