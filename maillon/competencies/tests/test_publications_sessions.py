"""Monthly group sessions: a meeting type of the meetings app whose session page links entries and
competencies; who links, who sees which linked entry."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.accounts.models import Membership
from maillon.competencies import publications as services
from maillon.competencies.models import Entry, SessionLink
from maillon.meetings import services as meetings

from .test_publications import World


@pytest.fixture
def session(people):
    w = World(people)
    membership = Membership.objects.get(user=w.editor, organisation=w.org)
    start = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=3), datetime.min.time().replace(hour=14)))
    people_in = [Membership.objects.get(user=u, organisation=w.org) for u in (w.alice, w.bruno)]
    meeting = meetings.create_meeting(membership, title="Séance de mars", meeting_type=services.session_type(w.org), start=start,
                                      end=start + timedelta(hours=2), people=people_in, send_email=False)
    w.meeting = meeting
    return w


def _url(w, name="publication_session", **kwargs):
    return reverse(f"competencies:{name}", kwargs={"org": w.org.slug, "pk": w.meeting.pk, **kwargs})


def test_the_session_type_is_a_meeting_type_of_the_organisation_with_its_minutes_sections(session):
    meeting_type = session.meeting.meeting_type
    assert meeting_type.name == services.SESSION_TYPE and meeting_type.organisation == session.org
    assert [s["title"] for s in session.meeting.minutes.sections] == services.SESSION_SECTIONS
    # The meetings' default types are shipped all the same (they go to an organisation without any type).
    assert {"COPIL", "Réunion d'équipe"} <= {t.name for t in meetings.meeting_types(session.org)}


def test_the_organiser_links_a_shared_entry_and_a_competency_and_participants_see_them(session, login):
    w = session
    shared = w.entry(w.alice, timezone.localdate() - timedelta(days=5), title="Atelier CAF partagé")
    private = w.entry(w.alice, timezone.localdate() - timedelta(days=5), visibility=Entry.Visibility.PRIVATE, title="Privé")
    client = login(w.editor)
    page = client.get(_url(w)).content.decode()
    assert "Atelier CAF partagé" in page and "Privé" not in page  # only shared entries are offered
    assert client.post(_url(w), {"referentiel": w.framework.pk, "entry": private.pk}).status_code == 400
    assert client.post(_url(w), {"referentiel": w.framework.pk, "entry": shared.pk}).status_code == 302
    assert client.post(_url(w), {"referentiel": w.framework.pk, "competency": w.c2.pk}).status_code == 302
    assert client.post(_url(w), {"referentiel": w.framework.pk, "entry": shared.pk, "competency": w.c1.pk}).status_code == 400
    assert client.post(_url(w), {"referentiel": w.framework.pk}).status_code == 400
    assert SessionLink.objects.filter(meeting=w.meeting).count() == 2
    page = login(w.bruno).get(_url(w)).content.decode()
    assert "Atelier CAF partagé" in page and "M2 Animer un atelier" in page


def test_a_linked_entry_no_longer_shared_is_hidden(session, login):
    w = session
    entry = w.entry(w.alice, timezone.localdate() - timedelta(days=5), title="Bientôt privée")
    services.link_to_session(w.meeting, framework=w.framework, user=w.editor, entry=entry)
    Entry.objects.filter(pk=entry.pk).update(visibility=Entry.Visibility.PRIVATE)
    page = login(w.bruno).get(_url(w)).content.decode()
    assert "Bientôt privée" not in page and "1 autre entrée liée" in page


def test_who_may_not_link_or_see(session, login, people):
    w = session
    entry = w.entry(w.alice, timezone.localdate() - timedelta(days=5))
    # Chloé takes part in the framework but is not invited: she does not see the meeting.
    assert login(w.chloe).get(_url(w)).status_code == 404
    assert login(w.chloe).post(_url(w), {"referentiel": w.framework.pk, "entry": entry.pk}).status_code == 404
    assert login(w.colleague).get(reverse("competencies:publication_sessions", kwargs={"org": w.org.slug})).status_code == 404
    outsider = login(w.outsider)
    assert outsider.get(reverse("competencies:publication_session", kwargs={"org": people.other_org.slug, "pk": w.meeting.pk})).status_code == 404
    link = services.link_to_session(w.meeting, framework=w.framework, user=w.editor, entry=entry)
    assert login(w.chloe).post(_url(w, "publication_session_unlink", link_pk=link.pk)).status_code == 404
    assert login(w.editor).post(_url(w, "publication_session_unlink", link_pk=link.pk)).status_code == 302
    assert not SessionLink.objects.exists()
    for bad in ("abc", "99999999999999999999"):
        assert login(w.editor).get(f"/{w.org.slug}/parcours/publications/seances/{bad}/").status_code == 404


def test_an_ordinary_meeting_is_not_a_session(session, login):
    w = session
    membership = Membership.objects.get(user=w.editor, organisation=w.org)
    other_type = next(t for t in meetings.meeting_types(w.org) if t.name != services.SESSION_TYPE)
    start = w.meeting.start + timedelta(days=1)
    meeting = meetings.create_meeting(membership, title="Réunion d'équipe", meeting_type=other_type, start=start,
                                      end=start + timedelta(hours=1), send_email=False)
    url = reverse("competencies:publication_session", kwargs={"org": w.org.slug, "pk": meeting.pk})
    assert login(w.editor).get(url).status_code == 404


def test_the_sessions_list(session, login):
    page = login(session.alice).get(reverse("competencies:publication_sessions", kwargs={"org": session.org.slug}))
    assert page.status_code == 200 and "Séance de mars" in page.content.decode()
