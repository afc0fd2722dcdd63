"""The pages: who may send, the composer, the preview, the test to oneself, the send, the
newsletter in one click, the space tab, and the public unsubscribe page (RFC 8058 one-click)."""

import pytest
from django.core import mail
from django.urls import reverse

from maillon.accounts.roles import Role
from maillon.content.tests.helpers import news
from maillon.mailings import services
from maillon.mailings.models import Mailing, Recipient, Unsubscription
from maillon.testing import QueryCounter, give_totp, make_member

from .helpers import draft


def url(name, org="essais", **kwargs):
    return reverse(f"mailings:{name}", kwargs={"org": org, **kwargs})


def test_it_composes_previews_tests_and_sends(senders, login, django_capture_on_commit_callbacks, settings):
    settings.MAILINGS_RATE = 0
    client = login(senders.communication)
    page = client.get(url("new"))
    assert page.status_code == 200 and "Rôles" in page.content.decode()
    response = client.post(url("new"), {"subject": "Fermeture estivale", "body": "<p>Le centre ferme <em>en août</em>.</p>",
                                        "new_category": "Vie du centre", "critere_roles": [Role.STAFF]})
    mailing = Mailing.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", pk=mailing.pk)
    page = client.get(url("detail", pk=mailing.pk)).content.decode()
    assert "5 destinataires" in page and senders.people.owner.email in page and "<em>en août</em>" in page
    client.post(url("test", pk=mailing.pk))
    assert [m.to for m in mail.outbox] == [[senders.communication.email]] and mail.outbox[0].subject.startswith("[Test]")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("send", pk=mailing.pk), follow=True)
    assert "part vers 5 personnes" in response.content.decode()
    assert len(mail.outbox) == 5
    page = client.get(url("detail", pk=mailing.pk)).content.decode()
    assert "Envoyé" in page and "envoyer un test" not in page and url("edit", pk=mailing.pk) not in page
    assert client.get(url("edit", pk=mailing.pk)).status_code == 302


def test_it_refuses_bad_input_in_french(senders, login):
    client = login(senders.director)
    page = client.post(url("new"), {"subject": "", "body": "", "critere_roles": ["pilote"]}).content.decode()
    assert "Écrivez un message ou choisissez une actualité." in page
    assert "Choisissez une catégorie ou nommez-en une nouvelle." in page
    assert "Ce choix ne vous est pas ouvert." in page
    assert not Mailing.objects.exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.HR, Role.COORDINATOR, Role.RECEPTION])
def test_it_lets_no_one_else_send(people, login, role):
    user = people.with_role(role)
    client = login(user)
    assert client.get(url("index")).status_code == 403
    assert client.post(url("new"), {"subject": "x", "body": "y", "new_category": "z"}).status_code == 403
    assert not Mailing.objects.exists()


def test_another_organisations_mailings_are_404(senders, login):
    mailing = draft(senders.scope(senders.director))
    outsider_director = make_member(senders.people.other_org, Role.DIRECTOR, username="dir_autre")
    give_totp(outsider_director)
    client = login(outsider_director)
    for name in ("detail", "edit", "test", "send", "retry"):
        assert client.get(url(name, org="autre", pk=mailing.pk)).status_code in (404, 405)
        assert client.post(url(name, org="autre", pk=mailing.pk)).status_code == 404
    # The other organisation's address with its own slug: not a member there.
    assert client.get(url("detail", pk=mailing.pk)).status_code == 404
    assert client.get(url("detail", org="autre", pk=999999)).status_code == 404


def test_a_space_host_writes_to_their_space_only_and_sees_only_their_mailings(senders, login, django_capture_on_commit_callbacks):
    world = senders.world
    colleague_draft = draft(senders.scope(senders.director))  # of « Essais »: not the host's organisation
    client = login(world.host)
    response = client.get(reverse("mailings:space", kwargs={"space": world.space.slug}))
    assert response.status_code == 302 and response["Location"] == url("new", org="autre") + f"?espace={world.space.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "Rôles" not in page and "Groupe numérique" in page
    client.post(url("new", org="autre"), {"subject": "Réunion", "body": "<p>À jeudi</p>", "new_category": "Groupe numérique",
                                          "critere_spaces": [str(world.space.pk)], "critere_roles": [Role.DIRECTOR]})
    mailing = Mailing.objects.get(organisation=senders.people.other_org)
    assert mailing.criteria == {"spaces": [str(world.space.pk)]}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("send", org="autre", pk=mailing.pk))
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.host.email, senders.people.owner.email])
    assert client.get(url("detail", org="autre", pk=colleague_draft.pk)).status_code == 404
    # The director of the host's centre sees the mailing; the host does not see the director's.
    other_director = make_member(senders.people.other_org, Role.DIRECTOR, username="dir_autre")
    give_totp(other_director)
    assert login(other_director).get(url("detail", org="autre", pk=mailing.pk)).status_code == 200
    # A member of the space who is not a host has no tab and no composer.
    assert login(senders.people.owner).get(reverse("mailings:space", kwargs={"space": world.space.slug})).status_code == 403
    # Someone outside the space: the space does not exist for them.
    assert login(world.stranger).get(reverse("mailings:space", kwargs={"space": world.space.slug})).status_code == 404


