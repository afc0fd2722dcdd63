from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _


class Command(BaseCommand):
    help = _("Affiche le code TOTP courant d'un compte de démonstration (jamais en production).")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        from allauth.mfa.totp.internal.auth import (
            format_hotp_value,
            hotp_value,
            yield_hotp_counters_from_time,
        )
        from django.conf import settings

        from maillon.core.demo import totp_secret_for

        if settings.MAILLON_ENV == "production":
            raise CommandError("Indisponible en production.")
        counter = next(iter(yield_hotp_counters_from_time()))
        self.stdout.write(format_hotp_value(hotp_value(totp_secret_for(options["username"]), counter)))
