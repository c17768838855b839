"""URLs of the answering side, added to the app's `urls.py` (namespace «drafts»)."""

from django.urls import path

from civicplan.drafts import answer_views

urlpatterns = [
    path("<int:pk>/changes/", answer_views.changes, name="changes"),
    path("<int:pk>/summary/", answer_views.summary_latest, name="summary_latest"),
    path("<int:pk>/v<int:number>/summary/", answer_views.summary, name="summary"),
    path(
        "<int:pk>/v<int:number>/summary.<str:extension>",
        answer_views.summary_download,
        name="summary_download",
    ),
    path("work/answers/<int:pk>/", answer_views.answers, name="answers"),
    path("work/answers/<int:pk>/group/", answer_views.group_similar, name="group_similar"),
    path("work/answers/comments/<int:pk>/", answer_views.answer_comment, name="answer_comment"),
    path("work/answers/groups/<int:pk>/", answer_views.answer_group, name="answer_group"),
    path("work/answers/comments/<int:pk>/ungroup/", answer_views.ungroup, name="ungroup"),
    path("work/answers/comments/<int:pk>/link/", answer_views.link_answer, name="link_answer"),
]
