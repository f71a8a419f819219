"""The house's own checks, run by schemathesis beside its own (SCHEMATHESIS_HOOKS names this module)."""

import re
from typing import Any
from uuid import uuid4

import schemathesis

_VALID_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,200}")  # the published pattern and lengths


@schemathesis.hook
def map_headers(ctx: Any, headers: dict[str, Any] | None) -> dict[str, Any] | None:
    """A valid Idempotency-Key made unique to the request, as a client makes one per command: the
    generator repeats its values across operations, and a key reused for a different request is
    rightly refused. An invalid key is left as generated, to be refused."""
    key = (headers or {}).get("Idempotency-Key")
    if headers is not None and isinstance(key, str) and _VALID_IDEMPOTENCY_KEY.fullmatch(key):
        return {**headers, "Idempotency-Key": uuid4().hex}
    return headers


@schemathesis.check
def refusals_name_the_input(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 422 names the input at fault: the body field, the parameter or `body`."""
    if response.status_code != 422:
        return None
    error = response.json()["error"]
    names = [entry["field"] for entry in error["fields"]]
    if not names or not all(names):
        raise AssertionError(f"A 422 that names no input: {error}")
    return True


@schemathesis.check
def refused_methods_name_the_allowed_ones(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 405 lists in Allow the methods its path does take (schemathesis takes an empty one)."""
    if response.status_code != 405:
        return None
    allow = ",".join(response.headers.get("allow", []))
    if not [method for method in allow.split(",") if method.strip()]:
        raise AssertionError("A 405 whose Allow names no method")
    return True
