from django.urls import path

from civicplan.strategy import views

app_name = "strategy"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/directions/<slug:direction>/", views.direction_detail, name="direction"),
    path("<slug:slug>/kpi/<int:pk>/", views.kpi_detail, name="kpi"),
    path("<slug:slug>/roadmap/", views.roadmap, name="roadmap"),
    path("<slug:slug>/roadmap/<slug:direction>/", views.roadmap, name="roadmap_direction"),
    path("<slug:slug>/measures/<int:pk>/", views.measure_detail, name="measure"),
    path("<slug:slug>/monitoring/", views.monitoring_page, name="monitoring"),
    path(
        "<slug:slug>/monitoring/<str:oktmo>/",
        views.monitoring_page,
        name="monitoring_municipality",
    ),
    path("<slug:slug>/history/", views.history, name="history"),
    path("<slug:slug>/compare/", views.compare, name="compare"),
    path("<slug:slug>/versions/save/", views.version_save, name="version_save"),
    path("<slug:slug>/import/", views.import_page, name="import"),
    path(
        "<slug:slug>/templates/structure.xlsx", views.template_structure, name="template_structure"
    ),
    path("<slug:slug>/templates/kpi-values.xlsx", views.template_values, name="template_values"),
    path("<slug:slug>/export.docx", views.export_docx, name="export_docx"),
    path("<slug:slug>/export.xlsx", views.export_xlsx, name="export_xlsx"),
]
