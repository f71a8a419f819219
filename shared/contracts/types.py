"""Constrained field types shared by contracts and HTTP schemas."""

import re
from datetime import date
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, Field, JsonValue, StringConstraints

# Control characters but tab and newline: PostgreSQL text cannot hold NUL, and no human-entered
# field needs them. And what str.strip() removes, for the patterns of text that must not be blank.
_CONTROL = r"\x00-\x08\x0b-\x1f"
_SPACE = r"\x09\x0a\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_ANY_TEXT = rf"^[^{_CONTROL}]*$"
_NOT_BLANK = rf"^[^{_CONTROL}]*[^{_CONTROL}{_SPACE}][^{_CONTROL}]*$"


def _clean(value: str) -> str:
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise ValueError("must not contain control characters")
    return value.strip()


def _clean_required(value: str) -> str:
    cleaned = _clean(value)
    if not cleaned:
        raise ValueError("must not be blank")
    return cleaned


def _text(max_length: int, *, required: bool = False) -> Any:
    """Text as people type it, stripped of surrounding whitespace: the length is the length sent,
    and the published pattern says which characters are refused (and that it must not be blank)."""
    extra: dict[str, JsonValue] = (
        {"pattern": _NOT_BLANK, "minLength": 1} if required else {"pattern": _ANY_TEXT}
    )
    return Annotated[
        str,
        StringConstraints(max_length=max_length),
        AfterValidator(_clean_required if required else _clean),
        Field(json_schema_extra=extra),
    ]


# Opaque identifiers of tenants, branches, customers, jobs and quotes from the operations system.
Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")]
Text = _text(500)
RequiredText = _text(500, required=True)
ShortText = _text(40)
LongText = _text(4000)


def _iso_date(value: object) -> object:
    # Pydantic would also take 0 (a Unix timestamp) or "2026-03-12T00:00:00" for a date.
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("must be a date as YYYY-MM-DD")
    if not isinstance(value, str | date):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


# A date as the OpenAPI document says (`format: date`): only YYYY-MM-DD, a calendar date.
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
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
