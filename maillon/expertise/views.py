"""The skills directory's pages: search (« qui sait faire… ? »), a person's skills, my skills, the taxonomy."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.core.forms import apply_errors
from maillon.spaces.access import home_membership

from . import policies, services
from .forms import DeclarationForm, DomainForm, NameForm, NewSkillForm, SearchForm
from .models import Declaration, Domain, Skill

PAGE_SIZE = 20


def directory_page(view):
    """A page of the directory: logged in, drawn with the person's home organisation."""
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        home_membership(request)
        return view(request, *args, **kwargs)

    return wrapper


@directory_page
def index(request):
    """« Qui sait faire… ? »: people I may find, by skill or free text, the most expert first."""
    skills = services.taxonomy_skills(request.user)
    form = SearchForm(request.GET or None, skills=skills)
    criteria = form.cleaned_data if form.is_valid() else {}
    by_id = {s.pk: s for s in skills}
    people, declarations = services.search(request.user, skills=skills, skill=by_id.get(criteria.get("competence")),
                                           text=criteria.get("q", ""), min_level=criteria.get("niveau"))
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = services.found_rows(page.object_list, declarations, by_id)
    query = {k: v for k, v in criteria.items() if v not in (None, "")}
    return render(request, "expertise/search.html", {
        "form": form, "page_obj": page, "rows": rows, "searched": bool(query), "querystring": urlencode(query),
        "has_taxonomy": bool(skills), "tab": "search",
    })


@directory_page
def person(request, pk):
    """A person's skills; their e-mail address only when they accepted to be contacted."""
    found = get_object_or_404(policies.findable_people(request.user), pk=pk)
    declarations = list(Declaration.objects.filter(user=found).select_related("skill__domain").order_by("-level", "skill__name", "pk"))
    contactable = [d for d in declarations if d.contactable]
    return render(request, "expertise/person.html", {
        "person": found, "declarations": declarations, "organisations": services.organisations_of([found.pk])[found.pk],
        "email": found.email if contactable else "", "is_me": found.pk == request.user.pk, "tab": "search",
    })


