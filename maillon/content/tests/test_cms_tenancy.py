"""Wagtail's admin (/cms/) stays inside the editor's organisation.

Two organisations each get a page tree (a section, a news item with a pending draft, locked and
in moderation, a page never published), an image and a Wagtail document in their collection, a
redirect and an editing session. Every title and name of the other organisation carries the
marker ``SECRET-ORG-B``. The editor of « essais » (also a plain staff member of « autre », which
must give no access to its back office) then requests EVERY URL pattern of the resolver under
``cms/``, its arguments filled with the other organisation's real ids, and no answer may show the
marker or be a server error.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.admin.models import EditingSession
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site, TaskState, WorkflowState

from maillon.accounts.roles import Role
from maillon.content.editors import ensure_home, group_name
from maillon.content.models import NewsPage, SectionPage
from maillon.testing import make_member

SECRET = "SECRET-ORG-B"
VISIBLE = "VISIBLE-ORG-A"
# A word every title holds, to search for: the query echoed in a search box is not a leak.
WORD = "zorglub"


@dataclass
class Tree:
    """One organisation's objects in Wagtail, by the role they play in a URL."""

    editor: object
    home: Page
    section: Page
    news: Page
    never_published: Page
    revision: object
    workflow_state: WorkflowState
    task_state: TaskState
    image: object
    document: object
    session: EditingSession
    redirect: Redirect

    @property
    def group(self):
        return self.editor.groups.get(name=group_name(self.home.specific.organisation))

    @property
    def site(self):
        return Site.objects.get(root_page=self.home)


def build_tree(organisation, mark: str, editor) -> Tree:
    organisation.name = f"{mark} {WORD} centre"
    organisation.save()
    editor.last_name = f"{mark} {WORD}"
    editor.save()
    home = ensure_home(organisation)
    editor.refresh_from_db()
    section = home.add_child(instance=SectionPage(title=f"{mark} {WORD} rubrique", live=False, owner=editor))
    section.save_revision(user=editor, log_action=True).publish(user=editor)
    news = home.add_child(instance=NewsPage(title=f"{mark} {WORD} actualité", live=False, owner=editor))
    news.save_revision(user=editor, log_action=True).publish(user=editor)
    news = NewsPage.objects.get(pk=news.pk)
    news.title = f"{mark} {WORD} brouillon"
    revision = news.save_revision(user=editor, log_action=True)
    workflow = news.get_workflow()
    workflow_state = workflow.start(news, editor) if workflow else None
    NewsPage.objects.filter(pk=news.pk).update(locked=True, locked_by=editor, locked_at=timezone.now())
    never_published = section.add_child(instance=SectionPage(title=f"{mark} {WORD} jamais publiée", live=False, owner=editor))
    never_published.save_revision(user=editor)
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "orange").save(buffer, "PNG")
    image = get_image_model().objects.create(title=f"{mark} {WORD} image", file=ImageFile(buffer, name="image.png"), collection=home.collection)
    document = get_document_model().objects.create(title=f"{mark} {WORD} document", file=ContentFile(b"%PDF-1.4\n", name="document.pdf"), collection=home.collection)
    from django.contrib.contenttypes.models import ContentType

    session = EditingSession.objects.create(user=editor, content_type=ContentType.objects.get_for_model(Page), object_id=str(news.pk), last_seen_at=timezone.now())
    redirect = Redirect.objects.create(old_path=f"/{mark.lower()}", redirect_page=news, site=Site.objects.get(root_page=home))
    return Tree(
        editor=editor, home=home, section=section, news=news, never_published=never_published, revision=revision,
        workflow_state=workflow_state, task_state=workflow_state.current_task_state if workflow_state else None,
        image=image, document=document, session=session, redirect=redirect,
    )


@pytest.fixture
def trees(people):
    editor_a = people.with_role(Role.COMMUNICATION)
    # Also a plain member of the other organisation: that gives no access to its back office.
    make_member(people.other_org, user=editor_a)
    editor_b = people.with_role(Role.COMMUNICATION, organisation=people.other_org)
    return build_tree(people.org, VISIBLE, editor_a), build_tree(people.other_org, SECRET, editor_b)


# ---------------------------------------------------------------- the URL patterns of /cms/


@dataclass
class Pattern:
    route: str
    name: str | None
    namespace: str
    kwargs: dict[str, str]  # name → converter ("int", "str", "slug", "regex")
    pattern: object


def cms_patterns() -> list[Pattern]:
    """Every URL pattern of the resolver whose route starts with cms/."""
    found = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                child_namespace = ":".join(filter(None, [namespace, entry.namespace]))
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), child_namespace)
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry, namespace

    for route, entry, namespace in walk(get_resolver().url_patterns, "", ""):
        if not route.startswith("cms/"):
            continue
        kwargs = {name: type(converter).__name__.replace("Converter", "").lower() for name, converter in getattr(entry.pattern, "converters", {}).items()}
        for chunk in re.findall(r"<(?:(\w+):)?(\w+)>", route):
            kwargs.setdefault(chunk[1], chunk[0] or "str")
        for name in re.findall(r"\(\?P<(\w+)>", route):
            kwargs.setdefault(name, "regex")
        found.append(Pattern(route, entry.name, namespace, kwargs, entry))
    return found


