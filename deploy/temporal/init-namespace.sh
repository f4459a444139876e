#!/bin/sh
# Creates the namespace if missing and registers Cobranza's search attributes if missing. Idempotent: run it on
# every `up`. The attributes must match workflows/search-attributes.ts (SQL visibility: at most 10 Keyword,
# 3 Datetime, 3 Int per namespace).
set -eu

ADDR="${TEMPORAL_ADDRESS:-temporal:7233}"
NS="${NAMESPACE:-default}"
RETENTION="${NAMESPACE_RETENTION:-720h}"

echo "waiting for Temporal at ${ADDR}"
i=0
until temporal operator cluster health --address "$ADDR" 2>/dev/null | grep -q SERVING; do
  i=$((i + 1))
  [ "$i" -ge 60 ] && { echo "Temporal not healthy"; exit 1; }
  sleep 2
done

if temporal operator namespace describe --address "$ADDR" --namespace "$NS" >/dev/null 2>&1; then
  echo "namespace $NS: exists"
else
  temporal operator namespace create --address "$ADDR" --namespace "$NS" --retention "$RETENTION"
  echo "namespace $NS: created (retention $RETENTION)"
fi

for spec in \
  AccountId:Keyword \
  DunningStage:Keyword \
  DunningStatus:Keyword \
  DunningOutcome:Keyword \
  Jurisdiction:Keyword \
  LadderVersion:Keyword \
  Segment:Keyword \
  Creditor:Keyword \
  NextActionAt:Datetime \
  BalanceMinor:Int; do
  name="${spec%%:*}"
  type="${spec#*:}"
  # The namespace may take a moment to be visible to the search-attribute API right after creation.
  attempt=0
  while :; do
    if existing="$(temporal operator search-attribute list --address "$ADDR" --namespace "$NS" 2>&1)"; then
      break
    fi
    attempt=$((attempt + 1))
    [ "$attempt" -ge 15 ] && { echo "cannot list search attributes: $existing"; exit 1; }
    sleep 2
  done
  if printf '%s\n' "$existing" | grep -Eq "(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)"; then
    echo "search attribute $name: exists"
  else
    temporal operator search-attribute create --address "$ADDR" --namespace "$NS" --name "$name" --type "$type"
    echo "search attribute $name ($type): created"
  fi
done
echo "temporal-init: done"
