"""No request body, path, query or header makes any endpoint answer 5xx (SPEC §10). Schemathesis
generates valid and invalid requests from each service's published OpenAPI and sends them to the
running process."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.system import System

pytestmark = pytest.mark.e2e
FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.mark.parametrize("service", ["deposits", "documents", "notifications", "portal", "billing"])
def test_no_generated_request_gets_a_server_error(system: System, service: str) -> None:
    schema = schemathesis.openapi.from_url(f"{system.url(service)}/openapi.json")
    headers = system.staff("fuzz-tenant")
    failures: list[str] = []
    statuses: dict[int, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @FUZZ
            @given(case=operation.as_strategy(generation_mode=mode))
            def send(case: schemathesis.Case) -> None:
                response = case.call(headers={**(case.headers or {}), **headers}, timeout=30)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code >= 500:
                    failures.append(
                        f"{case.method} {case.formatted_path} {case.body!r}: {response.status_code}"
                    )
                elif response.status_code == 422 and not response.json()["error"]["fields"]:
                    failures.append(f"{case.method} {case.formatted_path}: a 422 that names no field")

            try:
                send()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # an operation without inputs has no invalid request
    assert failures == []
    assert statuses.get(200, 0) > 0, statuses  # it reached past validation, not only 4xx
