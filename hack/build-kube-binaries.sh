#!/usr/bin/env bash
# Builds the sandbox's etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kubectl
# from the Go module proxy and caches them outside the repo, keyed by version.
#
#   hack/build-kube-binaries.sh        build if needed; the last line of stdout is the bin dir
#
# Environment: KUBEFED_CACHE_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/kubefed-ts),
# KUBE_VERSIONS_OVERRIDE (instead of KUBE_VERSIONS in hack/kube-versions.env).
#
# k8s.io/kubernetes cannot be built with `go install pkg@version`: its go.mod replaces every
# k8s.io staging module with ./staging/src/..., and replace directives only count in the main
# module. So we write a wrapper module that requires k8s.io/kubernetes and replaces each staging
# module with its published v0.MINOR.PATCH, deriving the list from kubernetes' own go.mod.
set -euo pipefail
# Note: inside the build functions (called from `if`), set -e is off, so each step says `|| return 1`.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build_name=build-kube-binaries
# shellcheck source=build-lib.sh
source "$here/build-lib.sh"
KUBE_VERSIONS=${KUBE_VERSIONS_OVERRIDE:-$KUBE_VERSIONS}

build_etcd() {
  local out=$1 src="$cache/src/etcd-$ETCD_VERSION"
  [ -x "$out/etcd" ] && return 0
  log "building etcd $ETCD_VERSION (first use only)"
  rm -rf "$src" && mkdir -p "$src"
  cp "$here/etcd/tools.go" "$src/"
  cat >"$src/go.mod" <<EOF
module kubefed-sandbox/etcd

go 1.26

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
EOF
  (cd "$src" && go mod tidy >&2 && CGO_ENABLED=0 go build -trimpath -o "$out/etcd.tmp" go.etcd.io/etcd/server/v3 >&2) || return 1
  mv "$out/etcd.tmp" "$out/etcd" || return 1
}

build_kube() {
  local version=$1 out=$2 src="$cache/src/kubernetes-$version"
  local minor_patch=${version#v1.} # 37.2
  local staging_version="v0.$minor_patch"
  local gomod
  log "resolving k8s.io/kubernetes $version"
  gomod=$(go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')
  [ -f "$gomod" ] || { log "could not download k8s.io/kubernetes@$version"; return 1; }
  rm -rf "$src" && mkdir -p "$src"
  cp "$here/k8s/tools.go" "$src/"
  {
    echo "module kubefed-sandbox/kubernetes"
    echo
    echo "go 1.26"
    echo
    echo "require k8s.io/kubernetes $version"
    echo
    echo "replace ("
    # "	k8s.io/api => ./staging/src/k8s.io/api" becomes "	k8s.io/api => k8s.io/api v0.37.2"
    sed -n "s#^[[:space:]]*\(k8s.io/[a-z0-9.-]*\) => ./staging/src/.*#\t\1 => \1 $staging_version#p" "$gomod"
    echo ")"
  } >"$src/go.mod"
  log "downloading modules for kubernetes $version (about 1 GB the first time)"
  (cd "$src" && go mod tidy >&2) || return 1
  local major=1 minor=${minor_patch%%.*}
  local pkgs=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
  local ldflags=""
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $p.gitVersion=$version -X $p.gitMajor=$major -X $p.gitMinor=$minor"
    ldflags+=" -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  mkdir -p "$out/tmp"
  for p in "${pkgs[@]}"; do
    [ -x "$out/$p" ] && continue
    log "compiling $p $version (a cold build takes 10-20 minutes in all on 2 cores)"
    (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$out/tmp/$p" "k8s.io/kubernetes/cmd/$p" >&2) || return 1
    mv "$out/tmp/$p" "$out/$p"
  done
  rmdir "$out/tmp"
}

for version in $KUBE_VERSIONS; do
  out="$cache/bin/kubernetes-$version-etcd-$ETCD_VERSION"
  # Waiting for the lock may mean waiting for this very build by another process.
  [ -f "$out/.complete" ] || take_build_lock
  if [ -f "$out/.complete" ]; then
    echo "$out"
    exit 0
  fi
  mkdir -p "$out"
  if build_kube "$version" "$out" && build_etcd "$out"; then
    touch "$out/.complete"
    log "binaries ready in $out"
    echo "$out"
    exit 0
  fi
  log "kubernetes $version did not build; trying the next version"
done
log "no Kubernetes version in '$KUBE_VERSIONS' could be built; see the errors above"
exit 1
