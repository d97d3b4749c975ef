"""The page's paths, served with and without the /v1/zonesmart prefix.

The page shows create under /v1/zonesmart/ but users/me and refresh without it,
so both spellings are mounted. The patterns are djoser's own
(djoser.urls -> users/..., djoser.urls.jwt -> jwt/create, jwt/refresh, jwt/verify)."""
from django.conf import settings
from django.urls import include, path, re_path

from accounts.views import DocLiteralTokenRefreshView

api = []
if settings.REPLICA_MODE == "doc-literal":
    # Placed before djoser's own jwt/refresh pattern so it wins; same regex as djoser's.
    api.append(re_path(r"^auth/jwt/refresh/?", DocLiteralTokenRefreshView.as_view()))
api += [
    path("auth/", include("djoser.urls.jwt")),
    path("", include("djoser.urls")),
]

urlpatterns = [
    path("v1/zonesmart/", include(api)),
    path("", include(api)),
]
