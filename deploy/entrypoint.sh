#!/bin/sh
# Migrates the service's database (created if missing), then serves. Safe to run on every start:
# Alembic applies only what is new.
set -e
python -m "services.$1" migrate
exec python -m "services.$1" serve
