#!/usr/bin/env bash
# A real Keycloak for the OIDC tests (CI and developers): fetches the server distribution from
# Maven Central with `mvn dependency:copy` (cached in ~/.m2), unpacks it once under
# ~/.cache/paidan-keycloak, and runs it in dev mode on loopback with an in-memory database and
# keycloak/realm.json imported. Usage:  keycloak/server.sh start | stop | env
#   start  prints the variables to export (KEYCLOAK_URL, KEYCLOAK_ADMIN_USER, KEYCLOAK_ADMIN_PASSWORD)
#   stop   stops the server this script started
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

# Keycloak 26.7 supports JDK 25 (Temurin); 26.5 is the newest that still runs on the JDK 17 default.
if [ -z "${KEYCLOAK_JAVA_HOME:-}" ]; then
  KEYCLOAK_JAVA_HOME="$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1 || true)"
fi
if [ -n "$KEYCLOAK_JAVA_HOME" ]; then
  version="${KEYCLOAK_VERSION:-26.7.3}"
else
  KEYCLOAK_JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  version="${KEYCLOAK_VERSION:-26.5.6}"
fi
port="${KEYCLOAK_PORT:-18080}"
mgmt_port="${KEYCLOAK_MANAGEMENT_PORT:-18090}"
cache="${KEYCLOAK_CACHE_DIR:-$HOME/.cache/paidan-keycloak}"
home="$cache/keycloak-$version"
state="${KEYCLOAK_STATE_DIR:-${TMPDIR:-/tmp}/paidan-keycloak-run}"
log="$state/keycloak.log"

start() {
  mkdir -p "$cache" "$state"
  if [ ! -x "$home/bin/kc.sh" ]; then
    mvn -q dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$version:zip" -DoutputDirectory="$cache" >&2
    rm -rf "$home.partial" && mkdir -p "$home.partial"
    unzip -q "$cache/keycloak-quarkus-dist-$version.zip" -d "$home.partial"
    mv "$home.partial/keycloak-$version" "$home" && rm -rf "$home.partial" "$cache/keycloak-quarkus-dist-$version.zip"
  fi
  mkdir -p "$home/data/import" "$home/data/password-blacklists"
  cp "$here/realm.json" "$home/data/import/paidan-realm.json"
  grep -v '^#' "$repo/identity/common-passwords.txt" > "$home/data/password-blacklists/common-passwords.txt"
  local admin_password
  admin_password="ci-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  if [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null; then stop; fi
  local t0=$SECONDS
  JAVA_HOME="$KEYCLOAK_JAVA_HOME" KC_BOOTSTRAP_ADMIN_USERNAME=ci-admin KC_BOOTSTRAP_ADMIN_PASSWORD="$admin_password" \
    setsid "$home/bin/kc.sh" start-dev --db=dev-mem --http-host=127.0.0.1 --http-port="$port" \
      --http-management-port="$mgmt_port" --health-enabled=true --import-realm >"$log" 2>&1 < /dev/null &
  echo $! > "$state/pid"
  for _ in $(seq 1 240); do
    if curl -fsS "http://127.0.0.1:$port/realms/paidan/.well-known/openid-configuration" >/dev/null 2>&1; then
      echo "keycloak $version ready on 127.0.0.1:$port in $((SECONDS - t0)) s (java: $KEYCLOAK_JAVA_HOME)" >&2
      echo "export KEYCLOAK_URL=http://127.0.0.1:$port"
      echo "export KEYCLOAK_ADMIN_USER=ci-admin"
      echo "export KEYCLOAK_ADMIN_PASSWORD=$admin_password"
      return 0
    fi
    if ! kill -0 "$(cat "$state/pid")" 2>/dev/null; then break; fi
    sleep 1
  done
  echo "keycloak did not become ready; the end of its log:" >&2
  tail -40 "$log" >&2
  stop
  return 1
}

stop() {
  if [ -f "$state/pid" ]; then
    local pid
    pid="$(cat "$state/pid")"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$state/pid"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
