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
