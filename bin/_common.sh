# Shared helpers for bin/demo, bin/test and .ci/run. Source it; do not run it.
#
# Everything here is idempotent: a check comes before every install, so a
# second run only verifies. Nothing is installed system-wide except Debian
# packages that are missing; Python packages go into the project's .venv.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"

if [ -t 1 ]; then
  _B=$'\033[1m'; _G=$'\033[32m'; _R=$'\033[31m'; _Y=$'\033[33m'; _N=$'\033[0m'
else
  _B=""; _G=""; _R=""; _Y=""; _N=""
fi

_STEP_NO=0
_STEP_STARTED=0

# step "what is being done": one progress line per step, with the time the
# previous step took.
step() {
  _step_done
  _STEP_NO=$((_STEP_NO + 1))
  _STEP_STARTED=$(date +%s)
  printf '%s==> [%d] %s%s\n' "$_B" "$_STEP_NO" "$*" "$_N"
}

_step_done() {
  if [ "$_STEP_STARTED" -gt 0 ]; then
    printf '    %s(%ss)%s\n' "$_G" "$(( $(date +%s) - _STEP_STARTED ))" "$_N"
    _STEP_STARTED=0
  fi
}

steps_done() { _step_done; }

info() { printf '    %s\n' "$*"; }
warn() { printf '%s    ! %s%s\n' "$_Y" "$*" "$_N" >&2; }
die() {
  printf '%s!!! %s%s\n' "$_R" "$*" "$_N" >&2
  exit 1
}

# as_root CMD...: run directly when root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "Need root to run: $* (not root and no sudo)."
  fi
}

# run_logged LOGNAME CMD...: run quietly; show the log only if it fails.
run_logged() {
  local name="$1"; shift
  local log
  log="$(mktemp "${TMPDIR:-/tmp}/khenthuong-${name}.XXXXXX")"
  local rc=0
  "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ]; then
    rm -f "$log"
    return 0
  fi
  printf '%s!!! failed (exit %d): %s%s\n' "$_R" "$rc" "$*" "$_N" >&2
  tail -n 60 "$log" >&2
  printf '    (full log: %s)\n' "$log" >&2
  return "$rc"
}

_APT_UPDATED=0

# apt_ensure PKG...: install the Debian packages that are not installed yet.
apt_ensure() {
  local missing=() pkg
  if ! command -v dpkg >/dev/null 2>&1; then
    warn "Not a Debian system (no dpkg): make sure these are installed: $*"
    return 0
  fi
  for pkg in "$@"; do
    if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    info "system packages present: $*"
    return 0
  fi
  info "installing with apt: ${missing[*]}"
  if [ "$_APT_UPDATED" -eq 0 ]; then
    run_logged apt-update as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q \
      || die "apt-get update failed"
    _APT_UPDATED=1
  fi
  run_logged apt-install as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || die "apt-get install ${missing[*]} failed"
}

# find_python: a Python 3.11 interpreter to build the virtualenv with.
find_python() {
  local cand
  for cand in "${PYTHON:-}" python3.11 python3 /usr/bin/python3.11 /usr/bin/python3; do
    [ -n "$cand" ] || continue
    if command -v "$cand" >/dev/null 2>&1 \
       && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      command -v "$cand"
      return 0
    fi
  done
  return 1
}

# ensure_venv FILE...: create .venv if absent or broken, then pip-install the
# requirement files when their content (or the interpreter) changed since
# the last successful install. The stamp lives inside .venv.
ensure_venv() {
  local base
  if [ ! -x "$PY" ] || ! "$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    if ! base="$(find_python)"; then
      apt_ensure python3 python3-venv
      base="$(find_python)" || die "Python 3.11 is needed (Debian 12 ships it as python3)."
    fi
    info "creating virtualenv .venv with $base"
    rm -rf "$VENV"
    if ! "$base" -m venv "$VENV" 2>/dev/null; then
      # Debian keeps ensurepip in a separate package.
      rm -rf "$VENV"
      apt_ensure python3-venv python3.11-venv
      "$base" -m venv "$VENV" || die "could not create the virtualenv"
    fi
  fi
  local stamp_name hash stamp
  stamp_name="$(printf '%s' "$*" | tr -c 'A-Za-z0-9' '_')"
  hash="$( { "$PY" -VV; for f in "$@"; do cat "$ROOT/$f"; done; } | sha256sum | cut -d' ' -f1)"
  stamp="$VENV/.installed-$stamp_name"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
    info "Python packages up to date ($*)"
    return 0
  fi
  local args=() f
  for f in "$@"; do args+=(-r "$ROOT/$f"); done
  info "pip install ${args[*]} (quiet; takes a minute the first time)"
  run_logged pip "$PY" -m pip install -q --disable-pip-version-check --no-input "${args[@]}" \
    || die "pip install failed"
  printf '%s\n' "$hash" >"$stamp"
}

# manage ARGS...: run manage.py with the project's virtualenv.
manage() {
  (cd "$ROOT" && "$PY" manage.py "$@")
}

# compile_translations: turn every .po of the project into .mo (msgfmt).
compile_translations() {
  if ! command -v msgfmt >/dev/null 2>&1; then
    warn "msgfmt not found: using the committed .mo files"
    return 0
  fi
  if ! find "$ROOT/locale" -name '*.po' -print -quit 2>/dev/null | grep -q .; then
    info "no translation catalogues yet"
    return 0
  fi
  run_logged compilemessages manage compilemessages --ignore=.venv --ignore=var --ignore=node_modules \
    || die "compilemessages failed"
}

# collect_static: collectstatic for WhiteNoise, skipped when neither the
# installed packages nor the project's static files changed since last time
# (hashing and compressing ~100 MB of vendored assets takes 1-2 minutes).
# viewflow's wheel carries npm node_modules folders whose CSS points at files
# that are not shipped; nothing uses them, so they are not collected.
collect_static() {
  local static_root fingerprint stamp
  static_root="${DJANGO_STATIC_ROOT:-${DOSSIERS_DATA_DIR:-$ROOT/var}/static}"
  stamp="$static_root/.collected"
  fingerprint="$( {
      cat "$VENV"/.installed-* 2>/dev/null
      cat "$ROOT/config/settings.py"
      find "$ROOT" \( -path "$ROOT/.venv" -o -path "$ROOT/var" -o -path "$ROOT/.git" -o -path "$static_root" \) -prune \
        -o -path '*/static/*' -type f -printf '%P %s %T@\n' | sort
    } | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ -f "$static_root/staticfiles.json" ] && [ "$(cat "$stamp")" = "$fingerprint" ]; then
    info "static files up to date in $static_root"
    return 0
  fi
  info "collecting into $static_root (1-2 minutes the first time)"
  run_logged collectstatic manage collectstatic --noinput --ignore node_modules || die "collectstatic failed"
  printf '%s\n' "$fingerprint" >"$stamp"
}

# elapsed SECONDS -> "1m05s"
elapsed() {
  local s="$1"
  if [ "$s" -ge 60 ]; then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}
