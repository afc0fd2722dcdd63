"""Demo procedures: the 17 ready-made ones and the order of mission enabled at Les Tilleuls (a few
at Arc-en-Ciel), requests at every stage, signed with the demo password (fictional people and
amounts), and the minibus booked for the farm outing linked to its order of mission."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from maillon.accounts.models import Membership

from . import services
from .catalog import DRIVING_LICENCE, TEMPLATES
from .models import Procedure, Step, Submission

DEMO_PASSWORD = "Maillon-Demo-2026"


def as_request(user, organisation):
    request = RequestFactory().post("/demo/", REMOTE_ADDR="127.0.0.1")
    request.user = user
    request.session = SessionStore()
    request.organisation = organisation
    request.membership = Membership.objects.with_roles().select_related("sector").get(user=user, organisation=organisation)
    return request


def _by_template(organisation, key) -> Procedure:
    return Procedure.objects.for_organisation(organisation).get(template_key=key)


def _submit(request, key, answers, *, send=True) -> Submission:
    procedure = _by_template(request.organisation, key)
    submission = services.save_draft(request, procedure, answers)
    if send:
        services.submit(request, submission, password=DEMO_PASSWORD)
    return submission


def _approve_all(people, organisation, submission, upto=None, decision="approve", comment=""):
    done = 0
    while True:
        step = Step.objects.filter(submission=submission, status=Step.Status.WAITING).first()
        if step is None or (upto is not None and done >= upto):
            return
        approver = next((u for u in people if services.user_can_decide(as_request(u, organisation).membership, step)), None)
        if approver is None:
            return
        services.decide(as_request(approver, organisation), step, decision, comment=comment, password=DEMO_PASSWORD)
        done += 1
        if decision != "approve":
            return


def seed(context) -> None:
    main, second = context.main, context.second
    people = context.people
    if Procedure.objects.for_organisation(main).exists():
        return
    hr = as_request(people["rh"], main)
    for key in TEMPLATES:
        services.enable_template(hr, key)
    arc_director = people.get("arc.directeur")
    if arc_director is not None:
        arc = as_request(arc_director, second)
        for key in ("absence-conge", "frais-kilometriques", "ordre-mission", "bon-commande", "formation"):
            services.enable_template(arc, key)

    approvers = [people[u] for u in ("coordo.enfance", "coordo.jeunes", "rh", "directrice", "accueil") if u in people]
    animateur = as_request(people["animateur"], main)
    today = timezone.localdate()
    summer = today.replace(month=7, day=15) if today.month < 7 else today.replace(year=today.year + 1, month=7, day=15)

    leave = _submit(animateur, "absence-conge", {
        "leave_type": "Congés payés", "commentaire": "Vacances en famille dans le Jura.",
        "period": {"start": summer.isoformat(), "start_half": "morning", "end": (summer + timedelta(days=11)).isoformat(), "end_half": "afternoon"},
    })
    _approve_all(approvers, main, leave)

    mileage = _submit(animateur, "frais-kilometriques", {
        "trajets": [
            {"date": (today - timedelta(days=12)).isoformat(), "objet": "Sortie ferme pédagogique de Bellecombe", "km": "42", "montant": "14.70"},
            {"date": (today - timedelta(days=5)).isoformat(), "objet": "Achat de matériel de bricolage", "montant": "37.90"},
        ],
        "iban": "FR7630006000011234567890189",
    })
    _approve_all(approvers, main, mileage, upto=1)

    _order_of_mission_for_the_minibus(main, people, approvers)

    _submit(animateur, "formation", {
        "intitule": "PSC1 : prévention et secours civiques", "organisme": "Protection civile du Val-Fleuri",
        "dates": {"start": (today + timedelta(days=30)).isoformat(), "start_half": "morning", "end": (today + timedelta(days=30)).isoformat(), "end_half": "afternoon"},
        "cout": "60.00", "financement": "Plan de développement des compétences", "objectifs": "Être en mesure de porter secours lors des sorties.",
    })

    order = _submit(as_request(people["coordo.jeunes"], main), "bon-commande", {
        "fournisseur": "Papeterie des Quatre Vents", "action": "Atelier BD des adolescents",
        "lignes": [{"designation": "Carnets de croquis A4", "quantite": "15", "prix": "67.50"}, {"designation": "Feutres fins (lot de 48)", "quantite": "3", "prix": "89.70"},
                   {"designation": "Table lumineuse", "quantite": "2", "prix": "418.00"}],
    })
    _approve_all(approvers, main, order, decision="changes", comment="Merci de joindre le devis pour la table lumineuse.")

    _submit(animateur, "acompte-salaire", {"montant": "250.00"}, send=False)

    # A leave approved then cancelled by HR (the days are credited back), and an old absence
    # request past its retention, anonymised by the purge (shown in « Suivi » and in the purge log).
    coordinator = as_request(people["coordo.jeunes"], main)
    autumn = today + timedelta(days=75)
    cancelled = _submit(coordinator, "absence-conge", {
        "leave_type": "Congés payés", "commentaire": "Pont de la Toussaint.",
        "period": {"start": autumn.isoformat(), "start_half": "morning", "end": (autumn + timedelta(days=1)).isoformat(), "end_half": "afternoon"},
    })
    _approve_all(approvers, main, cancelled)
    cancelled.refresh_from_db()
    if cancelled.status == Submission.Status.APPROVED:
        services.cancel_approved(hr, cancelled, reason="Séjour jeunes avancé à ces dates : congé annulé à la demande de l'intéressé.")

    old_day = today - timedelta(days=4 * 365 + 40)
    old = _submit(animateur, "absence-conge", {
        "leave_type": "Autorisation d'absence", "commentaire": "Rendez-vous administratif.",
        "period": {"start": old_day.isoformat(), "start_half": "morning", "end": old_day.isoformat(), "end_half": "morning"},
    })
    _approve_all(approvers, main, old)
    long_ago = timezone.now() - timedelta(days=4 * 365 + 30)
    Submission.objects.filter(pk=old.pk).update(submitted_at=long_ago, closed_at=long_ago)
    services.purge_expired()


def _order_of_mission_for_the_minibus(main, people, approvers) -> None:
    """The agenda's demo booked the minibus for the farm outing before the procedures existed:
    open its order of mission now, as the booking would have, complete it and send it (the
    coordinator's own request: HR approves, the director has not decided yet)."""
    from maillon.agenda.models import Allocation

    from . import booking

    allocation = (Allocation.objects.filter(organisation=main, resource__name="Minibus 9 places", resource__category="vehicle",
                                            occurrence__event__title="Sortie à la ferme pédagogique")
                  .select_related("occurrence__event", "resource").first())
    coordinator = people.get("coordo.enfance")
    if allocation is None or coordinator is None:
        return
    request = as_request(coordinator, main)
    draft = booking.open_for_booking(allocation.occurrence.event, allocation.resource, request.membership)
    if draft is None:
        return
    answers = {**draft.data, "destination": "Ferme pédagogique de Bellecombe", "nombre_passagers": "8",
               "passagers": "Groupe des 6-10 ans de l'accueil de loisirs, avec un animateur", "permis": [DRIVING_LICENCE]}
    services.save_draft(request, draft.procedure, answers, draft)
    services.submit(request, draft, password=DEMO_PASSWORD)
    _approve_all(approvers, main, draft, upto=1)
