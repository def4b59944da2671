#!/usr/bin/env bash
# pre-commit framework entry (.pre-commit-hooks.yaml): builds keyspill once inside pre-commit's clone of this
# repository (npm ci; its prepare step builds dist/ and brings the pinned Node 24), then scans the staged change.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ready() { [[ -f "$here/dist/builtin-rules.json" && -x "$here/node_modules/.bin/node" ]]; }
if ! ready; then
  lock="$here/.keyspill-install.lock"
  until mkdir "$lock" 2>/dev/null; do sleep 1; done
  trap 'rmdir "$lock"' EXIT
  if ! ready; then
    echo "keyspill: first run, installing into $here (once)" >&2
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2) || {
      echo "keyspill: npm ci failed in $here; run it there by hand to see why" >&2
      exit 3
    }
  fi
  rmdir "$lock"
  trap - EXIT
fi
exec "$here/node_modules/.bin/node" "$here/bin/run.js" scan git --staged "$@"
