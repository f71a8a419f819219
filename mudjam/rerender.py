"""`mudjam documents re-render --kind K --since DATE`: after a template fix, the documents drawn
before it are drawn again.

Each document of the kind whose latest version was drawn since DATE by other templates than these
(`TEMPLATE_RELEASE`, recorded with every version) gets its next version, with the same facts, at
the lowest priority: what customers wait for renders first. A named version's files, and its page
images cached by browsers, never change. The documents service's workers take the jobs as any
other; the command only schedules them, in batches, one transaction each. Run it from the release
the documents service runs (its templates are what it compares with): interrupted or run again,
it schedules only what is left."""

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from mudjam.service_databases import database_url
from shared.contracts.documents import DocumentKind
from shared.db import make_engine

BATCH = 200


async def re_render(
    *,
    kind: str,
    since: datetime,
    tenant_id: str | None,
    state_dir: Path,
    progress: Callable[[int, int], None],
) -> int:
    """Schedules the re-renders; returns how many documents it scheduled."""
    from services.documents.adapters.renderer import TEMPLATE_RELEASE
    from services.documents.adapters.repository.jobs import ReRenderCriteria
    from services.documents.adapters.uow import DocumentsUnitOfWork
    from services.documents.use_cases import schedule_re_renders

    criteria = ReRenderCriteria(DocumentKind(kind), since, TEMPLATE_RELEASE, tenant_id)
    engine = make_engine(database_url("documents", state_dir), pool_size=1)
    try:
        async with DocumentsUnitOfWork(engine) as uow:
            total = await uow.jobs.count_re_renderable(criteria)
        scheduled = 0
        progress(scheduled, total)
        while True:
            async with DocumentsUnitOfWork(engine) as uow:
                batch = await schedule_re_renders(
                    uow=uow, criteria=criteria, now=datetime.now(UTC), batch=BATCH
                )
                await uow.commit()
            if not batch:
                return scheduled
            scheduled += batch
            progress(scheduled, max(total, scheduled))
    finally:
        await engine.dispose()
