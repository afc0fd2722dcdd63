"""``{% feder_block organisation %}``: the EU co-funding block (ui/partials/feder.html) when it
applies. With an organisation (its pages, its own domain's login page): when it turns the block
on. Without one (the shared login page of an instance): when an active organisation of the
instance does, one query on that page only."""

from django import template

from maillon.organisations.models import Organisation

register = template.Library()


def feder_applies(organisation=None) -> bool:
    if organisation is not None:
        return bool(organisation.show_feder_block)
    return Organisation.objects.filter(is_active=True, show_feder_block=True).exists()


@register.inclusion_tag("ui/partials/feder.html")
def feder_block(organisation=None, compact=False):
    return {"show": feder_applies(organisation), "compact": compact}
