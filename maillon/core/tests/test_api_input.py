"""What the API refuses before any view runs, for every endpoint (maillon/core/apiinput.py):
bodies over the upload limit (413), whole numbers past 64 bits, bodies that are not JSON
objects, null characters (422, in French); and the errors every operation documents."""

import json

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from maillon.accounts import services_tokens
from maillon.api import api
from maillon.core.apiinput import INT64_MAX, INT64_MIN, problems
from maillon.notifications.models import Notification
from maillon.notifications.services import notify

NUL_MESSAGE = "Le caractère nul (\\0) n'est pas accepté."
TOO_BIG = INT64_MAX + 1


@pytest.fixture
def api_client(people):
    raw = services_tokens.create_token(people.owner, "essais").raw
    return Client(headers={"Authorization": f"Bearer {raw}", "X-Organisation": "essais"})


def post_json(client, url, data, **kwargs):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(url, body, content_type="application/json", **kwargs)


def errors(response, status=422):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()["detail"]


# ---------------------------------------------------------------- 413


def test_a_body_over_the_upload_limit_is_a_413_in_french(people, api_client, settings, login):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert limit == 10 * 1024 * 1024
    notify(people.owner, "A", organisation=people.org, email=False)
    big = b'{"ids": [' + b"1," * (limit // 2) + b"1]}"
    detail = errors(post_json(api_client, "/api/v1/notifications/read", big), 413)
    assert detail == "La requête est trop volumineuse : 10 Mo au plus."
    # Through the browser session too (the CSRF check reads the request first).
    session = login(people.owner)
    response = post_json(session, "/api/v1/notifications/read", big, headers={"X-Organisation": "essais"})
    assert response.status_code in {403, 413}  # no CSRF token: either refusal, never a 500
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


# ---------------------------------------------------------------- 64 bits


@pytest.mark.parametrize("number", [TOO_BIG, INT64_MIN - 1, 10**30])
def test_whole_numbers_past_64_bits_are_a_422_wherever_they_are_sent(people, api_client, number):
    notify(people.owner, "A", organisation=people.org, email=False)
    in_path = errors(api_client.get(f"/api/v1/agenda/events/{number}"))
    assert in_path[0]["field"] == "event_id"
    if number > 0:  # Django's int path converter takes digits only: a negative id is no URL (404)
        assert errors(api_client.get(f"/api/v1/meetings/{number}"))[0]["field"] == "meeting_id"
    in_query = errors(api_client.get(f"/api/v1/leave/balances?membership={number}"))
    assert in_query[0]["field"] == "membership"
    in_body = errors(post_json(api_client, "/api/v1/notifications/read", {"ids": [1, number]}))
    assert in_body[0]["field"] == "ids.1"
    assert in_body[0]["msg"].startswith("Saisissez une valeur")
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    # The limits themselves are accepted.
    assert post_json(api_client, "/api/v1/notifications/read", {"ids": [INT64_MAX, INT64_MIN]}).status_code == 200


@given(st.recursive(
    st.none() | st.booleans() | st.integers(INT64_MIN, INT64_MAX) | st.text().filter(lambda s: "\x00" not in s),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3).filter(lambda s: "\x00" not in s), inner, max_size=3),
    max_leaves=12,
))
def test_a_body_within_the_limits_has_no_problem_and_one_bad_value_is_found_at_any_depth(value):
    assert problems(value) == []
    for bad in (TOO_BIG, "a\x00b"):
        found = problems({"x": [value, {"y": bad}]})
        assert [e["loc"] for e in found] == [("x", 1, "y")]


# ---------------------------------------------------------------- bodies that are not objects


@pytest.mark.parametrize("body", ["[null, null]", "[]", "5", '"ids"', "true"])
def test_a_body_that_is_not_a_json_object_is_refused_and_marks_nothing_read(people, api_client, body):
    notify(people.owner, "A", organisation=people.org, email=False)
    notify(people.owner, "B", organisation=people.org, email=False)
    detail = errors(post_json(api_client, "/api/v1/notifications/read", body))
    assert detail == [{"loc": ["body"], "field": "", "msg": "Le corps de la requête doit être un objet JSON ({…}).", "type": "body_not_object"}]
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    # The same rule on another app's endpoint.
    assert errors(post_json(api_client, "/api/v1/tokens", body))[0]["type"] == "body_not_object"
    # No body, or null, still means « all of them », as documented.
    assert post_json(api_client, "/api/v1/notifications/read", "null").json()["marked"] == 2
    assert post_json(api_client, "/api/v1/notifications/read", "").json()["marked"] == 0
    # Where a body is required, null is refused like any other missing body.
    assert errors(post_json(api_client, "/api/v1/tokens", "null"))[0]["msg"] == "Ce champ est obligatoire."


def test_a_body_that_is_not_json_stays_a_400_in_french(people, api_client):
    assert errors(post_json(api_client, "/api/v1/notifications/read", "{"), 400) == "Le corps de la requête n’est pas du JSON valide."


# ---------------------------------------------------------------- null characters


@pytest.mark.parametrize(("method", "url", "data", "field"), [
    ("post", "/api/v1/tokens", {"name": "a\x00b"}, "name"),
    ("post", "/api/v1/tokens", {"name": "ok", "extra": {"deep": ["x\x00"]}}, "extra.deep.0"),
    ("post", "/api/v1/tokens", {"name": "ok", "ke\x00y": 1}, "ke\\0y"),
    ("get", "/api/v1/content/search?q=a%00b", None, "q"),
    ("get", "/api/v1/notifications?page=1&other=%00", None, "other"),
    ("get", "/api/v1/procedures/a%00b", None, "slug"),
])
def test_a_null_character_anywhere_is_a_422_in_french(people, api_client, method, url, data, field):
    response = post_json(api_client, url, data) if method == "post" else api_client.get(url)
    detail = errors(response)
    assert [(e["field"], e["msg"], e["type"]) for e in detail] == [(field, NUL_MESSAGE, "nul_character")]


def test_a_null_character_in_the_organisation_is_a_422(people):
    raw = services_tokens.create_token(people.owner, "t").raw
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/notifications?organisation=ess%00ais")
    assert errors(response)[0]["msg"] == NUL_MESSAGE
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/agenda/resources?organisation=ess%00ais")
    assert errors(response)[0]["msg"] == NUL_MESSAGE


# ---------------------------------------------------------------- other refusals


def test_a_parameter_sent_twice_where_one_is_expected_is_refused(people, api_client):
    detail = errors(api_client.get("/api/v1/procedures/submissions?status=draft&status=pending"))
    assert [(e["field"], e["msg"]) for e in detail] == [("status", "Envoyez ce paramètre une seule fois.")]
    assert api_client.get("/api/v1/procedures/submissions?status=draft").status_code == 200


def test_an_unknown_api_address_is_a_json_404_not_a_redirect(people, api_client):
    for path in ("/api/v1/meetings/true/minutes", "/api/v1/nothing/here", "/api/v1/meetings/1%0A/minutes"):
        assert errors(api_client.get(path), 404) == "Introuvable."
    assert errors(post_json(api_client, "/api/v1/meetings/abc/cancel", {}), 404) == "Introuvable."


# ---------------------------------------------------------------- documentation


def test_every_operation_documents_the_common_errors():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    operations = [(path, method, op) for path, methods in schema["paths"].items() for method, op in methods.items()]
    assert len(operations) > 40
    for path, method, operation in operations:
        documented = {int(status) for status in operation["responses"]}
        assert {400, 401, 403, 404, 413, 422} <= documented, (method, path)
    assert schema["components"]["schemas"]["ValidationErrors"]["required"] == ["detail"]
