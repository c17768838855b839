from django.urls import path

from civicplan.meetings import board_moderate, board_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("join/", board_views.join, name="join"),
    path("b/<str:code>/", board_views.board_join, name="board_join"),
    path("b/<str:code>/board/", board_views.board_page, name="board"),
    path("b/<str:code>/similar/", board_views.board_similar, name="board_similar"),
    path("b/<str:code>/status/", board_views.board_status, name="board_status"),
    path("b/<str:code>/vote/", board_views.board_vote, name="board_vote"),
    path("b/<str:code>/qr.svg", board_views.board_qr, name="board_qr"),
    path("b/<str:code>/screen/", board_views.screen, name="screen"),
    path("<slug:slug>/", views.session_page, name="session"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/registered/<str:code>/", views.registered, name="registered"),
    path("<slug:slug>/manage/", views.manage, name="manage"),
    path("<slug:slug>/report/", views.report, name="report"),
    path("<slug:slug>/report.docx", views.report_docx, name="report_docx"),
    path("<slug:slug>/sections/<int:pk>/moderate/", board_moderate.moderate, name="moderate"),
]
