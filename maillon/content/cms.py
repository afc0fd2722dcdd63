"""Wagtail's admin (/cms/) stays inside the editor's organisation(s).

Which tree an editor may edit is already decided by ``editors.ensure_home``: the organisation's
editors' group holds page permissions on its home page and image permissions on its collection.
``CmsScope`` reads those same permissions back: the editor's scope is the subtrees of the pages
and collections their groups hold permissions on (several organisations: several subtrees).

Wagtail scopes most of its admin by these permissions, not all of it (its page chooser lists
every page, the admin API every image and document, the filters of its lists offer every user
and every site). Three layers close that:

- the hooks in ``wagtail_hooks.py`` filter the choosers' and explorer's querysets by the scope;
- ``scope_filter_choices`` keeps the users and sites offered by the lists' filters to the scope;
- ``CmsTenancyMiddleware`` checks every /cms/ request before its view: a logged-in person without
  access to the admin gets a 403 (not Wagtail's redirect to the login page, which loops with
  allauth's); an id of a page, revision, image, document or collection outside the scope, in the
  URL (whatever the URL: the argument's name or the URL's namespace says what it designates) or in
  ``?id=`` or any ``?…_id=`` (bulk actions, choosers), is a 404, as for an id that does not exist;
  and the few views Wagtail cannot scope (the site history's users, page type usage across trees,
  the admin API's images and documents) answer 404 to everyone but superusers.

Superusers (the platform's operators, created on the command line) keep the whole admin.
"""

from __future__ import annotations

from functools import cached_property

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import Collection, Page, Revision, Site, TaskState, WorkflowState

# Views whose lists or filters Wagtail does not scope by permission: everyone but superusers gets
# a 404 (« namespace:url_name », or a namespace alone for all its views).
UNSCOPED_VIEWS = frozenset({
    "wagtailadmin_reports:site_history", "wagtailadmin_reports:site_history_results",  # every user in the log
    "wagtailadmin_reports:page_types_usage", "wagtailadmin_reports:page_types_usage_results",  # last edited page of all trees
    "wagtailadmin_pages:type_use", "wagtailadmin_pages:type_use_results",  # every page of a type
    "wagtailadmin_api:images", "wagtailadmin_api:documents",  # every image and document
})
# Wagtail's deliberate 500 (« failwhale »), for nobody.
REFUSED_VIEWS = frozenset({":wagtailadmin_error_test"})
MAX_ID = 2**63 - 1


class CmsScope:
    """The pages, images, documents and collections one user may see in the admin."""

    def __init__(self, user):
        self.user = user
        self.unrestricted = bool(user.is_active and user.is_superuser)

    @cached_property
    def page_roots(self) -> tuple[str, ...]:
        return tuple(Page.objects.filter(group_permissions__group__user=self.user).values_list("path", flat=True).distinct())

    @cached_property
    def collection_roots(self) -> tuple[str, ...]:
        return tuple(Collection.objects.filter(group_permissions__group__user=self.user).values_list("path", flat=True).distinct())

    @staticmethod
    def _within(path: str, roots: tuple[str, ...], ancestors: bool) -> bool:
        # Ancestors of a root (Wagtail's root page, the root collection) hold no organisation's
        # data and are the way down to the editor's trees.
        return any(path.startswith(root) or (ancestors and root.startswith(path)) for root in roots)

    def has_page(self, path: str) -> bool:
        return self.unrestricted or self._within(path, self.page_roots, ancestors=True)

    def has_collection(self, path: str) -> bool:
        return self.unrestricted or self._within(path, self.collection_roots, ancestors=True)

    def pages(self, queryset):
        """``queryset`` kept to the editor's trees and their ancestors."""
        if self.unrestricted:
            return queryset
        steplen = Page.steplen
        ancestors = {root[:end] for root in self.page_roots for end in range(steplen, len(root), steplen)}
        condition = Q(path__in=ancestors)
        for root in self.page_roots:
            condition |= Q(path__startswith=root)
        return queryset.filter(condition)

    def media(self, queryset):
        """Images or documents of ``queryset`` kept to the editor's collections (by id: the
        choosers' search only filters on the indexed ``collection_id``)."""
        if self.unrestricted:
            return queryset
        condition = Q(pk__in=[])
        for root in self.collection_roots:
            condition |= Q(path__startswith=root)
        return queryset.filter(collection_id__in=list(Collection.objects.filter(condition).values_list("pk", flat=True)))

    @cached_property
    def organisation_ids(self) -> tuple[int, ...]:
        from .models import HomePage

        return tuple(HomePage.objects.filter(path__in=self.page_roots, organisation__isnull=False).values_list("organisation_id", flat=True))

    def choices(self, queryset):
        """Choices of a filter of the admin: people of the editor's organisations, sites of its
        trees; other models unchanged (scoped by Wagtail's permissions)."""
        from django.contrib.auth import get_user_model

        if self.unrestricted:
            return queryset
        if queryset.model is get_user_model():
            return queryset.filter(memberships__organisation__in=self.organisation_ids).distinct()
        if issubclass(queryset.model, Site):
            return queryset.filter(root_page__in=self.pages(Page.objects.all()))
        return queryset

    def has_objects(self, model, ids: list[int]) -> bool:
        """False when one of ``ids`` of ``model`` exists outside the scope (unknown ids are left
        to Wagtail, which answers 404; models without an organisation to Wagtail's permissions)."""
        if self.unrestricted or not ids:
            return True
        if issubclass(model, Page):
            return all(self.has_page(path) for path in Page.objects.filter(pk__in=ids).values_list("path", flat=True))
        if issubclass(model, (AbstractImage, AbstractDocument)):
            return all(self.has_collection(path) for path in model.objects.filter(pk__in=ids).values_list("collection__path", flat=True))
        if issubclass(model, Collection):
            return all(self.has_collection(path) for path in Collection.objects.filter(pk__in=ids).values_list("path", flat=True))
        if model in (Revision, WorkflowState, TaskState):
            prefix = "workflow_state__" if model is TaskState else ""
            rows = model.objects.filter(pk__in=ids).values_list(f"{prefix}base_content_type__app_label", f"{prefix}base_content_type__model", f"{prefix}object_id")
            return all(self._has_object(app_label, model_name, object_id) for app_label, model_name, object_id in rows)
        return True

    def _has_object(self, app_label: str, model_name: str, object_id: str) -> bool:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            return True
        return not str(object_id).isdigit() or self.has_objects(model, [int(object_id)])


