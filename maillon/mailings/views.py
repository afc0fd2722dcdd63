"""Pages of the mailings: the list, the composer, a mailing (preview, recipients, test, send,
statuses), the newsletter in one click, the space tab, and the public unsubscribe page (one-click
POST of RFC 8058 included). Thin: the sender's scope, policies, services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from maillon.core.forms import apply_errors
from maillon.spaces.access import space_view

from . import policies, segments, services
from .forms import CRITERION_PREFIX, MailingForm
from .models import Mailing, Recipient

PAGE_SIZE = 50
MAILING_CLASS = {Mailing.Status.SENT: "status-ok", Mailing.Status.SENDING: "status-wait"}
STATUS_CLASS = {Recipient.Status.SENT: "status-ok", Recipient.Status.FAILED: "status-off", Recipient.Status.BOUNCED: "status-off",
                Recipient.Status.UNSUBSCRIBED: "status-off"}


def _scope(request) -> segments.Scope:
    if request.membership is None:
        raise Http404
    scope = segments.scope_for(request.membership)
    if not policies.can_use(scope):
        raise PermissionDenied(_("Only directors, communication officers and space hosts send mailings."))
    return scope


def _mailing(request, scope, pk) -> Mailing:
    queryset = policies.visible_mailings(scope, Mailing.objects.select_related("category", "article", "created_by"))
    return get_object_or_404(queryset, pk=pk)




def index(request):
    scope = _scope(request)
    mailings = policies.visible_mailings(scope, Mailing.objects.select_related("category"))
    page = Paginator(mailings, PAGE_SIZE).get_page(request.GET.get("page"))
    for mailing in page.object_list:
        mailing.status_class = MAILING_CLASS.get(mailing.status, "")
    return render(request, "mailings/index.html", {"page_obj": page, "scope": scope,
                                                   "can_newsletter": policies.can_compose_newsletter(scope)})


def _compose(request, scope, mailing: Mailing | None):
    initial = MailingForm.initial_for(mailing) if mailing else {}
    space = None
    if mailing is None and request.GET.get("espace", "").isdigit():
        initial[CRITERION_PREFIX + "spaces"] = [request.GET["espace"]]
        space = next((s for s in scope.spaces if str(s.pk) == request.GET["espace"]), None)
    form = MailingForm(request.POST or None, scope=scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            mailing = services.save_draft(scope, mailing=mailing, request=request, **form.values())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Draft saved. Check the recipients and send yourself a test."))
            return redirect("mailings:detail", org=scope.organisation.slug, pk=mailing.pk)
    return render(request, "mailings/compose.html", {"form": form, "mailing": mailing, "space": space})


def new(request):
    return _compose(request, _scope(request), None)


def edit(request, pk):
    scope = _scope(request)
    mailing = _mailing(request, scope, pk)
    if not policies.can_change(scope, mailing):
        messages.error(request, _("This mailing was already sent: it can no longer be changed."))
        return redirect("mailings:detail", org=scope.organisation.slug, pk=mailing.pk)
    return _compose(request, scope, mailing)


def detail(request, pk):
    scope = _scope(request)
    mailing = _mailing(request, scope, pk)
    context = {"mailing": mailing, "body": services.body_html(mailing), "can_change": policies.can_change(scope, mailing)}
    if mailing.is_draft:
        people = services.audience(scope, mailing).only("first_name", "last_name", "email", "username")
        context["page_obj"] = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
        labels = {c.key: (c.label, dict(c.choices(scope))) for c in segments.criteria_for(scope)}
        context["criteria"] = [(labels[key][0], [labels[key][1].get(v, v) for v in values])
                               for key, values in segments.clean_criteria(scope, mailing.criteria).items()]
    else:
        rows = Recipient.objects.filter(mailing=mailing).only("email", "name", "status", "sent_at", "error")
        status = request.GET.get("statut")
        if status in Recipient.Status.values:
            rows = rows.filter(status=status)
        context["page_obj"] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        context["page_query"] = f"statut={status}" if status in Recipient.Status.values else ""
        context["counts"] = [(value, label, n, STATUS_CLASS.get(value, "")) for (value, label), n in
                             zip(Recipient.Status.choices, services.status_counts(mailing).values(), strict=True)]
        context["status"] = status
    return render(request, "mailings/detail.html", context)


def _act(request, pk, action, success) -> HttpResponse:
    """A button of a mailing's page: the service's French refusal, or ``success(result)``, as a message."""
    scope = _scope(request)
    mailing = _mailing(request, scope, pk)
    try:
        result = action(scope, mailing)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success(result))
    return redirect("mailings:detail", org=scope.organisation.slug, pk=mailing.pk)


@require_POST
def test(request, pk):
    return _act(request, pk, services.send_test, lambda email: _("The test was sent to %(email)s.") % {"email": email})


@require_POST
def send(request, pk):
    return _act(request, pk, lambda scope, mailing: services.queue(scope, mailing, request=request), lambda n: ngettext(
        "The mailing is being sent to %(n)s person.", "The mailing is being sent to %(n)s people.", n) % {"n": n})


@require_POST
def retry(request, pk):
    return _act(request, pk, lambda scope, mailing: services.retry_failed(scope, mailing, request=request), lambda n: ngettext(
        "%(n)s message is back in the queue.", "%(n)s messages are back in the queue.", n) % {"n": n})


@require_POST
def newsletter(request):
    """The organisation's newsletter, or with ``espace`` the newsletter of a space the sender hosts."""
    scope = _scope(request)
    space = None
    if "espace" in request.POST:
        space = next((s for s in scope.spaces if str(s.pk) == request.POST["espace"]), None)
        if space is None:
            raise Http404
    try:
        mailing = services.compose_newsletter(scope, request=request, space=space)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("mailings:index", org=scope.organisation.slug)
    messages.success(request, _("The newsletter is ready as a draft: read it, then send it."))
    return redirect("mailings:detail", org=scope.organisation.slug, pk=mailing.pk)


@space_view("host")
def space(request, space):
    """The space's « Mailing » tab: the composer of the host's own organisation, this space chosen."""
    if getattr(request, "organisation", None) is None:
        raise PermissionDenied(_("Mailings are sent from an organisation: you belong to none here."))
    return redirect(reverse("mailings:new", kwargs={"org": request.organisation.slug}) + f"?espace={space.pk}")


@csrf_exempt
def unsubscribe(request, token):
    """GET: a page with one button (link checkers must not unsubscribe anybody). POST: the button,
    or a mail client's one-click request (RFC 8058: no login, no CSRF token, signed address)."""
    found = services.read_token(token)
    if found is None:
        return render(request, "mailings/unsubscribe.html", {"invalid": True}, status=400)
    category, email = found
    done = False
    if request.method == "POST":
        services.unsubscribe(category, email)
        done = True
    context = {"category": category, "email": email, "done": done or services.is_unsubscribed(category, email)}
    return render(request, "mailings/unsubscribe.html", context)
