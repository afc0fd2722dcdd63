from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "maillon.accounts"
    label = "accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from allauth.account.signals import user_logged_in

        from .sessions import on_allauth_login

        user_logged_in.connect(on_allauth_login, dispatch_uid="maillon.accounts.login_by")
