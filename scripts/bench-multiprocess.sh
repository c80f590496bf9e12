#!/usr/bin/env bash
# The shared-budget benchmark of docs/BENCHMARKS.md (issue 10): one voc
# serve and two voc worker processes share a 30 requests/s budget through
# Redis; vocbench counts the requests at the simulator.
#
#   go build -o /tmp/voc ./cmd/voc && go build -o /tmp/vocbench ./cmd/vocbench
#   /tmp/vocbench gen -n 5000 -o /tmp/r5k.csv -salt C1
#   scripts/bench-multiprocess.sh /tmp/r5k.csv voc_bench_e2
#
# It drops and creates the database it is given and flushes Redis database 5.
set -euo pipefail
FILE=$1 DB=$2
VOC=${VOC:-/tmp/voc} VOCBENCH=${VOCBENCH:-/tmp/vocbench}
PGPORT=${PGPORT:-5432}
TOKEN=bench-e-admin-token-0123456789abcdef
psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qc "CREATE DATABASE $DB" >/dev/null
redis-cli -n 5 FLUSHDB >/dev/null
"$VOC" llmsim --addr 127.0.0.1:28091 --canned --latency 1.5s --jitter 0.5s >/tmp/bench-mp-sim.log 2>&1 &
PIDS=$!
trap 'kill $PIDS 2>/dev/null; wait $PIDS 2>/dev/null || true' EXIT
# Three pools on one Postgres: 25 connections each.
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/$DB?sslmode=disable&pool_max_conns=25"
export REDIS_URL=redis://127.0.0.1:6379/5 VOC_LLM_RPS=30 VOC_LLM_HOSTS=3
export VOC_ADMIN_TOKEN=$TOKEN VOC_LLM_PROVIDER=openai VOC_LLM_API_KEY=x
export VOC_LLM_BASE_URL=http://127.0.0.1:28091/v1
"$VOC" serve --addr 127.0.0.1:28081 >/tmp/bench-mp-serve.log 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 1 60); do curl -sf http://127.0.0.1:28081/health >/dev/null && break; sleep 0.5; done
"$VOC" worker --migrate=false >/tmp/bench-mp-w1.log 2>&1 &
PIDS="$PIDS $!"
"$VOC" worker --migrate=false >/tmp/bench-mp-w2.log 2>&1 &
PIDS="$PIDS $!"
sleep 2
"$VOCBENCH" pipeline -url http://127.0.0.1:28081 -token $TOKEN -sim http://127.0.0.1:28091 -rps 30 -file "$FILE"
