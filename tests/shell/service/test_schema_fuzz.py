"""Schemathesis over the app's own OpenAPI document (in-process, no network): for every
operation, generated requests -- valid ones, then ones that break the schema -- never get a
5xx, every response matches its documented status, media type, headers and schema, and every
refusal is a problem-details document whose ``status`` is the response's.

Schemathesis's ``positive_data_acceptance`` check is left out on purpose: it expects a
schema-valid request never to get a 422, but here 422 is also a domain rule's refusal
(insufficient funds, a display name that is not printable text), which the schema cannot
express.

Bounded for ``make test``: ``FUZZ_EXAMPLES`` examples per operation and mode (8 under the dev
profile, 25 under ci) over ~45 operations; about 30 s (dev) on the reference machine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from astratrade_shell.service.app import create_app
from astratrade_shell.service.platform import open_platform
from tests.shell.service.support import bootstrap, config_for

FUZZ_EXAMPLES = 25 if os.environ.get("HYPOTHESIS_PROFILE") == "ci" or os.environ.get("CI") \
    else 8


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory,
        ) -> Iterator[tuple[schemathesis.BaseSchema, str]]:
    store: Path = tmp_path_factory.mktemp("fuzz") / "events.db"
    key = bootstrap(store)
    platform = open_platform(config_for(store, burst=10**6, rate_per_second=10**6)).unwrap()
    app = create_app(platform, close_on_shutdown=False)
    with TestClient(app):
        yield schemathesis.openapi.from_asgi("/openapi.json", app), key
    platform.close()


def _operations(schema: schemathesis.BaseSchema) -> list[Any]:
    """Every operation (a schema that cannot be read fails the test)."""
    found: list[Any] = []
    for result in schema.get_all_operations():
        operation = getattr(result, "ok", None)
        assert operation is not None, result
        found.append(operation())
    return found


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=lambda m: m.value)
def test_no_server_error_and_every_answer_matches_the_schema(
        api: tuple[schemathesis.BaseSchema, str], mode: schemathesis.GenerationMode) -> None:
    schema, key = api
    operations = _operations(schema)
    assert len(operations) >= 40
    headers = {"Authorization": f"Bearer {key}"}
    for operation in operations:
        inputs = list(operation.iter_parameters()) or operation.get_request_payload_content_types()
        if mode is schemathesis.GenerationMode.NEGATIVE and not inputs:
            continue   # nothing to break: /healthz, /readyz, /metrics take no input

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            keyed = {} if schema.is_security_param_negated(case) else headers
            response = case.call_and_validate(headers=keyed, excluded_checks=[
                positive_data_acceptance])
            if response.status_code >= 400:
                assert response.headers["content-type"][0].startswith(
                    "application/problem+json"), (case.operation.label, response.text)
                assert response.json()["status"] == response.status_code

        check()
