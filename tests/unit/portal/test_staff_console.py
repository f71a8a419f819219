"""The staff console's pure rules: the customer's receipt line a return will produce, the forms'
anti-forgery check, when a session has expired, what a return asks the deposits API for, and the
sign-in link's token."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from services.portal.domain.staff import (
    PROOF_PROBLEMS,
    ListFilters,
    ReturnForm,
    SessionLifetime,
    csrf_matches,
    csrf_token,
    proof_problem,
    receipt_preview,
    return_deadline,
    session_expired,
)
from services.portal.entrypoints.staff_pages import audit_action
from services.portal.translations import receipt_lines
from shared.auth import InvalidToken, issue_sign_in_token, issue_token, verify_sign_in_token, verify_token

HELD = Decimal("20000.00")
NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
LIFETIME = SessionLifetime(idle=timedelta(minutes=30), absolute=timedelta(hours=12))
SECRET = "a-test-secret-of-at-least-thirty-two-bytes"


def _lines(form: ReturnForm, lang: str = "en") -> list[str]:
    preview = receipt_preview(form, HELD)
    assert preview is not None
    return receipt_lines(preview.returned, preview.retained, preview.reason, lang)


def test_a_partial_return_previews_what_the_customer_reads_on_the_receipt() -> None:
    form = ReturnForm(kind="partial", amount="15,000", note="cracked filter")
    assert _lines(form) == ["Returned ฿15,000.00", "Retained ฿5,000.00 (cracked filter)"]
    assert _lines(form, "th") == ["คืนแล้ว ฿15,000.00", "หักไว้ ฿5,000.00 (cracked filter)"]


def test_a_full_return_refunds_the_held_total_and_a_forfeit_nothing() -> None:
    assert _lines(ReturnForm(kind="full", amount="1")) == ["Returned ฿20,000.00"]
    assert _lines(ReturnForm(kind="forfeit", note="engine seized")) == [
        "Returned ฿0.00",
        "Retained ฿20,000.00 (engine seized)",
    ]
    assert ReturnForm(kind="full").request_body(HELD)["amount"] == "20000.00"
    assert ReturnForm(kind="forfeit").request_body(HELD) == {
        "kind": "forfeit",
        "amount": "0.00",
        "reference": "",
        "note": "",
    }


def test_an_amount_that_cannot_make_a_receipt_has_no_preview_and_goes_to_the_api_as_typed() -> None:
    assert receipt_preview(ReturnForm(kind="partial", amount="lots"), HELD) is None
    assert receipt_preview(ReturnForm(kind="partial", amount="25000"), HELD) is None
    assert ReturnForm(kind="partial", amount="lots").request_body(HELD)["amount"] == "lots"


def test_a_form_is_accepted_only_with_its_own_sessions_token() -> None:
    token = csrf_token(SECRET, "session-a")
    assert csrf_matches(token, token)
    assert not csrf_matches(token, csrf_token(SECRET, "session-b"))
    assert not csrf_matches(token, csrf_token("another-test-secret-of-thirty-two-bytes", "session-a"))
    assert not csrf_matches(token, None)
    assert not csrf_matches(token, "")


@pytest.mark.parametrize(
    ("created_ago", "seen_ago", "expired"),
    [
        (timedelta(hours=1), timedelta(minutes=29), False),
        (timedelta(hours=1), timedelta(minutes=31), True),  # idle too long
        (timedelta(hours=12, minutes=1), timedelta(minutes=1), True),  # busy, but too old
    ],
)
def test_a_session_ends_when_idle_or_too_old(
    created_ago: timedelta, seen_ago: timedelta, expired: bool
) -> None:
    assert (
        session_expired(created_at=NOW - created_ago, last_seen_at=NOW - seen_ago, now=NOW, lifetime=LIFETIME)
        is expired
    )


def test_a_held_deposit_past_its_deadline_is_overdue_and_a_returned_one_has_none() -> None:
    held = {"status": "held", "return_due_on": "2026-03-10"}
    assert return_deadline(held, date(2026, 3, 10)).overdue is False  # type: ignore[union-attr]
    assert return_deadline(held, date(2026, 3, 11)).overdue is True  # type: ignore[union-attr]
    assert return_deadline({**held, "status": "returned"}, date(2026, 3, 11)) is None


def test_list_filters_drop_what_the_api_could_never_take() -> None:
    filters = ListFilters.of({"status": "lost", "page": "-3", "overdue": "1", "branch_id": "bkk"})
    assert (filters.status, filters.page, filters.overdue) == ("", 1, True)
    assert filters.api_params(25) == {"limit": 25, "offset": 0, "branch_id": "bkk", "overdue": "true"}


def test_a_sign_in_link_signs_in_but_is_never_a_bearer_token() -> None:
    claims = {"user_id": "u-7", "name": "Nok", "tenant_id": "t1", "branches": ["bkk"], "roles": ["staff"]}
    link = issue_sign_in_token(SECRET, now=NOW, **claims)  # type: ignore[arg-type]
    principal = verify_sign_in_token(SECRET, link, now=NOW + timedelta(minutes=14))
    assert (principal.user_id, principal.tenant_id, principal.branches) == ("u-7", "t1", frozenset({"bkk"}))
    with pytest.raises(InvalidToken):
        verify_sign_in_token(SECRET, link, now=NOW + timedelta(minutes=16))  # expired
    with pytest.raises(InvalidToken):
        verify_sign_in_token("another-test-secret-of-thirty-two-bytes", link, now=NOW)  # forged
    with pytest.raises(InvalidToken):
        verify_token(SECRET, link)
    bearer = issue_token(SECRET, now=NOW, ttl=timedelta(hours=1), **claims)  # type: ignore[arg-type]
    with pytest.raises(InvalidToken):
        verify_sign_in_token(SECRET, bearer, now=NOW)  # a bearer token is not a sign-in link


def _deposit_event_types() -> list[str]:
    """Every fact the deposits service writes to a deposit's audit trail: its published events and
    its internal facts."""
    import services.deposits.domain  # noqa: F401  (defines the internal facts)
    from shared.contracts.catalogue import DEPOSITS
    from shared.contracts.envelope import InternalFact

    internal = [
        f.event_type for f in InternalFact.__subclasses__() if f.__module__.startswith("services.deposits")
    ]
    return [e.event_type for e in DEPOSITS.events] + internal


@pytest.mark.parametrize("lang", ["en", "th"])
def test_the_audit_trail_names_every_deposit_event_in_words(lang: str) -> None:
    types = _deposit_event_types()
    assert "deposit.collection_proof_attached" in types
    labels = {t: audit_action(t, {}, lang) for t in types}
    assert all(label != t for t, label in labels.items()), labels
    assert len(set(labels.values())) == len(types)  # no two events read alike


def test_a_return_in_the_audit_trail_says_its_kind_and_an_unknown_event_shows_its_type() -> None:
    returned = "deposit.returned.v1"
    assert audit_action(returned, {"kind": "full"}, "en") == "Returned in full"
    assert audit_action(returned, {"kind": "partial"}, "en") == "Partly returned"
    assert audit_action(returned, {"kind": "forfeit"}, "en") == "Forfeited"
    assert audit_action(returned, {"kind": "partial"}, "th") == "คืนเงินมัดจำบางส่วน"
    assert audit_action(returned, {"kind": "forfeit"}, "th") == "ริบเงินมัดจำ"
    assert audit_action("deposit.collected.v1", {"kind": "full"}, "th") == "รับเงินมัดจำแล้ว"
    assert audit_action("deposit.repainted.v9", None, "en") == "deposit.repainted.v9"


def test_a_refused_proof_image_says_why_in_the_words_of_the_refusal_deposits_gives() -> None:
    from shared.images import ImageRefused, accept_image

    def why(content: bytes, **kwargs: int) -> str:
        with pytest.raises(ImageRefused) as refused:
            accept_image(content, field="file", **kwargs)
        return proof_problem(str(refused.value))

    assert why(b"") == "empty"
    assert why(b"%PDF-1.7 not an image") == "not_image"
    assert why(b"x" * 11, max_bytes=10) == "too_large"
    assert proof_problem("The image has too many pixels") == "too_many_pixels"
    assert proof_problem("Something else") == "other"
    assert set(PROOF_PROBLEMS) == {"too_large", "not_image", "too_many_pixels", "empty", "other"}
