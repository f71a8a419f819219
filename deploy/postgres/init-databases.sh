#!/bin/sh
# Runs once, when PostgreSQL starts on an empty data volume (/docker-entrypoint-initdb.d): one login
# role per service, each with its own password, owning its own database and allowed into no other.
# The services connect as these roles; the superuser (POSTGRES_USER) is for operators only.
set -eu
prefix="${MUDJAM_DB_PREFIX:-mudjam}"
for service in deposits billing documents notifications portal; do
  variable="$(echo "$service" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD"
  password="$(printenv "$variable" || true)"
  if [ -z "$password" ]; then
    echo "init-databases: set $variable" >&2
    exit 1
  fi
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v role="${prefix}_${service}" -v password="$password" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"role" TO :"role";
SQL
done
