"""Demo of the public forms (issue 19): three communes of the « Val de Gers » groupement offer
online procedures to their citizens, publish five of the ten municipal templates, and have
citizens' requests in every state (pending, changes asked with a message, approved, rejected,
withdrawn), with messages. Fictional people; the staff's logins use the demo password.

Runs after the communes' seeder (which creates the groupement): the procedures app is loaded
before the communes app, so when the groupement is not there yet this seeder runs again once at
the end of the demo's seeders."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from maillon.accounts.models import Membership, RoleAssignment
from maillon.accounts.roles import Role

from . import services, services_public
from .demo import DEMO_PASSWORD, as_request
from .models import Procedure, Step, Submission

COMMUNE_SLUGS = 3  # the first three communes with services
TEMPLATES = ["commune-etat-civil", "commune-cantine", "commune-salle", "commune-encombrants", "commune-domaine-public"]
CITIZENS = [("claire.dupouy@exemple.demo", "Claire", "Dupouy"), ("yannick.lafforgue@exemple.demo", "Yannick", "Lafforgue"),
            ("fatima.benali@exemple.demo", "Fatima", "Benali"), ("jean-pierre.sarrat@exemple.demo", "Jean-Pierre", "Sarrat"),
            ("lucie.bordes@exemple.demo", "Lucie", "Bordes")]


def seed(context) -> None:
    from maillon.communes.demo import GROUPEMENT_SLUG
    from maillon.core import registry
    from maillon.organisations.models import Organisation

    if not Organisation.objects.filter(slug=GROUPEMENT_SLUG).exists():
        if not getattr(context, "_public_forms_deferred", False):
            context._public_forms_deferred = True
            registry.registry.demo_seeders.append(_once)
        return
    _seed(context)


def _once(context) -> None:
    from maillon.core import registry

    try:
        from maillon.communes.demo import GROUPEMENT_SLUG
        from maillon.organisations.models import Organisation

        if Organisation.objects.filter(slug=GROUPEMENT_SLUG).exists():
            _seed(context)
    finally:
        seeders = registry.registry.demo_seeders
        if _once in seeders:
            seeders.remove(_once)


def _request(citizen, organisation):
    request = RequestFactory().post("/demo/", REMOTE_ADDR="127.0.0.1")
    request.session = SessionStore()
    request.organisation = organisation
    request.user = AnonymousUser()
    return request


def _list_logins(context, commune, people) -> None:
    """The commune's two logins in the demo's list; the secretary directs the commune (moderation,
    participation), a role that asks for MFA: a TOTP secret is set and printed, as for the others."""
    from maillon.core.demo import DemoLogin, _activate_totp

    reception, secretary = people
    context.logins.append(DemoLogin(reception.username, str(Role(Role.RECEPTION).label), commune.name))
    context.logins.append(DemoLogin(secretary.username, str(Role(Role.DIRECTOR).label), commune.name, _activate_totp(secretary)))


def _staff(commune, index: int):
    from maillon.core.demo import _person

    people = []
    for suffix, first, last, role, title in [("accueil", "Nadine", "Castéra", Role.RECEPTION, "Agente d'accueil"),
                                             ("secretariat", "Romain", "Daguzan", Role.DIRECTOR, "Secrétaire de mairie")]:
        user = _person(f"commune{index + 1}.{suffix}", first, last)
        membership, created = Membership.objects.get_or_create(user=user, organisation=commune, defaults={"job_title": title})
        if created:
            RoleAssignment.objects.create(membership=membership, role=Role.STAFF)
            RoleAssignment.objects.create(membership=membership, role=role)
        people.append(user)
    return people


def _decide(people, commune, submission, decision, comment=""):
    step = Step.objects.filter(submission=submission, status=Step.Status.WAITING).first()
    if step is None:
        return
    for user in people:
        request = as_request(user, commune)
        if services.user_can_decide(request.membership, step):
            services.decide(request, step, decision, comment=comment, password=DEMO_PASSWORD)
            return


def _seed(context) -> None:
    from maillon.citizens.services import verified_citizen
    from maillon.communes import services as commune_services
    from maillon.communes.demo import GROUPEMENT_SLUG
    from maillon.communes.models import Commune, CommuneService

    communes = [c.organisation for c in Commune.objects.filter(groupement__slug=GROUPEMENT_SLUG).select_related("organisation")
                .filter(organisation__in=CommuneService.objects.values("organisation")).distinct().order_by("organisation__name")]
    communes = [c for c in communes if CommuneService.objects.filter(organisation=c).exclude(key="citizen_procedures").exists()][:COMMUNE_SLUGS]
    citizens = [verified_citizen(email, given_name=first, family_name=last) for email, first, last in CITIZENS]
    for index, commune in enumerate(communes):
        people = _staff(commune, index)
        _list_logins(context, commune, people)
        if Procedure.objects.for_organisation(commune).filter(audience=Procedure.Audience.PUBLIC).exists():
            continue
        CommuneService.objects.get_or_create(organisation=commune, key="citizen_procedures")
        commune_services.forget(commune.pk)
        manager = as_request(people[1], commune)
        for key in TEMPLATES:
            services.enable_template(manager, key)
        _requests(commune, people, citizens[index:] + citizens[:index])


def _by_key(commune, key) -> Procedure:
    return Procedure.objects.for_organisation(commune).select_related("current_version").get(template_key=key)


def _requests(commune, people, citizens) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    soon = today + timezone.timedelta(days=24)
    send = services_public.send_request
    ask = lambda citizen: _request(citizen, commune)  # noqa: E731

    # Pending: a birth certificate waiting for the reception desk.
    send(ask(citizens[0]), _by_key(commune, "commune-etat-civil"), citizens[0], {
        "acte": "Naissance", "forme": "Extrait avec filiation", "nom": citizens[0].family_name, "prenoms": citizens[0].given_name,
        "date_evenement": "1987-04-12", "qualite": "La personne concernée", "delivrance": "Par courrier",
        "adresse": "3 chemin des Crêtes\n32300 " + commune.name})

    # Changes asked, with a message: the hall booking lacks its insurance certificate.
    hall = send(ask(citizens[1]), _by_key(commune, "commune-salle"), citizens[1], {
        "salle": "Salle des fêtes", "date_evenement": soon.isoformat(), "heure_debut": "14:00", "heure_fin": "23:00",
        "objet": "Anniversaire des 40 ans", "personnes": "60", "association": False, "telephone": "06 12 34 56 78"})
    _decide(people, commune, hall, "changes", "Merci de joindre l'attestation d'assurance responsabilité civile pour la date de l'événement.")
    services_public.post_message(Submission.objects.get(pk=hall.pk), body="Bonjour, la salle est libre ce jour-là. "
                                 "Dès réception de l'attestation, nous validons la réservation. Nadine, accueil de la mairie.", user=people[0])
    services_public.post_message(Submission.objects.get(pk=hall.pk), body="Merci, je la demande à mon assureur et je la joins dès que possible.",
                                 citizen=citizens[1])

    # Approved through both steps: a bulky waste collection.
    waste = send(ask(citizens[2]), _by_key(commune, "commune-encombrants"), citizens[2], {
        "adresse": "12 rue du Lavoir", "objets": "Un canapé trois places\nUn réfrigérateur", "volume": "1.5", "telephone": "06 98 76 54 32"})
    _decide(people, commune, waste, "approve")
    services_public.post_message(Submission.objects.get(pk=waste.pk), body="Passage des agents techniques jeudi matin : merci de sortir les objets la veille au soir.",
                                 user=people[0])

    # Rejected: a public space occupation for dates already taken by the village fair.
    space = send(ask(citizens[3]), _by_key(commune, "commune-domaine-public"), citizens[3], {
        "motif": "Déménagement", "adresse": "Place de l'Église", "surface": "20", "stationnement": True, "places": "2",
        "periode": {"start": soon.isoformat(), "start_half": "morning", "end": soon.isoformat(), "end_half": "afternoon"},
        "telephone": "07 11 22 33 44"})
    _decide(people, commune, space, "approve")
    _decide(people, commune, space, "reject", "La place est occupée par la fête du village ce jour-là : proposez une autre date.")

    # Withdrawn by the citizen: a school canteen registration made twice.
    canteen = send(ask(citizens[4]), _by_key(commune, "commune-cantine"), citizens[4], {
        "enfant_nom": citizens[4].family_name, "enfant_prenom": "Inès", "enfant_naissance": "2018-09-03", "ecole": "École élémentaire",
        "classe": "CE2", "jours": ["Lundi", "Mardi", "Jeudi", "Vendredi"], "allergie": False, "telephone": "06 55 44 33 22"})
    services_public.withdraw(ask(citizens[4]), commune, citizens[4], canteen.reference)
