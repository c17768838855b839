from django.urls import path

from civicplan.drafts import staff_views, views
from civicplan.drafts.answer_urls import urlpatterns as answer_urlpatterns

app_name = "drafts"

urlpatterns = [
    path("", views.draft_list, name="list"),
    path("<int:pk>/", views.draft_read, name="read"),
    path("<int:pk>/v<int:number>/", views.draft_read, name="version"),
    path("paragraphs/<int:pk>/", views.paragraph_detail, name="paragraph"),
    path("comments/<int:pk>/support/", views.support, name="support"),
    path("fate/<str:token>/", views.fate, name="fate"),
    path("fate/<str:token>/withdraw/", views.withdraw, name="withdraw"),
    path("withdraw/<str:token>/", views.withdraw_confirm, name="withdraw_confirm"),
    path("work/", staff_views.staff, name="staff"),
    path("work/<int:pk>/", staff_views.manage, name="manage"),
    path("work/versions/<int:pk>/", staff_views.version_edit, name="version_edit"),
    path(
        "work/versions/<int:pk>/<slug:action>/",
        staff_views.version_action,
        name="version_action",
    ),
    path("work/paragraphs/<int:pk>/", staff_views.paragraph_edit_page, name="paragraph_edit"),
    path("work/sections/<int:pk>/", staff_views.section_edit_page, name="section_edit"),
    path("moderation/", staff_views.queue, name="queue"),
    path("moderation/<int:pk>/", staff_views.moderate, name="moderate"),
]

# Answers of the drafting group, «Что изменилось и почему», the summary table.
urlpatterns += answer_urlpatterns
