from rest_framework_simplejwt import serializers


class TokenObtainPairSerializer(serializers.TokenObtainPairSerializer):
    """simplejwt's own serializer plus the page's custom claims.

    Claims set on the refresh token are copied into its access token (and into
    every access token refreshed from it), so they are added only here."""

    @classmethod
    def get_token(cls, user):
        token = super().get_token(user)
        token["email"] = user.email
        token["phone"] = user.phone
        token["username"] = user.username
        # A datetime is not JSON; ISO 8601 text keeps it readable, null stays null.
        token["access_until"] = user.access_until.isoformat() if user.access_until else None
        token["has_access"] = user.has_access
        return token
