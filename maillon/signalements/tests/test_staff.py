"""Staff pages of problem reports: tenancy (another commune's staff: 404, photo included), who
may handle them, status changes (timeline, audit, e-mail to the citizen), moderation, the list's
filters and counts, the categories, what registers with the citizens' side."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from maillon.audit.models import AuditEntry
from maillon.citizens import registry
from maillon.citizens.models import Moderation
from maillon.communes import services as commune_services
from maillon.communes.models import CommuneService
from maillon.signalements import geo, services
from maillon.signalements.models import Category, Report, ReportUpdate

from .helpers import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return World()


def _base(world):
    return "/sainte-essai/signalements/gestion/"


def test_another_communes_staff_gets_404_everywhere(client, world):
    report = world.report(photo=True)
    client.force_login(world.other_staff)
    base = _base(world)
    for path in (base, f"{base}{report.reference}/", f"{base}{report.reference}/photo/", f"{base}categories/",
                 f"{base}categories/{world.categories[0].pk}/supprimer/"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"{base}{report.reference}/", {"s-status": "resolved", "s-comment": "x"}).status_code == 404
    # Its own commune's pages with this commune's tracking number or category: 404 as well.
    mine = "/autre-essai/signalements/gestion/"
    assert client.get(f"{mine}{report.reference}/").status_code == 404
    assert client.get(f"{mine}{report.reference}/photo/").status_code == 404
    assert client.get(f"{mine}categories/{world.categories[0].pk}/supprimer/").status_code == 404
    assert client.post(f"{mine}categories/", {"action": "archive", "category": world.categories[0].pk}).status_code == 404
    assert Report.objects.get(pk=report.pk).status == Report.Status.NEW
    assert Category.objects.get(pk=world.categories[0].pk).is_active


def test_a_member_who_does_not_handle_reports_gets_403_and_no_nav_entry(client, world):
    client.force_login(world.plain)
    assert client.get(_base(world)).status_code == 403
    client.force_login(world.staff)
    page = client.get(_base(world))
    assert page.status_code == 200
    assert 'href="/sainte-essai/signalements/gestion/"' in page.content.decode()


def test_staff_pages_are_off_when_the_service_is(client, world):
    CommuneService.objects.filter(organisation=world.commune, key="problem_reports").delete()
    commune_services.forget(world.commune.pk)
    client.force_login(world.staff)
    assert client.get(_base(world)).status_code == 404
    assert client.get("/sainte-essai/signalements/").status_code == 404


def test_the_photo_is_served_to_staff_only_through_the_checked_view(client, world):
    report = world.report(photo=True)
    client.force_login(world.staff)
    response = client.get(f"{_base(world)}{report.reference}/photo/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert not image.getexif().get_ifd(0x8825)
    assert client.get(f"/media/{report.photo.name}").status_code == 404  # no public media URL
    detail = client.get(f"{_base(world)}{report.reference}/").content.decode()
    assert f"{report.reference}/photo/" in detail
    no_photo = world.report()
    assert client.get(f"{_base(world)}{no_photo.reference}/photo/").status_code == 404
    client.logout()
    assert client.get(f"{_base(world)}{report.reference}/photo/").status_code in (302, 404)


def test_a_status_change_is_audited_shown_and_emailed(client, world, mailoutbox, django_capture_on_commit_callbacks):
    report = world.report(published=False)
    client.force_login(world.staff)
    path = f"{_base(world)}{report.reference}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"s-status": "in_progress", "s-comment": "Les services techniques passent jeudi."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.IN_PROGRESS and report.moderation == Moderation.PENDING
    update = ReportUpdate.objects.get()
    assert (update.old_status, update.status, update.author) == ("new", "in_progress", world.staff)
    assert AuditEntry.objects.filter(action="signalements.report.status", target_id=str(report.pk)).exists()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["habitante@exemple.test"]
    assert report.reference in mail.subject and "Pris en charge" in mail.subject
    assert "Les services techniques passent jeudi." in mail.body
    assert f"/sainte-essai/signalements/{report.reference}/" in mail.body
    # The citizen sees the timeline with the comment, though the report is not published yet.
    from maillon.citizens.testing import login_citizen

    citizen = client.__class__()
    login_citizen(citizen, world.citizen)
    page = citizen.get(f"/sainte-essai/signalements/{report.reference}/").content.decode()
    assert "Les services techniques passent jeudi." in page and "Pris en charge" in page
    # A second change: a second e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path, {"s-status": "resolved", "s-comment": ""})
    assert len(mailoutbox) == 2 and "Résolu" in mailoutbox[1].subject


def test_an_unchanged_status_needs_a_comment_and_bad_values_are_refused(client, world, mailoutbox):
    report = world.report()
    client.force_login(world.staff)
    path = f"{_base(world)}{report.reference}/"
    response = client.post(path, {"s-status": "new", "s-comment": ""})
    assert response.status_code == 400
    assert "Le statut est inchangé" in response.content.decode()
    assert client.post(path, {"s-status": "oops", "s-comment": ""}).status_code == 400
    assert client.post(path, {"s-status": "resolved", "s-comment": "x" * 2001}).status_code == 400
    assert not ReportUpdate.objects.exists() and mailoutbox == []


def test_staff_publish_or_refuse_from_the_report(client, world):
    report = world.report(published=False)
    client.force_login(world.staff)
    path = f"{_base(world)}{report.reference}/"
    assert client.post(path, {"publish": "1", "m-note": ""}).status_code == 302
    report.refresh_from_db()
    assert report.moderation == Moderation.PUBLISHED and report.moderated_by == world.staff
    assert client.get("/sainte-essai/signalements/").content.decode().count(report.reference) >= 1
    other = world.report(published=False)
    client.post(f"{_base(world)}{other.reference}/", {"refuse": "1", "m-note": "Hors sujet"})
    other.refresh_from_db()
    assert other.moderation == Moderation.REJECTED and other.moderation_note == "Hors sujet"
    assert AuditEntry.objects.filter(action="signalements.report.refuse").exists()


def test_the_list_filters_counts_and_stays_within_its_queries(client, world, django_assert_max_num_queries):
    for index in range(25):
        world.report(description=f"Signalement {index}", category=world.categories[index % 3], published=index % 2 == 0)
    Report.objects.filter(description="Signalement 3").update(status=Report.Status.RESOLVED)
    world.report(commune=world.other, description="Chez le voisin")
    client.force_login(world.staff)
    client.get(_base(world))
    with django_assert_max_num_queries(14):
        response = client.get(_base(world))
    page = response.content.decode()
    assert response.context["counts"]["total"] == 25 and response.context["counts"]["pending"] == 12
    assert response.context["counts"]["resolved"] == 1
    assert "Chez le voisin" not in page
    assert response.context["page_obj"].paginator.num_pages == 2
    newest = response.context["page_obj"].object_list[0]
    assert newest.description == "Signalement 24"
    filtered = client.get(_base(world), {"status": "resolved"})
    assert [r.description for r in filtered.context["page_obj"].object_list] == ["Signalement 3"]
    by_category = client.get(_base(world), {"category": world.categories[1].pk})
    assert all(r.category_id == world.categories[1].pk for r in by_category.context["page_obj"].object_list)
    pending = client.get(_base(world), {"moderation": "pending"})
    assert pending.context["page_obj"].paginator.count == 12
    for bad in ({"status": "nope"}, {"category": "abc"}, {"category": world.other_categories[0].pk}, {"page": "x"}):
        assert client.get(_base(world), bad).status_code == 200


def test_categories_defaults_add_archive_and_delete(client, world):
    assert [c.name for c in world.categories] == ["Voirie", "Éclairage public", "Propreté", "Espaces verts",
                                                  "Bâtiments communaux", "Autre"]
    client.force_login(world.staff)
    base = f"{_base(world)}categories/"
    assert client.post(base, {"name": "  Cimetière  "}).status_code == 302
    assert Category.objects.filter(organisation=world.commune, name="Cimetière").exists()
    assert client.post(base, {"name": "voirie"}).status_code == 400  # exists already
    used = world.categories[0]
    world.report(category=used)
    client.post(base, {"action": "archive", "category": used.pk})
    used.refresh_from_db()
    assert not used.is_active
    assert used.pk not in [c.pk for c in services.categories(world.commune)]
    # Used: cannot be deleted (archived instead); unused: a confirmation page, then deleted.
    client.post(f"{base}{used.pk}/supprimer/")
    assert Category.objects.filter(pk=used.pk).exists()
    unused = world.categories[5]
    confirm = client.get(f"{base}{unused.pk}/supprimer/")
    assert confirm.status_code == 200 and "Autre" in confirm.content.decode()
    assert Category.objects.filter(pk=unused.pk).exists()
    client.post(f"{base}{unused.pk}/supprimer/")
    assert not Category.objects.filter(pk=unused.pk).exists()
    huge = "9" * 25
    assert client.get(f"{base}{huge}/supprimer/").status_code == 404
    assert client.post(base, {"action": "archive", "category": huge}).status_code == 404
    assert AuditEntry.objects.filter(action="signalements.category.delete").exists()


def test_the_last_category_offered_cannot_go(world):
    from maillon.accounts.models import Membership

    membership = Membership.objects.with_roles().select_related("organisation").get(user=world.staff)
    for category in world.categories[1:]:
        services.set_category_active(membership, category, False)
    with pytest.raises(ValidationError):
        services.set_category_active(membership, world.categories[0], False)


def test_citizen_items_moderation_and_portal_are_registered(world):
    report = world.report(published=False)
    items = services.citizen_items(world.citizen, world.commune)
    assert [i.url for i in items] == [f"/sainte-essai/signalements/{report.reference}/"]
    assert services.citizen_items(world.neighbour, world.commune) == []
    assert services.citizen_items(world.citizen, world.other) == []
    assert registry.MODERATED["signalements"].model is Report
    assert registry.PORTAL_SECTIONS["signalements"].service == "problem_reports"
    assert services.citizen_items in registry.CITIZEN_ITEMS


@given(st.floats(min_value=42.0, max_value=51.0), st.floats(min_value=-4.5, max_value=8.0))
def test_points_in_metropolitan_france_are_accepted(lat, lng):
    assert geo.in_france(lat, lng)


@given(st.floats(min_value=-90, max_value=90), st.floats(min_value=-180, max_value=180))
def test_points_are_accepted_only_in_a_french_box(lat, lng):
    inside = any(s <= lat <= n and w <= lng <= e for s, w, n, e in geo.BOXES)
    assert geo.in_france(lat, lng) is inside
    if lat < 0 and lng < 0 or abs(lng) > 62:  # South America's south, the Pacific, Asia: never
        assert not geo.in_france(lat, lng)


def test_a_pending_report_waits_in_the_moderation_queue(client, world):
    report = world.report(published=False, description="À lire avant publication.")
    world.report(description="Déjà publié.")
    client.force_login(world.staff)
    response = client.get("/sainte-essai/moderation/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"/sainte-essai/signalements/gestion/{report.reference}/" in page and "À lire avant publication." in page
    assert "Déjà publié." not in page
