from django.urls import path

from civicplan.core import views

app_name = "core"

urlpatterns = [
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/cancel/", views.job_cancel_view, name="job_cancel"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
    path("about/data/", views.about_data, name="about_data"),
]