MODELS = {"page": ("wagtailcore", "page"), "image": ("wagtailimages", "image"), "document": ("wagtaildocs", "document")}


def value(name: str, route: str, tree: Tree, model: str):
    """The id of ``tree``'s object that the argument ``name`` of ``route`` designates."""
    n = name.lower()
    # What « pk » designates, by the first fragment of the route that names a kind of object.
    pk_of_route = [("images", tree.image.pk), ("documents", tree.document.pk), ("collections", tree.home.specific.collection_id),
                   ("users/", tree.editor.pk), ("groups/", tree.group.pk), ("sites/", tree.site.pk), ("tasks/", tree.task_state.task_id),
                   ("workflows/", tree.workflow_state.workflow_id), ("redirects/", tree.redirect.pk)]
    if n in {"app_label", "app_name", "content_type_app_name"}:
        return "content" if n == "content_type_app_name" else MODELS[model][0]
    if n == "model_name" or n == "content_type_model_name":
        return MODELS[model][1] if n == "model_name" else "newspage"
    if n in {"action", "action_name"}:
        return "delete" if n == "action" else "approve"
    if n == "filter_spec":
        return "width-400"
    if n in {"uidb64", "token"}:
        return "x"
    if "revision" in n:
        return tree.revision.pk
    if "task_state" in n:
        return tree.task_state.pk
    if "workflow_state" in n:
        return tree.workflow_state.pk
    if n == "task_id":
        return tree.task_state.task_id
    if n == "workflow_pk":
        return tree.workflow_state.workflow_id
    if "image" in n:
        return tree.image.pk
    if "doc" in n:
        return tree.document.pk
    if n == "parent_page_id" or n == "destination_id":
        return tree.home.pk
    if "page" in n:
        return tree.news.pk
    if n == "collection_id":
        return tree.home.specific.collection_id
    if n == "session_id":
        return tree.session.pk
    if n == "redirect_id":
        return tree.redirect.pk
    if n == "uploaded_file_id":
        return 999_999
    if n == "object_id":
        return {"page": tree.news.pk, "image": tree.image.pk, "document": tree.document.pk}[model]
    if n == "pk":
        return next((pk for fragment, pk in pk_of_route if fragment in route), tree.news.pk)
    raise AssertionError(f"no value for {name} in {route}")


def build_url(pattern: Pattern, kwargs: dict) -> str:
    if pattern.name:
        name = f"{pattern.namespace}:{pattern.name}" if pattern.namespace else pattern.name
        try:
            return reverse(name, kwargs={k: str(v) for k, v in kwargs.items()})
        except NoReverseMatch:
            pass
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), pattern.route)
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), url)
    url = url.replace("^", "").replace("$", "").replace(".*", f"{WORD}").replace("\\", "")
    return "/" + url


def requests_for(pattern: Pattern, ours: Tree, theirs: Tree):
    """(url, query) pairs: every argument from the other organisation, without and with a search
    and ``?id=`` of its objects; then, with several arguments, each one alone from the other
    organisation and ours for the rest (our page with their revision, …)."""
    models = list(MODELS) if "model_name" in pattern.kwargs else ["page"]
    for model in models:
        ids = {"page": theirs.news.pk, "image": theirs.image.pk, "document": theirs.document.pk}
        url = build_url(pattern, {name: value(name, pattern.route, theirs, model) for name in pattern.kwargs})
        yield url, {}
        yield url, {"q": WORD, "id": [ids[model], theirs.home.pk, theirs.section.pk], "parent_page_id": theirs.home.pk, "p": "1"}
        if len(pattern.kwargs) > 1:
            for foreign in pattern.kwargs:
                yield build_url(pattern, {name: value(name, pattern.route, theirs if name == foreign else ours, model) for name in pattern.kwargs}), {}


# ---------------------------------------------------------------- the tests


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_no_cms_url_shows_another_organisations_pages_images_or_documents(trees, client):
    ours, theirs = trees
    client.force_login(ours.editor)
    client.raise_request_exception = False
    tried, leaks, errors = 0, [], []
    for pattern in cms_patterns():
        for url, query in requests_for(pattern, ours, theirs):
            response = client.get(url, query)
            tried += 1
            if response.status_code >= 500:
                errors.append(f"{response.status_code} {url} {query}")
            elif SECRET.encode() in body_of(response):
                leaks.append(f"{response.status_code} {url} {query}")
    print(f"\n/cms/: {tried} requests, {len(leaks)} leaks, {len(errors)} server errors")
    assert tried > 400
    assert leaks == [] and errors == [], "\n".join(leaks + errors)


