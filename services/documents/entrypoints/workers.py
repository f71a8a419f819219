"""Background work: render workers that share the job queue with every replica, and queue metrics.

A worker claims one due job (FOR UPDATE SKIP LOCKED, with a lease), renders the next language's
PDF in the render processes (the customer's first), stores it, then records the version (or adds
the file to it) and its event in one transaction; the job is then due again for the other language,
at a lower priority.
A crash anywhere before that commit leaves the job to be claimed again once its lease expires;
the same storage keys are overwritten, and the version is announced once.
"""

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from services.documents import use_cases
from services.documents.adapters import metrics
from services.documents.adapters.pdf import page_count
from services.documents.adapters.renderer import TEMPLATE_RELEASE, PdfRenderer, render_html
from services.documents.adapters.storage import DocumentStorage
from services.documents.adapters.uow import DocumentsUnitOfWork
from services.documents.content import build_sheet
from services.documents.domain import (
    Priority,
    RenderInputMissing,
    RenderJob,
    RetryPolicy,
    StoredFile,
    storage_key,
)
from services.documents.settings import Settings
from shared.clock import Clock
from shared.context import Trace

log = logging.getLogger(__name__)
_RELEASE_TIMEOUT_S = 5


class RenderWorker:
    def __init__(
        self,
        *,
        engine: AsyncEngine,
        renderer: PdfRenderer,
        storage: DocumentStorage,
        clock: Clock,
        settings: Settings,
        jobs_ready: asyncio.Event,
        slot: int,
        max_priority: Priority | None = None,
    ) -> None:
        self._engine, self._renderer, self._storage, self._clock = engine, renderer, storage, clock
        self._max_priority = max_priority
        self._jobs_ready = jobs_ready
        self._timeout_s = settings.render_timeout_s
        self._poll_interval_s = settings.render_poll_interval_s
        self._lease = timedelta(seconds=settings.render_lease_s)
        self._policy = RetryPolicy(
            max_attempts=settings.render_max_attempts,
            initial_delay=timedelta(seconds=settings.render_retry_initial_delay_s),
            max_delay=timedelta(seconds=settings.render_retry_max_delay_s),
        )
        self.name = f"{socket.gethostname()}:{os.getpid()}:{slot}"

    async def run(self) -> None:
        while True:
            self._jobs_ready.clear()
            if await self.render_next():
                continue
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll_interval_s):
                    await self._jobs_ready.wait()

    async def render_next(self) -> bool:
        """Renders one due job; False when none is due."""
        async with DocumentsUnitOfWork(self._engine) as uow:
            job = await use_cases.claim_next_job(
                uow=uow,
                worker=self.name,
                now=self._clock.now(),
                lease=self._lease,
                policy=self._policy,
                max_priority=self._max_priority,
            )
            await uow.commit()
        if job is None:
            return False
        try:
            async with self._holding(job):
                with (job.trace or Trace.current()).bound():
                    await self._render(job)
        except asyncio.CancelledError:
            await self._release(job)
            raise
        return True

    @contextlib.asynccontextmanager
    async def _holding(self, job: RenderJob) -> AsyncIterator[None]:
        """Renews the job's lease while this worker is alive and working on it."""
        assert job.claim_token is not None
        token = job.claim_token

        async def renew() -> None:
            while True:
                await asyncio.sleep(self._lease.total_seconds() / 3)
                try:
                    async with DocumentsUnitOfWork(self._engine) as uow:
                        renewed = await use_cases.renew_lease(
                            uow=uow,
                            job_id=job.id,
                            claim_token=token,
                            now=self._clock.now(),
                            lease=self._lease,
                        )
                        await uow.commit()
                    if not renewed:
                        return
                except Exception:
                    log.warning("could not renew the lease of %s v%d", job.number, job.version, exc_info=True)

        heartbeat = asyncio.create_task(renew())
        try:
            yield
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat

    async def _render(self, job: RenderJob) -> None:
        assert job.claim_token is not None
        try:
            async with DocumentsUnitOfWork(self._engine) as uow:
                tenant, customer = await use_cases.load_render_inputs(uow=uow, job=job)
            # One language per claim: the customer's first (announced at once), then the other.
            language = job.next_language(customer.preferred_language)
            sheet = build_sheet(
                facts=job.facts,
                version=job.version,
                branch_id=job.branch_id,
                tenant=tenant,
                customer=customer,
                language=language,
            )
            started = time.perf_counter()
            html = render_html(sheet, inline_styles=False)
            (pdf,) = await self._renderer.render(
                [html], timeout_s=self._timeout_s, background=job.priority >= Priority.OTHER_LANGUAGE
            )
            render_s = time.perf_counter() - started
            key = storage_key(job.tenant_id, job.kind, job.number, job.version, language)
            page_total = await asyncio.to_thread(page_count, pdf.content)
            await asyncio.to_thread(self._storage.put, key, pdf.content)
            files = [StoredFile(language, key, pdf.sha256, pdf.size_bytes, page_total)]
        except asyncio.CancelledError:
            raise
        except Exception as error:
            await self._fail(job, error)
            return
        async with DocumentsUnitOfWork(self._engine) as uow:
            announced = await use_cases.complete_job(
                uow=uow,
                job_id=job.id,
                claim_token=job.claim_token,
                files=files,
                timezone=tenant.timezone,
                render_ms=round(render_s * 1000),
                now=self._clock.now(),
                template_release=TEMPLATE_RELEASE,
            )
            await uow.commit()
        if announced:
            self._jobs_ready.set()  # the other language may be due now, for another worker
        metrics.RENDER_SECONDS.labels(job.kind.value).observe(render_s)
        if announced:
            metrics.RENDERED.labels(job.kind.value).inc()
            log.info("rendered %s v%d (%s) in %.0f ms", job.number, job.version, language, render_s * 1000)

    async def _fail(self, job: RenderJob, error: Exception) -> None:
        assert job.claim_token is not None
        expected = isinstance(error, RenderInputMissing)  # not a bug: the details are on their way
        log.warning(
            "rendering %s v%d failed (attempt %d): %s",
            job.number,
            job.version,
            job.attempts,
            error,
            exc_info=not expected,
        )
        async with DocumentsUnitOfWork(self._engine) as uow:
            gave_up = await use_cases.fail_job(
                uow=uow,
                job_id=job.id,
                claim_token=job.claim_token,
                error=f"{type(error).__name__}: {error}",
                now=self._clock.now(),
                policy=self._policy,
                awaiting_input=expected,
            )
            await uow.commit()
        if gave_up is not None:
            metrics.RENDER_FAILURES.labels(job.kind.value, "failed" if gave_up else "retry").inc()
        if gave_up:
            log.error("gave up rendering %s v%d after %d attempts", job.number, job.version, job.attempts)

    async def _release(self, job: RenderJob) -> None:
        assert job.claim_token is not None
        try:
            async with asyncio.timeout(_RELEASE_TIMEOUT_S), DocumentsUnitOfWork(self._engine) as uow:
                await use_cases.release_job(uow=uow, job_id=job.id, claim_token=job.claim_token)
                await uow.commit()
        except Exception:
            log.warning("could not give back %s v%d; its lease will expire", job.number, job.version)


