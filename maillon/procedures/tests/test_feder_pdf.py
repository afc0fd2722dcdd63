"""The recap PDF of an organisation co-financed by the ERDF carries the EU emblem and the
co-funding mention on every page; another organisation's does not."""

from maillon.testing import pdf_text

from .test_recap_pdf import BASE, approved  # noqa: F401 - the fixture

MENTION = "Ce projet est cofinancé par l'Union Européenne avec le FEDER"


def test_the_recap_carries_the_feder_mention_when_the_organisation_shows_it(people, chain, login, approved):  # noqa: F811
    url = f"{BASE}dossiers/{approved.pk}/recapitulatif.pdf"
    assert MENTION not in pdf_text(login(chain.hr).get(url).content)
    people.org.show_feder_block = True
    people.org.save(update_fields=["show_feder_block"])
    response = login(chain.hr).get(url)
    assert response.status_code == 200
    assert MENTION in pdf_text(response.content)