@directory_page
def mine(request):
    """My declared skills, the form to add one, and my choice to be hidden."""
    skills = services.taxonomy_skills(request.user)
    form = DeclarationForm(request.POST or None, skills=skills)
    if request.method == "POST" and form.is_valid():
        skill = {s.pk: s for s in skills}[form.cleaned_data["skill"]]
        try:
            services.declare(request.user, skill, level=form.cleaned_data["level"], note=form.cleaned_data["note"],
                             contactable=form.cleaned_data["contactable"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Skill saved."))
            return redirect("expertise:mine")
    declarations = Declaration.objects.filter(user=request.user).select_related("skill__domain").order_by("skill__domain__name", "skill__name")
    return render(request, "expertise/mine.html", {
        "form": form, "declarations": declarations, "hidden": services.is_hidden(request.user), "has_taxonomy": bool(skills),
        "tab": "mine",
    })


@directory_page
def edit(request, pk):
    declaration = get_object_or_404(Declaration.objects.filter(user=request.user).select_related("skill__domain"), pk=pk)
    initial = {"level": declaration.level, "note": declaration.note, "contactable": declaration.contactable}
    form = DeclarationForm(request.POST or None, initial=initial, fixed_skill=declaration.skill)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_declaration(declaration, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Skill saved."))
            return redirect("expertise:mine")
    return render(request, "expertise/edit.html", {"form": form, "declaration": declaration, "tab": "mine"})


@require_POST
@directory_page
def withdraw(request, pk):
    services.withdraw(get_object_or_404(Declaration.objects.filter(user=request.user), pk=pk))
    messages.success(request, _("Skill removed from your list."))
    return redirect("expertise:mine")


@require_POST
@directory_page
def visibility(request):
    hidden = request.POST.get("hidden") == "1"
    services.set_hidden(request.user, hidden)
    messages.success(request, _("You are hidden: nobody else finds you in the skills directory.") if hidden
                     else _("You are visible again in the skills directory."))
    return redirect("expertise:mine")


@directory_page
def taxonomy(request):
    """The domains and skills I read; a new domain for those who edit a taxonomy."""
    user = request.user
    federations = list(policies.editable_federations(user).order_by("name"))
    instance = policies.can_edit_instance_taxonomy(user)
    form = DomainForm(request.POST or None, federations=federations, instance=instance) if federations or instance else None
    if request.method == "POST":
        if form is None:
            return redirect("expertise:taxonomy")
        if form.is_valid():
            federation = next((f for f in federations if f.pk == form.cleaned_data["federation"]), None)
            try:
                domain = services.create_domain(actor=user, name=form.cleaned_data["name"], federation=federation, request=request)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Domain created. Add its skills."))
                return redirect("expertise:domain", pk=domain.pk)
    skills = services.taxonomy_skills(user)
    domains = {}
    for skill in skills:
        domains.setdefault(skill.domain.pk, {"domain": skill.domain, "skills": []})["skills"].append(skill)
    for domain in policies.visible_domains(user).select_related("federation").exclude(pk__in=list(domains)):
        domains[domain.pk] = {"domain": domain, "skills": []}  # a domain without skills yet
    editable = set(policies.editable_domains(user).values_list("pk", flat=True)) if form is not None else set()
    groups = sorted(domains.values(), key=lambda g: (g["domain"].name.casefold(), g["domain"].pk))
    for group in groups:
        group["editable"] = group["domain"].pk in editable
    return render(request, "expertise/taxonomy.html", {"groups": groups, "form": form, "tab": "taxonomy"})


def _editable_domain(request, pk) -> Domain:
    return get_object_or_404(policies.editable_domains(request.user).select_related("federation"), pk=pk)


@directory_page
def domain(request, pk):
    """Edit a domain: its name, its skills (add, rename, remove)."""
    found = _editable_domain(request, pk)
    rename = NameForm(request.POST if request.POST.get("action") == "rename" else None, initial={"name": found.name}, prefix="domain")
    add = NewSkillForm(request.POST if request.POST.get("action") == "add" else None, prefix="skill")
    for form, write, done in ((rename, lambda name: services.rename_domain(found, actor=request.user, name=name, request=request),
                               _("Domain renamed.")),
                              (add, lambda name: services.add_skill(found, actor=request.user, name=name, request=request),
                               _("Skill added."))):
        if form.is_bound and form.is_valid():
            try:
                write(form.cleaned_data["name"])
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("expertise:domain", pk=found.pk)
    skills = found.skills.annotate(people=Count("declarations")).order_by("name", "pk")
    return render(request, "expertise/domain.html", {"domain": found, "rename": rename, "add": add, "skills": skills, "tab": "taxonomy"})


@require_POST
@directory_page
def domain_delete(request, pk):
    services.delete_domain(_editable_domain(request, pk), actor=request.user, request=request)
    messages.success(request, _("Domain deleted."))
    return redirect("expertise:taxonomy")


def _editable_skill(request, pk) -> Skill:
    return get_object_or_404(Skill.objects.filter(domain__in=policies.editable_domains(request.user).values("pk")).select_related("domain"), pk=pk)


@require_POST
@directory_page
def skill_rename(request, pk):
    skill = _editable_skill(request, pk)
    form = NameForm(request.POST, prefix=f"s{skill.pk}")
    try:
        if not form.is_valid():
            raise ValidationError({"name": _("Give a name.")})
        services.rename_skill(skill, actor=request.user, name=form.cleaned_data["name"], request=request)
    except ValidationError as error:
        for texts in error.message_dict.values():
            for text in texts:
                messages.error(request, text)
    else:
        messages.success(request, _("Skill renamed."))
    return redirect("expertise:domain", pk=skill.domain_id)


@require_POST
@directory_page
def skill_delete(request, pk):
    skill = _editable_skill(request, pk)
    services.delete_skill(skill, actor=request.user, request=request)
    messages.success(request, _("Skill deleted."))
    return redirect("expertise:domain", pk=skill.domain_id)  # the skill's pk is gone, its domain_id is kept


