"""A faster ``get_<field>_display()`` for every model (installed by ``CoreConfig.ready``).

Django's own (``Model._get_FIELD_display``) rebuilds a dict of the field's choices at each call,
and building it hashes every (value, label) pair: each lazy label is translated to be hashed. A
list of 5 news items or requests showing their category or status spent a tenth of the
dashboard's server time there (issue 14). Here the {value: label} dict is built once per field,
keyed by the values only; the labels stay lazy, so each call still answers in the active language.
Fields whose choices are computed (a callable) are not cached."""

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_CACHE_ATTRIBUTE = "_maillon_labels_by_value"


def labels_by_value(field) -> dict:
    cached = field.__dict__.get(_CACHE_ATTRIBUTE)
    if cached is None:
        cached = {make_hashable(value): label for value, label in field.flatchoices}
        if isinstance(field.choices, (list, tuple)):
            setattr(field, _CACHE_ATTRIBUTE, cached)
    return cached


def get_field_display(self, field):
    value = getattr(self, field.attname)
    return force_str(labels_by_value(field).get(make_hashable(value), value), strings_only=True)


def install() -> None:
    """Django binds ``get_<field>_display`` when each model class is created (a partialmethod of
    ``Model._get_FIELD_display``): replace those bindings, and the method for models made later.
    A model's own ``get_<field>_display`` is left alone."""
    from functools import partialmethod

    from django.apps import apps
    from django.db.models import Model

    original = Model.__dict__["_get_FIELD_display"]
    Model._get_FIELD_display = get_field_display
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.fields:
            name = f"get_{field.name}_display"
            bound = model.__dict__.get(name)
            if isinstance(bound, partialmethod) and bound.func in (original, get_field_display):
                setattr(model, name, partialmethod(get_field_display, field=field))
