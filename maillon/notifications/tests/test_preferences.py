"""How each kind of notification reaches a person: their choice per kind (in the app only, an
e-mail at once, the daily digest), the digest itself, the settings page and the API."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from maillon.core import periodic
from maillon.notifications import kinds
from maillon.notifications.digest import send_digests
from maillon.notifications.kinds import Channel
from maillon.notifications.models import Notification, Preference
from maillon.notifications.services import channel_for, notify, preferences, set_preferences
from maillon.testing import QueryCounter

BASE = "https://intranet.exemple.fr"
CONFIGURABLE = [k.code for k in kinds.configurable()]


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.MAILLON_BASE_URL = BASE


def _morning(days: int = 1, minutes: int = 0) -> datetime:
    """07:30 local time ``days`` after today (the digest's hour), whatever the time of the test run."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(7, 30))) + timedelta(minutes=minutes)


def _notify(person, org, kind, title="Quelque chose", url="/essais/tableau-de-bord/", **kwargs):
    return notify(person, title, url=url, organisation=org, kind=kind, **kwargs)


# ---------------------------------------------------------------- each kind, each choice


@pytest.mark.parametrize("channel", Channel.values)
@pytest.mark.parametrize("kind", CONFIGURABLE)
def test_each_kind_reaches_the_person_as_they_chose(people, kind, channel, django_capture_on_commit_callbacks):
    set_preferences(people.colleague, {kind: channel})
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(people.colleague, people.org, kind, title="Votre tâche : ranger la salle", url="/essais/reunions/4/")
    notification.refresh_from_db()
    assert (notification.kind, notification.delivery) == (kind, channel)
    assert Notification.objects.filter(recipient=people.colleague).count() == 1  # in the app, always
    now = list(mail.outbox)
    sent = send_digests(now=_morning())
    if channel == Channel.IN_APP:
        assert now == [] and sent == 0 and mail.outbox == []
    elif channel == Channel.IMMEDIATE:
        assert len(now) == 1 and now[0].to == [people.colleague.email]
        assert now[0].subject == "[Maillon] Votre tâche : ranger la salle"
        assert f"{BASE}/essais/reunions/4/" in now[0].body
        assert sent == 0 and len(mail.outbox) == 1  # and nothing again in the digest
    else:
        assert now == []  # nothing at once
        assert sent == 1 and len(mail.outbox) == 1
        digest = mail.outbox[0]
        assert digest.to == [people.colleague.email]
        assert digest.subject == "[Maillon] Votre résumé du jour : 1 notification"
        assert "Votre tâche : ranger la salle" in digest.body
        assert f"{BASE}/essais/reunions/4/" in digest.body
        assert str(kinds.get(kind).label).upper() in digest.body  # grouped under its kind, in French
        assert f"{BASE}/essais/notifications/reglages/" in digest.body


def test_the_defaults(people):
    chosen = {k.code: c for k, c in preferences(people.owner)}
    assert chosen["meetings.task"] == chosen["meetings.minutes"] == chosen["procedures.step"] == Channel.DIGEST
    for code in ("procedures.approval", "procedures.decision", "agenda.planning", "agenda.swap", "agenda.booking",
                 "meetings.contribution", "meetings.reminder", "content.news", "leave.balance", "agenda.funding"):
        assert chosen[code] == Channel.IMMEDIATE, code
    # kinds not on the page keep their default
    assert channel_for(people.owner, "meetings.cancel") == Channel.IN_APP
    assert channel_for(people.owner, "accounts.membership") == Channel.IMMEDIATE
    assert channel_for(people.owner, kinds.OTHER) == Channel.IMMEDIATE


def test_email_false_keeps_it_in_the_app_whatever_the_choice(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        n = _notify(people.owner, people.org, "procedures.decision", email=False)
    assert n.delivery == Channel.IN_APP and mail.outbox == []


def test_an_unknown_kind_is_a_programming_error(people):
    with pytest.raises(ValueError, match="unknown notification kind"):
        _notify(people.owner, people.org, "meetings.tache")


def test_a_choice_equal_to_the_default_is_no_row(people):
    assert set_preferences(people.owner, {"meetings.task": Channel.IMMEDIATE, "meetings.minutes": Channel.DIGEST}) == 1
    assert list(Preference.objects.values_list("kind", "channel")) == [("meetings.task", "immediate")]
    assert set_preferences(people.owner, {"meetings.task": Channel.DIGEST}) == 1
    assert not Preference.objects.exists()
    assert set_preferences(people.owner, {"meetings.task": Channel.DIGEST}) == 0


@pytest.mark.parametrize("choices", [{"meetings.cancel": "immediate"}, {"nope": "digest"}, {"meetings.task": "sms"},
                                     {"accounts.membership": "in_app"}])
def test_bad_choices_are_refused_in_french(people, choices):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        set_preferences(people.owner, choices)
    assert list(caught.value.message_dict.values())[0][0] in {
        "Type de notification inconnu.", "Choisissez : dans l’application seulement, e-mail immédiat ou résumé quotidien."}
    assert not Preference.objects.exists()


# ---------------------------------------------------------------- the digest


def test_the_digest_groups_by_kind_and_is_sent_once_a_day(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(people.colleague, people.org, "meetings.minutes", title="Compte-rendu publié : COORDO", url="/essais/reunions/1/compte-rendu/")
        _notify(people.colleague, people.org, "meetings.task", title="Nouvelle tâche : appeler la mairie", url="/essais/reunions/1/")
        _notify(people.colleague, people.org, "meetings.task", title="Nouvelle tâche : commander les chaises", url="/essais/reunions/1/")
        _notify(people.owner, people.org, "meetings.task", title="Nouvelle tâche : pour la propriétaire", url="/essais/reunions/1/")
    assert mail.outbox == []
    assert send_digests(now=_morning()) == 2
    assert send_digests(now=_morning(minutes=5)) == 0  # run twice: still one e-mail each
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people.colleague.email, people.owner.email])
    body = next(m for m in mail.outbox if m.to == [people.colleague.email]).body
    assert "[Maillon] Votre résumé du jour : 3 notifications" in [m.subject for m in mail.outbox]
    # tasks first (the order of the settings page), then minutes; each item with its absolute link
    assert body.index("TÂCHES QUI ME SONT CONFIÉES EN RÉUNION") < body.index("appeler la mairie") < body.index("commander les chaises") \
        < body.index("COMPTES-RENDUS PUBLIÉS") < body.index("Compte-rendu publié : COORDO")
    assert f"{BASE}/essais/reunions/1/compte-rendu/" in body and "127.0.0.1" not in body
    assert not Notification.objects.filter(digested_at__isnull=True).exists()
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 4


def test_a_second_run_the_same_day_leaves_new_items_for_the_next_day(people, django_capture_on_commit_callbacks):
    _notify(people.colleague, people.org, "meetings.task", title="Première")
    assert send_digests(now=_morning()) == 1
    late = _notify(people.colleague, people.org, "meetings.task", title="Arrivée après le résumé")
    assert send_digests(now=_morning(minutes=60)) == 0  # that day's digest already left
    late.refresh_from_db()
    assert late.digested_at is None
    assert send_digests(now=_morning(days=2)) == 1
    assert len(mail.outbox) == 2 and "Arrivée après le résumé" in mail.outbox[1].body and "Première" not in mail.outbox[1].body


def test_the_digest_skips_what_was_read_and_people_without_address(people):
    read = _notify(people.colleague, people.org, "meetings.minutes", title="Déjà lu")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    people.owner.email = ""
    people.owner.save()
    _notify(people.owner, people.org, "meetings.task", title="Sans adresse")
    assert send_digests(now=_morning()) == 0
    assert mail.outbox == []
    assert not Notification.objects.filter(digested_at__isnull=True).exists()  # not listed again tomorrow


def test_the_digest_names_the_organisation_for_someone_in_two(people):
    from maillon.testing import make_member

    make_member(people.other_org, user=people.colleague)
    _notify(people.colleague, people.org, "meetings.task", title="Ici")
    _notify(people.colleague, people.other_org, "meetings.task", title="Là-bas", url="/autre/reunions/2/")
    send_digests(now=_morning())
    body = mail.outbox[0].body
    assert "Ici (Centre social des Essais)" in body and "Là-bas (Autre centre)" in body and f"{BASE}/autre/reunions/2/" in body


def test_the_digest_costs_the_same_queries_for_more_items(people):
    _notify(people.colleague, people.org, "meetings.task")
    with QueryCounter() as few:
        send_digests(now=_morning())
    for i in range(12):
        _notify(people.colleague, people.org, "meetings.task", title=f"Tâche {i}")
    with QueryCounter() as many:
        send_digests(now=_morning(days=2))
    assert len(many) == len(few)


def test_the_digest_is_a_daily_job_after_the_meeting_reminders():
    job = periodic.JOBS["notifications.digest"]
    assert job.period == "daily" and job.at.strftime("%H:%M") == "07:30"
    assert periodic.JOBS["meetings.reminders"].at < job.at


def test_the_digest_task_runs_through_the_queue(people):
    from maillon.notifications.tasks import send_digests as task

    _notify(people.colleague, people.org, "meetings.task", title="Par la file")
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    result = task.enqueue()
    assert result.return_value == 1
    assert "Par la file" in mail.outbox[0].body


# ---------------------------------------------------------------- the settings page


def test_the_page_shows_every_kind_with_the_current_choice(people, login):
    set_preferences(people.owner, {"meetings.task": Channel.IMMEDIATE})
    page = login(people.owner).get("/essais/notifications/reglages/").content.decode()
    assert "<h1>Réglages des notifications</h1>" in page
    for header in ("Type de notification", "Dans l’application seulement", "E-mail immédiat", "Résumé quotidien"):
        assert header in page
    assert page.count('type="radio"') == 3 * len(CONFIGURABLE)
    assert len(re.findall(r'type="radio"[^>]* checked', page)) == len(CONFIGURABLE)
    assert 'name="meetings.task" value="immediate" checked' in page
    assert 'name="meetings.minutes" value="digest" checked' in page
    assert "Tâches qui me sont confiées en réunion" in page


def test_the_page_is_reachable_from_the_account_menu_and_the_list(people, login):
    client = login(people.owner)
    assert 'href="/essais/notifications/reglages/"' in client.get("/essais/tableau-de-bord/").content.decode()
    assert 'href="/essais/notifications/reglages/"' in client.get("/essais/notifications/").content.decode()


def test_saving_confirms_and_applies(people, login, django_capture_on_commit_callbacks):
    client = login(people.owner)
    data = {code: kinds.get(code).default for code in CONFIGURABLE} | {"meetings.task": "in_app", "agenda.booking": "digest"}
    response = client.post("/essais/notifications/reglages/", data, follow=True)
    assert response.redirect_chain == [("/essais/notifications/reglages/", 302)]
    page = response.content.decode()
    assert "Vos réglages de notification sont enregistrés." in page
    assert 'name="meetings.task" value="in_app" checked' in page and 'name="agenda.booking" value="digest" checked' in page
    assert dict(Preference.objects.filter(user=people.owner).values_list("kind", "channel")) == {
        "meetings.task": "in_app", "agenda.booking": "digest"}
    with django_capture_on_commit_callbacks(execute=True):
        _notify(people.owner, people.org, "meetings.task")
    assert mail.outbox == []
    assert "Aucun changement" in client.post("/essais/notifications/reglages/", data, follow=True).content.decode()


@pytest.mark.parametrize("bad, message", [
    ({"meetings.task": ""}, "Choisissez comment ce type de notification vous parvient."),
    ({"meetings.task": "sms"}, "Choisissez : dans l’application seulement, e-mail immédiat ou résumé quotidien."),
])
def test_bad_input_is_answered_in_french(people, login, bad, message):
    data = {code: kinds.get(code).default for code in CONFIGURABLE} | bad
    response = login(people.owner).post("/essais/notifications/reglages/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Erreur : Réglages des notifications" in page
    assert 'class="error-summary"' in page and message in page
    assert 'href="#pref-1">Tâches qui me sont confiées en réunion : ' in page and "Il y a un problème" in page
    assert not Preference.objects.exists()


def test_one_changes_only_ones_own_settings(people, login):
    client = login(people.owner)
    data = {code: "in_app" for code in CONFIGURABLE} | {"user": people.colleague.pk, "user_id": people.colleague.pk}
    client.post("/essais/notifications/reglages/", data)
    assert not Preference.objects.filter(user=people.colleague).exists()
    assert Preference.objects.filter(user=people.owner).count() == len(CONFIGURABLE)
    assert client.get(f"/essais/notifications/reglages/{people.colleague.pk}/").status_code == 404
    # and the colleague's page shows the colleague's own (default) choices
    page = login(people.colleague).get("/essais/notifications/reglages/").content.decode()
    assert 'name="meetings.task" value="digest" checked' in page


def test_the_page_needs_a_member(people, client):
    assert client.get("/essais/notifications/reglages/").status_code == 302
    client.force_login(people.outsider)
    assert client.get("/essais/notifications/reglages/").status_code in (403, 404)


def test_the_page_costs_a_fixed_number_of_queries(people, login):
    client = login(people.owner)
    client.get("/essais/notifications/reglages/")
    with QueryCounter() as few:
        client.get("/essais/notifications/reglages/")
    set_preferences(people.owner, {code: "in_app" for code in CONFIGURABLE})
    with QueryCounter() as many:
        client.get("/essais/notifications/reglages/")
    assert len(many) == len(few) <= 14


# ---------------------------------------------------------------- the API


def test_the_api_reads_and_changes_ones_own_settings(people, login):
    client = login(people.owner)
    body = client.get("/api/v1/notifications/preferences").json()
    assert [row["kind"] for row in body] == CONFIGURABLE
    task = next(row for row in body if row["kind"] == "meetings.task")
    assert task == {"kind": "meetings.task", "label": "Tâches qui me sont confiées en réunion",
                    "description": "Une nouvelle tâche, et la veille de son échéance.", "channel": "digest", "default": "digest",
                    "push": False, "push_default": False}
    response = client.put("/api/v1/notifications/preferences", {"preferences": {"meetings.task": "immediate"}},
                          content_type="application/json")
    assert response.status_code == 200
    assert next(row for row in response.json() if row["kind"] == "meetings.task")["channel"] == "immediate"
    assert channel_for(people.owner, "meetings.task") == "immediate"
    assert channel_for(people.colleague, "meetings.task") == "digest"


@pytest.mark.parametrize("payload, message", [
    ({"preferences": {"meetings.task": "sms"}}, "Choisissez : dans l’application seulement, e-mail immédiat ou résumé quotidien."),
    ({"preferences": {"inconnu": "digest"}}, "Type de notification inconnu."),
])
def test_the_api_refuses_bad_input_in_french(people, login, payload, message):
    response = login(people.owner).put("/api/v1/notifications/preferences", payload, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == message
    assert not Preference.objects.exists()


def test_the_api_has_no_way_to_another_persons_settings(people, login, client):
    assert client.get("/api/v1/notifications/preferences").status_code == 401
    client = login(people.owner)
    assert client.get(f"/api/v1/notifications/preferences/{people.colleague.pk}").status_code == 404
    assert client.put(f"/api/v1/notifications/preferences/{people.colleague.pk}", {"preferences": {"meetings.task": "in_app"}},
                      content_type="application/json").status_code in (404, 405)
    assert not Preference.objects.filter(user=people.colleague).exists()
