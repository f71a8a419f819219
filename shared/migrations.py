"""Alembic, driven from code: each service keeps its migrations in `services/<name>/migrations`
and runs them with `python -m services.<name> migrate` (the database is created if missing)."""

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.ext.asyncio import create_async_engine


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


async def create_database_if_missing(database_url: str) -> None:
    url = make_url(database_url)
    admin = create_async_engine(
        url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=pool.NullPool
    )
    try:
        async with admin.connect() as conn:
            exists = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}
            )
            if not exists:
                try:
                    await conn.execute(text(f'CREATE DATABASE "{url.database}"'))
                except ProgrammingError as error:  # a replica starting at the same moment made it
                    if "already exists" not in str(error):
                        raise
    finally:
        await admin.dispose()


def upgrade(migrations_dir: Path, database_url: str) -> None:
    asyncio.run(create_database_if_missing(database_url))
    command.upgrade(alembic_config(migrations_dir, database_url), "head")


def run_env(metadata: MetaData) -> None:
    """The body of every service's `migrations/env.py`."""
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None

    def migrate(conn: Connection) -> None:
        context.configure(connection=conn, target_metadata=metadata, compare_type=True)
        with context.begin_transaction():
            # Replicas starting together (docker compose --scale) migrate one after another.
            conn.execute(text("SELECT pg_advisory_xact_lock(727274)"))
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as conn:
            await conn.run_sync(migrate)
        await engine.dispose()

    asyncio.run(run())
