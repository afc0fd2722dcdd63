"""One answer per identity and one support per identity hold when requests arrive at the same
moment (threads, each with its own connection): the unique constraints decide."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from maillon.participation import services
from maillon.participation.models import Answer, Idea, IdeaSupport

from .conftest import consultation


def _run_at_once(actions) -> list[str]:
    barrier = threading.Barrier(len(actions))
    outcomes: list[str | None] = [None] * len(actions)
    errors: list[BaseException] = []

    def run(index, action):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = "ok" if action() is not False else "refused"
        except ValidationError:
            outcomes[index] = "refused"
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == [], errors
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_four_answers_of_one_identity_at_once_count_once(town):
    found = consultation(town.commune)
    option = found.options.first().pk
    outcomes = _run_at_once([lambda: services.answer(found, town.alice, option_id=option) for _ in range(4)])
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    assert Answer.objects.filter(consultation=found).count() == 1


@pytest.mark.django_db(transaction=True)
def test_four_supports_of_one_identity_at_once_count_once(town):
    idea = Idea.objects.create(organisation=town.commune, title="Idée", body="…", moderation="published")
    outcomes = _run_at_once([lambda: services.support(idea, town.bruno) for _ in range(4)])
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    assert IdeaSupport.objects.filter(idea=idea).count() == 1
