from django.urls import path

from civicplan.accounts import views, views_tokens

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.two_factor, name="two_factor"),
    path("login/enrol/<str:token>/", views.two_factor_enrol, name="two_factor_enrol"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("register/sent/", views.register_done, name="register_done"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("profile/", views.profile, name="profile"),
    path("profile/data.json", views.data_export, name="data_export"),
    path("profile/erase/", views.data_erase, name="data_erase"),
    path("profile/tokens/", views_tokens.tokens, name="tokens"),
    path("profile/tokens/<int:pk>/revoke/", views_tokens.token_revoke, name="token_revoke"),
    path("policy/<slug:kind>/", views.policy, name="policy"),
]
