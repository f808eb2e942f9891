#!/bin/sh
# The image's entrypoint. Started as root (the default), it hands DATA_DIR to the unprivileged
# `node` user (uid 1000) and drops privileges before running the gateway: a bind-mounted ./data
# that the engine created as root then just works. Started as another user (docker run --user,
# Kubernetes runAsUser), it runs the gateway as that user, which checks DATA_DIR itself and exits
# with one line naming the chown to run when it cannot write there.
# POSIX sh and util-linux's setpriv only: both are in the Debian base image.
set -eu

if [ "$(id -u)" = 0 ]; then
  data_dir=${DATA_DIR:-/app/data}
  mkdir -p "$data_dir"
  # Only what is not node's yet: a large media cache is walked, not rewritten, at each start.
  # A failure here (read-only or root-squashed mount) is left for the gateway to report in one line.
  find "$data_dir" \( ! -user node -o ! -group node \) -exec chown -h node:node {} + 2>/dev/null || true
  HOME=/home/node
  export HOME
  exec setpriv --reuid=node --regid=node --init-groups -- "$@"
fi
exec "$@"
