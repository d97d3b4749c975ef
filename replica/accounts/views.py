from rest_framework_simplejwt.views import TokenRefreshView


class DocLiteralTokenRefreshView(TokenRefreshView):
    """Only in REPLICA_MODE=doc-literal: the page shows refresh as a GET with a
    JSON body, which stock simplejwt answers with 405. DRF parses a request body
    whatever the method, so GET can reuse simplejwt's POST handler unchanged."""

    def get(self, request, *args, **kwargs):
        return self.post(request, *args, **kwargs)
