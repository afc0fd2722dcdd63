"""Content of each organisation: a Wagtail page tree per organisation and a document library.

Tenancy of pages: every organisation has exactly one ``HomePage`` (a child of Wagtail's root)
whose ``organisation`` is set; all its pages live below it. Pages are served only by our own
view ``/<org>/pages/<path>/`` behind the tenancy middleware (``views.page``); Wagtail's catch-all
``serve`` never serves them (``serve`` raises 404). Editors (role « communication ») get a Wagtail
group per organisation with page permissions on that home page only (see ``editors.py``).

Documents are Maillon models, not Wagtail documents, so that they are served only through an
access-checked view: ``Document`` keeps its address while its file is replaced by a new
``DocumentVersion``.
"""

from __future__ import annotations

import os
from functools import lru_cache

import nh3
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.http import Http404
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page

from maillon.accounts.roles import Role
from maillon.core.reversing import row_url
from maillon.organisations.models import Organisation, TenantModel, TenantQuerySet

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "hr"}


def sanitise(html: str) -> str:
    """HTML kept to a small safe subset (links get rel="noopener noreferrer")."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}}, url_schemes={"http", "https", "mailto", "tel"})


# ---------------------------------------------------------------- StreamField blocks


class SanitisedRichTextBlock(blocks.RichTextBlock):
    """Rich text, sanitised again when rendered (defence in depth over Wagtail's whitelist)."""

    def render_basic(self, value, context=None):
        from django.utils.safestring import mark_safe
        from wagtail.rich_text import expand_db_html

        return mark_safe(sanitise(expand_db_html(value.source)))  # noqa: S308 - sanitised by nh3 just above


class LinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Label"))
    url = blocks.URLBlock(label=_("Address"))

    class Meta:
        label = _("Link")


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    text = blocks.TextBlock(label=_("Text"))
    tone = blocks.ChoiceBlock(choices=[("info", _("Information")), ("warning", _("Important"))], default="info", label=_("Tone"))

    class Meta:
        label = _("Call-out")
        template = "content/blocks/callout.html"


class DocumentListBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False)
    category = blocks.CharBlock(label=_("Document category"), help_text=_("Name of a category of the document library; only the documents the reader may see are listed."))

    class Meta:
        label = _("Document list")
        template = "content/blocks/document_list.html"


class ProcedureLinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Label"))
    path = blocks.RegexBlock(regex=r"^[a-z0-9/_-]+$", label=_("Procedure address in Maillon"), help_text=_("For example demarches/note-de-frais/ (after the organisation's address)."),
                             error_messages={"invalid": _("Use only lowercase letters, digits, / - and _.")})

    class Meta:
        label = _("Procedure link")
        template = "content/blocks/procedure_link.html"