def scope_for(request) -> CmsScope:
    """The request's scope, computed once per request."""
    scope = getattr(request, "_cms_scope", None)
    if scope is None or scope.user is not request.user:
        scope = request._cms_scope = CmsScope(request.user)
    return scope


# ---------------------------------------------------------------- filters of the admin's lists


def scope_filter_choices() -> None:
    """Wagtail's filter sets offer every user (« owner », « edited by », « locked by ») and every
    site (one per organisation) as choices: each filter with a queryset, in every filter set
    Wagtail defines, gets its choices through ``CmsScope.choices``. Runs once, at the first
    admin request (the admin's views, where the filter sets are defined, are imported by then)."""
    import django_filters

    def subclasses(cls):
        for subclass in cls.__subclasses__():
            yield subclass
            yield from subclasses(subclass)

    for filterset in subclasses(django_filters.FilterSet):
        if not filterset.__module__.startswith("wagtail."):
            continue
        for field in filterset.base_filters.values():
            original = getattr(field, "queryset", None)
            if isinstance(field, django_filters.filters.QuerySetRequestMixin) and original is not None and not getattr(original, "maillon_scoped", False):
                field.queryset = _scoped_choices(original)


def _scoped_choices(original):
    def queryset(request):
        found = original(request) if callable(original) else original.all()
        return scope_for(request).choices(found) if request is not None else found.none()

    queryset.maillon_scoped = True
    return queryset


# ---------------------------------------------------------------- what an id in a URL designates


def _model_named(kwarg: str, match):
    """The model an argument of a Wagtail URL designates, from its name, else from the URL's
    namespace and name (``pk``, ``object_id``, ``?id=``); None when it holds no organisation's data."""
    name = kwarg.lower()
    for word, model in (("revision", Revision), ("workflow_state", WorkflowState), ("task_state", TaskState)):
        if word in name:
            return model
    if name not in {"pk", "id", "object_id"}:
        return _model_by_word(name) or (Page if name == "destination_id" else None)
    if "app_label" in match.kwargs and "model_name" in match.kwargs:
        try:
            return apps.get_model(match.kwargs["app_label"], match.kwargs["model_name"])
        except LookupError:
            return None
    return _model_by_word(f"{match.namespace}:{match.url_name}")


def _model_by_word(text: str):
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    for word, model in (("image", get_image_model()), ("doc", get_document_model()), ("collection", Collection), ("page", Page)):
        if word in text.lower():
            return model
    return None


# Words Wagtail accepts where an id goes (revisions compare « live...latest »); an empty
# ``?collection_id=`` is « every collection ».
ID_WORDS = {"live", "latest", "earliest"}


def _ids(values) -> list[int] | None:
    """Numeric ids; None when one cannot exist: too large for the database, or not a number
    (Wagtail's choosers' ``chosen/<str:pk>/`` would answer a 500 for it)."""
    values = [str(v) for v in values if str(v) and str(v) not in ID_WORDS]
    if not all(v.isascii() and v.isdigit() for v in values):
        return None
    ids = [int(v) for v in values]
    return None if any(i > MAX_ID for i in ids) else ids


class CmsTenancyMiddleware:
    """Checks every request to Wagtail's admin before its view (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._prefix = None
        self._filters_scoped = False

    def __call__(self, request):
        return self.get_response(request)

    def prefix(self) -> str:
        if self._prefix is None:
            self._prefix = reverse("wagtailadmin_home").lstrip("/")
        return self._prefix

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not match.route.startswith(self.prefix()):
            return None
        if not self._filters_scoped:
            scope_filter_choices()
            self._filters_scoped = True
        view = f"{match.namespace}:{match.url_name}"
        if view in REFUSED_VIEWS:
            raise Http404
        user = request.user
        if not user.is_authenticated:
            return None  # Wagtail sends the person to the login page
        if not user.has_perm("wagtailadmin.access_admin"):
            # Wagtail would redirect to the login page, which sends a logged-in person back here.
            raise PermissionDenied
        scope = scope_for(request)
        if scope.unrestricted:
            return None
        if view in UNSCOPED_VIEWS or match.namespace in UNSCOPED_VIEWS:
            raise Http404
        checks = [(name, [value]) for name, value in view_kwargs.items()]
        checks += [(name, request.GET.getlist(name)) for name in request.GET if name == "id" or name.endswith("_id")]
        for name, values in checks:
            model = _model_named(name, match)
            if model is None:
                continue
            ids = _ids(values)
            if ids is None or not scope.has_objects(model, ids):
                raise Http404
        return None
