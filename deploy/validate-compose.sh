#!/usr/bin/env bash
# Validates docker-compose.yml offline (no Docker engine needed): syntax, interpolation and references, with the
# placeholders of .env.example standing in for .env. Installs Debian's docker-compose (1.29) when missing.
# Usage: deploy/validate-compose.sh   (from anywhere; exit 0 when valid)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker-compose >/dev/null 2>&1; then
  echo "== installing docker-compose (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker-compose >/dev/null
fi
echo "== $(docker-compose version --short 2>/dev/null || docker-compose version | head -n 1)"

# Every mounted file must exist: compose does not check bind-mount sources.
for f in deploy/temporal/setup-postgres.sh deploy/temporal/init-namespace.sh \
  deploy/temporal/dynamicconfig/development-sql.yaml deploy/postgres/init-cobranza.sh \
  deploy/prometheus/prometheus.yml deploy/prometheus/alerts.yml \
  deploy/grafana/provisioning/datasources/prometheus.yml deploy/grafana/provisioning/dashboards/cobranza.yml \
  deploy/grafana/dashboards/cobranza.json Dockerfile; do
  [ -f "$f" ] || { echo "missing $f" >&2; exit 1; }
done
for f in deploy/temporal/*.sh deploy/postgres/*.sh; do sh -n "$f"; done
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' deploy/grafana/dashboards/cobranza.json

# Interpolation uses .env.example; a missing required variable (${VAR:?}) fails here.
docker-compose --env-file .env.example -f docker-compose.yml config -q
# Without any values, every required secret must be reported missing rather than defaulted.
empty="$(mktemp)"
trap 'rm -f "$empty"' EXIT
if out="$(env -i PATH="$PATH" docker-compose --env-file "$empty" -f docker-compose.yml config -q 2>&1)"; then
  echo "docker-compose.yml validates without secrets: a required variable lost its :? guard" >&2
  exit 1
fi
case "$out" in
  *"in .env"*) ;;
  *) echo "unexpected failure without .env values: $out" >&2; exit 1 ;;
esac
echo "docker-compose.yml: valid"
