"""``{% site_header %}``: every page's header drawn in Python (issue 14). ui/partials/header.html stays
the reference (``ui/tests/test_site_header.py`` draws both for people with and without an
organisation, a logo, unread notifications, roles and other organisations, and compares them):
translations are written as ``{% translate %}`` writes them (not escaped: the
texts are ours); the template engine's twenty nodes, variable look-ups and translations were a twentieth of a page.
What depends only on the organisation and the language is made once per process; the person, the
badge and the CSRF token are the request's."""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import conditional_escape as esc
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

from .maillon_assets import icon, small_logo_url

register = template.Library()

LIMIT = 1024
_kept: dict[tuple, str] = {}
_CSRF = CsrfTokenNode()


def _once(*key, build) -> str:
    key = (get_language(), *key)
    found = _kept.get(key)
    if found is None:
        if len(_kept) >= LIMIT:
            _kept.clear()
        found = _kept[key] = build()
    return found


def _brand(organisation) -> str:
    if organisation is None:
        return f'<a class="brand" href="{reverse("home")}">\n    <span class="brand-mark" aria-hidden="true">M</span>\n    <span class="brand-name">Maillon</span>\n  </a>'
    name = organisation.name or ""
    mark = (f'<img src="{esc(small_logo_url(organisation.logo))}" alt="" class="brand-logo" width="32" height="32" loading="lazy" '
            'fetchpriority="low" decoding="async">' if organisation.logo
            else f'<span class="brand-mark" aria-hidden="true">{esc((name or "M")[:1])}</span>')
    return (f'<a class="brand" href="{reverse("dashboard", kwargs={"org": organisation.slug})}">\n    {mark}\n'
            f'    <span class="brand-name">{esc(name or "Maillon")}</span>\n  </a>')


def _bell(slug: str) -> str:
    return (f'<a class="icon-button" href="{reverse("notifications:list", kwargs={"org": slug})}" data-unread-link>\n      {icon("bell")}\n'
            f'      <span class="visually-hidden">{gettext("Notifications")}</span>')


def _account_links(slug: str | None) -> str:
    preferences = (f'<li><a href="{reverse("notifications:preferences", kwargs={"org": slug})}">{icon("mail")}'
                   f'{gettext("E-mail notifications")}</a></li>') if slug else ""
    return (f'{preferences}\n          <li><a href="{reverse("accounts:security")}">{icon("shield")}{gettext("Account security")}</a></li>\n'
            f'          <li><a href="{reverse("accounts:tokens")}">{icon("key")}{gettext("API tokens")}</a></li>')


def _switch(slug: str, name: str) -> str:
    return f'<li><a href="{reverse("dashboard", kwargs={"org": slug})}">{icon("switch")}{esc(name)}</a></li>'


def _logout() -> tuple[str, str]:
    return (f'<li><form method="post" action="{reverse("account_logout")}">',
            f'<button type="submit" class="linklike">{icon("logout")}{gettext("Sign out")}</button></form></li>')


@register.simple_tag(takes_context=True)
def site_header(context) -> str:
    organisation = context.get("organisation")
    user = context.get("user")
    slug = organisation.slug if organisation is not None else None
    logo = organisation.logo.name if organisation is not None and organisation.logo else None
    html = ['\n\n<header class="topbar" role="banner">\n  ',
            _once("brand", slug, organisation.name if organisation is not None else None, logo, build=lambda: _brand(organisation)),
            "\n  "]
    if user is not None and user.is_authenticated:
        html.append('\n  <div class="topbar-actions">\n    ')
        if organisation is not None:
            unread = context.get("unread_count", "")
            count = int(str(unread) or 0)
            label = ngettext("%(counter)s unread", "%(counter)s unread", count) % {"counter": count}
            html += ["\n    ", _once("bell", slug, build=lambda: _bell(slug)),
                     f'\n      <span class="badge{"" if unread else " is-hidden"}" data-unread-count aria-label="{label}">{esc(unread)}</span>\n    </a>\n    ']
        membership = context.get("membership")
        roles = f'<br><span class="muted">{esc(", ".join(membership.role_labels()))}</span>' if membership else ""
        html.append(f'\n    <details class="menu">\n      <summary class="avatar" aria-label="{gettext("My account")}">{esc(user.initials)}</summary>\n'
                    f'      <div class="menu-panel">\n        <p class="menu-user"><strong>{esc(user.display_name)}</strong>{roles}</p>\n        ')
        others = context.get("other_memberships")
        if others:
            items = "".join(_once("switch", m.organisation.slug, m.organisation.name,
                                  build=lambda m=m: _switch(m.organisation.slug, m.organisation.name)) for m in others)
            html.append(f'\n        <p class="menu-heading">{gettext("Switch organisation")}</p>\n        <ul class="menu-list">\n'
                        f'          {items}\n        </ul>\n        ')
        form, button = _once("logout", build=lambda: "\x00".join(_logout())).split("\x00")
        html += ['\n        <ul class="menu-list">\n          ', _once("account-links", slug, build=lambda: _account_links(slug)),
                 "\n          ", form, _CSRF.render(context), button, "\n        </ul>\n      </div>\n    </details>\n  </div>\n  "]
    html.append("\n</header>\n")
    return mark_safe("".join(html))  # noqa: S308 - every value of the request or the database is escaped above
