#!/usr/bin/env bash
# The test suite needs a PostgreSQL server on 127.0.0.1:5432 with a database "test" that user postgres reaches
# without a password (SPLITSERVE_TEST_POSTGRES_URL overrides the address). When none answers, this starts the
# installed one, or installs Debian's postgresql, starts it and sets up exactly that (trust for 127.0.0.1 only on a
# server it installed itself; an existing server's authentication is left alone).
set -euo pipefail

reachable() {
  node -e "const s=require('net').connect(5432,'127.0.0.1');s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(1),2000)"
}

if [ -n "${SPLITSERVE_TEST_POSTGRES_URL:-}" ] || reachable; then exit 0; fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
installed_here=0
if ! command -v pg_lsclusters >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "splitserve setup: no PostgreSQL on 127.0.0.1:5432 and apt-get is not available; start one (or set SPLITSERVE_TEST_POSTGRES_URL) for the tests" >&2
    exit 1
  fi
  echo "splitserve setup: installing PostgreSQL for the tests"
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends postgresql >/dev/null
  installed_here=1
fi

read -r version cluster _ < <(pg_lsclusters --no-header | head -1)
if [ "$installed_here" = 1 ]; then
  hba="/etc/postgresql/$version/$cluster/pg_hba.conf"
  $SUDO sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
fi
echo "splitserve setup: starting PostgreSQL $version/$cluster"
$SUDO pg_ctlcluster "$version" "$cluster" start 2>/dev/null || $SUDO pg_ctlcluster "$version" "$cluster" reload
for _ in $(seq 1 30); do reachable && break; sleep 1; done
if [ "$installed_here" = 1 ]; then
  $SUDO runuser -u postgres -- createdb test 2>/dev/null || true
fi
reachable || { echo "splitserve setup: PostgreSQL did not come up on 127.0.0.1:5432" >&2; exit 1; }
