from django.urls import path

from civicplan.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("follows/", views.follows, name="follows"),
    path("follow/", views.follow, name="follow"),
    path("follow/email/", views.follow_email, name="follow_email"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("feedback/<str:token>/", views.feedback, name="feedback"),
    path("cabinet/", views.cabinet, name="cabinet"),
]
