"""mudjam dev up | dev-token | staff-link | ops | dead-letters | replay | documents re-render | asyncapi"""

import argparse
import asyncio
import gc
import json
import logging
import sys
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from shared.auth import issue_sign_in_token, issue_token
from shared.contracts.documents import UPSTREAM_KINDS, DocumentKind
from shared.settings import AuthSettings, KafkaSettings, ServiceUrls


def _json_arg(value: str) -> Any:
    """Inline JSON, or @path to a JSON file."""
    return json.loads(Path(value[1:]).read_text() if value.startswith("@") else value)


def _aware_moment(value: str) -> datetime:
    """A date (its midnight, UTC) or an ISO time (UTC unless it names its offset)."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _equipment(value: str) -> dict[str, str]:
    asset_id, name_en, name_th = [*value.split(":", 2), "", ""][:3]
    return {"asset_id": asset_id, "name_en": name_en or asset_id, "name_th": name_th or name_en or asset_id}


def dev_token(args: argparse.Namespace) -> None:
    auth = AuthSettings()
    if args.ttl_hours * 3600 > auth.max_token_lifetime_s:
        hours = auth.max_token_lifetime_s / 3600
        raise SystemExit(
            f"mudjam dev-token: --ttl-hours is at most {hours:g} (MUDJAM_AUTH_MAX_TOKEN_LIFETIME_S)"
        )
    secret = auth.jwt_secret.get_secret_value()
    print(
        issue_token(
            secret,
            user_id=args.user,
            name=args.name,
            tenant_id=args.tenant,
            branches=[b.strip() for b in args.branches.split(",") if b.strip()],
            roles=[r.strip() for r in args.roles.split(",") if r.strip()],
            now=datetime.now(UTC),
            ttl=timedelta(hours=args.ttl_hours),
            issuer=auth.jwt_issuer,
        )
    )


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


def staff_sign_in_link(
    *,
    tenant_id: str,
    branches: list[str],
    roles: list[str],
    user_id: str,
    name: str,
    auth: AuthSettings | None = None,
    portal_public_url: str | None = None,
) -> str:
    """A staff console sign-in link (15 minutes), as the operations system issues them."""
    auth = auth or AuthSettings()
    token = issue_sign_in_token(
        auth.jwt_secret.get_secret_value(),
        user_id=user_id,
        name=name,
        tenant_id=tenant_id,
        branches=branches,
        roles=roles,
        now=datetime.now(UTC),
        issuer=auth.jwt_issuer,
    )
    base = (portal_public_url or ServiceUrls().portal_public_url).rstrip("/")
    return f"{base}/staff/sign-in/{token}"


def staff_link(args: argparse.Namespace) -> None:
    print(
        staff_sign_in_link(
            tenant_id=args.tenant,
            branches=_names(args.branches),
            roles=_names(args.roles),
            user_id=args.user,
            name=args.name,
        )
    )


def _one_line(error: Exception) -> str:
    """An error as one line: a validation error names each field at fault."""
    if isinstance(error, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'data'}: {e['msg']}" for e in error.errors())
    if isinstance(error, json.JSONDecodeError):
        return f"not JSON: {error}"
    if isinstance(error, OSError):
        return f"{error.filename or ''}: {error.strerror or error}".lstrip(": ")
    return " ".join(str(error).split()) or type(error).__name__


UPLOADING = frozenset({"quote-signed", "delivery-manifest"})


async def _ops(args: argparse.Namespace) -> None:
    from mudjam.ops import OpsPublisher, OpsToolSettings

    pdf = await asyncio.to_thread(Path(args.pdf).read_bytes) if args.ops_command in UPLOADING else b""

    settings = OpsToolSettings()
    publisher = OpsPublisher(
        args.bootstrap,
        documents_url=settings.urls.documents_url,
        token_for=settings.token_for(args.token) if args.ops_command in UPLOADING else None,
    )
    async with publisher as ops:
        match args.ops_command:
            case "tenant":
                envelope = await ops.tenant(args.tenant, **_json_arg(args.settings))
            case "customer":
                fields = {
                    "name": args.name,
                    "customer_type": args.type,
                    "email": args.email,
                    "phone": args.phone,
                    "preferred_language": args.language,
                    "tax_id": args.tax_id,
                    "tax_branch_no": args.tax_branch,
                    "address": args.address,
                    "private_notes": args.private_notes,
                }
                envelope = await ops.customer(args.tenant, args.id, branch_id=args.branch, **fields)
            case "quote-accepted":
                envelope = await ops.quote_accepted(
                    args.tenant,
                    branch_id=args.branch,
                    quote_id=args.quote,
                    customer_id=args.customer,
                    deposit=Decimal(args.deposit),
                    job_id=args.job,
                )
            case "quote-signed":
                envelope = await ops.quote_signed(
                    args.tenant,
                    quote_id=args.quote,
                    customer_id=args.customer,
                    job_id=args.job,
                    pdf=pdf,
                    quote_number=args.number,
                    branch_id=args.branch,
                )
            case "delivery-manifest":
                envelope = await ops.delivery_manifest_signed(
                    args.tenant,
                    job_id=args.job,
                    customer_id=args.customer,
                    pdf=pdf,
                    manifest_number=args.number,
                    branch_id=args.branch,
                )
            case "job-report":
                envelope = await ops.job_report(
                    args.tenant, job_id=args.job, customer_id=args.customer, report=_json_arg(args.data)
                )
            case "inspection":
                envelope = await ops.inspection(args.tenant, job_id=args.job, inspection=_json_arg(args.data))
            case "job":
                envelope = await ops.job(
                    args.tenant,
                    job_id=args.job,
                    customer_id=args.customer,
                    stage=args.stage,
                    branch_id=args.branch,
                    start_date=args.start,
                    end_date=args.end,
                    equipment=[_equipment(e) for e in args.equipment],
                    internal_notes=args.internal_notes,
                )
            case "publish":
                envelope = await ops.publish_raw(
                    args.type,
                    _json_arg(args.data),
                    tenant_id=args.tenant,
                    subject=args.subject,
                    branch_id=args.branch,
                )
    print(json.dumps({"published": envelope.type, "id": str(envelope.id), "subject": envelope.subject}))


def run_ops(args: argparse.Namespace) -> None:
    _in_one_line(f"mudjam ops {args.ops_command}", lambda: _ops(args))


def _in_one_line(what: str, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Runs an operator's command; any failure is one line on stderr and exit status 1, no traceback."""
    # The Kafka client logs its retries, and complains when a client that never connected is
    # collected; the one line below says it all.
    noisy = [logging.getLogger(name) for name in ("aiokafka", "asyncio", "faststream")]
    levels = [logger.level for logger in noisy]
    for logger in noisy:
        logger.setLevel(logging.CRITICAL)
    failure = None
    try:
        asyncio.run(work())
    except Exception as error:
        failure = f"{what}: {_one_line(error)}"
    gc.collect()
    for logger, level in zip(noisy, levels, strict=True):
        logger.setLevel(level)
    if failure:
        print(failure, file=sys.stderr)
        sys.exit(1)


