"""Constrained field types shared by contracts and HTTP schemas."""

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, StringConstraints


def _no_control_characters(value: str) -> str:
    # PostgreSQL text cannot hold NUL, and no human-entered field needs control characters.
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise ValueError("must not contain control characters")
    return value


# Opaque identifiers of tenants, branches, customers, jobs and quotes from the operations system.
Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500), AfterValidator(_no_control_characters)
]
RequiredText = Annotated[Text, Field(min_length=1)]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=4000), AfterValidator(_no_control_characters)
]
Language = Literal["th", "en"]


def _known_time_zone(value: str) -> str:
    # Checked where the contract is parsed: a business's dates (document numbers' years, due dates,
    # the return deadline) are all read on this clock, so a misspelt zone must never be stored.
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value[:64]!r}: use an IANA name such as Asia/Bangkok") from None
    return value


TimeZone = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(_known_time_zone),
    Field(examples=["Asia/Bangkok"], description="an IANA time zone name"),
]
