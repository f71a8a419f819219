"""The house's own checks, run by schemathesis beside its own (SCHEMATHESIS_HOOKS names this module)."""

from typing import Any

import schemathesis


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
