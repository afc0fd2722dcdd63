"""A KB page: ≤ 12 queries and ≤ 14 KB compressed HTML, whatever its history (issue 17's budget)."""

import gzip

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillon.kb import services
from maillon.kb.models import Page
from maillon.spaces.models import Role
from maillon.testing import QueryCounter

pytestmark = pytest.mark.django_db

TEXT = "\n\n".join(f"## Partie {i}\n\nUn paragraphe d'explication sur la démarche numéro {i}, avec **des mots en gras**." for i in range(12))


def measure(client, url):
    client.get(url)  # warm caches of the layout
    with QueryCounter() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(gzip.compress(response.content))


def test_a_page_stays_within_budget_whatever_its_history(kb, login):
    top = services.create_page(kb.space, Role.HOST, kb.host, title="Niveau 1")
    mid = services.create_page(kb.space, Role.HOST, kb.host, title="Niveau 2", parent=top)
    page = services.create_page(kb.space, Role.HOST, kb.host, title="Niveau 3", parent=mid, body=TEXT)
    services.create_page(kb.space, Role.HOST, kb.host, title="Enfant", parent=page)
    services.add_attachment(page, Role.HOST, kb.host, SimpleUploadedFile("a.txt", b"x"))
    client = login(kb.people.owner)
    url = reverse("kb:page", kwargs={"space": kb.space.slug, "pk": page.pk})
    few = measure(client, url)
    for i in range(60):
        services.save_page(Page.objects.get(pk=page.pk), Role.CONTRIBUTOR, kb.people.owner, title="Niveau 3", body=f"{TEXT}\n\nAjout {i}")
    for i in range(5):
        services.create_page(kb.space, Role.HOST, kb.host, title=f"Enfant {i}", parent=page)
        services.add_attachment(page, Role.HOST, kb.host, SimpleUploadedFile(f"f{i}.txt", b"x"))
    many = measure(client, url)
    assert few[0] == many[0] <= 10, (few, many)  # 12 before the space and the role came in one query
    assert many[1] <= 14 * 1024, many


@pytest.mark.parametrize("name", ["kb:index", "kb:history"])
def test_lists_run_the_same_queries_with_few_and_many_rows(kb, login, name):
    client = login(kb.people.owner)
    kwargs = {"space": kb.space.slug} if name == "kb:index" else {"space": kb.space.slug, "pk": kb.page.pk}
    url = reverse(name, kwargs=kwargs)
    few = measure(client, url)
    for i in range(30):
        services.create_page(kb.space, Role.HOST, kb.host, title=f"Page {i}", parent=kb.page if i % 2 else None)
        services.save_page(Page.objects.get(pk=kb.page.pk), Role.HOST, kb.host, title="Démarches CAF", body=f"v{i}")
    many = measure(client, url)
    assert few[0] == many[0] <= 12, (few, many)
    assert many[1] <= 14 * 1024


def test_search_runs_the_same_queries_with_few_and_many_pages(kb, login):
    client = login(kb.people.owner)
    url = reverse("kb:index", kwargs={"space": kb.space.slug}) + "?q=ressources&partout=1"
    few = measure(client, url)
    for i in range(30):
        services.create_page(kb.space, Role.HOST, kb.host, title=f"Ressources {i}", body="ressources utiles")
    many = measure(client, url)
    assert few[0] == many[0] <= 12, (few, many)
