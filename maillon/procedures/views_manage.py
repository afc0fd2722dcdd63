"""Back office (communication, HR, direction): create, edit, publish and retire procedures,
edit their fields and approval chain without a developer, enable the ready-made templates."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import policies, services
from . import schema as s
from .forms import ChainForm, FieldSpecForm, ProcedureForm
from .models import Procedure, PurgeRecord
from .municipal import offered_to


def manager_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not policies.can_manage_procedures(request.membership):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _procedure(request, pk) -> Procedure:
    return get_object_or_404(Procedure.objects.for_organisation(request.organisation), pk=pk)


def _to_editor(request, procedure):
    return redirect("procedures:manage_edit", org=request.organisation.slug, pk=procedure.pk)


@manager_required
def manage(request):
    procedures = (Procedure.objects.for_organisation(request.organisation).select_related("current_version")
                  .annotate(n_submissions=Count("submissions")).order_by("status", "title"))
    purges = PurgeRecord.objects.for_organisation(request.organisation)[:10]
    return render(request, "procedures/manage/list.html", {"procedures": procedures, "purges": purges})


@manager_required
def create(request):
    form = ProcedureForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        procedure = services.create_procedure(request, **form.cleaned_data)
        messages.success(request, _("Procedure created. Add its fields, then publish it."))
        return _to_editor(request, procedure)
    return render(request, "procedures/manage/create.html", {"form": form})


@manager_required
def templates(request):
    enabled = set(Procedure.objects.for_organisation(request.organisation).exclude(template_key="").values_list("template_key", flat=True))
    offered = offered_to(request.organisation)
    if request.method == "POST":
        key = request.POST.get("template")
        if key not in offered:
            raise Http404
        procedure = services.enable_template(request, key)
        messages.success(request, _("« %(title)s » is enabled and published. Adapt it if needed.") % {"title": procedure.title})
        return _to_editor(request, procedure)
    items = [{"key": key, "enabled": key in enabled, **t}
             for key, t in sorted(offered.items(), key=lambda kv: (not kv[1].get("municipal"), kv[1]["title"]))]
    return render(request, "procedures/manage/templates.html", {"templates": items})


@manager_required
def editor(request, pk):
    procedure = _procedure(request, pk)
    form = ProcedureForm(request.POST or None, instance=procedure, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        services.update_procedure(request, procedure, **{k: v for k, v in form.cleaned_data.items()})
        messages.success(request, _("Saved. Publish to make the changes visible."))
        return _to_editor(request, procedure)
    return render(request, "procedures/manage/editor.html", {
        "procedure": procedure, "form": form, "fields": procedure.schema, "kinds": dict(s.KINDS),
        "problems": s.check_schema(procedure.schema), "chain": procedure.chain, "role_labels": _role_labels(),
        "preview": s.SubmissionForm(procedure.schema) if procedure.schema else None,
    })


def _role_labels():
    from maillon.accounts.roles import Role

    return dict(Role.choices)


@manager_required
def field_edit(request, pk, key=None):
    procedure = _procedure(request, pk)
    fields = procedure.schema
    index = next((i for i, f in enumerate(fields) if f["key"] == key), None) if key else len(fields)
    if key and index is None:
        raise Http404
    earlier = fields[:index]
    initial = FieldSpecForm.initial_from(fields[index]) if key else None
    form = FieldSpecForm(request.POST or None, initial=initial, earlier_fields=earlier)
    if request.method == "POST" and form.is_valid():
        services.save_field(request, procedure, form.spec, original_key=key)
        messages.success(request, _("Field saved."))
        return _to_editor(request, procedure)
    return render(request, "procedures/manage/field.html", {"procedure": procedure, "form": form, "key": key})


@manager_required
@require_POST
def field_move(request, pk, key):
    procedure = _procedure(request, pk)
    services.move_field(request, procedure, key, -1 if request.POST.get("direction") == "up" else 1)
    return _to_editor(request, procedure)


@manager_required
def field_delete(request, pk, key):
    procedure = _procedure(request, pk)
    spec = next((f for f in procedure.schema if f["key"] == key), None)
    if spec is None:
        raise Http404
    if request.method == "POST":
        services.delete_field(request, procedure, key)
        messages.success(request, _("Field removed. Submissions already made keep it."))
        return _to_editor(request, procedure)
    return render(request, "procedures/confirm.html", {
        "title": _("Remove the field « %(label)s »?") % {"label": spec["label"]},
        "text": _("Submissions already made keep their answers; new ones will not have this field once you publish."),
        "button": _("Remove"), "back": request.build_absolute_uri("../../../"),
    })


@manager_required
def chain(request, pk):
    procedure = _procedure(request, pk)
    form = ChainForm(request.POST or None, chain=procedure.chain, schema=procedure.schema)
    if request.method == "POST" and form.is_valid():
        chain_value = {**(procedure.chain or {}), **form.chain}
        services.update_procedure(request, procedure, chain=chain_value)
        messages.success(request, _("Approval chain saved. Publish to apply it to new submissions."))
        return _to_editor(request, procedure)
    return render(request, "procedures/manage/chain.html", {"procedure": procedure, "form": form})


@manager_required
@require_POST
def publish(request, pk):
    procedure = _procedure(request, pk)
    if procedure.nothing_to_publish:  # a second click, or a stale page: no identical version
        messages.info(request, _("No changes to publish."))
        return _to_editor(request, procedure)
    try:
        version = services.publish(request, procedure)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Version %(n)s is published.") % {"n": version.number})
    return _to_editor(request, procedure)


@manager_required
def retire(request, pk):
    procedure = _procedure(request, pk)
    if request.method == "POST":
        services.retire(request, procedure)
        messages.success(request, _("The procedure is retired: nobody can start it any more."))
        return _to_editor(request, procedure)
    return render(request, "procedures/confirm.html", {
        "title": _("Retire « %(title)s »?") % {"title": procedure.title},
        "text": _("Staff can no longer start it; requests already made continue. You can publish it again later."),
        "button": _("Retire"), "back": request.build_absolute_uri("../"),
    })