def body_blocks():
    return [
        ("text", SanitisedRichTextBlock(label=_("Text"), features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr"])),
        ("image", ImageChooserBlock(label=_("Image"), template="content/blocks/image.html")),
        ("documents", DocumentListBlock()),
        ("links", blocks.ListBlock(LinkBlock(), label=_("Links"), template="content/blocks/links.html")),
        ("callout", CalloutBlock()),
        ("procedure", ProcedureLinkBlock()),
    ]


# ---------------------------------------------------------------- pages


class MaillonPage(Page):
    """Base of our page types: never served by Wagtail's catch-all, only by ``views.page``."""

    class Meta:
        abstract = True

    def serve(self, request, *args, **kwargs):
        raise Http404

    def ascii_slug(self) -> None:
        """Fill an empty slug with an ASCII one (« fete-de-quartier »: easier to read aloud and
        to paste in an e-mail), unique among the siblings, before Wagtail would fill it with
        accents. Public API only: runs first in full_clean / minimal_clean / save, once the page
        has its place in the tree (``add_child`` sets ``path`` before saving)."""
        base = slugify(self.title or "")
        if self.slug or not base or not self.path or self.depth <= 1:
            return
        siblings = self.get_parent().get_children()
        if self.pk:
            siblings = siblings.exclude(pk=self.pk)
        taken = set(siblings.filter(slug__startswith=base).values_list("slug", flat=True))
        candidate, suffix = base, 1
        while candidate in taken:
            suffix += 1
            candidate = f"{base}-{suffix}"
        self.slug = candidate

    def full_clean(self, *args, **kwargs):
        self.ascii_slug()
        super().full_clean(*args, **kwargs)

    def minimal_clean(self):
        self.ascii_slug()
        super().minimal_clean()

    def save(self, *args, **kwargs):
        self.ascii_slug()
        return super().save(*args, **kwargs)

    # Rendering: Wagtail's template and context, used by ``views.render_page`` (our pages) and
    # by Wagtail's preview below. Views import the models, never the other way round.

    def get_template(self, request, *args, **kwargs) -> str:
        """content/<model name>.html: homepage.html, sectionpage.html, newspage.html…"""
        return f"content/{self._meta.model_name}.html"

    def get_context(self, request, *args, home: HomePage | None = None, preview: bool = False, **kwargs) -> dict:
        """What the page's template shows: its home (the organisation's root, given when the
        caller already has it) with the menu, the documents its « documents » blocks list (all
        of them for a library), a home page's latest news. ``request.membership`` decides which
        documents are listed and whether the menu may be edited (never in a preview)."""
        from . import policies

        context = super().get_context(request, *args, **kwargs)
        if home is None:
            home = self.organisation_home(with_organisation=True)
        membership = request.membership
        context.update({"page": self, "home": home, "preview": preview,
                        "menu": list(home.get_children().live().in_menu().only("title", "url_path", "path", "depth")) if home else [],
                        "can_edit_menu": not preview and policies.can_edit_pages(membership)})
        body = getattr(self, "body", None)
        names = {b.value["category"] for b in body if b.block_type == "documents"} if body is not None else set()
        if isinstance(self, DocumentLibraryPage):
            names = set(self.category_names()) or {"*"}
        if names and membership is not None:
            documents = Document.objects.visible_to(membership).select_related("category", "current", "organisation").exclude(current=None)
            if "*" not in names:
                documents = documents.filter(category__name__in=names)
            grouped: dict[str, list] = {}
            for document in documents.order_by("category__position", "category__name", "title"):
                grouped.setdefault(document.category.name, []).append(document)
            context["documents_by_category"] = grouped
        if isinstance(self, HomePage):
            context["news"] = list(pages_of(home.organisation if home else None, NewsPage).order_by("-date", "-pk")[:6])
        return context

    def serve_preview(self, request, mode_name):
        """Wagtail's preview, asked from /cms/ where the request names no organisation: the
        page's own organisation and the editor's membership of it stand in."""
        from django.shortcuts import render

        home = self.organisation_home(with_organisation=True)
        organisation = home.organisation if home else None
        if request.membership is None and organisation is not None:
            from maillon.accounts.models import Membership

            membership = Membership.objects.active().with_roles().filter(user=request.user, organisation=organisation).first()
            request.organisation, request.membership = organisation, membership
        return render(request, self.get_template(request), self.get_context(request, home=home, preview=True))

    def get_url_parts(self, request=None):
        """Wagtail's « view live » links lead to the Maillon address of the page."""
        home = self if isinstance(self, HomePage) else self.organisation_home()
        if home is None or home.organisation_id is None:
            return None
        return (None, "", self.maillon_url(Organisation.objects.only("slug").get(pk=home.organisation_id).slug))

    def organisation_home(self, *, with_organisation: bool = False) -> HomePage | None:
        homes = HomePage.objects.filter(path=self.path[: self.steplen * 2])
        return (homes.select_related("organisation") if with_organisation else homes).first()

    def maillon_url(self, organisation_slug: str) -> str:
        home_depth = 2
        parts = self.url_path.strip("/").split("/")[home_depth - 1 :]
        suffix = "/".join(parts)
        home, pages = _content_urls(organisation_slug, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        return pages(suffix + "/") if suffix else home


@lru_cache(maxsize=512)
def _content_urls(organisation_slug: str, script_prefix: str, urlconf: str):
    """The organisation's home address and ``path -> page address``, reversed once per process
    (menus and news lists link every item: a reverse() each cost 0.1 ms)."""
    return reverse("content:home", kwargs={"org": organisation_slug}), row_url("content:page", pk="path", org=organisation_slug)


class HomePage(MaillonPage):
    """The root of one organisation's tree: its news and sections. Created by Maillon, not editors."""

    organisation = models.OneToOneField(Organisation, on_delete=models.SET_NULL, related_name="content_home", null=True, verbose_name=_("organisation"))
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    # The organisation's image collection (its editors' group may use only this one).
    collection = models.ForeignKey("wagtailcore.Collection", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["content.SectionPage", "content.NewsPage", "content.DocumentLibraryPage"]
    max_count_per_parent = None

    class Meta:
        verbose_name = _("organisation home page")


class SectionPage(MaillonPage):
    """A section (« rubrique ») with flexible blocks."""

    intro = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(body_blocks(), blank=True, verbose_name=_("content"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["content.HomePage", "content.SectionPage"]
    subpage_types = ["content.SectionPage", "content.DocumentLibraryPage"]

    class Meta:
        verbose_name = _("section")


class NewsPage(MaillonPage):
    class Category(models.TextChoices):
        LIFE = "vie", _("Life of the centre")
        TEAM = "equipe", _("Team")
        ADMIN = "admin", _("Administrative news")
        EVENT = "evenement", _("Event")
        TRAINING = "formation", _("Training")

    date = models.DateField(_("date"), default=timezone.localdate)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.LIFE)
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("image"))
    intro = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(body_blocks(), blank=True, verbose_name=_("content"))
    important = models.BooleanField(_("important: notify all staff when published"), default=False)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Copied from the tree on save (news never leave their organisation's tree): one query for lists.
    organisation = models.ForeignKey(Organisation, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+")

    content_panels = [*Page.content_panels, FieldPanel("date"), FieldPanel("category"), FieldPanel("image"), FieldPanel("intro"), FieldPanel("body"), FieldPanel("important")]
    parent_page_types = ["content.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        indexes = [models.Index(fields=["organisation", "-date"], name="news_org_date")]

    def save(self, *args, **kwargs):
        if self.organisation_id is None and self.path:
            home = self.organisation_home()
            self.organisation_id = home.organisation_id if home else None
        super().save(*args, **kwargs)


class DocumentLibraryPage(MaillonPage):
    """Administrative documents to download, by category (from the document library)."""

    intro = models.CharField(_("summary"), max_length=300, blank=True)
    categories = models.CharField(_("categories shown"), max_length=300, blank=True, help_text=_("Category names separated by commas; empty: all categories."))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("categories")]
    parent_page_types = ["content.HomePage", "content.SectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("document library")

    def category_names(self) -> list[str]:
        return [c.strip() for c in self.categories.split(",") if c.strip()]


def pages_of(organisation: Organisation, model=Page):
    """Live pages of ``model`` in the organisation's tree (the home page excluded)."""
    if model is NewsPage:
        # One query: news items carry their organisation (set on save from their tree).
        return NewsPage.objects.live().filter(organisation=organisation)
    home = HomePage.objects.filter(organisation=organisation).only("path", "depth").first()
    if home is None:
        return model.objects.none()
    return model.objects.live().filter(path__startswith=home.path, depth__gt=home.depth)


# ---------------------------------------------------------------- documents


class DocumentCategory(TenantModel):
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("document category")
        verbose_name_plural = _("document categories")
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="doccategory_unique_name")]

    def __str__(self) -> str:
        return self.name


class DocumentQuerySet(TenantQuerySet):
    def visible_to(self, membership):
        """Documents the membership may open: open to all staff, or to one of its roles."""
        if membership is None:
            return self.none()
        condition = models.Q(roles="")
        for role in membership.roles:
            condition |= models.Q(roles__contains=f",{role},")
        return self.for_organisation(membership.organisation).filter(condition)


class Document(TenantModel):
    """A document whose address stays the same when its file is replaced (versions)."""

    title = models.CharField(_("title"), max_length=200)
    category = models.ForeignKey(DocumentCategory, on_delete=models.PROTECT, related_name="documents", verbose_name=_("category"))
    description = models.TextField(_("description"), blank=True)
    # Empty: every staff member; otherwise ",hr,director," (the roles allowed).
    roles = models.CharField(_("restricted to roles"), max_length=200, blank=True, default="")
    current = models.ForeignKey("DocumentVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]

    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.role_list if r in Role.values]

    @property
    def file_slug(self) -> str:
        """The file name in the download address (the title, ASCII)."""
        return slugify(self.title)[:60] or "document"

    def download_url(self) -> str:
        return reverse("content:download", kwargs={"org": self.organisation.slug, "pk": self.pk, "slug": self.file_slug})


def version_path(instance: DocumentVersion, filename: str) -> str:
    # Outside any served prefix: files are only reachable through views.download.
    ext = os.path.splitext(filename)[1].lower()
    return f"private/documents/{instance.document.organisation_id}/{instance.document_id}/{timezone.now():%Y%m%d%H%M%S%f}{ext}"


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=version_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("document version")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="docversion_unique_number")]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"

    @property
    def extension(self) -> str:
        return os.path.splitext(self.original_name)[1].lstrip(".").upper()


# ---------------------------------------------------------------- search index


class SearchEntry(TenantModel):
    """One searchable thing (page, news item, document, directory entry, …): one table so
    that a search is one indexed query, filtered by organisation and roles."""

    kind = models.CharField(max_length=20)
    object_id = models.CharField(max_length=40)
    title = models.CharField(max_length=250)
    summary = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=300)
    # Accent-free, lowercase title + body (SQLite search); PostgreSQL uses ``vector``.
    text = models.TextField(blank=True)
    roles = models.CharField(max_length=200, blank=True, default="")
    # PostgreSQL only (French configuration, GIN index added by migration 0002); NULL on SQLite.
    vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "kind", "object_id"], name="searchentry_unique_object")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"
