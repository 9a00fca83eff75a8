#!/bin/sh
# Runs once, when the Postgres volume is first initialised: the application's own login role and
# database (owner, not a superuser). Temporal's auto-setup creates its databases as `postgres`.
set -eu
: "${APP_DB_PASSWORD:?APP_DB_PASSWORD is required}"
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  --set app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE health_checkin LOGIN PASSWORD :'app_password';
CREATE DATABASE health_checkin OWNER health_checkin;
SQL
