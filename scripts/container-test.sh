#!/usr/bin/env bash
# `npm run test:container`: builds the real image from the Dockerfile and runs it the way users do,
# against the project's Grok simulator, with podman (Debian's package; no Docker engine needed):
#   1. the image alone: a root-owned bind mount as /app/data, an env file, /ready, one chat call,
#      a variable from the env file visible in /api/settings with source "env", the image's
#      HEALTHCHECK, SIGTERM → graceful exit 0;
#   2. docker-compose.yml with the `redis` profile, through podman-compose: the same checks, with
#      the gateway storing in the compose Redis service (its own named volume and healthcheck).
# No registry image can be pulled here, so node:20-bookworm-slim is replaced by a local stand-in
# (a debootstrap minbase plus this machine's Node 20 and npm) passed as the BASE_IMAGE build
# argument, and redis:7-alpine by this machine's redis-server on that base. Both are cached
# between runs. Everything listens on 127.0.0.1 (host network). Needs root.
#
# Options: --keep (leave containers and the temp dir for inspection), --base-only,
#          --only=run / --only=compose (one of the two parts).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

BASE=localhost/node20-base
REDIS_IMG=localhost/grok2api-test-redis
IMAGE=localhost/grok2api-ts:latest   # the name docker-compose.yml gives the image
KEEP=0
BASE_ONLY=0
ONLY=all
for a in "$@"; do
  case "$a" in
    --keep) KEEP=1 ;;
    --base-only) BASE_ONLY=1 ;;
    --only=run | --only=compose) ONLY=${a#--only=} ;;
    *) echo "container-test: unknown option $a" >&2; exit 2 ;;
  esac
done

