"""issue 14: ``{% site_header %}`` draws exactly what ui/partials/header.html draws: anonymous, without
an organisation, with one (logo or not, names to escape), unread notifications (0, 1, many, lazy),
roles, other organisations; in French and in English."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from maillon.accounts.models import Membership
from maillon.testing import OrganisationFactory

pytestmark = pytest.mark.django_db

INCLUDE = Template('{% include "ui/partials/header.html" %}')
TAG = Template("{% load maillon_header %}{% site_header %}")


def _both(**values) -> tuple[str, str]:
    values.setdefault("csrf_token", "tok<en>")
    return INCLUDE.render(Context(values)), TAG.render(Context(values))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_tag_draws_the_template(people, language):
    org = people.org
    membership = Membership.objects.get(user=people.owner, organisation=org)
    other_org = OrganisationFactory(name="Centre <Arc> & « Ciel »", slug="arc")
    other = Membership.objects.create(user=people.owner, organisation=other_org)
    people.owner.first_name, people.owner.last_name = "Zoé", "O'Brien <b>"
    cases = [
        {"user": AnonymousUser(), "organisation": None},
        {"user": people.owner, "organisation": None},
        {"user": people.owner, "organisation": org, "membership": membership, "unread_count": 0, "other_memberships": []},
        {"user": people.owner, "organisation": org, "membership": membership, "unread_count": 1, "other_memberships": [other]},
        {"user": people.owner, "organisation": org, "membership": membership, "unread_count": SimpleLazyObject(lambda: 12),
         "other_memberships": SimpleLazyObject(lambda: [other])},
        {"user": people.owner, "organisation": other_org, "membership": None, "unread_count": 3},
    ]
    with translation.override(language):
        for logo in ("", "logos/logo.png"):
            org.logo = logo
            for values in cases:
                expected, drawn = _both(**values)
                assert drawn == expected, values
                if values["organisation"] is not None:
                    assert f'href="/{values["organisation"].slug}/tableau-de-bord/"' in drawn
    assert "O&#x27;Brien &lt;b&gt;" in drawn and "Centre &lt;Arc&gt; &amp; « Ciel »" in drawn  # the last case: the other org
