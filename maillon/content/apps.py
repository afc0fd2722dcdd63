from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    """Wagtail pages of each organisation: home, sections, news, documents; search."""

    name = "maillon.content"
    label = "content"
    verbose_name = _("Content")

    def ready(self):
        from maillon.accounts.roles import Role
        from maillon.core import periodic
        from maillon.core.registry import register_demo_seeder, register_nav, register_panel

        from . import signals, tasks  # noqa: F401
        from .demo import seed
        from .panels import news_panel

        register_nav("news", _("News"), "content:home", icon="news", order=15)
        register_nav("documents", _("Documents"), "content:documents", icon="file", order=50, primary=True)
        register_nav("search", _("Search"), "content:search", icon="search", order=90)
        register_nav("back_office", _("Edit the intranet"), "content:back_office", icon="upload", order=95, roles={Role.COMMUNICATION})
        register_panel("news", "content/panels/news.html", order=5, get_context=news_panel)
        register_demo_seeder(seed)
        periodic.register("content.publish_scheduled", tasks.publish_scheduled, "hourly")
