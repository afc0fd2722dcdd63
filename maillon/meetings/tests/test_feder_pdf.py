"""The attendance sheet and the minutes of an organisation co-financed by the ERDF carry the
EU co-funding mention (with the emblem) on every page; another organisation's do not."""

import pytest

from maillon.testing import pdf_text

from .helpers import meeting

pytestmark = pytest.mark.django_db

MENTION = "Ce projet est cofinancé par l'Union Européenne avec le FEDER"


@pytest.mark.parametrize("document", ["emargement.pdf", "compte-rendu.pdf"])
def test_meeting_pdfs_carry_the_feder_mention_when_the_organisation_shows_it(people, login, document):
    m = meeting(people.org, people.owner, people.colleague)
    url = f"/essais/reunions/{m.pk}/{document}"
    before = login(people.owner).get(url)
    assert before.status_code == 200 and MENTION not in pdf_text(before.content)
    people.org.show_feder_block = True
    people.org.save(update_fields=["show_feder_block"])
    text = pdf_text(login(people.owner).get(url).content)
    assert MENTION in text and m.title in text
