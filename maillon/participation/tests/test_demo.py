"""The demo: participation in three communes of the Val de Gers, once."""

from types import SimpleNamespace

import pytest

from maillon.citizens.models import Moderation
from maillon.communes.demo import seed_communes
from maillon.participation.demo import PARTICIPATION_COMMUNES, seed_participation
from maillon.participation.models import Consultation, Idea, IdeaSupport

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_consultations_and_ideas_once(client):
    context = SimpleNamespace(people={}, logins=[])
    seed_communes(context)
    seed_participation(context)
    place = Consultation.objects.get(organisation__slug="aubertin-sur-gimone", title="Aménagement de la place de la mairie")
    assert place.is_open and place.answers.count() >= 10
    assert Consultation.objects.filter(organisation__slug="aubertin-sur-gimone", closes_at__lt=place.opens_at).count() >= 2
    ideas = Idea.objects.filter(organisation__slug="aubertin-sur-gimone")
    assert ideas.count() >= 8 and ideas.filter(moderation=Moderation.PENDING).count() == 2
    assert set(ideas.values_list("status", flat=True)) == set(Idea.Status.values)
    assert IdeaSupport.objects.filter(idea__organisation__slug="aubertin-sur-gimone").count() >= 20
    assert set(Consultation.objects.values_list("organisation__slug", flat=True)) == set(PARTICIPATION_COMMUNES)
    count = Consultation.objects.count()
    seed_participation(context)
    assert Consultation.objects.count() == count
    assert client.get("/aubertin-sur-gimone/consultations/").status_code == 200
    assert "Aménagement de la place de la mairie" in client.get(f"/aubertin-sur-gimone/consultations/{place.pk}/").content.decode()
    assert client.get("/aubertin-sur-gimone/idees/").status_code == 200
