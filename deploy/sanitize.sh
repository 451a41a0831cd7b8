#!/usr/bin/env bash
# The sanitizer and fuzzing run CI makes after deploy/test.sh (issue 8):
#  1. the whole test suite built by clang with AddressSanitizer and
#     UndefinedBehaviorSanitizer (build-asan/), then every libFuzzer target
#     for FUZZ_SECONDS (60) each, from the same instrumented build;
#  2. the whole test suite with ThreadSanitizer (build-tsan/).
# Any sanitizer report fails the test that caused it. Prints how long each
# part took. SANITIZE_ONLY=asan or tsan runs one part.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh test sanitize

jobs="${JOBS:-2}"
fuzz_seconds="${FUZZ_SECONDS:-60}"
only="${SANITIZE_ONLY:-}"
# Reports name the source line; a test that trips a sanitizer fails.
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$PWD/tests/sanitizers/tsan.supp"

build() {
  local dir="$1" sanitizers="$2"
  shift 2
  CC=clang CXX=clang++ cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Sanitize \
    -DDYSTONIA_SANITIZE="$sanitizers" -DDYSTONIA_BUILD_TESTS=ON \
    -DDYSTONIA_BUILD_BENCHMARKS=OFF "$@"
  cmake --build "$dir" -j "$jobs"
}

if [ -z "$only" ] || [ "$only" = asan ]; then
  start=$(date +%s)
  build build-asan address,undefined -DDYSTONIA_BUILD_FUZZERS=ON
  built=$(date +%s)
  ctest --test-dir build-asan --output-on-failure -j "$jobs" --timeout 600
  tested=$(date +%s)
  bash tests/fuzz/run.sh build-asan "$fuzz_seconds"
  echo "sanitize: ASan+UBSan $(( $(date +%s) - start )) s" \
    "(build $(( built - start )) s, tests $(( tested - built )) s," \
    "fuzzing $(( $(date +%s) - tested )) s)"
fi

if [ -z "$only" ] || [ "$only" = tsan ]; then
  start=$(date +%s)
  build build-tsan thread
  built=$(date +%s)
  ctest --test-dir build-tsan --output-on-failure -j "$jobs" --timeout 600
  echo "sanitize: TSan $(( $(date +%s) - start )) s" \
    "(build $(( built - start )) s, tests $(( $(date +%s) - built )) s)"
fi
