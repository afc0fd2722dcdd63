"""URL map. Organisation pages live under /<organisation-slug>/ (see README).

Each Maillon app's ``urls.py`` may define ``org_urlpatterns`` (mounted under
``/<org>/``) and ``urlpatterns`` (mounted at the root); they are discovered here, so a
domain app adds its pages without editing this file.
"""

import re
from importlib import import_module, util

from django.apps import apps
from django.contrib import admin
from django.urls import include, path, re_path, register_converter
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents.views import serve as wagtaildocs_serve

from maillon.api import api
from maillon.core import views as core_views
from maillon.organisations.models import RESERVED_SLUGS


def to_allauth(url_name: str):
    """A library's password or logout form, shadowed by a redirect to allauth's (no query string)."""
    return RedirectView.as_view(pattern_name=url_name, query_string=False)


class OrganisationSlug:
    """``<org:org>``: an organisation's identifier, never a reserved one, so that /espaces/ (an
    app's root page) is not read as the organisation « espaces » by another app's pages."""

    regex = "(?!(?:" + "|".join(sorted(re.escape(s) for s in RESERVED_SLUGS)) + ")(?:/|$))[-a-zA-Z0-9_]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(OrganisationSlug, "org")


def _discover():
    """One include per Maillon app: its root patterns, then its patterns under /<org>/."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("maillon."):
            continue
        module_name = f"{config.name}.urls"
        if util.find_spec(module_name) is None:
            continue
        module = import_module(module_name)
        patterns = list(getattr(module, "urlpatterns", []))
        if getattr(module, "org_urlpatterns", None):
            patterns.append(path("<org:org>/", include(module.org_urlpatterns)))
        namespace = getattr(module, "app_name", None)
        found.append(path("", include((patterns, namespace), namespace=namespace) if namespace else include(patterns)))
    return found


urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    # allauth's list of sessions (usersessions) leads to ours, which can end one at a time.
    path("comptes/sessions/", RedirectView.as_view(pattern_name="accounts:sessions", query_string=False), name="usersessions_redirect"),
    path("comptes/", include("allauth.urls")),
    path("api/v1/", api.urls),
    # Every login and password form goes through allauth (MFA, rate limits, password policy):
    # the admins' own forms are shadowed by redirects to allauth's (test_login_paths).
    path("cms/login/", core_views.login_redirect, name="cms_login_redirect"),
    # Wagtail's logout acts on a plain GET (any site could log people out with an <img>): allauth's
    # asks for a POST with its CSRF token.
    path("cms/logout/", to_allauth("account_logout"), name="cms_logout_redirect"),
    re_path(r"^cms/password_reset/", to_allauth("account_reset_password"), name="cms_password_reset_redirect"),
    path("django-admin/login/", core_views.login_redirect, name="admin_login_redirect"),
    re_path(r"^django-admin/password_change/", to_allauth("account_change_password"), name="admin_password_change_redirect"),
    path("cms/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    # Documents are served by Wagtail's view; its shared-password form is not mounted
    # (no shared passwords: WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS).
    re_path(r"^documents/(\d+)/(.*)$", wagtaildocs_serve.serve, name="wagtaildocs_serve"),
    *_discover(),
]

# /media/ is never served as a directory, DEBUG included: logos are public
# (organisations.views.logo), images go through content.views.media_file (members of the
# image's organisation), documents through content.views.download.

# Wagtail's front-end: only its page-serving view. Its « _util/login/ » (a plain Django LoginView
# that skipped MFA and rate limits) and its shared-password form are not mounted.
urlpatterns.append(re_path(wagtail_urls.serve_pattern, wagtail_views.serve, name="wagtail_serve"))

# An uncaught error: the French page, or JSON under /api/; 503 when the database is down.
handler500 = "maillon.core.errors.server_error"
# 400, 403 (e.g. /cms/ for someone who is not an editor) and 404: French pages (JSON under /api/).
handler400 = "maillon.core.errors.bad_request"
handler403 = "maillon.core.errors.permission_denied"
handler404 = "maillon.core.errors.page_not_found"
