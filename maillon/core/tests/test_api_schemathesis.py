"""The whole API fuzzed from its own OpenAPI schema with Schemathesis, as CI runs it (a bounded,
deterministic number of examples per operation, on SQLite and PostgreSQL):

- no server error (5xx) for any input, valid or not;
- every status code answered is documented in the schema, and every body matches it;
- input that breaks the schema is refused (4xx), never accepted.

Each operation is called with data generated from the schema (positive) and with data that
breaks it (negative), as a coordinator of « essais » with a personal token and X-Organisation;
the meetings' operations also with the id of a meeting that person organises. Every call
runs in a savepoint rolled back after it, so the examples do not depend on each other.

Left out on purpose: Schemathesis' ``positive_data_acceptance``. The schema cannot say every
business rule (the end after the start, a leave type of the organisation, a person who is a
member), so some schema-valid requests are rightly refused with a French 422.
"""

import collections
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from maillon.accounts import services_tokens
from maillon.accounts.roles import Role
from maillon.meetings.tests.helpers import meeting
from maillon.testing import make_member

# Examples per operation and mode; FUZZ_EXAMPLES=100 for a longer run by hand.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance,
          negative_data_rejection]


@pytest.fixture
def wsgi_app():
    # Django closes the connection after each request it serves, which would end the test's
    # transaction: the test client does the same as here.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def fuzz(operation, strategy, headers, failures, calls) -> None:
    """Call the operation with EXAMPLES cases drawn from the strategy; note what fails."""

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, print_blob=False,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def call(case):
        savepoint = transaction.savepoint()
        try:
            response = case.call(headers=headers)
            calls[response.status_code // 100] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except BaseException as group:  # Schemathesis' FailureGroup is a BaseExceptionGroup
                for failure in getattr(group, "exceptions", [group]):
                    title = getattr(failure, "title", type(failure).__name__)
                    failures[(operation.label, title)].add(
                        f"{response.status_code}: {case.as_curl_command(headers=headers)[:600]}\n"
                        f"      -> {response.text[:300]}"
                    )
        finally:
            transaction.savepoint_rollback(savepoint)

    call()


def test_the_api_keeps_to_its_schema_whatever_it_is_sent(people, wsgi_app):
    fuzzer = make_member(people.org, Role.COORDINATOR, username="fuzz")
    own_meeting = meeting(people.org, fuzzer, people.owner)
    raw = services_tokens.create_token(fuzzer, "schemathesis").raw
    # identity: the answers are read as sent (GZipMiddleware would compress them).
    headers = {"Authorization": f"Bearer {raw}", "X-Organisation": people.org.slug, "Accept-Encoding": "identity"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app, headers=headers)

    failures: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    calls = collections.Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40

    for operation in operations:
        runs = [(GenerationMode.POSITIVE, {}), (GenerationMode.NEGATIVE, {})]
        if "{meeting_id}" in operation.path:
            runs.append((GenerationMode.POSITIVE, {"meeting_id": own_meeting.pk}))
        for mode, path_parameters in runs:
            fuzz(operation, operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None),
                 headers, failures, calls)

    assert calls[2] > 50, calls  # the fuzz reaches the views, not only their refusals
    report = "\n".join(
        f"{label} — {title} ({len(cases)}):\n    " + "\n    ".join(sorted(cases)[:3])
        for (label, title), cases in sorted(failures.items())
    )
    assert not failures, f"Schemathesis found {len(failures)} problems:\n{report}"
