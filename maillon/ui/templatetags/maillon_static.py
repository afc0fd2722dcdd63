"""Django's ``{% load static %}`` library with ``{% static %}`` finding each file's URL once per
process (issue 14). settings.TEMPLATES maps the library name « static » here, so every template
(ours, Wagtail's, the admin's) gets it unchanged. Django's tag checks the installed apps (a walk
over the 60 app configs) and asks the storage at every use: a fiftieth of a list page's CPU.
The collected files' names do not change while a process runs; a test that changes STATIC_URL or
STORAGES empties the kept URLs (``maillon_assets._forget_icons``)."""

from django import template
from django.templatetags import static as django_static

from .maillon_assets import _assets

register = template.Library()
register.tags.update(django_static.register.tags)
register.filters.update(django_static.register.filters)


class StaticOnceNode(django_static.StaticNode):
    @classmethod
    def handle_simple(cls, path):
        found = _assets.get(path)
        if found is None:
            found = _assets[path] = django_static.StaticNode.handle_simple(path)
        return found


@register.tag("static")
def do_static(parser, token):
    return StaticOnceNode.handle_token(parser, token)
