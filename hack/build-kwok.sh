#!/usr/bin/env bash
# Builds the sandbox's kwok (sigs.k8s.io/kwok, command kwok: simulated nodes and the lifecycle of
# their pods) from the Go module proxy and caches it outside the repo, keyed by version.
#
#   hack/build-kwok.sh        build if needed; the last line of stdout is the kwok binary
#
# Environment: KUBEFED_CACHE_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/kubefed-ts),
# KWOK_VERSIONS_OVERRIDE (instead of KWOK_VERSIONS in hack/kube-versions.env).
#
# sigs.k8s.io/kwok has no replace directives, so a wrapper module that requires it is enough. It
# is kept apart from the Kubernetes and etcd wrappers so their module graphs never constrain
# each other (kwok pins its own k8s.io/client-go).
set -euo pipefail
# Note: inside build_kwok (called from `if`), set -e is off, so each step says `|| return 1`.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build_name=build-kwok
# shellcheck source=build-lib.sh
source "$here/build-lib.sh"
KWOK_VERSIONS=${KWOK_VERSIONS_OVERRIDE:-$KWOK_VERSIONS}

build_kwok() {
  local version=$1 out=$2 src="$cache/src/kwok-$version"
  log "building kwok $version (first use only; a few minutes on 2 cores)"
  rm -rf "$src" && mkdir -p "$src"
  cp "$here/kwok/tools.go" "$src/"
  cat >"$src/go.mod" <<EOM
module kubefed-sandbox/kwok

go 1.26

require sigs.k8s.io/kwok $version
EOM
  # The version ldflag is what kwok's own release build sets: nodes report kubeletVersion
  # kwok-<version> instead of an empty one.
  (cd "$src" && go mod tidy >&2 &&
    CGO_ENABLED=0 go build -trimpath -ldflags "-X sigs.k8s.io/kwok/pkg/consts.Version=$version" \
      -o "$out/kwok.tmp" sigs.k8s.io/kwok/cmd/kwok >&2) || return 1
  mv "$out/kwok.tmp" "$out/kwok" || return 1
}

for version in $KWOK_VERSIONS; do
  out="$cache/bin/kwok-$version"
  if [ -x "$out/kwok" ]; then
    echo "$out/kwok"
    exit 0
  fi
  mkdir -p "$out"
  if build_kwok "$version" "$out"; then
    log "kwok ready in $out"
    echo "$out/kwok"
    exit 0
  fi
  log "kwok $version did not build; trying the next version"
done
log "no kwok version in '$KWOK_VERSIONS' could be built; see the errors above"
exit 1
