"""notify(), the list page, reading, the development outbox and the API."""

import pytest
from django.core import mail
from django.test import Client

from maillon.accounts import services_tokens
from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.notifications.models import Notification, OutboxMessage
from maillon.notifications.services import notify, unread_count
from maillon.testing import QueryCounter


def test_notify_creates_the_row_and_sends_the_email_after_commit(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = notify(people.owner, "Votre demande est validée", body="Congés du 3 au 7 août", url="/essais/tableau-de-bord/", organisation=people.org)
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [people.owner.email]
    assert message.subject == "[Maillon] Votre demande est validée"
    assert "Bonjour" in message.body and "Congés du 3 au 7 août" in message.body
    assert "http://127.0.0.1:8000/essais/tableau-de-bord/" in message.body
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert unread_count(people.owner) == 1


def test_notify_sends_no_email_when_asked_not_to_or_without_address(people, django_capture_on_commit_callbacks):
    people.colleague.email = ""
    people.colleague.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(people.owner, "Silencieux", email=False, organisation=people.org)
        notify(people.colleague, "Sans adresse", organisation=people.org)
    assert mail.outbox == []
    assert Notification.objects.count() == 2


def test_a_rolled_back_notification_sends_nothing(people, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notify(people.owner, "Annulée", organisation=people.org)
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_the_header_shows_the_unread_count(people, login):
    client = login(people.owner)
    page = client.get("/essais/tableau-de-bord/").content.decode()
    assert 'class="badge is-hidden"' in page
    for i in range(3):
        notify(people.owner, f"Message {i}", organisation=people.org, email=False)
    notify(people.colleague, "Pas pour moi", organisation=people.org, email=False)
    page = client.get("/essais/tableau-de-bord/").content.decode()
    assert 'aria-label="3 non lues">3</span>' in page


def test_the_header_badge_counts_what_the_list_shows(people, login):
    """Someone in two organisations: each organisation's badge counts its own notifications
    plus account-level ones, exactly the unread items of its list."""
    from maillon.testing import make_member

    make_member(people.other_org, user=people.owner)
    notify(people.owner, "Ici", organisation=people.org, email=False)
    notify(people.owner, "Compte", email=False)
    for i in range(3):
        notify(people.owner, f"Là-bas {i}", organisation=people.other_org, email=False)
    client = login(people.owner)
    here = client.get("/essais/notifications/").content.decode()
    assert here.count('class="row row-link is-unread"') == 2 and 'aria-label="2 non lues">2</span>' in here
    there = client.get("/autre/notifications/").content.decode()
    assert there.count('class="row row-link is-unread"') == 4 and 'aria-label="4 non lues">4</span>' in there
    assert unread_count(people.owner) == 5
    assert unread_count(people.owner, people.org) == 2 and unread_count(people.owner, people.other_org) == 4
    # Marking the list read here leaves the other organisation's badge as it was.
    client.post("/essais/notifications/tout-lu/")
    assert 'class="badge is-hidden"' in client.get("/essais/notifications/").content.decode()
    assert 'aria-label="3 non lues">3</span>' in client.get("/autre/notifications/").content.decode()


def test_the_list_shows_mine_here_and_account_notices_only(people, login):
    notify(people.owner, "Ici", organisation=people.org, email=False)
    notify(people.owner, "Compte", email=False)
    notify(people.colleague, "Collègue", organisation=people.org, email=False)
    notify(people.outsider, "Ailleurs", organisation=people.other_org, email=False)
    Membership.objects.create(user=people.owner, organisation=people.other_org)
    notify(people.owner, "Autre organisation", organisation=people.other_org, email=False)
    page = login(people.owner).get("/essais/notifications/").content.decode()
    assert "Ici" in page and "Compte" in page
    assert "Collègue" not in page and "Ailleurs" not in page and "Autre organisation" not in page
    assert "Tout marquer comme lu" in page


def test_the_list_has_an_empty_state(people, login):
    page = login(people.owner).get("/essais/notifications/").content.decode()
    assert "Vous n’avez aucune notification." in page or "Vous n'avez aucune notification." in page


def test_the_list_paginates_with_a_fixed_number_of_queries(people, login):
    client = login(people.owner)
    notify(people.owner, "Un", organisation=people.org, email=False)
    client.get("/essais/notifications/")
    with QueryCounter() as few:
        assert client.get("/essais/notifications/").status_code == 200
    Notification.objects.bulk_create(Notification(recipient=people.owner, organisation=people.org, title=f"N{i}") for i in range(45))
    with QueryCounter() as many:
        page = client.get("/essais/notifications/").content.decode()
    assert len(many) == len(few)
    assert len(many) <= 14
    assert "Page 1 sur 3" in page
    assert "Page 3 sur 3" in client.get("/essais/notifications/?page=3").content.decode()
    assert client.get("/essais/notifications/?page=abc").status_code == 200


def test_opening_marks_read_and_follows_the_local_link(people, login):
    n = notify(people.owner, "Lien", url="/essais/tableau-de-bord/", organisation=people.org, email=False)
    evil = notify(people.owner, "Ailleurs", url="https://evil.example/", organisation=people.org, email=False)
    client = login(people.owner)
    response = client.get(f"/essais/notifications/{n.pk}/")
    assert response.status_code == 302 and response["Location"] == "/essais/tableau-de-bord/"
    n.refresh_from_db()
    assert n.read_at is not None
    response = client.get(f"/essais/notifications/{evil.pk}/")
    assert response["Location"] == "/essais/notifications/"


def test_a_colleague_cannot_open_my_notification(people, login):
    n = notify(people.owner, "Privé", organisation=people.org, email=False)
    assert login(people.colleague).get(f"/essais/notifications/{n.pk}/").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_is_a_post_and_stays_in_the_organisation(people, login):
    Membership.objects.create(user=people.owner, organisation=people.other_org)
    here = notify(people.owner, "Ici", organisation=people.org, email=False)
    there = notify(people.owner, "Là-bas", organisation=people.other_org, email=False)
    client = login(people.owner)
    assert client.get("/essais/notifications/tout-lu/").status_code == 405
    assert client.post("/essais/notifications/tout-lu/").status_code == 302
    here.refresh_from_db()
    there.refresh_from_db()
    assert here.read_at is not None and there.read_at is None


def test_the_outbox_is_for_admins_outside_production(people, login, settings):
    OutboxMessage.objects.create(subject="Bienvenue", from_email="a@b.c", to="x@y.z", body="Texte")
    message = OutboxMessage.objects.get()
    message.organisations.add(people.org)
    admin = people.with_role(Role.ADMIN)
    assert login(people.owner).get("/essais/admin/boite-envoi/").status_code == 404
    assert login(people.with_role(Role.HR)).get("/essais/admin/boite-envoi/").status_code == 404
    assert login(people.outsider).get("/essais/admin/boite-envoi/").status_code == 404
    client = login(admin)
    page = client.get("/essais/admin/boite-envoi/").content.decode()
    assert "Bienvenue" in page and "E-mails envoyés (développement)" in page
    assert "Texte" in client.get(f"/essais/admin/boite-envoi/{message.pk}/").content.decode()
    settings.MAILLON_ENV = "production"
    assert client.get("/essais/admin/boite-envoi/").status_code == 404
    assert client.get(f"/essais/admin/boite-envoi/{message.pk}/").status_code == 404


def test_the_outbox_backend_keeps_messages(people, settings):
    settings.EMAIL_BACKEND = "maillon.notifications.backends.OutboxEmailBackend"
    from django.core.mail import EmailMultiAlternatives

    email = EmailMultiAlternatives("Objet", "Corps", "from@exemple.test", ["a@exemple.test"], cc=["b@exemple.test"])
    email.attach_alternative("<p>Corps</p>", "text/html")
    email.attach("note.txt", "x", "text/plain")
    assert email.send() == 1
    kept = OutboxMessage.objects.get()
    assert kept.to == "a@exemple.test, b@exemple.test"
    assert kept.html_body == "<p>Corps</p>"
    assert kept.attachments == [{"filename": "note.txt", "mimetype": "text/plain"}]


# API


def _api(user, org_slug="essais"):
    raw = services_tokens.create_token(user, "t").raw
    return Client(headers={"Authorization": f"Bearer {raw}", "X-Organisation": org_slug})


def test_the_api_lists_my_notifications_in_the_organisation(people):
    for i in range(25):
        notify(people.owner, f"N{i}", organisation=people.org, email=False)
    notify(people.owner, "Compte", email=False)
    notify(people.colleague, "Collègue", organisation=people.org, email=False)
    client = _api(people.owner)
    body = client.get("/api/v1/notifications").json()
    assert body["count"] == 26 and body["unread"] == 26 and body["pages"] == 2 and body["page"] == 1
    assert len(body["items"]) == 20
    assert {"Collègue"}.isdisjoint(i["title"] for i in body["items"])
    second = client.get("/api/v1/notifications?page=2").json()
    assert len(second["items"]) == 6
    assert any(i["organisation"] is None for i in second["items"] + body["items"])
    bad = client.get("/api/v1/notifications?page=0")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "page"


def test_the_api_list_does_a_fixed_number_of_queries(people):
    client = _api(people.owner)
    notify(people.owner, "Un", organisation=people.org, email=False)
    client.get("/api/v1/notifications")
    with QueryCounter() as few:
        client.get("/api/v1/notifications")
    Notification.objects.bulk_create(Notification(recipient=people.owner, organisation=people.org, title=f"N{i}") for i in range(30))
    with QueryCounter() as many:
        client.get("/api/v1/notifications")
    assert len(many) == len(few) <= 8


def test_the_api_marks_read(people):
    a = notify(people.owner, "A", organisation=people.org, email=False)
    notify(people.owner, "B", organisation=people.org, email=False)
    theirs = notify(people.colleague, "C", organisation=people.org, email=False)
    client = _api(people.owner)
    response = client.post("/api/v1/notifications/read", {"ids": [a.pk, theirs.pk]}, content_type="application/json")
    assert response.json() == {"marked": 1, "unread": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post("/api/v1/notifications/read", {}, content_type="application/json")
    assert response.json() == {"marked": 1, "unread": 0}
    assert client.get("/api/v1/notifications?unread=true").json()["count"] == 0


def test_the_api_refuses_another_organisation(people):
    notify(people.outsider, "Secret", organisation=people.other_org, email=False)
    client = _api(people.owner, org_slug="autre")
    response = client.get("/api/v1/notifications")
    assert response.status_code == 404
    assert response.json()["detail"] == "Organisation introuvable."
    assert client.post("/api/v1/notifications/read", {}, content_type="application/json").status_code == 404


@pytest.mark.parametrize("role", [Role.STAFF, Role.COORDINATOR, Role.RECEPTION])
def test_every_role_reads_its_own_notifications(people, role):
    user = people.with_role(role)
    notify(user, "Pour vous", organisation=people.org, email=False)
    body = _api(user).get("/api/v1/notifications").json()
    assert [i["title"] for i in body["items"]] == ["Pour vous"]


# The list's rows as the template loop drew them before issue 14's fifth pass.
FORMER_ROWS = """{% load i18n %}<ul class="rows">
{% for n in page_obj %}
  <li class="row row-link{% if not n.read_at %} is-unread{% endif %}">
    <div class="row-main">
      <p class="row-primary"><a href="{{ n.open_url }}">{{ n.title }}</a></p>
      {% if n.body %}<p class="row-secondary">{{ n.body|truncatechars:160 }}</p>{% endif %}
    </div>
    <div class="row-end">{% if not n.read_at %}<span class="status status-wait">{% translate "new" %}</span>{% endif %}<time class="row-meta" datetime="{{ n.created_at|date:'c' }}">{{ n.created_at|date:"j N, H:i" }}</time></div>
  </li>
{% endfor %}
</ul>"""


def test_the_rows_drawn_by_the_view_are_those_the_template_loop_drew(people, login):
    from django.template import engines
    from django.utils import timezone

    from maillon.core.reversing import row_url
    from maillon.notifications import views

    notify(people.owner, "<Réunion> & « compte rendu »", body="e\u0301" * 100 + " <b>gras</b>", organisation=people.org, email=False)
    notify(people.owner, "Long", body="x" * 159 + "é" + "y" * 200, organisation=people.org, email=False)
    notify(people.owner, "Court", body="y" * 160, email=False)
    read = notify(people.owner, "Lu", organisation=people.org, email=False)
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    page = login(people.owner).get("/essais/notifications/").content.decode()
    shown = list(views._Listed(people.owner.pk, people.org.pk)[0:20])
    open_url = row_url("notifications:open", org=people.org.slug)
    for n in shown:
        n.open_url = open_url(n.pk)
    former = engines["django"].from_string(FORMER_ROWS).render({"page_obj": shown})
    assert len(shown) == 4 and views._rows_html(shown, open_url) == former and former in page
    assert [n.pk for n in views._Listed(people.owner.pk, people.org.pk)[2:4]] == [n.pk for n in shown[2:4]]
