#!/usr/bin/env bash
# redrock developer entry point: install dependencies, build, run the server, run the tests.
#
#   tools/redrock.sh deps             install missing Debian packages (idempotent)
#   tools/redrock.sh build            deps + CMake Release build into build/
#   tools/redrock.sh run [ARGS...]    build + start build/redrock-server on 127.0.0.1:6379, data in ./data
#   tools/redrock.sh test [ARGS...]   build + ctest (unit and integration tests); ARGS go to ctest
#
# Works from any directory. Environment: BUILD_DIR (default build), BUILD_TYPE (default Release),
# JOBS (default: number of cores).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD_DIR="${BUILD_DIR:-build}"
BUILD_TYPE="${BUILD_TYPE:-Release}"
JOBS="${JOBS:-$(nproc)}"

# Everything the build, the server and the test suite need, all from Debian.
PACKAGES=(
  build-essential cmake g++
  librocksdb-dev libasio-dev libjemalloc-dev libprotobuf-dev protobuf-compiler libzstd-dev
  libgtest-dev libspdlog-dev libfmt-dev
  clang-format
  redis-server redis-tools   # reference implementation and redis-cli for the tests
  python3 python3-redis      # integration tests run under /usr/bin/python3
  python3-django python3-django-redis python3-django-redis-sessions  # Django session tests and bench
)

log() { printf '==> %s\n' "$*" >&2; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "error: need root (or sudo) to run: $*" >&2
    exit 1
  fi
}

cmd_deps() {
  local missing=() pkg
  for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    return 0
  fi
  log "installing missing packages: ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

cmd_build() {
  cmd_deps
  log "configuring ($BUILD_TYPE) in $BUILD_DIR"
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE"
  log "building with -j$JOBS"
  cmake --build "$BUILD_DIR" -j"$JOBS"
}

cmd_run() {
  cmd_build
  mkdir -p data
  log "starting redrock-server on 127.0.0.1:6379, data in $ROOT/data"
  # Later arguments override earlier ones, so "run --port 6380" works.
  exec "$BUILD_DIR/redrock-server" --bind 127.0.0.1 --port 6379 --dir "$ROOT/data" "$@"
}

cmd_test() {
  cmd_build
  ctest --test-dir "$BUILD_DIR" --output-on-failure "$@"
}

usage() {
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    deps) cmd_deps "$@" ;;
    build) cmd_build "$@" ;;
    run) cmd_run "$@" ;;
    test) cmd_test "$@" ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
