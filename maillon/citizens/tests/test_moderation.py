"""The staff's moderation queue, with a real moderated kind (problem reports)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.citizens import policies
from maillon.citizens.models import Moderation
from maillon.citizens.testing import make_commune
from maillon.signalements.models import Report
from maillon.signalements.tests.helpers import World
from maillon.testing import make_member

pytestmark = pytest.mark.django_db
QUEUE = "/sainte-essai/moderation/"


@pytest.fixture
def world():
    return World()


def signed_in(client, user):
    client.force_login(user)
    return client


def pending(world, n, *, commune=None, start=None):
    start = start or timezone.now() - timedelta(days=30)
    reports = []
    for i in range(n):
        report = world.report(commune=commune, published=False, description=f"Lampadaire cassé n° {i}")
        Report.objects.filter(pk=report.pk).update(created_at=start + timedelta(hours=i))
        reports.append(report)
    return reports


def test_queue_lists_this_communes_pending_rows_oldest_first_in_pages(client, world, django_assert_max_num_queries):
    reports = pending(world, 3)
    world.report(description="Déjà publié")
    pending(world, 1, commune=world.other)
    signed_in(client, world.staff)
    client.get(QUEUE)
    with django_assert_max_num_queries(14) as small:
        text = client.get(QUEUE).content.decode()
    assert [text.index(f"Lampadaire cassé n° {i}") for i in range(3)] == sorted(text.index(f"Lampadaire cassé n° {i}") for i in range(3))
    assert "Déjà publié" not in text and text.count("Lampadaire cassé") == 3
    assert f'/sainte-essai/moderation/signalements/{reports[0].pk}/publier/' in text
    pending(world, 22, start=timezone.now() - timedelta(days=10))
    with django_assert_max_num_queries(len(small.captured_queries)):
        text = client.get(QUEUE).content.decode()
    assert text.count("Lampadaire cassé") == 20 and "Page 1 sur 2" in text
    text = client.get(QUEUE + "?page=2").content.decode()
    assert text.count("Lampadaire cassé") == 5 and "Lampadaire cassé n° 21" in text


def test_publish_and_refuse_are_audited_and_the_author_is_told(client, world, django_capture_on_commit_callbacks):
    first, second = pending(world, 2)
    signed_in(client, world.staff)
    response = client.post(f"{QUEUE}signalements/{first.pk}/publier/", {"page": "1"})
    assert response.status_code == 302 and response["Location"] == QUEUE + "?page=1"
    first.refresh_from_db()
    assert first.moderation == Moderation.PUBLISHED and first.moderated_by == world.staff
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{QUEUE}signalements/{second.pk}/refuser/", {"note": "Propos injurieux"}, follow=True)
    assert "ne sera pas publiée" in response.content.decode()
    second.refresh_from_db()
    assert (second.moderation, second.moderation_note) == (Moderation.REJECTED, "Propos injurieux")
    actions = list(AuditEntry.objects.filter(organisation=world.commune, action__startswith="citizens.moderation.")
                   .values_list("action", "target_id", "data"))
    assert actions == [("citizens.moderation.published", str(first.pk), {"kind": "signalements", "note": ""}),
                       ("citizens.moderation.rejected", str(second.pk), {"kind": "signalements", "note": "Propos injurieux"})]
    told = [m for m in mail.outbox if "habitante@exemple.test" in m.to and "Propos injurieux" in m.body]
    assert len(told) == 1 and "n’a pas été publiée" in told[0].body
    # A second moderator, too late, changes nothing.
    response = client.post(f"{QUEUE}signalements/{second.pk}/publier/", follow=True)
    assert "déjà été modérée" in response.content.decode()
    second.refresh_from_db()
    assert second.moderation == Moderation.REJECTED
    # A reason over 300 characters is refused in French, nothing changes.
    third = pending(world, 1)[0]
    response = client.post(f"{QUEUE}signalements/{third.pk}/refuser/", {"note": "x" * 301}, follow=True)
    assert "trop long" in response.content.decode()
    third.refresh_from_db()
    assert third.moderation == Moderation.PENDING


def test_another_communes_staff_gets_404(client, world):
    report = pending(world, 1)[0]
    signed_in(client, world.other_staff)
    assert client.get(QUEUE).status_code == 404
    assert client.post(f"{QUEUE}signalements/{report.pk}/publier/").status_code == 404
    # Through their own commune's queue, guessing the id.
    for action in ("publier", "refuser"):
        assert client.post(f"/autre-essai/moderation/signalements/{report.pk}/{action}/").status_code == 404
    report.refresh_from_db()
    assert report.moderation == Moderation.PENDING


def test_who_may_moderate_and_bad_addresses(client, world):
    report = pending(world, 1)[0]
    assert signed_in(client, world.plain).get(QUEUE).status_code == 403
    staff = signed_in(client.__class__(), world.staff)
    assert staff.get(f"{QUEUE}signalements/{report.pk}/publier/").status_code == 405
    for path in (f"{QUEUE}signalements/{report.pk}/effacer/", f"{QUEUE}inconnu/{report.pk}/publier/",
                 f"{QUEUE}signalements/99999999999999999999/publier/", f"{QUEUE}signalements/{report.pk + 1000}/publier/"):
        assert staff.post(path).status_code == 404, path


def test_navigation_entry_only_where_a_moderated_service_is_on(client, world):
    signed_in(client, world.staff)
    assert f'href="{QUEUE}"' in client.get("/sainte-essai/tableau-de-bord/").content.decode()
    plain = signed_in(client.__class__(), world.plain)
    assert f'href="{QUEUE}"' not in plain.get("/sainte-essai/tableau-de-bord/").content.decode()
    forms_only = make_commune("formulaires-seuls", services=("citizen_procedures",),
                              groupement=world.commune.commune_profile.groupement)
    coordinator = make_member(forms_only, Role.COORDINATOR, sector_name=None, username="coord.formulaires")
    other = signed_in(client.__class__(), coordinator)
    assert 'href="/formulaires-seuls/moderation/"' not in other.get("/formulaires-seuls/tableau-de-bord/").content.decode()
    assert other.get("/formulaires-seuls/moderation/").status_code == 404
    assert not policies.can_moderate(coordinator.memberships.get())


def test_empty_queue(client, world):
    signed_in(client, world.staff)
    assert "Rien n’attend de modération" in client.get(QUEUE).content.decode()


def test_queue_reads_several_kinds_in_one_page(client, world):
    """Two registered kinds: one UNION, ordered by date across both (the same table twice here)."""
    from unittest import mock

    from maillon.citizens import registry

    reports = pending(world, 3)
    kinds = {"a": registry.ModeratedKind("a", "Genre A", Report, "problem_reports", "signalements/partials/moderation_row.html"),
             "b": registry.ModeratedKind("b", "Genre B", Report, "problem_reports", "signalements/partials/moderation_row.html")}
    signed_in(client, world.staff)
    with mock.patch.dict(registry.MODERATED, kinds, clear=True):
        text = client.get(QUEUE).content.decode()
        assert client.post(f"{QUEUE}b/{reports[0].pk}/publier/").status_code == 302
    assert text.count("Lampadaire cassé") == 6 and "Genre A" in text and "Genre B" in text
    assert text.index("n° 0") < text.index("n° 1") < text.index("n° 2")
