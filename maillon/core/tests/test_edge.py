"""Limits at the edge of the app (issue 12, items 5 and 9): the null character, which
PostgreSQL refuses in text, never reaches a page's code; a body over the limit is a 413 before
it is read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from maillon.accounts.csv_import import CsvFileError, import_members
from maillon.accounts.roles import Role
from maillon.meetings.models import Meeting
from maillon.meetings.tests.helpers import at as when
from maillon.meetings.tests.helpers import coordo_type, meeting, membership, room


def test_a_null_character_in_a_form_is_taken_out_before_the_page_saves_it(people, login):
    client = login(people.owner)
    response = client.post("/essais/reunions/nouvelle/", {
        "title": "COORDO\x00 avril", "meeting_type": coordo_type(people.org).pk, "day": "2030-04-03",
        "start_time": "14:00", "end_time": "16:00", "room": room(people.org).pk,
        "people": [membership(people.colleague, people.org).pk], "objective": "\x00", "agenda": "Été\x00",
        "new_series": "on"})
    assert response.status_code == 302
    saved = Meeting.objects.get()
    assert saved.title == "COORDO avril" and saved.agenda == "Été"


def test_a_null_character_in_the_minutes_and_the_search_is_no_error(people, login):
    client = login(people.owner)
    m = meeting(people.org, people.owner, start=when(2030, 4, 3, 14))
    response = client.post(f"/essais/reunions/{m.pk}/compte-rendu/", {"version": 1, "s1": "Point\x00 un"})
    assert response.status_code in {200, 302}
    m.minutes.refresh_from_db()
    assert "Point un" in str(m.minutes.sections) and "\x00" not in str(m.minutes.sections)
    for url in ("/essais/recherche/?q=va\x00cances", "/essais/reunions/?q=\x00", "/essais/agenda/?q=%00"):
        assert client.get(url).status_code == 200, url


def test_a_csv_file_with_null_characters_is_refused_in_french(people):
    utf16 = "login;email\r\nmarie;marie@exemple.test\r\n".encode("utf-16")
    with pytest.raises(CsvFileError, match="caractères nuls"):
        import_members(people.org, utf16, actor=people.owner)


def test_the_csv_import_page_says_so(people, login):
    client = login(people.with_role(Role.ADMIN))
    upload = SimpleUploadedFile("equipe.csv", b"login;email\x00\r\n", content_type="text/csv")
    page = client.post("/essais/admin/membres/import/", {"file": upload}).content.decode()
    assert "caractères nuls" in page


@pytest.mark.parametrize("path", ["/essais/reunions/nouvelle/", "/api/v1/notifications/read", "/comptes/login/"])
def test_a_body_over_the_limit_is_refused_before_it_is_read(people, settings, path):
    client = Client()
    client.force_login(people.owner)
    response = client.generic("POST", path, b"x", CONTENT_TYPE="application/octet-stream",
                              CONTENT_LENGTH=str(settings.MAILLON_MAX_REQUEST_BYTES + 1))
    assert response.status_code == 413
    assert "trop volumineuse" in response.content.decode()
    if path.startswith("/api/"):
        assert response["Content-Type"].startswith("application/json")


def test_form_fields_over_the_memory_limit_are_a_413_not_a_500(people, login, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = login(people.owner).post("/essais/reunions/nouvelle/", {"title": "x" * 5000})
    assert response.status_code == 413
