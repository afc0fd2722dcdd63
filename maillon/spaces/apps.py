from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    """Extranet spaces: working groups across organisations (seed 000)."""

    name = "maillon.spaces"
    label = "spaces"
    verbose_name = _("Spaces")

    def ready(self):
        from maillon.core.registry import register_demo_seeder, register_nav
        from maillon.notifications import kinds

        from . import tabs
        from .demo import seed_spaces

        kinds.register("spaces.invited", _("Spaces"), _("I was added to a space, or my organisation was invited to one."),
                       kinds.Channel.IMMEDIATE)
        register_nav("spaces", _("Spaces"), "spaces:org_index", icon="users", order=45)
        register_demo_seeder(seed_spaces)
        tabs.register_tab("home", _("Overview"), "spaces:space", order=0)
        tabs.register_tab("members", _("Members"), "spaces:members", order=90)
        self.ready_feed()

    def ready_feed(self):
        """The feed (« Fil »), files (« Fichiers ») and their digest e-mails."""
        from datetime import time

        from maillon.core import periodic
        from maillon.core.registry import register_demo_seeder
        from maillon.notifications import kinds

        from . import feed_tasks, tabs
        from .feed_demo import seed_feed

        kinds.register("spaces.mention", _("Mentions in a space"), _("Someone mentioned me in a space's message."),
                       kinds.Channel.IMMEDIATE)
        kinds.register("spaces.comment", _("Comments in a space"), _("Someone commented on my message in a space."),
                       kinds.Channel.DIGEST)
        tabs.register_tab("feed", _("Feed"), "spaces:feed", order=10)
        tabs.register_tab("files", _("Files"), "spaces:files", order=40)
        periodic.register("spaces.digest_daily", feed_tasks.send_daily_digests, "daily", at=time(7, 15))
        periodic.register("spaces.digest_weekly", feed_tasks.send_weekly_digests, "weekly", at=time(7, 15))
        register_demo_seeder(seed_feed)
