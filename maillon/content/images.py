"""Wagtail images of an organisation, served only to its members.

Images live in the organisation's collection (``HomePage.collection``, the only one its editors
may use). Pages show them through ``{% org_image %}``, whose address is ``views.image``: the image
must belong to the collection of the organisation in the address, and the tenancy middleware has
already refused non-members. Only a few rendition sizes exist, so nobody can make the server
compute arbitrary ones.
"""

from __future__ import annotations

from wagtail.images import get_image_model

IMAGE_SPECS = frozenset({"width-800", "width-400", "fill-640x360"})


def images_of(organisation):
    """Images in the organisation's collection (and its sub-collections); none without one."""
    from .models import HomePage

    home = HomePage.objects.filter(organisation=organisation).select_related("collection").only("collection__path").first()
    model = get_image_model()
    if home is None or home.collection is None:
        return model.objects.none()
    return model.objects.filter(collection__path__startswith=home.collection.path)


def organisation_of_collection(collection):
    """The organisation whose image collection holds ``collection`` (itself or a child), or None
    (one query: the collection's ancestors' paths are prefixes of its own path)."""
    from .models import HomePage

    if collection is None:
        return None
    step = collection.steplen
    ancestors = [collection.path[: step * depth] for depth in range(1, len(collection.path) // step + 1)]
    home = HomePage.objects.filter(organisation__isnull=False, collection__path__in=ancestors).select_related("organisation").first()
    return home.organisation if home else None


def may_open_collection_file(user, collection) -> bool:
    """A file of a collection (image original, rendition, Wagtail document): active members of
    the organisation owning the collection; files outside any organisation: superusers only."""
    from maillon.accounts.models import Membership

    if user is None or not user.is_authenticated or not user.is_active:
        return False
    organisation = organisation_of_collection(collection)
    if organisation is None:
        return user.is_superuser
    return Membership.objects.active().filter(user=user, organisation=organisation).exists()