def reserved_render_workers(settings: Settings) -> int:
    """How many render workers take only what a customer waits for (never all of them)."""
    return min(settings.render_workers_for_customers, settings.render_processes - 1)


def render_workers(
    *,
    engine: AsyncEngine,
    renderer: PdfRenderer,
    storage: DocumentStorage,
    clock: Clock,
    settings: Settings,
    jobs_ready: asyncio.Event,
) -> list[Callable[[], Awaitable[None]]]:
    """One worker per render process, so every process is kept busy and none waits in line. With
    more than one, `render_workers_for_customers` of them (never all) take only what a customer
    waits for, so a second-language render never holds every process."""
    reserved = reserved_render_workers(settings)
    return [
        RenderWorker(
            engine=engine,
            renderer=renderer,
            storage=storage,
            clock=clock,
            settings=settings,
            jobs_ready=jobs_ready,
            slot=slot,
            max_priority=Priority.NEW_VERSION if slot < reserved else None,
        ).run
        for slot in range(settings.render_processes)
    ]


def renderer_warm_up(renderer: PdfRenderer) -> Callable[[], Awaitable[None]]:
    async def warm_up_renderer() -> None:
        try:
            await renderer.warm_up()
        except Exception:
            log.warning("could not warm up the render processes", exc_info=True)

    return warm_up_renderer


def queue_metrics(engine: AsyncEngine, clock: Clock, interval_s: float) -> Callable[[], Awaitable[None]]:
    async def watch_render_queue() -> None:
        while True:
            now = clock.now()
            async with DocumentsUnitOfWork(engine) as uow:
                stats = await uow.jobs.stats(now)
            metrics.JOBS_WAITING.set(stats.waiting)
            metrics.QUEUE_LAG.set((now - stats.oldest_due_at).total_seconds() if stats.oldest_due_at else 0)
            await asyncio.sleep(interval_s)

    return watch_render_queue