async def _dead_letters(args: argparse.Namespace) -> None:
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from mudjam.deadletters import DEAD_LETTERED, DeadLetterDesk
    from mudjam.ops import OpsError

    console = Console()
    async with DeadLetterDesk(args.bootstrap, Path(args.state_dir)) as desk:
        match args.dead_letters_command:
            case "list":
                letters = await desk.letters(consumer=args.consumer, tenant_id=args.tenant)
                table = Table("id", "dead-lettered at", "tenant", "consumer", "event", "status", "error")
                for letter in letters:
                    table.add_row(
                        str(letter.id),
                        letter.at.isoformat(timespec="seconds"),
                        letter.tenant_id,
                        letter.notice.consumer,
                        letter.notice.original_event_type or "(not an event)",
                        letter.status,
                        letter.notice.error.splitlines()[0][:100],
                    )
                console.print(table if letters else "No dead letters.")
            case "show":
                letter = await desk.find(args.id)
                notice = letter.notice
                console.print(f"[bold]{letter.id}[/bold]  {letter.status}")
                console.print(f"consumer  {notice.consumer}  (tenant {letter.tenant_id})")
                console.print(f"event     {notice.original_event_type} {notice.original_event_id}")
                console.print(f"message   {notice.original_topic}/{notice.partition}@{notice.offset}")
                console.print(f"error     {notice.error}", markup=False)
                console.print_json((await desk.original(letter)).value.decode("utf-8", "replace"))
            case "redrive":
                if args.all:
                    letters = await desk.letters(consumer=args.consumer, tenant_id=args.tenant)
                    letters = [letter for letter in letters if letter.status == DEAD_LETTERED]
                elif args.ids:
                    letters = [await desk.find(prefix) for prefix in args.ids]
                else:
                    raise OpsError("name the dead letters to re-drive, or give --all")
                with Progress(console=console, transient=True) as progress:
                    task = progress.add_task("re-driving", total=len(letters))
                    for letter in letters:
                        console.print(f"{letter.id}: {await desk.redrive(letter, wait_s=args.wait)}")
                        progress.advance(task)
                console.print(f"{len(letters)} re-driven" if letters else "Nothing to re-drive.")


