from django.urls import path

from civicplan.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.index, name="index"),
    path("campaigns/<slug:slug>/", views.dashboard, name="dashboard"),
    path("campaigns/<slug:slug>/analyze/", views.analysis_start, name="analyze"),
    path("campaigns/<slug:slug>/report/", views.report, name="report"),
    path("campaigns/<slug:slug>/export.xlsx", views.export_xlsx, name="export"),
    path("topics/<int:pk>/", views.topic_detail, name="topic"),
    path("suggestions/<int:pk>/", views.suggestion_accept, name="suggestion"),
]
