"""The `mudjam ops` tool as the operations system: a signed file is uploaded as it is, with a token
of the tenant, and named by the key documents answers; a refused command is one line and exit 1."""

import hashlib
import json
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest

from mudjam.cli import main
from mudjam.ops import OpsError, OpsPublisher, OpsToolSettings
from shared.auth import Role, verify_token
from shared.settings import AuthSettings

PDF = b"%PDF-1.7 signed quote"
UNREACHABLE_KAFKA = "127.0.0.1:1"  # nothing listens there: a command that reaches publishing fails


def _publisher(handler: httpx.MockTransport) -> OpsPublisher:
    return OpsPublisher(
        UNREACHABLE_KAFKA,
        documents_url="http://documents.test",
        token_for=lambda tenant_id: f"token-of-{tenant_id}",
        transport=handler,
    )


async def test_a_file_is_uploaded_as_it_is_and_named_by_the_key_documents_answers() -> None:
    seen: list[httpx.Request] = []

    def intake(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        sha256 = request.url.path.rsplit("/", 1)[1]
        return httpx.Response(201, json={"key": f"intake/{sha256}", "sha256": sha256, "size_bytes": 21})

    async with _publisher(httpx.MockTransport(intake)) as ops:
        ref = await ops.upload("t-1", PDF)

    sha256 = hashlib.sha256(PDF).hexdigest()
    [request] = seen
    assert (request.method, request.url.path, request.content) == ("PUT", f"/v1/intake/{sha256}", PDF)
    assert request.headers["authorization"] == "Bearer token-of-t-1"
    assert (ref.key, ref.sha256, ref.size_bytes, ref.content_type) == (
        f"intake/{sha256}",
        sha256,
        len(PDF),
        "application/pdf",
    )


async def test_a_refused_upload_says_why_in_one_line() -> None:
    def refuse(_: httpx.Request) -> httpx.Response:
        return httpx.Response(
            413, json={"error": {"code": "upload_too_large", "message": "The file is larger"}}
        )

    async with _publisher(httpx.MockTransport(refuse)) as ops:
        with pytest.raises(
            OpsError, match=r"^the documents service refused the file \(413\): The file is larger$"
        ):
            await ops.upload("t-1", PDF)


def test_without_a_token_the_dev_tool_signs_an_operations_token_of_the_tenant() -> None:
    token = OpsToolSettings(environment="dev").token_for()("t-9")

    principal = verify_token(AuthSettings().jwt_secret.get_secret_value(), token)
    assert (principal.tenant_id, principal.roles) == ("t-9", frozenset({Role.OPERATIONS}))
    assert OpsToolSettings(token="given").token_for()("t-9") == "given"
    assert OpsToolSettings().token_for("flag")("t-9") == "flag"
    with pytest.raises(OpsError, match="MUDJAM_OPS_TOKEN"):
        OpsToolSettings(environment="production").token_for()


def _refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main(["ops", "--bootstrap", UNREACHABLE_KAFKA, *argv])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.strip()


def test_a_report_without_its_thai_summary_is_refused_in_one_line_naming_the_field(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = json.dumps({"customer_summary": {"en": "All good"}})

    line = _refused(capsys, "job-report", "--tenant", "t", "--job", "J-1", "--customer", "c", "--data", data)

    assert line == "mudjam ops job-report: customer_summary.th: Field required"


def test_a_signed_quote_whose_file_is_missing_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nope.pdf"

    line = _refused(
        capsys,
        "quote-signed",
        "--tenant",
        "t",
        "--quote",
        "Q",
        "--customer",
        "c",
        "--job",
        "J",
        "--pdf",
        str(missing),
    )

    assert line == f"mudjam ops quote-signed: {missing}: No such file or directory"


def test_an_inspection_with_a_negative_estimate_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = json.dumps({"damage_estimates": [{"description": "Cracked housing", "amount": "-5"}]})

    line = _refused(capsys, "inspection", "--tenant", "t", "--job", "J-1", "--data", data)

    assert line.startswith("mudjam ops inspection: damage_estimates.0.amount: ")


def test_an_unreachable_broker_is_one_line_with_a_non_zero_exit(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.dumps({"customer_id": "c1", "name": "Somchai"})

    line = _refused(
        capsys,
        "publish",
        "--tenant",
        "t",
        "--type",
        "customer.upserted.v1",
        "--subject",
        "c1",
        "--data",
        data,
    )

    assert line.startswith("mudjam ops publish: KafkaConnectionError: Unable to bootstrap")


def test_the_tool_says_its_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out == f"mudjam {version('mudjam')}\n"


def _dead_letters_refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main(["dead-letters", "--bootstrap", UNREACHABLE_KAFKA, "--state-dir", "/nonexistent", *argv])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.strip()


def test_a_dead_letter_named_by_too_short_an_id_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = _dead_letters_refused(capsys, "show", "4454ac")

    assert line == "mudjam dead-letters show: give at least 8 characters of the id, not '4454ac'"


def test_a_redrive_naming_nothing_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    line = _dead_letters_refused(capsys, "redrive")

    assert line == "mudjam dead-letters redrive: name the dead letters to re-drive, or give --all"


def test_dead_letters_without_the_broker_say_so_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    line = _dead_letters_refused(capsys, "list")

    assert line.startswith("mudjam dead-letters list: KafkaConnectionError: Unable to bootstrap")


def test_a_service_database_that_is_not_configured_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mudjam.service_databases import database_url

    monkeypatch.delenv("PORTAL_DATABASE_URL", raising=False)
    with pytest.raises(OpsError, match="set PORTAL_DATABASE_URL: where the portal database is"):
        database_url("portal", tmp_path)
    monkeypatch.setenv("PORTAL_DATABASE_URL", "postgresql+asyncpg://portal@db/mudjam_portal")
    assert database_url("portal", tmp_path) == "postgresql+asyncpg://portal@db/mudjam_portal"