async def _replay(args: argparse.Namespace) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from mudjam.replay import replay_service

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns) as bar:
        task = bar.add_task(f"replaying the topics into {args.service}", total=None)
        applied, failed = await replay_service(
            args.service,
            bootstrap=args.bootstrap,
            state_dir=Path(args.state_dir),
            progress=lambda read, total: bar.update(task, completed=read, total=total),
        )
    print(
        f"{args.service}: {applied} events applied" + (f", {failed} failed (see the log)" if failed else "")
    )


async def _re_render(args: argparse.Namespace) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from mudjam.rerender import re_render

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns) as bar:
        task = bar.add_task(f"scheduling {args.kind} re-renders", total=None)
        scheduled = await re_render(
            kind=args.kind,
            since=args.since,
            tenant_id=args.tenant,
            state_dir=Path(args.state_dir),
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    print(
        f"{scheduled} {args.kind} document(s) scheduled to be drawn again"
        if scheduled
        else "Nothing to re-render."
    )


def asyncapi(args: argparse.Namespace) -> None:
    from mudjam.contracts import catalogue_asyncapi

    spec = catalogue_asyncapi()
    print(spec.to_yaml() if args.format == "yaml" else spec.to_json())


def _token_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--token",
        help="the operations system's bearer token for documents (default MUDJAM_OPS_TOKEN; in dev, "
        "one signed with the dev auth settings)",
    )


