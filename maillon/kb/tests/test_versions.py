import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillon.audit.models import AuditEntry
from maillon.kb import services
from maillon.kb.models import Page, Version
from maillon.kb.rendering import apply_hunks, diff, render
from maillon.spaces.models import Role

pytestmark = pytest.mark.django_db

lines = st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30), max_size=8)


def test_it_keeps_every_save_as_a_version_with_author_and_date(kb):
    page = kb.page
    services.save_page(page, Role.CONTRIBUTOR, kb.people.owner, title="Démarches CAF", body="Version deux", note="Plus court")
    services.save_page(page, Role.CONTRIBUTOR, kb.people.owner, title="Démarches CAF (2026)", body="Version trois")
    versions = list(page.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert [v.author for v in versions] == [kb.host, kb.people.owner, kb.people.owner]
    assert versions[1].note == "Plus court"
    page.refresh_from_db()
    assert page.current == versions[2] and page.title == "Démarches CAF (2026)" and page.version_count == 3
    assert AuditEntry.objects.filter(action="kb.page_save").count() == 2


def test_it_adds_no_version_when_nothing_changed(kb):
    assert services.save_page(kb.page, Role.HOST, kb.host, title="Démarches CAF", body="Déclarer ses **ressources**.") is None
    assert kb.page.versions.count() == 1


def test_it_refuses_a_save_made_from_an_older_version(kb):
    services.save_page(kb.page, Role.HOST, kb.host, title="Démarches CAF", body="Texte de l'hôte", base=1)
    with pytest.raises(ValidationError, match="Quelqu’un a enregistré cette page"):
        services.save_page(kb.page, Role.CONTRIBUTOR, kb.people.owner, title="Démarches CAF", body="Mon texte", base=1)
    assert kb.page.versions.count() == 2


def test_readers_and_archived_spaces_cannot_write(kb):
    with pytest.raises(PermissionDenied):
        services.save_page(kb.page, Role.READER, kb.reader, title="x", body="y")
    kb.space.archived_at = kb.space.created_at
    kb.space.save()
    kb.page.space.refresh_from_db()
    for role in (Role.HOST, Role.CONTRIBUTOR):
        with pytest.raises(PermissionDenied):
            services.save_page(kb.page, role, kb.host, title="x", body="y")
        with pytest.raises(PermissionDenied):
            services.create_page(kb.space, role, kb.host, title="x")


def test_it_restores_an_old_version_as_a_new_one(kb):
    services.save_page(kb.page, Role.HOST, kb.host, title="Autre titre", body="Deux")
    saved = services.restore(kb.page, kb.page.versions.get(number=1), Role.HOST, kb.host)
    assert saved.number == 3 and saved.restored_from == 1
    assert (saved.title, saved.body) == ("Démarches CAF", "Déclarer ses **ressources**.")
    assert Version.objects.filter(page=kb.page).count() == 3


def test_it_refuses_a_version_of_another_page(kb):
    with pytest.raises(PermissionDenied):
        services.restore(kb.page, kb.other_page.current, Role.HOST, kb.host)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.tuples(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=40).filter(str.strip),
                                lines.map("\n".join)), min_size=1, max_size=5),
       data=st.data())
def test_restoring_version_k_gives_exactly_version_k(kb, texts, data):
    page = services.create_page(kb.space, Role.HOST, kb.host, title="Page", body="début")
    for title, body in texts:
        services.save_page(page, Role.HOST, kb.host, title=title, body=body)
    page.refresh_from_db()
    k = data.draw(st.integers(1, page.version_count))
    wanted = page.versions.get(number=k)
    services.restore(page, wanted, Role.HOST, kb.host)
    page.refresh_from_db()
    assert (page.current.title, page.current.body) == (wanted.title, wanted.body)
    assert page.title == wanted.title


@settings(max_examples=200, deadline=None)
@given(old=lines, new=lines)
def test_the_diff_loses_nothing(old, new):
    old, new = "\n".join(old), "\n".join(new)
    assert apply_hunks(old, diff(old, new, context=0)) == new
    assert apply_hunks(old, diff(old, new)) == new
    assert (diff(old, new) == []) == (old == new)


def test_the_tree_stays_four_levels_deep_and_refuses_cycles(kb):
    a = services.create_page(kb.space, Role.HOST, kb.host, title="A")
    b = services.create_page(kb.space, Role.HOST, kb.host, title="B", parent=a)
    c = services.create_page(kb.space, Role.HOST, kb.host, title="C", parent=b)
    d = services.create_page(kb.space, Role.HOST, kb.host, title="D", parent=c)
    with pytest.raises(ValidationError, match="jusqu’à 4 niveaux"):
        services.create_page(kb.space, Role.HOST, kb.host, title="E", parent=Page.objects.get(pk=d.pk))
    with pytest.raises(ValidationError, match="sous elle-même"):
        services.move(Page.objects.get(pk=a.pk), Role.HOST, kb.host, parent=Page.objects.get(pk=c.pk))
    with pytest.raises(ValidationError, match="jusqu’à 4 niveaux"):
        deep = services.create_page(kb.space, Role.HOST, kb.host, title="Sous-page", parent=kb.page)
        services.move(Page.objects.get(pk=b.pk), Role.HOST, kb.host, parent=deep)  # b, c, d under a second level: 5
    with pytest.raises(ValidationError, match="une page de cet espace"):
        services.create_page(kb.space, Role.HOST, kb.host, title="X", parent=kb.other_page)
    services.move(Page.objects.get(pk=d.pk), Role.HOST, kb.host, parent=None)
    assert [(row["title"], level) for row, level in services.flat_tree(kb.space)] == [
        ("Démarches CAF", 0), ("Sous-page", 1), ("A", 0), ("B", 1), ("C", 2), ("D", 0)]


def test_pages_move_up_and_down_among_their_siblings(kb):
    second = services.create_page(kb.space, Role.HOST, kb.host, title="Deuxième")
    assert services.shift(second, Role.HOST, kb.host, up=True)
    assert [row["title"] for row, _l in services.flat_tree(kb.space)] == ["Deuxième", "Démarches CAF"]
    assert not services.shift(Page.objects.get(pk=second.pk), Role.HOST, kb.host, up=True)


def test_markdown_is_rendered_safely():
    html = render("# Titre\n\n<script>alert(1)</script> [x](javascript:alert(1)) [ok](https://exemple.fr) ![i](https://x/i.png)")
    assert "<h2>Titre</h2>" in html
    assert "<script" not in html and "javascript:" not in html.replace("[x](javascript:alert(1))", "")
    assert 'href="https://exemple.fr"' in html and "<img" not in html


def test_titles_and_texts_are_checked_in_french(kb, settings):
    from django.utils import translation

    with translation.override("fr"), pytest.raises(ValidationError) as error:
        services.create_page(kb.space, Role.HOST, kb.host, title="   ")
    assert "Donnez un titre à la page." in error.value.messages
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        services.create_page(kb.space, Role.HOST, kb.host, title="x", body="a" * (services.MAX_BODY + 1))
    assert "trop long" in error.value.messages[0]
