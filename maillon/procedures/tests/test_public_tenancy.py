"""Public forms and tenancy: commune A's staff never see commune B's citizens' requests (pages and
API), a citizen never follows another's request, a commune without the service has no public
form, an internal procedure is never reachable publicly, a public one never on the intranet."""

import pytest
from django.test import Client

from maillon.citizens.testing import login_citizen
from maillon.procedures import queries, services_public
from maillon.procedures.models import Submission, SubmissionMessage

from .public_helpers import PDF, Town, citizen, waste_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def towns():
    first = Town("commune-a")
    second = Town("commune-b", groupement=first.org.commune_profile.groupement)
    return first, second


def _request(town, person, key="commune-encombrants"):
    procedure = town.enable(key)
    return services_public.send_request(town.request(), procedure, person, waste_answers())


def staff_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_commune_staff_never_sees_another_communes_citizens_requests(towns):
    a, b = towns
    request_b = _request(b, citizen())
    services_public.post_message(request_b, body="Réponse de B", user=b.reception)
    request_a = _request(a, citizen("autre@exemple.test"))
    for user in (a.reception, a.secretary):
        client = staff_client(user)
        queue = client.get(f"/{a.org.slug}/demarches/a-valider/").content.decode()
        assert request_b.reference not in queue and (request_a.reference in queue) == (user == a.reception)
        for path in (f"/{a.org.slug}/demarches/dossiers/{request_b.pk}/", f"/{b.org.slug}/demarches/dossiers/{request_b.pk}/",
                     f"/{a.org.slug}/demarches/dossiers/{request_b.pk}/messages/{SubmissionMessage.objects.get().pk}/"):
            assert client.get(path).status_code in (403, 404), path
        assert client.post(f"/{a.org.slug}/demarches/dossiers/{request_b.pk}/messages/", {"body": "x"}).status_code == 404
    assert SubmissionMessage.objects.count() == 1
    api = staff_client(a.secretary)
    assert api.get(f"/api/v1/procedures/submissions/{request_b.pk}", HTTP_X_ORGANISATION=a.org.slug).status_code == 404
    assert api.get(f"/api/v1/procedures/submissions/{request_b.pk}", HTTP_X_ORGANISATION=b.org.slug).status_code in (403, 404)
    listed = api.get("/api/v1/procedures/submissions", {"scope": "all"}, HTTP_X_ORGANISATION=a.org.slug).json()
    assert [item["reference"] for item in listed["items"]] == [request_a.reference]
    assert listed["items"][0]["applicant"] == "Claire Dupouy <autre@exemple.test>"
    queue = api.get("/api/v1/procedures/submissions", {"scope": "queue"}, HTTP_X_ORGANISATION=a.org.slug).json()
    assert request_b.reference not in str(queue)


def test_a_citizen_cannot_follow_another_citizens_request(client, towns):
    a, b = towns
    owner, other = citizen(), citizen("voisin@exemple.test", "Yannick", "Lafforgue")
    submission = _request(a, owner)
    login_citizen(client, other)
    ref = submission.reference
    base = f"/{a.org.slug}/demarches-en-ligne/suivi/"
    file_id = submission.files.values_list("pk", flat=True).first() or 1
    for path in (f"{base}{ref}/", f"{base}{ref}/recu/", f"{base}{ref}/completer/", f"{base}{ref}/retirer/",
                 f"{base}{ref}/fichier/{file_id}/", f"{base}D-{submission.pk + 1:06d}/", f"{base}n-importe-quoi/"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"{base}{ref}/", {"body": "Je lis ?"}).status_code == 404
    assert client.post(f"{base}{ref}/retirer/").status_code == 404
    # The owner, through another commune's address: not there either.
    login_citizen(client, owner)
    assert client.get(f"/{b.org.slug}/demarches-en-ligne/suivi/{ref}/").status_code == 404
    assert client.get(f"{base}{ref}/").status_code == 200
    assert Submission.objects.get().status == Submission.Status.PENDING and SubmissionMessage.objects.count() == 0


def test_without_the_service_there_is_no_public_form(client):
    plain = Town("sans-demarches", services_=("procedures", "participation"))
    procedure = plain.enable("commune-encombrants")  # enabled by hand, as a template key
    login_citizen(client, citizen())
    for path in (f"/{plain.org.slug}/demarches-en-ligne/", f"/{plain.org.slug}/demarches-en-ligne/{procedure.slug}/"):
        response = client.get(path)
        assert response.status_code == 404 and "introuvable" in response.content.decode().lower()


def test_an_internal_procedure_is_never_reachable_publicly_and_a_public_one_not_on_the_intranet(client, towns):
    a, _b = towns
    internal = a.enable("acompte-salaire")
    public = a.enable("commune-encombrants")
    login_citizen(client, citizen())
    assert internal.title not in client.get(f"/{a.org.slug}/demarches-en-ligne/").content.decode()
    assert client.get(f"/{a.org.slug}/demarches-en-ligne/{internal.slug}/").status_code == 404
    answers = {"montant": "100", "date_souhaitee": "2027-01-05"}
    assert client.post(f"/{a.org.slug}/demarches-en-ligne/{internal.slug}/", answers).status_code == 404
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied from the service itself
        services_public.send_request(a.request(), internal, citizen(), answers)
    assert list(queries.published(a.org)) == [internal]
    staff = staff_client(a.reception)
    assert staff.get(f"/{a.org.slug}/demarches/nouvelle/{public.slug}/").status_code == 404
    assert public.title not in staff.get(f"/{a.org.slug}/demarches/").content.decode()
    assert Submission.objects.count() == 0
    assert PDF.startswith(b"%PDF")
