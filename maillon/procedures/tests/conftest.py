import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.procedures import services


@pytest.fixture
def make_request(people):
    """A request as a view gets it: logged in, organisation and membership resolved, a session."""

    def _make(user, organisation=None):
        request = RequestFactory().post("/x/")
        request.user = user
        request.session = SessionStore()
        request.organisation = organisation or people.org
        request.membership = Membership.objects.with_roles().select_related("sector").get(user=user, organisation=request.organisation)
        return request

    return _make


class Chain:
    """The people of a default chain in ``people.org``: coordinator of Secteur Enfance, HR, director."""

    def __init__(self, people):
        self.coordinator = people.with_role(Role.COORDINATOR, sector_name="Secteur Enfance")
        self.other_coordinator = people.with_role(Role.COORDINATOR, sector_name="Secteur Jeunes et Adolescents")
        self.hr = people.with_role(Role.HR, sector_name=None)
        self.director = people.with_role(Role.DIRECTOR, sector_name=None)
        self.communication = people.with_role(Role.COMMUNICATION, sector_name=None)


@pytest.fixture
def chain(people):
    return Chain(people)


@pytest.fixture
def enable(make_request, chain):
    """``enable(key)`` → the published procedure of that template in people.org."""

    def _enable(key, organisation=None):
        return services.enable_template(make_request(chain.hr, organisation), key)

    return _enable


@pytest.fixture
def flow(make_request, django_capture_on_commit_callbacks):
    """submit / approve / waiting, running the after-commit work (notifications) as a real request would."""
    from maillon.procedures.models import Step
    from maillon.testing import TEST_PASSWORD

    class Flow:
        @staticmethod
        def waiting(submission):
            return Step.objects.get(submission=submission, status=Step.Status.WAITING)

        @staticmethod
        def submit(user, procedure, answers, organisation=None):
            request = make_request(user, organisation)
            with django_capture_on_commit_callbacks(execute=True):
                submission = services.save_draft(request, procedure, answers)
                return services.submit(request, submission, password=TEST_PASSWORD)

        @classmethod
        def approve(cls, user, submission, decision="approve", comment=""):
            with django_capture_on_commit_callbacks(execute=True):
                return services.decide(make_request(user), cls.waiting(submission), decision, comment=comment, password=TEST_PASSWORD)

    return Flow
