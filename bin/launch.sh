# Sourced by the bin/*.js launchers when they run as commands (their first line is #!/bin/sh).
# Replaces the shell with Node.js 24 running the same launcher file: `exec` keeps the pid, so
# whoever started the command (a terminal, a supervisor, a test) signals the program itself, and
# kill -9 leaves nothing behind. On Node 24, run-ts.js may replace the process once more to add
# the Node options the program wants (same pid again).
launcher=$(readlink -f -- "$0")
root=$(dirname -- "$(dirname -- "$launcher")")
node=$root/node_modules/node/bin/node
if [ ! -x "$node" ]; then
  # Not installed yet: the PATH's node runs the launcher, and run-ts.js says what is missing.
  node=node
  if ! command -v node >/dev/null 2>&1; then
    echo "This program needs Node.js 24: run 'npm install' in $root first." >&2
    exit 1
  fi
fi
exec "$node" "$launcher" "$@"
