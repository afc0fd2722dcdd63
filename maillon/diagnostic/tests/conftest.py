from dataclasses import dataclass

import pytest

from maillon.accounts.models import User
from maillon.accounts.roles import Role
from maillon.organisations.models import Organisation
from maillon.testing import OrganisationFactory, give_totp, make_member

from .. import questionnaire

# A complete set of answers: the best answer everywhere but two (website rarely updated, no
# accessibility statement).
GOOD = {
    "population": 850, "staff": 4, "elected": 15,
    "tools_used": ["office", "business", "shared_files", "calendar", "video"], "own_domain": "yes",
    "website": "stale", "procedures": "most", "accessibility": "no",
    "dpo": "yes", "register": "yes", "privacy_notice": "yes",
    "backups": "regular", "passwords": "manager", "updates": "automatic", "antivirus": "yes", "admin_accounts": "yes",
    "participation_now": "regular", "participation_wishes": ["newsletter"],
}


def worst() -> dict:
    answers = {"population": 120, "staff": 1, "elected": 11}
    for q in questionnaire.QUESTIONS:
        if q.kind == questionnaire.CHOICE:
            answers[q.key] = min(q.options, key=lambda o: o[2])[0]
        elif q.kind == questionnaire.MULTI:
            answers[q.key] = []
    return answers


@dataclass
class Town:
    commune: Organisation
    other: Organisation
    director: User
    admin: User
    staff: User
    other_director: User
    centre_director: User  # director of a social centre (no diagnostic there)


def _privileged(organisation, role) -> User:
    user = make_member(organisation, role)
    give_totp(user)
    return user


@pytest.fixture
def town(people):
    commune = OrganisationFactory(name="Mairie de Saint-Essai", slug="saint-essai", kind=Organisation.Kind.COMMUNE)
    other = OrganisationFactory(name="Mairie de Villeautre", slug="villeautre", kind=Organisation.Kind.COMMUNE)
    return Town(commune=commune, other=other, director=_privileged(commune, Role.DIRECTOR), admin=_privileged(commune, Role.ADMIN),
                staff=make_member(commune), other_director=_privileged(other, Role.DIRECTOR),
                centre_director=people.with_role(Role.DIRECTOR))