def _ops_parser(sub: Any) -> None:
    ops = sub.add_parser("ops", help="publish upstream operations-system events (SPEC §9)")
    ops.add_argument("--bootstrap", default=KafkaSettings().bootstrap_servers, help="Kafka bootstrap servers")
    ops_sub = ops.add_subparsers(dest="ops_command", required=True)

    tenant = ops_sub.add_parser("tenant", help="tenant.settings_updated.v1")
    tenant.add_argument("--tenant", required=True)
    tenant.add_argument("--settings", required=True, help="JSON, or @file.json")

    customer = ops_sub.add_parser("customer", help="customer.upserted.v1")
    customer.add_argument("--tenant", required=True)
    customer.add_argument("--branch", help="the customer's home branch (none: the whole business)")
    customer.add_argument("--id", required=True)
    customer.add_argument("--name", required=True)
    customer.add_argument("--type", choices=["individual", "company"], default="individual")
    customer.add_argument("--email", default="")
    customer.add_argument("--phone", default="")
    customer.add_argument("--language", choices=["th", "en"], default="th")
    customer.add_argument("--tax-id")
    customer.add_argument("--tax-branch")
    customer.add_argument("--address", default="")
    customer.add_argument("--private-notes", default="")

    quote = ops_sub.add_parser("quote-accepted", help="quote.accepted.v1 (with a deposit: a pending deposit)")
    quote.add_argument("--tenant", required=True)
    quote.add_argument("--branch", required=True)
    quote.add_argument("--quote", required=True)
    quote.add_argument("--customer", required=True)
    quote.add_argument("--deposit", required=True)
    quote.add_argument("--job")

    job = ops_sub.add_parser("job", help="job.stage_changed.v1, or job.closed.v1 with --stage closed")
    job.add_argument("--tenant", required=True)
    job.add_argument("--job", required=True)
    job.add_argument("--customer", required=True)
    job.add_argument(
        "--stage",
        required=True,
        choices=["new", "picking", "loaded", "delivering", "on_site", "returning", "closed", "cancelled"],
    )
    job.add_argument("--branch")
    job.add_argument("--start", type=date.fromisoformat)
    job.add_argument("--end", type=date.fromisoformat)
    job.add_argument("--equipment", action="append", default=[], help="ASSET_ID:English name:Thai name")
    job.add_argument("--internal-notes", default="")

    signed = ops_sub.add_parser(
        "quote-signed", help="quote.signed.v1: uploads the signed PDF, then publishes"
    )
    signed.add_argument("--tenant", required=True)
    signed.add_argument("--quote", required=True, help="the quote id")
    signed.add_argument("--customer", required=True)
    signed.add_argument("--job", required=True)
    signed.add_argument("--pdf", required=True, help="the signed file, uploaded as it is")
    signed.add_argument("--number", help="the quote number (default: the quote id)")
    signed.add_argument("--branch")
    _token_argument(signed)

    manifest = ops_sub.add_parser(
        "delivery-manifest", help="delivery_manifest.signed.v1: uploads the signed PDF, publishes"
    )
    manifest.add_argument("--tenant", required=True)
    manifest.add_argument("--job", required=True)
    manifest.add_argument("--customer", required=True)
    manifest.add_argument("--pdf", required=True, help="the signed file, uploaded as it is")
    manifest.add_argument("--number", help="the manifest number (default: DM-<job>)")
    manifest.add_argument("--branch")
    _token_argument(manifest)

    report = ops_sub.add_parser("job-report", help="job_report.published.v1 (the AI job report)")
    report.add_argument("--tenant", required=True)
    report.add_argument("--job", required=True)
    report.add_argument("--customer", required=True)
    report.add_argument(
        "--data",
        required=True,
        help="JSON or @file.json: customer_summary {en, th}, sections, internal_recommendations; "
        "report_id and report_number default from the job",
    )

    inspection = ops_sub.add_parser("inspection", help="inspection.completed.v1")
    inspection.add_argument("--tenant", required=True)
    inspection.add_argument("--job", required=True)
    inspection.add_argument(
        "--data",
        required=True,
        help="JSON or @file.json: damage_estimates [{description, amount}], conditions",
    )

    publish = ops_sub.add_parser("publish", help="any catalogued event type from JSON")
    publish.add_argument("--tenant", required=True)
    publish.add_argument("--type", required=True)
    publish.add_argument("--subject", required=True)
    publish.add_argument("--branch")
    publish.add_argument("--data", required=True, help="JSON, or @file.json")


STATE_DIR_HELP = "a running `mudjam dev up`'s state, for its databases when <SERVICE>_DATABASE_URL is not set"


