"""Demo: citizen participation in three of the Val de Gers communes with services (after the
communes seeder): in Aubertin-sur-Gimone an open consultation « Aménagement de la place de la
mairie » with answers, a closed one with its results, and ideas in every status with supports (two
waiting for moderation); the two other communes get a smaller share. Every name is invented."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from maillon.citizens.models import Citizen, Moderation

PARTICIPATION_COMMUNES = ("aubertin-sur-gimone", "castelnau-des-pres", "fontrailles-le-haut")
CITIZENS = [
    ("Maëlys", "Cazeneuve"), ("Armand", "Lartigue"), ("Honorine", "Pujolle"), ("Bastien", "Sarrouy"), ("Clélia", "Dufréchou"),
    ("Firmin", "Laborde-Nau"), ("Ysée", "Castagnède"), ("Loïc", "Barrère"), ("Ninon", "Soubiran"), ("Aurèle", "Tauziède"),
    ("Jeanne", "Marsolan"), ("Odilon", "Peyrecave"),
]
IDEAS = [
    ("Des bancs à l'ombre près de l'école", "Les parents attendent la sortie des classes en plein soleil : deux bancs sous les "
     "tilleuls de la place rendraient l'attente plus agréable, surtout pour les grands-parents.", "accepted", 9,
     "Bonne idée : deux bancs seront posés avant l'été, dans le cadre de l'aménagement de la place."),
    ("Une boîte à livres à la salle des fêtes", "Une ancienne cabine ou une armoire étanche où chacun dépose et emprunte des "
     "livres librement.", "done", 7, "La boîte à livres est installée depuis mars, merci aux bénévoles qui l'ont repeinte !"),
    ("Un composteur partagé au lotissement des Vignes", "Beaucoup d'entre nous n'ont pas de jardin. Un composteur collectif "
     "réduirait les ordures ménagères.", "studied", 6, "Nous étudions l'emplacement avec le syndicat de collecte."),
    ("Éclairer le chemin piéton vers l'arrêt de car", "Le chemin de la gare est très sombre l'hiver, les collégiens le prennent "
     "à 7 h 15.", "new", 5, ""),
    ("Un marché de producteurs le vendredi soir", "Une fois par mois d'avril à septembre, sur la place, avec les fermes voisines.",
     "studied", 4, ""),
    ("Goudronner le parking du cimetière", "Le parking est boueux dès qu'il pleut.", "declined", 1,
     "Le sol doit rester perméable : nous ajouterons plutôt du gravier stabilisé à l'automne."),
    ("Des cours d'informatique pour les aînés", "Un après-midi par semaine à la mairie, pour les démarches en ligne.", "new", 0, ""),
    ("Un terrain de pétanque éclairé", "Pour jouer le soir en été, près du city-stade.", "new", 0, ""),
]


def _citizens(rng_offset: int = 0) -> list[Citizen]:
    from maillon.citizens.services import verified_citizen

    people = []
    for index, (first, last) in enumerate(CITIZENS):
        email = f"{first}.{last}".lower().replace(" ", "-")
        email = email.translate(str.maketrans("àâäéèêëïîôöùûüç", "aaaeeeeiioouuuc")) + "@habitants.demo.maillon.localhost"
        citizen = verified_citizen(email, given_name=first, family_name=last)
        if index % 4 == 3 and not citizen.franceconnect_sub:  # some came through FranceConnect
            citizen.franceconnect_sub = f"demo-fc-{index:04d}"
            citizen.save(update_fields=["franceconnect_sub"])
        people.append(citizen)
    return people


def seed_participation(context) -> None:
    from maillon.communes import services as commune_services
    from maillon.communes.models import CommuneService
    from maillon.organisations.models import Organisation

    from .models import Answer, Consultation, Idea, IdeaSupport, Option

    communes = list(Organisation.objects.filter(slug__in=PARTICIPATION_COMMUNES, kind=Organisation.Kind.COMMUNE).order_by("pk"))
    if not communes or Consultation.objects.filter(organisation__in=communes).exists():
        return
    for commune in communes:
        CommuneService.objects.get_or_create(organisation=commune, key="participation")
        commune_services.forget(commune.pk)
    people = _citizens()
    now = timezone.now()
    for rank, commune in enumerate(sorted(communes, key=lambda c: PARTICIPATION_COMMUNES.index(c.slug))):
        main = rank == 0
        # The open consultation, with options and answers.
        place = Consultation.objects.create(
            organisation=commune, title="Aménagement de la place de la mairie",
            question="La place de la mairie sera refaite l'an prochain. Quel aménagement préférez-vous ?",
            kind=Consultation.Kind.OPTIONS, opens_at=now - timedelta(days=10), closes_at=now + timedelta(days=20))
        labels = ["Une place piétonne avec des arbres et des bancs", "Un parking paysager de vingt places",
                  "Un espace mixte : marché le vendredi, stationnement le reste de la semaine", "Garder la place telle qu'elle est"]
        options = Option.objects.bulk_create([Option(organisation=commune, consultation=place, label=label, position=i)
                                              for i, label in enumerate(labels)])
        weights = [0, 0, 0, 1, 2, 2, 2, 0, 1, 2, 3, 0] if main else [2, 0, 1, 0, 2]
        Answer.objects.bulk_create([
            Answer(organisation=commune, consultation=place, citizen=c, identity_key=c.identity_key, option=options[w],
                   moderation=Moderation.PUBLISHED, created_at=now - timedelta(days=9 - i % 9, hours=i))
            for i, (c, w) in enumerate(zip(people, weights, strict=False))])
        # A closed consultation with its results (free answers, some published).
        closed = Consultation.objects.create(
            organisation=commune, title="Horaires d'ouverture de la mairie",
            question="Quels horaires d'ouverture du secrétariat de mairie vous conviendraient le mieux ?",
            kind=Consultation.Kind.FREE, opens_at=now - timedelta(days=75), closes_at=now - timedelta(days=45))
        free = ["Le samedi matin, une fois sur deux : en semaine je travaille à Auch.",
                "Un soir par semaine jusqu'à 19 h.", "Les horaires actuels me conviennent.",
                "Plus de démarches en ligne, et un rendez-vous possible le mercredi.", "Le samedi matin."]
        Answer.objects.bulk_create([
            Answer(organisation=commune, consultation=closed, citizen=c, identity_key=c.identity_key, text=text,
                   moderation=Moderation.PUBLISHED if i != 2 or not main else Moderation.PENDING,
                   moderated_at=now - timedelta(days=44), created_at=now - timedelta(days=70 - i * 4))
            for i, (c, text) in enumerate(zip(people[3:], free if main else free[:3], strict=False))])
        if main:  # an older one with options, its results published by the staff
            school = Consultation.objects.create(
                organisation=commune, title="Nom de la nouvelle école", question="Quel nom donner à l'école rénovée ?",
                kind=Consultation.Kind.OPTIONS, opens_at=now - timedelta(days=200), closes_at=now - timedelta(days=170),
                results_auto=False, results_published_at=now - timedelta(days=165))
            names = Option.objects.bulk_create([Option(organisation=commune, consultation=school, label=label, position=i)
                                                for i, label in enumerate(["École des Tilleuls", "École Rosa-Bonheur",
                                                                           "École de la Gimone"])])
            Answer.objects.bulk_create([
                Answer(organisation=commune, consultation=school, citizen=c, identity_key=c.identity_key, option=names[i % 3 if i < 9 else 2],
                       moderation=Moderation.PUBLISHED, created_at=now - timedelta(days=190 - i))
                for i, c in enumerate(people)])
            Consultation.objects.create(
                organisation=commune, title="Fête de la Saint-Jean", question="Quelles animations souhaitez-vous pour la fête ?",
                kind=Consultation.Kind.FREE, opens_at=now + timedelta(days=12), closes_at=now + timedelta(days=40))
        # Ideas in every status, with supports; two wait for moderation.
        for i, (title, body, status, supports, answer) in enumerate(IDEAS if main else IDEAS[:4]):
            idea = Idea.objects.create(organisation=commune, citizen=people[i % len(people)], title=title, body=body, status=status,
                                       answer=answer, answered_at=now - timedelta(days=5) if answer else None,
                                       moderation=Moderation.PUBLISHED, moderated_at=now - timedelta(days=30 - i),
                                       created_at=now - timedelta(days=40 - i * 4))
            IdeaSupport.objects.bulk_create([IdeaSupport(organisation=commune, idea=idea, citizen=c, identity_key=c.identity_key)
                                             for c in people[:supports]])
        for i, (title, body) in enumerate([
                ("Une fontaine à eau sur la place", "Pour les cyclistes et les randonneurs du chemin de Saint-Jacques."),
                ("Des nichoirs à mésanges dans les platanes", "Contre les chenilles processionnaires, sans produit chimique.")]):
            if main or i == 0:
                Idea.objects.create(organisation=commune, citizen=people[-1 - i], title=title, body=body,
                                    created_at=now - timedelta(days=1 + i))
