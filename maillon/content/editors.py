"""The Wagtail back office, per organisation.

Each organisation gets, once (``ensure_home``): its ``HomePage`` under Wagtail's root, an image
``Collection`` and a Django group « Communication · <slug> » holding Wagtail's admin access,
page permissions on that home page (so on its subtree only) and image permissions on that
collection. ``sync_editors`` keeps the group's members equal to the organisation's active
members holding the « communication » role; it runs whenever a role or membership changes
(signals in ``signals.py``). Anyone else has no Wagtail permission: the admin refuses them
and Maillon does not show them the link.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from maillon.accounts.roles import Role
from maillon.organisations.models import Organisation

from .models import HomePage

PAGE_PERMISSIONS = ("add", "change", "publish", "lock", "unlock")
IMAGE_PERMISSIONS = ("add_image", "change_image", "choose_image")


def group_name(organisation: Organisation) -> str:
    return f"Communication · {organisation.slug}"


@transaction.atomic
def ensure_home(organisation: Organisation) -> HomePage:
    """The organisation's home page, collection and editors' group (created if missing)."""
    home = HomePage.objects.filter(organisation=organisation).first()
    if home is None:
        root = _root_page()
        home = root.add_child(instance=HomePage(title=organisation.name, slug=f"org-{organisation.slug}"[:255], organisation=organisation))
    if home.collection_id is None:
        collection = (Collection.get_first_root_node() or Collection.add_root(name="Root")).add_child(name=f"{organisation.name} ({organisation.slug})")
        HomePage.objects.filter(pk=home.pk).update(collection=collection)
        home.collection = collection
    # A Wagtail Site record whose host name never resolves (.invalid, RFC 2606): Wagtail then
    # treats the tree as a site (no « not reachable » warning for editors) but never serves it;
    # pages are served by Maillon under /<org>/ (see models.MaillonPage.get_url_parts).
    Site.objects.get_or_create(root_page=home, defaults={"hostname": f"{organisation.slug}.maillon.invalid", "port": 443, "site_name": organisation.name})
    group, _created = Group.objects.get_or_create(name=group_name(organisation))
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for kind in PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=f"{kind}_page")
        GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)
    for codename in IMAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailimages", codename=codename)
        GroupCollectionPermission.objects.get_or_create(group=group, collection=home.collection, permission=permission)
    sync_editors(organisation)
    return home


def _root_page() -> Page:
    """Wagtail's root (created by its migrations; recreated if a database flush removed it)."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale

    root = Page.get_first_root_node()
    if root is None:
        locale, _created = Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return root


def sync_editors(organisation: Organisation) -> None:
    """The editors' group = active members holding the communication role."""
    from maillon.accounts.models import User

    group = Group.objects.filter(name=group_name(organisation)).first()
    if group is None:
        return
    editors = User.objects.filter(
        is_active=True, memberships__organisation=organisation, memberships__is_active=True,
        memberships__role_assignments__role=Role.COMMUNICATION,
    ).distinct()
    group.user_set.set(editors)
