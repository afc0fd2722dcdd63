"""row_url / row_route give what reverse() gives, for every row of a list (issue 14)."""

import pytest
from django.urls import reverse

from maillon.core.reversing import row_route, row_url


@pytest.mark.parametrize("pk", [1, 42, 987654320, 987654322])
def test_a_row_url_is_the_reversed_one(pk):
    assert row_url("directory:person_vcard", org="essais")(pk) == reverse("directory:person_vcard", kwargs={"org": "essais", "pk": pk})
    assert row_url("procedures:start", pk="slug", org="essais")(f"conge-{pk}") == reverse("procedures:start", kwargs={"org": "essais", "slug": f"conge-{pk}"})


@pytest.mark.parametrize("slug", ["rapport-2026", "document", "Rapport_v2"])
def test_several_arguments_are_filled_as_reverse_does(slug):
    fill = row_route("content:download", ("pk", "slug"), org="essais")
    assert fill(7, slug) == reverse("content:download", kwargs={"org": "essais", "pk": 7, "slug": slug})


@pytest.mark.parametrize("kind", ["lien", "été à l'école", "a&b=c", "50%"])
def test_text_is_quoted_as_reverse_quotes_it(kind):
    fill = row_route("directory:edit", ("kind", "pk"), org="essais")
    assert fill(kind, 3) == reverse("directory:edit", kwargs={"org": "essais", "kind": kind, "pk": 3})


def test_a_route_missing_an_argument_is_refused():
    with pytest.raises(Exception):  # noqa: B017, PT011 (reverse's NoReverseMatch)
        row_route("content:download", ("pk",), org="essais")
