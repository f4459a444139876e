#!/bin/sh
# Creates and migrates Temporal's two databases on PostgreSQL (postgres12 plugin). Safe to run again: `create` and
# `setup-schema` are skipped when already done, `update-schema` applies only newer versions and must succeed.
set -eu

HOST="${POSTGRES_HOST:-postgresql}"
PORT="${POSTGRES_PORT:-5432}"
USER="${POSTGRES_USER:-temporal}"
: "${SQL_PASSWORD:?SQL_PASSWORD must be set}" # read by temporal-sql-tool
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12

echo "waiting for PostgreSQL at ${HOST}:${PORT}"
i=0
until nc -z -w 5 "$HOST" "$PORT"; do
  i=$((i + 1))
  [ "$i" -ge 60 ] && { echo "PostgreSQL not reachable"; exit 1; }
  sleep 2
done

sql() { temporal-sql-tool --plugin postgres12 --ep "$HOST" -p "$PORT" -u "$USER" "$@"; }

for db in temporal temporal_visibility; do
  case "$db" in
    temporal) dir="$SCHEMA_DIR/temporal/versioned" ;;
    *) dir="$SCHEMA_DIR/visibility/versioned" ;;
  esac
  sql --db "$db" create || echo "database $db: already exists"
  sql --db "$db" setup-schema -v 0.0 || echo "database $db: schema already set up"
  sql --db "$db" update-schema -d "$dir"
  echo "database $db: schema up to date"
done