T0=$(date +%s)
step() { echo "container-test [$(($(date +%s) - T0))s] $*"; }
fail() { echo "container-test: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "needs root (podman with vfs storage, debootstrap)"

# ---------------------------------------------------------------------------------------------
# Tools, all from Debian: podman (runc: crun refuses hybrid cgroups), mmdebstrap (the stand-in
# base; several times faster than debootstrap: parallel downloads, one dpkg run), podman-compose.
# scripts/ci-services.sh installs them in CI; missing ones are installed here in one apt-get run.
missing_pkgs=()
for p in podman runc mmdebstrap podman-compose; do command -v "$p" >/dev/null 2>&1 || missing_pkgs+=("$p"); done
command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing_pkgs+=(redis-server)
if [ ${#missing_pkgs[@]} -gt 0 ]; then
  step "installing ${missing_pkgs[*]} from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_pkgs[@]}" >/dev/null ||
    fail "could not install ${missing_pkgs[*]} from Debian"
fi

# Storage and engine settings that work in a container-less VM; left alone when already configured.
mkdir -p /etc/containers
if [ ! -s /etc/containers/storage.conf ]; then
  cat > /etc/containers/storage.conf <<'CONF'
[storage]
driver = "vfs"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage"
CONF
fi
if [ ! -s /etc/containers/containers.conf ]; then
  cat > /etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = []
netns = "host"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
CONF
fi
PODMAN=(podman --runtime runc)
# Podman without systemd logs an error per container for the healthcheck timers it cannot create;
# the checks are run by hand below (podman healthcheck run), so that noise (and progress output)
# goes to a log file.
PODMAN_ERR=${TMPDIR:-/tmp}/container-test-podman.log
: >"$PODMAN_ERR"

# ---------------------------------------------------------------------------------------------
# The stand-in base image, rebuilt only when missing or older than this machine's node binary.
image_created() { "${PODMAN[@]}" image inspect --format '{{.Created.Unix}}' "$1" 2>/dev/null || echo 0; }
build_base() {
  local dir
  dir=$(mktemp -d /var/tmp/node20-base.XXXXXX)
  chmod 755 "$dir" # it becomes the image's /: mktemp's 0700 would lock every other user out
  step "mmdebstrap bookworm minbase"
  mmdebstrap --variant=minbase --mode=root -q bookworm "$dir" http://deb.debian.org/debian ||
    fail "mmdebstrap could not build the bookworm minbase"
  mkdir -p "$dir/usr/local/bin" "$dir/usr/local/lib/node_modules" "$dir/etc/ssl/certs" "$dir/usr/etc"
  cp /usr/bin/node "$dir/usr/local/bin/node"
  cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$dir/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$dir/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$dir/usr/local/bin/npx"
  # The registry is reached through this machine's CA bundle and npm settings.
  cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/ca-certificates.crt"
  for f in /etc/npmrc /usr/etc/npmrc; do [ -f "$f" ] && cp "$f" "$dir$f"; done
  # Like the official image: a `node` user with uid/gid 1000.
  chroot "$dir" groupadd --gid 1000 node
  chroot "$dir" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  rm -rf "$dir/var/cache/apt/archives/"*.deb "$dir/var/lib/apt/lists/"*
  tar -C "$dir" -c . | "${PODMAN[@]}" import \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' - "$BASE" >/dev/null 2>>"$PODMAN_ERR"
  rm -rf "$dir"
}
if [ "$(image_created "$BASE")" -gt "$(stat -c %Y /usr/bin/node)" ]; then
  step "stand-in base $BASE is cached"
else
  build_base
  step "stand-in base $BASE built"
fi
[ $BASE_ONLY = 1 ] && exit 0

# The Redis stand-in for the compose `redis` profile: this machine's redis-server and redis-cli
# (Debian bookworm) with exactly the libraries they load, imported from a tar like the base (an
# image of a few MB: no Containerfile build, which on vfs copies a whole root file system per
# step). Rebuilt when missing or older than the redis-server binary.
build_redis_image() {
  local root bin f
  root=$(mktemp -d /var/tmp/redis-standin.XXXXXX)
  chmod 755 "$root"
  mkdir -p "$root/usr/local/bin" "$root/data" "$root/tmp"
  chmod 1777 "$root/tmp"
  # /bin/sh too: podman-compose hands the compose healthcheck to podman as a shell command.
  mkdir -p "$root/bin"
  cp -L /bin/sh "$root/bin/sh"
  for bin in redis-server redis-cli sh; do
    [ "$bin" = sh ] || cp -L "$(command -v "$bin")" "$root/usr/local/bin/$bin"
    # ldd: "libx.so => /path (addr)" for libraries, "/lib64/ld-linux-x86-64.so.2 (addr)" for the
    # loader; each goes where the binary looks for it.
    for f in $(ldd "$(command -v "$bin")" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
      mkdir -p "$root$(dirname "$f")"
      cp -L "$f" "$root$f"
    done
  done
  tar -C "$root" -c . | "${PODMAN[@]}" import \
    --change 'ENV PATH=/usr/local/bin:/bin' --change 'WORKDIR /data' --change 'CMD ["redis-server"]' \
    - "$REDIS_IMG" >/dev/null 2>>"$PODMAN_ERR" || fail "could not import the redis stand-in"
  rm -rf "$root"
}
if [ "$(image_created "$REDIS_IMG")" -gt "$(stat -c %Y "$(command -v redis-server)")" ]; then
  step "redis stand-in $REDIS_IMG is cached"
else
  build_redis_image
  step "redis stand-in $REDIS_IMG built"
fi

# ---------------------------------------------------------------------------------------------
# The project's image, exactly from the Dockerfile. --format docker keeps the HEALTHCHECK (the OCI
# format drops it). --layers=false: vfs has no copy-on-write, so with intermediate layers every
# step of the Dockerfile copied the whole root file system into a new container and committed it
# (about 15 GB written and most of a cold run); without them each stage runs in one container
# and is committed once. Layers were only a cache, and that is not needed: the build is skipped
# when the image was built from the same inputs (the files the Dockerfile copies, the Dockerfile
# itself and the base image, hashed into a label).
inputs_hash() {
  {
    find Dockerfile .dockerignore package.json package-lock.json tsconfig.json tsconfig.build.json src web \
      scripts/build-web.ts scripts/docker-entrypoint.sh config.defaults.toml public -type f -print0 |
      sort -z | xargs -0 sha256sum
    "${PODMAN[@]}" image inspect --format '{{.Id}}' "$BASE"
  } | sha256sum | cut -c1-32
}
# The image a rebuild replaces (now untagged) and what a failed build leaves: vfs stores each in
# full, so without this the storage grows by gigabytes per rebuild. Tagged images (the cached
# base and stand-ins) stay.
prune_images() { "${PODMAN[@]}" image prune -f >/dev/null 2>>"$PODMAN_ERR" || true; }
HASH=$(inputs_hash)
if [ "$("${PODMAN[@]}" image inspect --format '{{index .Config.Labels "grok2api.test.inputs"}}' "$IMAGE" 2>/dev/null)" = "$HASH" ]; then
  step "$IMAGE is up to date with the Dockerfile and its inputs (not rebuilt)"
else
  step "building $IMAGE from the Dockerfile"
  "${PODMAN[@]}" build --format docker --layers=false --network host --build-arg BASE_IMAGE="$BASE" --label "grok2api.test.inputs=$HASH" \
    -t "$IMAGE" . >"${TMPDIR:-/tmp}/container-test-build.log" 2>&1 ||
    { tail -40 "${TMPDIR:-/tmp}/container-test-build.log" >&2; prune_images; fail "image build failed (log: ${TMPDIR:-/tmp}/container-test-build.log)"; }
  step "image built"
  prune_images
fi
[ -n "$("${PODMAN[@]}" image inspect --format '{{.Config.Healthcheck}}' "$IMAGE" | grep ready)" ] || fail "the image has no HEALTHCHECK (built without --format docker?)"

# ---------------------------------------------------------------------------------------------
WORK=$(mktemp -d /var/tmp/container-test.XXXXXX)
SIM_PID=""
CONTAINER=grok2api-container-test
PROJECT=g2actest
cleanup() {
  local rc=$?
  if [ $KEEP = 1 ]; then
    echo "container-test: kept $WORK, container $CONTAINER and compose project $PROJECT" >&2
  else
    "${PODMAN[@]}" rm -f -t 0 "$CONTAINER" >/dev/null 2>&1 || true
    if [ -f "$WORK/compose/docker-compose.json" ]; then
      compose down -t 5 -v >/dev/null 2>&1 || true
    fi
    "${PODMAN[@]}" volume rm -f "${PROJECT}_redis-data" "${PROJECT}_mysql-data" >/dev/null 2>&1 || true
    "${PODMAN[@]}" network rm -f "${PROJECT}_default" >/dev/null 2>&1 || true
    rm -rf "$WORK"
  fi
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null || true
  exit $rc
}
trap cleanup EXIT

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# The simulator on the host (loopback), in place of grok.com.
SIM_PORT=$(free_port)
FAKE_GROK_PORT=$SIM_PORT FAKE_GROK_HOST=127.0.0.1 node --import tsx test/fake-grok/main.ts >"$WORK/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 100); do grep -q 'assets:' "$WORK/sim.log" 2>/dev/null && break; sleep 0.2; done
SIM_APP=$(awk '$1 == "app:" { print $2 }' "$WORK/sim.log")
SIM_ASSETS=$(awk '$1 == "assets:" { print $2 }' "$WORK/sim.log")
[ -n "$SIM_APP" ] && [ -n "$SIM_ASSETS" ] || fail "the simulator did not start: $(cat "$WORK/sim.log")"
step "simulator at $SIM_APP"

API_KEY=sk-container-test-key
ADMIN_PASSWORD=container-test-admin-pw
# Not among the variables the old compose file listed by name: it arrives only if the whole env
# file is passed. Checked in /api/settings with source "env".
MARKER_KEY=chat.stream_idle_timeout
MARKER_VAR=GROK2API_CHAT_STREAM_IDLE_TIMEOUT
MARKER_VALUE=97

# $1 = file, $2 = gateway port, $3.. = extra lines
write_env() {
  local file=$1 port=$2
  shift 2
  {
    echo "GROK2API_SSO_TOKENS=sso-container-test-token-0001"
    echo "GROK2API_APP_API_KEYS=$API_KEY"
    echo "GROK2API_ADMIN_PASSWORD=$ADMIN_PASSWORD"
    echo "GROK2API_GROK_BASE_URL=$SIM_APP"
    echo "GROK2API_GROK_ASSETS_URL=$SIM_ASSETS"
    echo "$MARKER_VAR=$MARKER_VALUE"
    echo "HOST=127.0.0.1"
    echo "PORT=$port"
    for l in "$@"; do echo "$l"; done
  } >"$file"
}

# $1 = gateway base URL, $2 = what (for messages), $3 = container to read logs from
check_gateway() {
  local url=$1 what=$2 logs_of=$3 deadline code
  deadline=$(($(date +%s) + 90))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/ready")" = 200 ]; do
    if [ "$(date +%s)" -gt "$deadline" ]; then
      "${PODMAN[@]}" logs "$logs_of" 2>&1 | tail -30 >&2
      fail "$what: /ready did not answer 200 within 90 s"
    fi
    if [ "$("${PODMAN[@]}" inspect --format '{{.State.Running}}' "$logs_of" 2>/dev/null)" = false ]; then
      "${PODMAN[@]}" logs "$logs_of" 2>&1 | tail -30 >&2
      fail "$what: the gateway container exited ($("${PODMAN[@]}" inspect --format '{{.State.ExitCode}}' "$logs_of"))"
    fi
    sleep 1
  done
  step "$what: /ready is 200"
  code=$(curl -s -o "$WORK/chat.json" -w '%{http_code}' "$url/v1/chat/completions" \
    -H "Authorization: Bearer $API_KEY" -H 'content-type: application/json' \
    -d '{"model":"grok-chat-fast","messages":[{"role":"user","content":"Say hello from the container test"}]}')
  [ "$code" = 200 ] || fail "$what: chat completion answered $code: $(cat "$WORK/chat.json")"
  node -e 'const b=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));const t=b.choices?.[0]?.message?.content;if(typeof t!=="string"||!t)process.exit(1)' "$WORK/chat.json" ||
    fail "$what: chat completion without a message: $(cat "$WORK/chat.json")"
  step "$what: chat completion through the gateway OK"
  code=$(curl -s -o "$WORK/login.json" -w '%{http_code}' "$url/api/login" -H 'content-type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PASSWORD\",\"bearer\":true}")
  [ "$code" = 200 ] || fail "$what: admin login answered $code: $(cat "$WORK/login.json")"
  local session
  session=$(node -e 'const b=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));process.stdout.write(String(b.token??b.session??""))' "$WORK/login.json")
  [ -n "$session" ] || fail "$what: no session in the login answer: $(cat "$WORK/login.json")"
  curl -s -o "$WORK/settings.json" "$url/api/settings" -H "Authorization: Bearer $session"
  node -e '
    const [file, key, value] = process.argv.slice(1);
    const b = JSON.parse(require("fs").readFileSync(file, "utf8"));
    const s = (b.settings ?? []).find((x) => x.key === key);
    if (!s || s.source !== "env" || String(s.value) !== value) { console.error(JSON.stringify(s)); process.exit(1); }
  ' "$WORK/settings.json" "$MARKER_KEY" "$MARKER_VALUE" || fail "$what: $MARKER_VAR from the env file did not reach the gateway (/api/settings)"
  step "$what: $MARKER_VAR from the env file reached the gateway (source env)"
  "${PODMAN[@]}" healthcheck run "$logs_of" >/dev/null || fail "$what: the container's healthcheck fails"
  step "$what: healthcheck passes"
}

# $1 = container: SIGTERM, then the gateway's graceful exit code 0
check_graceful_stop() {
  local c=$1 what=$2 code
  "${PODMAN[@]}" stop -t 60 "$c" >/dev/null 2>>"$PODMAN_ERR"
  code=$("${PODMAN[@]}" inspect --format '{{.State.ExitCode}}' "$c")
  [ "$code" = 0 ] || { "${PODMAN[@]}" logs "$c" 2>&1 | tail -20 >&2; fail "$what: exit code $code after SIGTERM (want 0)"; }
  "${PODMAN[@]}" logs "$c" 2>&1 | grep -q 'shutdown complete' || fail "$what: no 'shutdown complete' in the log"
  step "$what: SIGTERM → graceful exit 0"
}

# ---------------------------------------------------------------------------------------------
# 1. The image alone: a root-owned bind mount (what the engine creates for a missing ./data).
if [ $ONLY != compose ]; then
mkdir -p "$WORK/data"
chown 0:0 "$WORK/data"
GW_PORT=$(free_port)
write_env "$WORK/test.env" "$GW_PORT"
"${PODMAN[@]}" run -d --name "$CONTAINER" --network host --env-file "$WORK/test.env" \
  -v "$WORK/data:/app/data" "$IMAGE" >/dev/null 2>>"$PODMAN_ERR" || { cat "$PODMAN_ERR" >&2; fail "podman run failed"; }
check_gateway "http://127.0.0.1:$GW_PORT" "podman run" "$CONTAINER"
[ "$(stat -c %u "$WORK/data")" = 1000 ] || fail "podman run: the entrypoint did not hand the data directory to uid 1000"
[ "$("${PODMAN[@]}" top "$CONTAINER" user | tail -n +2 | sort -u | tr -d ' ')" = node ] ||
  fail "podman run: the gateway does not run as node: $("${PODMAN[@]}" top "$CONTAINER" user pid args)"
step "podman run: data/ handed to uid 1000, the gateway runs as node"
check_graceful_stop "$CONTAINER" "podman run"

# Started as uid 1000 with a root-owned data directory: one clear line, exit 1.
mkdir -p "$WORK/rootdata"
chown 0:0 "$WORK/rootdata"
chmod 755 "$WORK/rootdata"
set +e
"${PODMAN[@]}" run --rm --network host --no-healthcheck --user 1000:1000 --env-file "$WORK/test.env" \
  -v "$WORK/rootdata:/app/data" "$IMAGE" >"$WORK/nonroot.out" 2>"$WORK/nonroot.err"
code=$?
set -e
[ $code = 1 ] || fail "non-root with a root-owned data dir: exit code $code (want 1): $(cat "$WORK/nonroot.err")"
[ "$(wc -l <"$WORK/nonroot.err")" = 1 ] && grep -q 'not writable by uid 1000.*chown -R 1000:1000' "$WORK/nonroot.err" ||
  fail "non-root with a root-owned data dir: want one line naming the chown, got: $(cat "$WORK/nonroot.err")"
step "podman run --user 1000 on a root-owned data dir: one line, exit 1"
"${PODMAN[@]}" rm -f "$CONTAINER" >/dev/null 2>>"$PODMAN_ERR"
fi

# ---------------------------------------------------------------------------------------------
# 2. docker-compose.yml with the redis profile, through podman-compose.
if [ $ONLY != run ]; then
mkdir -p "$WORK/compose"
REDIS_PORT=$(free_port)
GW_PORT=$(free_port)
write_env "$WORK/compose/.env" "$GW_PORT" "STORAGE_MODE=redis" "STORAGE_URL=redis://127.0.0.1:$REDIS_PORT/0"
npx tsx test/deploy/compose-for-podman.ts --profile redis --redis-image "$REDIS_IMG" --redis-port "$REDIS_PORT" >"$WORK/compose/docker-compose.json"
# podman-compose 1.0.3 adds `--net <project>_default` even to a `network_mode: host` service, which
# podman refuses; this shim drops that pair (and the alias) when --network host is given.
cat >"$WORK/podman-shim" <<'SHIM'
#!/bin/bash
host=0 prev=""
for a in "$@"; do [ "$prev" = --network ] && [ "$a" = host ] && host=1; prev=$a; done
out=() skip=0
for a in "$@"; do
  if [ $skip = 1 ]; then skip=0; continue; fi
  if [ $host = 1 ] && { [ "$a" = --net ] || [ "$a" = --network-alias ]; }; then skip=1; continue; fi
  out+=("$a")
done
exec podman --runtime runc "${out[@]}"
SHIM
chmod +x "$WORK/podman-shim"
compose() { (cd "$WORK/compose" && podman-compose --podman-path "$WORK/podman-shim" -p "$PROJECT" -f docker-compose.json "$@"); }
step "podman-compose up (redis profile)"
compose up -d --no-build >"$WORK/compose.log" 2>&1 ||
  { cat "$WORK/compose.log" >&2; fail "podman-compose up failed"; }
GW_C=${PROJECT}_grok2api_1
REDIS_C=${PROJECT}_redis_1
# podman-compose 1.0.3 does not wait for `service_healthy`: check Redis's own healthcheck here.
for _ in $(seq 1 30); do "${PODMAN[@]}" healthcheck run "$REDIS_C" >/dev/null 2>&1 && break; sleep 1; done
"${PODMAN[@]}" healthcheck run "$REDIS_C" >/dev/null || fail "compose: the redis healthcheck fails"
"${PODMAN[@]}" inspect --format '{{range .Mounts}}{{.Name}} {{end}}' "$REDIS_C" | grep -q "${PROJECT}_redis-data" ||
  fail "compose: redis does not keep its data in its own named volume"
step "compose: redis healthy, data in volume ${PROJECT}_redis-data"
check_gateway "http://127.0.0.1:$GW_PORT" "compose" "$GW_C"
[ "$(redis-cli -p "$REDIS_PORT" --scan --pattern 'g2a*' | wc -l)" -gt 0 ] || fail "compose: the gateway stored nothing in the compose Redis"
[ "$(stat -c %u "$WORK/compose/data")" = 1000 ] || fail "compose: ./data is not owned by uid 1000"
step "compose: the gateway stores in the compose Redis; ./data owned by uid 1000"
check_graceful_stop "$GW_C" "compose"
fi

step "PASS (total $(($(date +%s) - T0)) s)"
