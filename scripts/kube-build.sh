#!/usr/bin/env bash
# Builds kube-apiserver (and kubectl when none within one minor version is on PATH) from the Go module proxy, cached.
#
# Usage: bash scripts/kube-build.sh            build when missing; prints the cache folder on stdout
#        bash scripts/kube-build.sh --print-dir print the cache folder, build nothing
#
# Debian has no kube-apiserver package, so this builds k8s.io/kubernetes from a small wrapper module that
# requires it and replaces each of its ./staging/… modules with the published v0.<minor>.<patch> of the same
# path. The first build takes 10–15 minutes on 2 cores; later runs find the binaries and exit at once.
# Environment: KEYSPILL_KUBE_VERSION (default below), KEYSPILL_KUBE_CACHE (default ~/.cache/keyspill/kube),
# KEYSPILL_KUBE_BUILD_KUBECTL=1 to build kubectl even when one on PATH fits.
set -euo pipefail

VERSION="${KEYSPILL_KUBE_VERSION:-v1.37.2}"
CACHE="${KEYSPILL_KUBE_CACHE:-$HOME/.cache/keyspill/kube}"
DEST="$CACHE/$VERSION"

log() { printf 'kube-build: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

if [[ ${1:-} == --print-dir ]]; then
  printf '%s\n' "$DEST"
  exit 0
fi
[[ $# -eq 0 ]] || die "unknown argument: $1 (usage: kube-build.sh [--print-dir])"

[[ $VERSION =~ ^v1\.([0-9]+)\.([0-9]+)$ ]] || die "KEYSPILL_KUBE_VERSION must look like v1.37.2, got $VERSION"
MINOR="${BASH_REMATCH[1]}"
STAGING_VERSION="v0.${MINOR}.${BASH_REMATCH[2]}"

# A kubectl on PATH is used when its client minor version is within one of the server's (the skew
# Kubernetes supports). gcloud's kubectl "dispatcher" reports 1.32 and so does not fit 1.37.
kubectl_on_path_fits() {
  local k minor
  k="$(command -v kubectl)" || return 1
  minor="$("$k" version --client -o json 2>/dev/null | sed -n 's/^ *"minor": *"\([0-9]*\).*/\1/p' | head -n 1)"
  [[ -n $minor ]] && ((minor >= MINOR - 1 && minor <= MINOR + 1))
}

need_kubectl() {
  [[ ${KEYSPILL_KUBE_BUILD_KUBECTL:-} == 1 ]] || ! kubectl_on_path_fits
}

cached() {
  [[ -x $DEST/kube-apiserver ]] || return 1
  [[ -x $DEST/kubectl ]] || ! need_kubectl
}

if cached; then
  log "kube-apiserver $VERSION is cached in $DEST"
  printf '%s\n' "$DEST"
  exit 0
fi

command -v go >/dev/null || [[ ! -x /usr/local/go/bin/go ]] || PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || die "Go is not on PATH: kube-apiserver $VERSION needs Go 1.26 or newer (install it from go.dev, /usr/local/go)"
mkdir -p "$CACHE"
# One build at a time: a second caller (another test file) waits here, then finds the binaries.
exec 9>"$CACHE/.build.lock"
if ! flock -n 9; then
  log "another kube-build is running; waiting for it (up to 30 minutes)"
  flock -w 1800 9 || die "timed out waiting for $CACHE/.build.lock"
fi
if cached; then
  log "kube-apiserver $VERSION is cached in $DEST"
  printf '%s\n' "$DEST"
  exit 0
fi

targets=(kube-apiserver)
need_kubectl && targets+=(kubectl)
log "building ${targets[*]} $VERSION from the Go module proxy into $DEST (takes 10-15 minutes on 2 cores; cached afterwards)"
started=$SECONDS

work="$(mktemp -d "${TMPDIR:-/tmp}/keyspill-kube-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"

# The staging modules k8s.io/kubernetes replaces with ./staging/src/…, read from its own go.mod.
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
kmod="$(go mod download -json "k8s.io/kubernetes@$VERSION" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')"
[[ -f $kmod ]] || die "could not download k8s.io/kubernetes@$VERSION from the Go module proxy"
mapfile -t staging < <(sed -n 's/^[[:space:]]*\(k8s\.io\/[^[:space:]]*\) => \.\/staging\/.*/\1/p' "$kmod")
((${#staging[@]} > 0)) || die "found no ./staging replacements in k8s.io/kubernetes@$VERSION's go.mod"
godebug="$(grep -E '^godebug ' "$kmod" || true)"
goline="$(grep -E '^go [0-9]' "$kmod")"

{
  printf 'module keyspill.invalid/kubebuild\n\n%s\n\n%s\n\n' "$goline" "$godebug"
  printf 'require k8s.io/kubernetes %s\n\n' "$VERSION"
  for t in "${targets[@]}"; do printf 'tool k8s.io/kubernetes/cmd/%s\n' "$t"; done
  printf '\nreplace (\n'
  for m in "${staging[@]}"; do printf '\t%s => %s %s\n' "$m" "$m" "$STAGING_VERSION"; done
  printf ')\n'
} >go.mod

log "resolving modules (k8s.io/kubernetes $VERSION, ${#staging[@]} staging modules at $STAGING_VERSION)"
go mod tidy >&2

pkg_cb=k8s.io/component-base/version
pkg_cg=k8s.io/client-go/pkg/version
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
ldflags="-s -w"
for p in "$pkg_cb" "$pkg_cg"; do
  ldflags+=" -X $p.gitVersion=$VERSION -X $p.gitMajor=1 -X $p.gitMinor=$MINOR"
  ldflags+=" -X $p.gitTreeState=clean -X $p.buildDate=$build_date"
done

mkdir -p "$work/bin"
pkgs=()
for t in "${targets[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$t"); done
log "compiling ${targets[*]}"
go build -trimpath -ldflags "$ldflags" -o "$work/bin/" "${pkgs[@]}" >&2

"$work/bin/kube-apiserver" --version >&2
mkdir -p "$DEST"
for t in "${targets[@]}"; do mv -f "$work/bin/$t" "$DEST/$t"; done
log "built ${targets[*]} $VERSION in $((SECONDS - started)) s; cached in $DEST"
printf '%s\n' "$DEST"