def test_the_newsletter_is_composed_in_one_click_from_the_months_news(senders, login):
    news(senders.people.org, title="Fête de quartier réussie", intro="Merci aux bénévoles")
    client = login(senders.director)
    response = client.post(url("newsletter"))
    mailing = Mailing.objects.get()
    assert response.status_code == 302 and mailing.kind == Mailing.Kind.NEWSLETTER
    assert mailing.subject.startswith("Lettre d'information") and mailing.category.name == "Lettre d'information"
    assert "Fête de quartier réussie" in mailing.body and "Merci aux bénévoles" in mailing.body
    assert "/essais/" in mailing.body
    # Hosts compose mailings, not the organisation's newsletter.
    assert login(senders.world.host).post(url("newsletter", org="autre")).status_code == 302
    assert Mailing.objects.count() == 1


def test_the_pages_run_as_many_queries_with_many_recipients(senders, login, django_capture_on_commit_callbacks):
    scope = senders.scope(senders.director)
    mailing = draft(scope)
    client = login(senders.director)

    def counts():
        client.get(url("detail", pk=mailing.pk))
        with QueryCounter() as detail:
            client.get(url("detail", pk=mailing.pk))
        with QueryCounter() as index:
            client.get(url("index"))
        return len(detail), len(index)

    few = counts()
    for index in range(30):
        make_member(senders.people.org, username=f"en_plus{index}")
        draft(scope, subject=f"Envoi {index}")
    assert counts() == few
    with django_capture_on_commit_callbacks(execute=True):
        services.queue(scope, mailing)
    client.get(url("detail", pk=mailing.pk))
    with QueryCounter() as sent_page:
        client.get(url("detail", pk=mailing.pk))
    assert len(sent_page) <= few[0] + 2


# ---------------------------------------------------------------- unsubscribing

def unsubscribe_path(mailing, email):
    return reverse("mailings:unsubscribe", kwargs={"token": services.unsubscribe_token(mailing.category_id, email)})


def test_one_click_unsubscribes_without_login_and_is_idempotent(senders, client):
    mailing = draft(senders.scope(senders.director))
    email = senders.people.owner.email
    path = unsubscribe_path(mailing, email)
    page = client.get(path)
    assert page.status_code == 200 and "Se désabonner" in page.content.decode()
    assert not Unsubscription.objects.exists()  # a link checker's GET unsubscribes nobody
    client.handler.enforce_csrf_checks = True
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "Vous êtes désabonné" in response.content.decode()
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert list(Unsubscription.objects.values_list("category", "email")) == [(mailing.category_id, email.lower())]


def test_a_forged_or_cut_signature_is_refused(senders, client):
    mailing = draft(senders.scope(senders.director))
    token = services.unsubscribe_token(mailing.category_id, senders.people.owner.email)
    forged = services.unsubscribe_token(mailing.category_id, "quelquun@ailleurs.test")[:-4] + token[-4:]
    for bad in (forged, token[:-3], "rien", token.replace(":", ".", 1)):
        response = client.post(reverse("mailings:unsubscribe", kwargs={"token": bad}))
        assert response.status_code == 400 and "Ce lien de désabonnement n'est pas valide" in response.content.decode()
    assert not Unsubscription.objects.exists()


def test_the_statuses_page_filters_by_status(senders, login, django_capture_on_commit_callbacks):
    scope = senders.scope(senders.director)
    mailing = draft(scope)
    services.queue(scope, mailing)
    Recipient.objects.filter(mailing=mailing, email=senders.people.owner.email).update(status=Recipient.Status.BOUNCED)
    page = login(senders.director).get(url("detail", pk=mailing.pk) + "?statut=bounced").content.decode()
    assert senders.people.owner.email in page and senders.people.colleague.email not in page
