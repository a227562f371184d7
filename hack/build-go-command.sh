#!/usr/bin/env bash
# Builds one of the sandbox's Go commands from the Go module proxy and caches it outside the
# repo, keyed by tool and version. Each tool comes from a published module without `replace`
# directives, so a small wrapper module that requires it is enough; each tool gets its own wrapper
# so their module graphs never constrain each other (or the Kubernetes and etcd builds).
#
#   hack/build-go-command.sh TOOL   build if needed; the last line of stdout is the directory
#                                   holding the tool's binaries
#
# TOOL is one of: kwok, helm, external-dns, coredns, kubefed-go (the binaries each puts in its
# directory are listed in `tool_spec` below).
#
# Environment: KUBEFED_CACHE_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/kubefed-ts),
# <TOOL>_VERSIONS_OVERRIDE, e.g. HELM_VERSIONS_OVERRIDE (instead of the list in
# hack/kube-versions.env).
set -euo pipefail
# Note: inside build_tool (called from `if`), set -e is off, so each step says `|| return 1`.

tool=${1:?usage: hack/build-go-command.sh kwok|helm|external-dns|coredns|kubefed-go}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build_name="build-$tool"
# shellcheck source=build-lib.sh
source "$here/build-lib.sh"

# Sets: module, versions, packages ("binary=package ..."), ldflags (with @VERSION@ replaced),
# extra_require (more `require` lines for the wrapper), goflags.
tool_spec() {
  extra_require='' goflags='' ldflags=''
  case "$tool" in
    kwok)
      # Simulated nodes and the lifecycle of their pods. The version ldflag is what kwok's own
      # release build sets: nodes report kubeletVersion kwok-<version> instead of an empty one.
      module=sigs.k8s.io/kwok versions=$KWOK_VERSIONS
      packages='kwok=sigs.k8s.io/kwok/cmd/kwok'
      ldflags='-X sigs.k8s.io/kwok/pkg/consts.Version=@VERSION@' ;;
    helm)
      module=helm.sh/helm/v3 versions=$HELM_VERSIONS
      packages='helm=helm.sh/helm/v3/cmd/helm' ;;
    external-dns)
      module=sigs.k8s.io/external-dns versions=$EXTERNAL_DNS_VERSIONS
      packages='external-dns=sigs.k8s.io/external-dns'
      ldflags='-X sigs.k8s.io/external-dns/pkg/apis/externaldns.Version=@VERSION@' ;;
    coredns)
      # The default plugin set includes `etcd`, which serves the records external-dns' coredns
      # provider writes.
      module=github.com/coredns/coredns versions=$COREDNS_VERSIONS
      packages='coredns=github.com/coredns/coredns' ;;
    kubefed-go)
      # The archived Go KubeFed, the peer of the compatibility tests and benchmarks. Its go.mod
      # (go 1.16) lacks go.sum entries the current toolchain wants, hence -mod=mod; the newer
      # reflect2 is the fix for its panic on Go >= 1.18 (json-iterator's old reflect2 reads
      # runtime internals that moved).
      module=sigs.k8s.io/kubefed versions=$KUBEFED_GO_VERSIONS goflags=-mod=mod
      extra_require='github.com/modern-go/reflect2 v1.0.2'
      packages='controller-manager=sigs.k8s.io/kubefed/cmd/controller-manager kubefedctl=sigs.k8s.io/kubefed/cmd/kubefedctl webhook=sigs.k8s.io/kubefed/cmd/webhook'
      ldflags='-X sigs.k8s.io/kubefed/pkg/version.version=@VERSION@' ;;
    *) log "unknown tool '$tool'"; exit 2 ;;
  esac
  local override_var
  override_var="$(echo "$tool" | tr 'a-z-' 'A-Z_')_VERSIONS_OVERRIDE"
  versions=${!override_var:-$versions}
}

build_tool() {
  local version=$1 out=$2 src="$cache/src/$tool-$version" entry binary package
  log "building $tool $version (first use only; a few minutes on 2 cores)"
  rm -rf "$src" && mkdir -p "$src" || return 1
  {
    printf 'module kubefed-sandbox/%s\n\ngo 1.26\n\nrequire %s %s\n' "$tool" "$module" "$version"
    [ -z "$extra_require" ] || printf 'require %s\n' "$extra_require"
  } >"$src/go.mod" || return 1
  {
    printf '//go:build tools\n\n// Written by hack/build-go-command.sh: the packages this wrapper builds.\npackage tools\n\nimport (\n'
    for entry in $packages; do printf '\t_ "%s"\n' "${entry#*=}"; done
    printf ')\n'
  } >"$src/tools.go" || return 1
  (cd "$src" && GOFLAGS=$goflags go mod tidy >&2) || return 1
  for entry in $packages; do
    binary=${entry%%=*} package=${entry#*=}
    (cd "$src" && CGO_ENABLED=0 GOFLAGS=$goflags go build -trimpath \
      -ldflags "${ldflags//@VERSION@/$version}" -o "$out/$binary.tmp" "$package" >&2) || return 1
  done
  for entry in $packages; do
    binary=${entry%%=*}
    mv "$out/$binary.tmp" "$out/$binary" || return 1
  done
}

tool_spec
is_complete() {
  local entry
  for entry in $packages; do [ -x "$1/${entry%%=*}" ] || return 1; done
}
for version in $versions; do
  out="$cache/bin/$tool-$version"
  # Waiting for the lock may mean waiting for this very build by another process.
  is_complete "$out" || take_build_lock
  if is_complete "$out"; then
    echo "$out"
    exit 0
  fi
  mkdir -p "$out"
  if build_tool "$version" "$out"; then
    log "$tool ready in $out"
    echo "$out"
    exit 0
  fi
  log "$tool $version did not build; trying the next version"
done
log "no $tool version in '$versions' could be built; see the errors above"
exit 1
