#!/bin/sh
# Runs once on an empty data directory (docker-entrypoint-initdb.d): the application's role and database,
# separate from Temporal's.
set -eu
: "${COBRANZA_DB_PASSWORD:?COBRANZA_DB_PASSWORD must be set}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v pw="$COBRANZA_DB_PASSWORD" <<'SQL'
CREATE ROLE cobranza LOGIN PASSWORD :'pw';
CREATE DATABASE cobranza OWNER cobranza;
SQL
