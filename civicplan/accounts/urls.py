from django.urls import path

from civicplan.accounts import views, views_tokens

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views_tokens.tokens, name="tokens"),
    path("profile/tokens/<int:pk>/revoke/", views_tokens.token_revoke, name="token_revoke"),
    path("policy/<slug:kind>/", views.policy, name="policy"),
]
