"""The user model the page's token claims imply: logs in by email and carries
username, phone, access_until and has_access."""
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models


class UserManager(BaseUserManager):
    # AbstractUser's manager wants a username; this one keys users by email.
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    # Not unique and optional: email is the login field, username is only a claim.
    username = models.CharField(max_length=150, blank=True)
    email = models.EmailField(unique=True)
    phone = models.CharField(max_length=32, null=True, blank=True)
    access_until = models.DateTimeField(null=True, blank=True)
    has_access = models.BooleanField(default=False)

    USERNAME_FIELD = "email"
    # Empty so djoser's users/me answers exactly {"id", "email"} as on the page
    # (djoser's UserSerializer fields are REQUIRED_FIELDS + id + login field).
    REQUIRED_FIELDS = []

    objects = UserManager()
