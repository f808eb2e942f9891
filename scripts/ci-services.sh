#!/usr/bin/env bash
# Makes sure the servers the test suite talks to are up: Redis on 127.0.0.1:6379 and MariaDB on
# 127.0.0.1:3306 (root, no password, database `test`). Installs them from Debian's packages when
# missing (needs root), starts them when stopped. Also installs Debian's Chromium for the browser
# tests (test/browser) when /usr/bin/chromium is missing, and podman & co. for the container test.
# Idempotent; safe to run on a developer machine.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

apt_updated=0
need_pkg() {
  if ! command -v "$1" >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then echo "ci-services: $1 missing and not root; install $2" >&2; return 1; fi
    if [ $apt_updated = 0 ]; then apt-get update -qq; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  fi
}

# The console's browser tests drive /usr/bin/chromium (never a downloaded browser). In CI they
# fail without it; elsewhere they are skipped, so a non-root developer machine is not stopped here.
if [ ! -x /usr/bin/chromium ]; then
  need_pkg /usr/bin/chromium chromium || echo "ci-services: without chromium the browser tests fail in CI and are skipped elsewhere" >&2
fi

# The container test (.ci/run runs it; `npm run test:container`) builds and runs the image with
# Debian's podman, runc, mmdebstrap and podman-compose: installed here, in one apt-get run, when
# root. Without root they are left to the developer (the container test needs root anyway).
container_pkgs=()
for p in podman runc mmdebstrap podman-compose; do command -v "$p" >/dev/null 2>&1 || container_pkgs+=("$p"); done
if [ ${#container_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    [ $apt_updated = 1 ] || { apt-get update -qq; apt_updated=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${container_pkgs[@]}" >/dev/null ||
      echo "ci-services: could not install ${container_pkgs[*]}; the container test will fail in CI" >&2
  else
    echo "ci-services: ${container_pkgs[*]} missing and not root; npm run test:container needs them" >&2
  fi
fi

if ! port_open 6379; then
  need_pkg redis-server redis-server
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi

if ! port_open 3306; then
  need_pkg mariadbd mariadb-server
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
fi

for i in $(seq 1 60); do
  if port_open 6379 && port_open 3306; then break; fi
  sleep 0.5
done
port_open 6379 || { echo "ci-services: Redis did not come up on 6379" >&2; exit 1; }
port_open 3306 || { echo "ci-services: MariaDB did not come up on 3306" >&2; exit 1; }
# The tests use database `test` as root without a password.
if command -v mariadb >/dev/null 2>&1; then
  mariadb -uroot -h127.0.0.1 -e "CREATE DATABASE IF NOT EXISTS test" 2>/dev/null || mariadb -uroot -e "CREATE DATABASE IF NOT EXISTS test" || true
fi
echo "ci-services: redis and mariadb are up"
