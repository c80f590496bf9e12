#!/usr/bin/env bash
# Validates the compose files against the example env files, and checks that
# the examples carry no secrets. Used by CI; needs no Docker engine.
#
# Uses `docker compose` (v2) or `docker-compose` (v1); installs the latter
# with apt-get when running as root and neither is present. Without any of
# them it prints SKIP and exits 0.
set -euo pipefail
cd "$(dirname "$0")"

fail=0

# 1. No secrets in the examples: every password, token and key is empty or a
#    change-me placeholder, including those inside URLs.
for f in master.env.example worker.env.example; do
  while IFS= read -r line; do
    echo "compose/check.sh: $f: looks like a real secret: ${line%%=*}" >&2
    fail=1
  done < <(grep -E '^[A-Z_]*(PASSWORD|TOKEN|API_KEY|SECRET)[A-Z_]*=.' "$f" | grep -v 'change-me' || true)
  while IFS= read -r line; do
    echo "compose/check.sh: $f: URL with a real password: ${line%%=*}" >&2
    fail=1
  done < <(grep -E '^[A-Z_]*URL=[a-z]+://[^/@]*:[^/@]+@' "$f" | grep -v 'change-me' || true)
done

# 2. A compose implementation.
compose=()
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "compose/check.sh: installing docker-compose with apt-get" >&2
  if { timeout 300 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 300 \
        apt-get install -y -qq --no-install-recommends docker-compose; } >/tmp/voc-compose-install.log 2>&1; then
    compose=(docker-compose)
  else
    echo "compose/check.sh: apt-get install docker-compose failed (log: /tmp/voc-compose-install.log)" >&2
  fi
fi
if [ ${#compose[@]} -eq 0 ]; then
  echo "SKIP compose/check.sh: neither 'docker compose' nor 'docker-compose' is available; compose files not validated"
  exit "$fail"
fi

# 3. Each compose file with its example env file, both for ${...}
#    interpolation (--env-file) and for the containers (VOC_ENV_FILE).
for role in master worker; do
  out=$(VOC_ENV_FILE="$role.env.example" "${compose[@]}" --env-file "$role.env.example" \
        -f "compose.$role.yml" config 2>&1) || {
    echo "compose/check.sh: compose.$role.yml is invalid:" >&2
    echo "$out" >&2
    fail=1
    continue
  }
  echo "ok   compose.$role.yml (${compose[*]})"
done

# 4. Redis must never evict: voc's rate-limit counters live there.
if ! grep -q -- '--maxmemory-policy noeviction' compose.master.yml; then
  echo "compose/check.sh: compose.master.yml must run Redis with --maxmemory-policy noeviction" >&2
  fail=1
fi

exit "$fail"
