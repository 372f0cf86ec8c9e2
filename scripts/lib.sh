# shellcheck shell=bash
# Shared helpers of scripts/run and scripts/test. Source it, don't run it:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Sets REPO_ROOT (absolute) and defines logging, timing, privilege and Rust
# toolchain helpers. Needs bash 4+.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The name of the sourcing script, for messages ("run", "test").
SCRIPT_NAME="$(basename "${0}")"

# Colours only on a terminal and when NO_COLOR is unset.
if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
  _BOLD=$'\033[1m' _RED=$'\033[31m' _GREEN=$'\033[32m' _RESET=$'\033[0m'
else
  _BOLD='' _RED='' _GREEN='' _RESET=''
fi

log() { printf '%s: %s\n' "${SCRIPT_NAME}" "$*"; }
warn() { printf '%s: %swarning:%s %s\n' "${SCRIPT_NAME}" "${_BOLD}" "${_RESET}" "$*" >&2; }
die() {
  printf '%s: %serror:%s %s\n' "${SCRIPT_NAME}" "${_RED}${_BOLD}" "${_RESET}" "$*" >&2
  exit 1
}

# "75" -> "1m15s"
format_duration() {
  local total="$1"
  if ((total >= 60)); then
    printf '%dm%02ds' $((total / 60)) $((total % 60))
  else
    printf '%ds' "${total}"
  fi
}

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "'$*' needs root and sudo is not installed: run it as root, then retry"
  fi
}

# Makes cargo and rustup reachable (a non-login shell may lack ~/.cargo/bin on
# PATH) or stops with instructions.
ensure_rust_toolchain() {
  if ! command -v cargo >/dev/null 2>&1; then
    local cargo_home="${CARGO_HOME:-${HOME}/.cargo}"
    if [[ -f "${cargo_home}/env" ]]; then
      # shellcheck disable=SC1091
      source "${cargo_home}/env"
    elif [[ -x "${cargo_home}/bin/cargo" ]]; then
      PATH="${cargo_home}/bin:${PATH}"
      export PATH
    fi
  fi
  if ! command -v cargo >/dev/null 2>&1; then
    die "cargo not found. Install Rust (stable) with rustup: https://rustup.rs
       curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y
       then open a new shell (or 'source ~/.cargo/env') and run this again"
  fi
  if ! command -v rustup >/dev/null 2>&1; then
    die "rustup not found (cargo is $(command -v cargo)). The build adds the wasm32 target
       with rustup: install Rust through https://rustup.rs"
  fi
}

# The directory cargo builds into (honours CARGO_TARGET_DIR and .cargo/config).
cargo_target_dir() {
  local metadata dir
  metadata="$(cargo metadata --no-deps --format-version 1 --manifest-path "${REPO_ROOT}/Cargo.toml" 2>/dev/null)" || true
  dir="$(printf '%s' "${metadata}" | grep -o '"target_directory":"[^"]*"' | head -n 1 | cut -d'"' -f4)"
  printf '%s\n' "${dir:-${REPO_ROOT}/target}"
}

# The cargo flag and output sub-directory of a profile name (dev, release, …).
# Sets PROFILE_FLAGS (array) and PROFILE_DIR.
# shellcheck disable=SC2034 # used by the sourcing script
select_profile() {
  case "${1:-dev}" in
    dev | debug) PROFILE_FLAGS=() PROFILE_DIR="debug" ;;
    release) PROFILE_FLAGS=(--release) PROFILE_DIR="release" ;;
    *) PROFILE_FLAGS=(--profile "$1") PROFILE_DIR="$1" ;;
  esac
}

# --- Sections with timings -------------------------------------------------
#
#   section "Title" command args…        # a failure stops the script (set -e)
#   section_soft "Title" command args…   # a failure is recorded, the script goes on
#
# print a header, run the command, record its duration; section_summary prints
# every recorded duration and the total (call it from an EXIT trap so a
# failing run still shows where it stopped). SOFT_FAILURES counts the failed
# soft sections: exit non-zero at the end when it is not 0.

SECTION_NAMES=()
SECTION_TIMES=()
SECTION_RESULTS=()
SECTION_CURRENT=""
SOFT_FAILURES=0
RUN_STARTED_AT="$(date +%s)"

_section_start() {
  SECTION_CURRENT="$1"
  SECTION_STARTED_AT="$(date +%s)"
  printf '\n%s==> %s%s\n' "${_BOLD}" "$1" "${_RESET}"
}

_section_end() {
  local result="$1"
  local elapsed=$(($(date +%s) - SECTION_STARTED_AT))
  SECTION_NAMES+=("${SECTION_CURRENT}")
  SECTION_TIMES+=("${elapsed}")
  SECTION_RESULTS+=("${result}")
  printf '%s<== %s: %s%s%s\n' "${_BOLD}" "${SECTION_CURRENT}" "$(format_duration "${elapsed}")" \
    "$([[ "${result}" == ok ]] || printf ' (FAILED)')" "${_RESET}"
  SECTION_CURRENT=""
}

section() {
  _section_start "$1"
  shift
  "$@"
  _section_end ok
}

section_soft() {
  _section_start "$1"
  shift
  if "$@"; then
    _section_end ok
  else
    _section_end FAILED
    SOFT_FAILURES=$((SOFT_FAILURES + 1))
  fi
}

# section_summary EXIT_STATUS
section_summary() {
  local status="$1" i
  local total=$(($(date +%s) - RUN_STARTED_AT))
  printf '\n%s==> Summary%s\n' "${_BOLD}" "${_RESET}"
  for i in "${!SECTION_NAMES[@]}"; do
    printf '  %-58s %8s%s\n' "${SECTION_NAMES[$i]}" "$(format_duration "${SECTION_TIMES[$i]}")" \
      "$([[ "${SECTION_RESULTS[$i]}" == ok ]] || printf ' FAILED')"
  done
  if [[ -n "${SECTION_CURRENT}" ]]; then
    printf '  %-58s %8s FAILED\n' "${SECTION_CURRENT}" "$(format_duration $(($(date +%s) - SECTION_STARTED_AT)))"
  fi
  printf '  %-58s %8s\n' "total" "$(format_duration "${total}")"
  if [[ "${status}" -eq 0 ]]; then
    printf '%s%s: all passed%s\n' "${_GREEN}${_BOLD}" "${SCRIPT_NAME}" "${_RESET}"
  else
    printf '%s%s: FAILED (exit status %s)%s\n' "${_RED}${_BOLD}" "${SCRIPT_NAME}" "${status}" "${_RESET}" >&2
  fi
}
