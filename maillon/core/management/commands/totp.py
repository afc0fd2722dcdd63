from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.core.commands import TranslatedCommand


class Command(TranslatedCommand):
    help_text = gettext_lazy("Print the current TOTP code of a demo account (never in production).")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        from allauth.mfa.totp.internal.auth import (
            format_hotp_value,
            hotp_value,
            yield_hotp_counters_from_time,
        )
        from django.conf import settings

        from maillon.accounts.models import User
        from maillon.core.demo import totp_secret_of

        if settings.MAILLON_ENV == "production":
            raise CommandError(_("Not available in production."))
        user = User.objects.filter(username=options["username"]).first()
        secret = totp_secret_of(user) if user else None
        if secret is None:  # the secrets are drawn at random by `maillon demo`: read this install's
            raise CommandError(_("No account %(username)s with an authenticator app.") % {"username": options["username"]})
        # The middle of allauth's window (-tolerance … +tolerance): the code of now.
        counters = list(yield_hotp_counters_from_time())
        self.stdout.write(format_hotp_value(hotp_value(secret, counters[len(counters) // 2])))
