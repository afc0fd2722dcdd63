"""``{% static %}`` finding each file's URL once per process (issue 14).

Django's tag (``django.templatetags.static.StaticNode.handle_simple``) checks the installed apps (a
walk over the 60 app configs) and asks the storage at every use: a fiftieth of a list page's CPU.
:func:`install` (``UiConfig.ready``) makes it keep each URL, for every template (ours, Wagtail's,
the admin's) and for ``django.templatetags.static.static()``. The collected files' names do not
change while a process runs; a test that changes STATIC_URL or STORAGES empties the kept URLs
(``maillon_assets._forget_icons``)."""

from django.templatetags.static import StaticNode

from .templatetags.maillon_assets import _assets


def install() -> None:
    if getattr(StaticNode.handle_simple, "maillon_once", False):
        return
    original = StaticNode.handle_simple.__func__

    def handle_simple(cls, path):
        found = _assets.get(path)
        if found is None:
            found = _assets[path] = original(cls, path)
        return found

    handle_simple.maillon_once = True
    StaticNode.handle_simple = classmethod(handle_simple)
