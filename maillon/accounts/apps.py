from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "maillon.accounts"
    label = "accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from allauth.account.signals import user_logged_in

        from maillon.notifications import kinds

        from . import backends, services_sessions
        from .sessions import on_allauth_login

        backends.install()  # the logged-in person read through a compiled query (issue 14)
        user_logged_in.connect(on_allauth_login, dispatch_uid="maillon.accounts.login_by")
        user_logged_in.connect(services_sessions.on_allauth_login, dispatch_uid="maillon.accounts.new_device")
        kinds.register(services_sessions.NEW_DEVICE_KIND, _("Logins from a new device"),
                       _("Someone logged in to my account from a browser or a place not seen lately."), kinds.Channel.IMMEDIATE)
