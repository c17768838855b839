from django.urls import path

from civicplan.proposals import staff_views, views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new/", views.proposal_new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("new/similar/", views.similar, name="similar"),
    path("sent/<str:code>/", views.sent, name="sent"),
    path("track/<str:code>/", views.track, name="track"),
    path("track/<str:code>/withdraw/", views.withdraw, name="withdraw"),
    path("withdraw/<str:token>/", views.withdraw_confirm, name="withdraw_confirm"),
    path("export/", staff_views.export, name="export"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/support/", views.support, name="support"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("comments/<int:pk>/complain/", views.comment_complaint, name="complain"),
    path("moderation/", staff_views.queue, name="queue"),
    path("moderation/dashboard/", staff_views.dashboard, name="dashboard"),
    path("moderation/comments/", staff_views.comments, name="comments"),
    path("moderation/comments/<int:pk>/", staff_views.comment_action, name="comment_action"),
    path("moderation/import/", staff_views.import_new, name="import"),
    path("moderation/import/<int:pk>/", staff_views.import_detail, name="import_detail"),
    path("moderation/<int:pk>/", staff_views.moderate, name="moderate"),
    path("moderation/<int:pk>/action/", staff_views.moderate_action, name="moderate_action"),
]
