"""core.prepared: a query compiled once per process gives, for any values, exactly what the
queryset built with those values gives (instances, related objects, annotations, rows)."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import CharField, Count, F, Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from maillon.accounts.models import Membership
from maillon.core.prepared import prepared
from maillon.notifications.models import Notification
from maillon.testing import build_people

_AT = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)


@prepared(recipient=-910_001, since=_AT, title="\x00stand-in")
def _notifications(recipient, since, title, unread_only=False):
    qs = Notification.objects.filter(recipient_id=recipient, created_at__gte=since).exclude(title=title)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.select_related("organisation").annotate(n=Count("recipient__notifications")).order_by("created_at", "pk")


@prepared(recipient=-910_002, day=date(1901, 2, 4))
def _union(recipient, day):
    read = Notification.objects.filter(recipient_id=recipient, read_at__isnull=False, created_at__date__lte=day)
    unread = Notification.objects.filter(recipient_id=recipient, read_at__isnull=True)
    return read.values_list(Value("r", output_field=CharField()), F("title")).order_by().union(
        unread.values_list(Value("u", output_field=CharField()), F("title")).order_by(), all=True)


def _rows(qs):
    return [(n.pk, n.title, n.organisation.name if n.organisation else None, n.n) for n in qs]


class PreparedMatchesBuilt(TestCase):
    @classmethod
    def setUpTestData(cls):
        people = build_people()
        cls.people = people
        now = timezone.now()
        for i, user in enumerate([people.owner, people.colleague] * 6):
            n = Notification.objects.create(recipient=user, organisation=people.org if i % 3 else None, title=f"Note {i}")
            Notification.objects.filter(pk=n.pk).update(created_at=now - timedelta(days=i), read_at=now if i % 2 else None)

    @settings(max_examples=40, deadline=None)
    @given(who=st.sampled_from(["owner", "colleague", "outsider"]), days=st.integers(0, 14),
           title=st.sampled_from(["Note 0", "Note 3", "autre"]), unread_only=st.booleans())
    def test_same_rows_as_the_built_queryset(self, who, days, title, unread_only):
        values = {"recipient": getattr(self.people, who).pk, "since": timezone.now() - timedelta(days=days, hours=1), "title": title}
        built = _notifications.__wrapped__(**values, unread_only=unread_only)
        assert _rows(_notifications(**values, unread_only=unread_only)) == _rows(built)

    @settings(max_examples=20, deadline=None)
    @given(who=st.sampled_from(["owner", "colleague"]), days=st.integers(-3, 10))
    def test_union_of_values_lists_and_dates(self, who, days):
        values = {"recipient": getattr(self.people, who).pk, "day": timezone.localdate() - timedelta(days=days)}
        assert sorted(_union(**values)) == sorted(_union.__wrapped__(**values))

    def test_one_query_and_the_related_objects_come_with_it(self):
        since = timezone.now() - timedelta(days=30)
        _notifications(recipient=self.people.owner.pk, since=since, title="x")  # compiled here
        with CaptureQueriesContext(connection) as queries:
            rows = _rows(_notifications(recipient=self.people.owner.pk, since=since, title="x"))
        assert len(rows) == 6 and len(queries) == 1

    def test_chaining_after_binding_is_refused_not_ignored(self):
        qs = _notifications(recipient=self.people.owner.pk, since=_AT.replace(year=2000), title="x")
        for chained in (lambda: qs.filter(title="Note 0"), lambda: qs[:2], qs.count, qs.exists):
            with pytest.raises(TypeError, match="prepared"):
                chained()
        assert len(qs) == 6  # iterating is what it is for

    def test_runs_on_the_calling_threads_connection(self):
        since = timezone.now() - timedelta(days=30)
        _notifications(recipient=self.people.owner.pk, since=since, title="x")
        seen = []

        def other():
            seen.append(_notifications(recipient=self.people.owner.pk, since=since, title="x").query.get_compiler().connection)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert seen and seen[0] is not connection


def test_a_stand_in_missing_from_the_sql_fails_loudly(db):
    @prepared(recipient=-910_003, unused=-910_004)
    def build(recipient, unused):
        return Notification.objects.filter(recipient_id=recipient)

    with pytest.raises(ValueError, match="unused"):
        build(recipient=1, unused=2)


def test_none_is_refused(db):
    with pytest.raises(ValueError, match="None"):
        list(_union(recipient=None, day=date(2026, 1, 1)))


def test_stand_ins_are_scalars():
    with pytest.raises(TypeError):
        prepared(flag=True)
    with pytest.raises(TypeError):
        prepared(ids=[1, 2])


def test_membership_ids_are_ints_in_the_sql(db):
    people = build_people()

    @prepared(user=-910_005)
    def mine(user):
        return Membership.objects.filter(user_id=user).select_related("organisation").prefetch_related("role_assignments")

    found = list(mine(user=people.owner.pk))
    assert [m.organisation.slug for m in found] == ["essais"]
    with CaptureQueriesContext(connection) as queries:
        assert [r.role for r in found[0].role_assignments.all()] == ["staff"]
    assert len(queries) == 0  # prefetched with the list