def test_the_page_chooser_browses_and_finds_the_editors_own_pages_only(trees, client):
    ours, theirs = trees
    client.force_login(ours.editor)
    for url in ("/cms/choose-page/", f"/cms/choose-page/{ours.home.pk}/", f"/cms/choose-page/search/?q={WORD}",
                f"/cms/choose-page/chosen-multiple/?id={ours.news.pk}&id={ours.section.pk}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert VISIBLE.encode() in response.content and SECRET.encode() not in response.content, url
    # Searching for the other organisation's own words finds nothing.
    assert SECRET.encode() not in client.get("/cms/choose-page/search/", {"q": SECRET}).content
    # Its tree, or its pages among ours, are not there.
    assert client.get(f"/cms/choose-page/{theirs.home.pk}/").status_code == 404
    assert client.get(f"/cms/choose-page/chosen-multiple/?id={ours.news.pk}&id={theirs.news.pk}").status_code == 404


def test_the_editor_still_works_in_its_own_tree_and_collection(trees, client):
    ours, _theirs = trees
    client.force_login(ours.editor)
    first, latest = ours.news.revisions.order_by("pk").values_list("pk", flat=True)[:2]
    for url in (f"/cms/pages/{ours.home.pk}/", f"/cms/pages/{ours.news.pk}/edit/", f"/cms/pages/{ours.news.pk}/history/",
                f"/cms/pages/{ours.news.pk}/revisions/compare/{first}...{latest}/", f"/cms/pages/search/?q={WORD}",
                "/cms/images/", f"/cms/images/{ours.image.pk}/", f"/cms/images/chooser/?q={WORD}", f"/cms/images/chooser/chosen/{ours.image.pk}/",
                f"/cms/api/main/pages/?child_of={ours.home.pk}&for_explorer=1", "/cms/reports/aging-pages/", "/cms/reports/locked/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET.encode() not in response.content, url
    assert VISIBLE.encode() in client.get(f"/cms/images/chooser/?q={WORD}").content
    assert VISIBLE.encode() in client.get(f"/cms/pages/search/?q={WORD}").content


def test_the_other_organisations_ids_are_not_found(trees, client):
    ours, theirs = trees
    client.force_login(ours.editor)
    for url in (f"/cms/pages/{theirs.news.pk}/edit/", f"/cms/pages/{theirs.news.pk}/edit/preview/", f"/cms/pages/{theirs.news.pk}/history/",
                f"/cms/pages/{theirs.news.pk}/move/", f"/cms/pages/{ours.news.pk}/move/{theirs.home.pk}/confirm/",
                f"/cms/pages/{ours.news.pk}/revisions/{theirs.revision.pk}/view/", f"/cms/pages/{ours.news.pk}/copy/?parent_page_id={theirs.home.pk}",
                f"/cms/images/{theirs.image.pk}/", f"/cms/images/chooser/chosen/{theirs.image.pk}/", f"/cms/documents/chooser/chosen/{theirs.document.pk}/",
                f"/cms/bulk/wagtailcore/page/delete/?id={theirs.news.pk}", f"/cms/bulk/wagtailimages/image/delete/?id={theirs.image.pk}",
                f"/cms/api/main/pages/{theirs.news.pk}/", f"/cms/collections/{theirs.home.specific.collection_id}/",
                f"/cms/pages/{2**70}/edit/"):
        assert client.get(url).status_code == 404, url
    # Reports Wagtail does not scope (every user or site in their filters) are refused and not offered.
    assert client.get("/cms/reports/site-history/").status_code == 404
    assert client.get("/cms/reports/page-types-usage/").status_code == 404
    assert client.get("/cms/api/main/images/").status_code == 404
    dashboard = client.get("/cms/").content.decode()
    assert "/cms/reports/site-history/" not in dashboard and "/cms/reports/aging-pages/" in dashboard


def test_a_logged_in_person_without_the_back_office_gets_403_not_a_login_loop(people, client):
    client.force_login(people.owner)
    for url in ("/cms/", "/cms/pages/", "/cms/choose-page/search/?q=x", "/cms/images/"):
        assert client.get(url).status_code == 403, url
    client.logout()
    response = client.get("/cms/")
    assert response.status_code == 302 and "/cms/" not in response["Location"].split("?")[0]


def test_an_editor_of_both_organisations_sees_both_and_a_superuser_everything(trees, client):
    ours, theirs = trees
    make_member(ours.home.specific.organisation, Role.COMMUNICATION, user=theirs.editor)
    client.force_login(theirs.editor)
    found = client.get(f"/cms/choose-page/search/?q={WORD}").content
    assert VISIBLE.encode() in found and SECRET.encode() in found
    superuser = type(theirs.editor).objects.create_superuser("exploitant", "exploitant@exemple.test", "x")
    client.force_login(superuser)
    found = client.get(f"/cms/choose-page/search/?q={WORD}").content
    assert VISIBLE.encode() in found and SECRET.encode() in found
    assert client.get("/cms/reports/site-history/").status_code == 200