def _dead_letters_parser(sub: Any) -> None:
    letters = sub.add_parser("dead-letters", help="events a consumer gave up on; re-drive them after a fix")
    letters.add_argument(
        "--bootstrap", default=KafkaSettings().bootstrap_servers, help="Kafka bootstrap servers"
    )
    letters.add_argument(
        "--state-dir",
        default=".run",
        help=STATE_DIR_HELP,
    )
    letters_sub = letters.add_subparsers(dest="dead_letters_command", required=True)
    listing = letters_sub.add_parser("list", help="every dead letter with its status")
    show = letters_sub.add_parser("show", help="one dead letter: the error and the original event")
    show.add_argument("id", help="the dead letter's id (at least its first 8 characters)")
    redrive = letters_sub.add_parser("redrive", help="send dead-lettered events again, each applied once")
    redrive.add_argument("ids", nargs="*", help="dead letter ids (at least their first 8 characters)")
    redrive.add_argument("--all", action="store_true", help="every dead letter not yet applied")
    redrive.add_argument("--wait", type=float, default=60, help="seconds to wait for each to be applied")
    for command in (listing, redrive):
        command.add_argument("--consumer", help="only this consumer's, e.g. portal.projection")
        command.add_argument("--tenant", help="only this tenant's")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="mudjam")
    parser.add_argument("--version", action="version", version=f"mudjam {package_version('mudjam')}")
    sub = parser.add_subparsers(dest="command", required=True)

    dev = sub.add_parser("dev", help="the embedded development stack")
    dev_sub = dev.add_subparsers(dest="dev_command", required=True)
    up = dev_sub.add_parser("up", help="run everything on embedded defaults, with demo data")
    up.add_argument("--state-dir", default=".run", help="where databases, documents and mail are kept")
    up.add_argument("--fresh", action="store_true", help="start from empty databases")
    up.add_argument("--no-demo", action="store_true", help="skip the demo data")

    token = sub.add_parser("dev-token", help="print a dev staff bearer token")
    token.add_argument("--tenant", default="demo")
    token.add_argument("--branches", default="*", help="comma-separated branch ids, * for all")
    token.add_argument("--roles", default="staff,manager", help="comma-separated: staff, manager")
    token.add_argument("--user", default="dev-staff")
    token.add_argument("--name", default="Dev Staff")
    token.add_argument("--ttl-hours", type=float, default=12)

    link = sub.add_parser("staff-link", help="print a staff console sign-in link (valid 15 minutes)")
    link.add_argument("--tenant", required=True)
    link.add_argument("--branches", default="*", help="comma-separated branch ids, * for all")
    link.add_argument("--roles", default="staff", help="comma-separated: staff, manager")
    link.add_argument("--user", default="dev-staff")
    link.add_argument("--name", default="Dev Staff")

    _ops_parser(sub)

    _dead_letters_parser(sub)

    replay = sub.add_parser("replay", help="rebuild a service's read model from the topics (service stopped)")
    replay.add_argument("service", help="the service: portal")
    replay.add_argument(
        "--bootstrap", default=KafkaSettings().bootstrap_servers, help="Kafka bootstrap servers"
    )
    replay.add_argument("--state-dir", default=".run", help=STATE_DIR_HELP)

    documents = sub.add_parser("documents", help="the documents service's operator tools")
    documents_sub = documents.add_subparsers(dest="documents_command", required=True)
    re_render = documents_sub.add_parser(
        "re-render",
        help="draw documents again after a template fix: each as its next version, same facts; "
        "only those the current templates have not drawn, so running it again schedules nothing",
    )
    re_render.add_argument(
        "--kind", required=True, choices=[k.value for k in DocumentKind if k not in UPSTREAM_KINDS]
    )
    re_render.add_argument(
        "--since", required=True, type=_aware_moment, help="drawn since: a date (UTC midnight) or ISO time"
    )
    re_render.add_argument("--tenant", help="only this tenant's (default: every tenant's)")
    re_render.add_argument("--state-dir", default=".run", help=STATE_DIR_HELP)

    spec = sub.add_parser("asyncapi", help="print the AsyncAPI document of every topic")
    spec.add_argument("--format", choices=["yaml", "json"], default="yaml")

    args = parser.parse_args(argv)
    match args.command:
        case "dev":
            from mudjam.devstack import run_dev_stack

            sys.exit(run_dev_stack(Path(args.state_dir), fresh=args.fresh, demo=not args.no_demo))
        case "dev-token":
            dev_token(args)
        case "staff-link":
            staff_link(args)
        case "ops":
            run_ops(args)
        case "dead-letters":
            _in_one_line(f"mudjam dead-letters {args.dead_letters_command}", lambda: _dead_letters(args))
        case "replay":
            _in_one_line(f"mudjam replay {args.service}", lambda: _replay(args))
        case "documents":
            _in_one_line("mudjam documents re-render", lambda: _re_render(args))
        case "asyncapi":
            asyncapi(args)
