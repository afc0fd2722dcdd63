"""core.choices: get_<field>_display() gives exactly Django's answer, for every field with choices
of every model, in French and in English, for known and unknown values."""

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation

from maillon.core import choices


def _django_display(instance, field):
    from django.utils.encoding import force_str
    from django.utils.hashable import make_hashable

    value = getattr(instance, field.attname)
    return force_str(dict(make_hashable(field.flatchoices)).get(make_hashable(value), value), strings_only=True)


def _fields_with_choices():
    return [(model, field) for model in apps.get_models() for field in model._meta.concrete_fields if field.choices]


def test_it_is_installed_on_every_model():
    from maillon.content.models import NewsPage
    from maillon.procedures.models import Submission

    assert Model._get_FIELD_display is choices.get_field_display
    for model, name in ((NewsPage, "category"), (Submission, "status")):
        assert model.__dict__[f"get_{name}_display"].func is choices.get_field_display


@pytest.mark.parametrize("language", ["fr", "en"])
def test_same_label_as_django_for_every_choice_of_every_model(language, db):
    fields = _fields_with_choices()
    assert len(fields) > 20
    with translation.override(language):
        for model, field in fields:
            instance = model()
            for value, _label in [*field.flatchoices, ("valeur-inconnue", None)]:
                setattr(instance, field.attname, value)
                assert getattr(instance, f"get_{field.name}_display")() == _django_display(instance, field), (model, field.name, value)


def test_the_label_follows_the_active_language():
    from maillon.notifications.models import Notification

    field = Notification._meta.get_field("delivery")
    value = field.flatchoices[0][0]
    notification = Notification(delivery=value)
    with translation.override("fr"):
        french = notification.get_delivery_display()
    with translation.override("en"):
        english = notification.get_delivery_display()
    assert french != english
