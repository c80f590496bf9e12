#!/usr/bin/env bash
# The budget benchmark of docs/BENCHMARKS.md (issue 10), as three processes:
# the LLM simulator, voc serve, and vocbench measuring at the simulator.
#
#   go build -o /tmp/voc ./cmd/voc && go build -o /tmp/vocbench ./cmd/vocbench
#   /tmp/vocbench gen -n 10200 -o /tmp/r.csv -salt A2
#   scripts/bench-pipeline.sh /tmp/r.csv voc_bench_e
#
# It drops and creates the database it is given on the local Postgres. Extra
# arguments are environment assignments for voc serve (e.g. VOC_LLM_RPS=100).
set -euo pipefail
FILE=$1 DB=$2
shift 2
VOC=${VOC:-/tmp/voc} VOCBENCH=${VOCBENCH:-/tmp/vocbench}
TOKEN=bench-e-admin-token-0123456789abcdef
PGPORT=${PGPORT:-5432}
psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qc "CREATE DATABASE $DB" >/dev/null
"$VOC" llmsim --addr 127.0.0.1:18090 --canned --latency "${SIM_LATENCY:-1.5s}" --jitter "${SIM_JITTER:-0.5s}" >/tmp/bench-sim.log 2>&1 &
SIM=$!
env "$@" DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/$DB?sslmode=disable" \
  VOC_ADMIN_TOKEN=$TOKEN VOC_LLM_PROVIDER=openai VOC_LLM_API_KEY=x \
  VOC_LLM_BASE_URL=http://127.0.0.1:18090/v1 \
  "$VOC" serve --addr 127.0.0.1:18080 --pprof 127.0.0.1:16060 >/tmp/bench-serve.log 2>&1 &
SRV=$!
trap 'kill $SRV $SIM 2>/dev/null; wait $SRV $SIM 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf http://127.0.0.1:18080/health >/dev/null && break; sleep 0.5; done
"$VOCBENCH" pipeline -url http://127.0.0.1:18080 -token $TOKEN -sim http://127.0.0.1:18090 -rps 200 -file "$FILE" -pids $SRV
