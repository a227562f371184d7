# Sourced by the sandbox's build scripts (hack/build-*.sh): versions, the cache directory, logging,
# the Go check, and one build at a time per cache. The sourcing script sets `here` (its directory)
# and `build_name` (its log prefix) first.
#
# Environment: KUBEFED_CACHE_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/kubefed-ts).

# shellcheck source=kube-versions.env
source "$here/kube-versions.env"
cache=${KUBEFED_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubefed-ts}
mkdir -p "$cache"

log() { echo "[$build_name] $*" >&2; }

command -v go >/dev/null || { log "Go is required to build the sandbox's binaries (apt-get install golang, or see go.dev)."; exit 1; }

# Only one build at a time per cache: parallel test processes may all ask for the binaries, and
# the builds share Go's module and build caches. Taken only when something must be built (the
# caller checks its cache again once it holds the lock): binaries already built are handed out at
# once, not after another tool's build of many minutes.
take_build_lock() {
  [ -n "${build_lock_held:-}" ] && return 0
  exec 9>"$cache/.build.lock"
  flock 9
  build_lock_held=1
}
