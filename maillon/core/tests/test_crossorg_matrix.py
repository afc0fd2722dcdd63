"""The cross-organisation matrix (issue 12): A's members request every URL of the resolver and
every API operation with B's real ids; nothing of B shows and nothing of B changes.

Bounded for CI (two argument sets per URL pattern, A's member holding every role); the full
matrix, every role and more argument sets, is ``.venv/bin/python bench/crossorg.py``."""

import zlib

import pytest
from django.http import HttpResponse

from maillon.directory.models import Partner
from maillon.testing import give_totp, make_member
from maillon.testing_matrix import (
    MARKER,
    ROLE_SETS,
    Matrix,
    World,
    build_world,
    fingerprint,
    leak_excerpt,
    mark,
    owned_rows,
)


@pytest.mark.django_db
def test_no_page_or_api_operation_shows_or_changes_another_organisations_rows():
    world = build_world()
    report = Matrix(world, roles=["direction"], limit=2, crawl=100).run()
    print("\n".join(report.lines()))
    assert report.ok, "\n".join(report.lines())
    # The matrix really ran: logged-in answers, and every route was requested or said why not.
    assert report.requests > 1000
    assert report.by_status[200] > 200
    assert report.b_pages_with_marker > 50
    assert report.routes > 400 and not report.unbuilt


def test_the_marker_is_found_in_pdf_text_folded_lines_and_headers():
    pdf = HttpResponse(b"%PDF-1.4\nstream\n" + zlib.compress(f"BT ({MARKER}) Tj ET".encode()) + b"\nendstream")
    ics = HttpResponse(f"SUMMARY:Réunion {MARKER[:5]}\r\n {MARKER[5:]}\r\n".encode(), content_type="text/calendar")
    header = HttpResponse(b"")
    header["Content-Disposition"] = f'attachment; filename="projet-{MARKER.lower()}.pdf"'
    for response in (pdf, ics, header):
        assert MARKER in leak_excerpt(response).upper()
    assert leak_excerpt(HttpResponse(b"rien"), "") == ""
    echoed = HttpResponse(f"<p>Introuvable : /doc/{MARKER.lower()}/</p>".encode())
    assert leak_excerpt(echoed, f"/doc/{MARKER.lower()}/") == "", "the requested address itself is not a leak"


@pytest.mark.django_db
def test_the_matrix_reports_a_page_that_shows_or_deletes_the_other_organisations_row(people):
    """The detector is not blind: as if tenancy were broken, B's own editor stands for A's."""
    partner = Partner.objects.create(organisation=people.other_org, name="Mission locale")
    editor = make_member(people.other_org, *ROLE_SETS["direction"], username="editeur")
    give_totp(editor)
    world = World(a=people.other_org, b=people.other_org, attackers={"direction": editor}, b_member=editor)
    world.b_rows = owned_rows(people.other_org)
    mark(world.b_rows)
    matrix = Matrix(world)
    matrix.b_state = fingerprint(world)
    client = matrix.clients["direction"]
    base = f"/{people.other_org.slug}/annuaire"

    matrix.send("direction", client, "GET", f"{base}/partenaires/{partner.pk}/")
    matrix.send("direction", client, "POST", f"{base}/partenaire/{partner.pk}/supprimer/")

    assert [(f.kind, f.method) for f in matrix.report.findings] == [("fuite", "GET"), ("modification", "POST")]
    assert "directory_partner" in matrix.report.findings[1].detail
