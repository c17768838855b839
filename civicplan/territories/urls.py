from django.urls import path

from civicplan.territories import views

app_name = "territories"

urlpatterns = [
    path("", views.index, name="index"),
    path("regions/<int:code>/", views.region_detail, name="region"),
    path("municipalities/<str:oktmo>/", views.municipality_detail, name="municipality"),
]
