"""Prepares a fresh database in one process (one Django start instead of two):
applies the committed migrations and seeds the page's sample user as id 1."""
from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.models import User

EMAIL = "admin@zonesmart.ru"
PASSWORD = "4815162342"


class Command(BaseCommand):
    help = "Migrate the replica database and seed the page's sample user (id 1)."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not User.objects.filter(pk=1).exists():
            # Explicit pk: the page's tokens carry user_id 1.
            User.objects.create_user(
                EMAIL,
                PASSWORD,
                pk=1,
                username="admin",
                phone=None,
                access_until=None,
                has_access=False,
            )
