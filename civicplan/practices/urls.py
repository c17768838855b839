from django.urls import path

from civicplan.practices import views

app_name = "practices"

urlpatterns = [
    path("", views.practice_list_view, name="list"),
    path("<int:pk>/", views.practice_detail_view, name="detail"),
    path("propose/", views.practice_propose_view, name="propose"),
    path("mine/", views.my_practices_view, name="mine"),
    path("moderation/", views.moderation_view, name="moderation"),
    path("<int:pk>/moderate/", views.moderate_view, name="moderate"),
]
