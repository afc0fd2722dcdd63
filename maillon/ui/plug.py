"""The foundation's own dashboard panels and navigation entries (same API as domain apps)."""

from django.utils.translation import gettext_lazy as _

from maillon.accounts.roles import Role
from maillon.core.registry import register_nav, register_panel


def _notifications_panel(request):
    from maillon.notifications.models import Notification

    latest = list(Notification.objects.for_user(request.user).for_organisation(request.organisation)[:5])
    return {"notifications": latest}


register_nav("dashboard", _("Tableau de bord"), "dashboard", icon="home", order=0, primary=True)
register_nav("notifications", _("Notifications"), "notifications:list", icon="bell", order=90, primary=True)
register_nav("members", _("Équipe et comptes"), "accounts:members", icon="users", order=200, roles={Role.ADMIN, Role.HR})
register_nav("outbox", _("E-mails envoyés (dév.)"), "notifications:outbox", icon="mail", order=210, roles={Role.ADMIN})

register_panel("notifications", "ui/panels/notifications.html", order=900, get_context=_notifications_panel)
