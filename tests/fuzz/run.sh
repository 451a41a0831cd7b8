#!/usr/bin/env bash
# Runs every libFuzzer target of a DYSTONIA_BUILD_FUZZERS build for a bounded
# time, two at a time, each from its seed corpus (tests/fuzz/corpus/<target>,
# copied: the committed seeds stay as they are). Any crash, leak, timeout or
# broken property fails the run; the reproducer is left in $FUZZ_OUT.
# Usage: tests/fuzz/run.sh BUILD_DIR [SECONDS_PER_TARGET]
set -euo pipefail
cd "$(dirname "$0")/../.."
build_dir="${1:?usage: tests/fuzz/run.sh BUILD_DIR [SECONDS]}"
seconds="${2:-60}"
out="${FUZZ_OUT:-$build_dir/fuzz-out}"
targets=(check_request knowledge_text cds_hooks audit_reader http_request)

rm -rf "$out"
mkdir -p "$out"
run_one() {
  local target="$1" work="$out/$1"
  mkdir -p "$work/corpus"
  cp tests/fuzz/corpus/"$target"/* "$work/corpus/"
  # -timeout: one input taking over 10 s counts as a hang; -rss_limit_mb
  # bounds memory; artifacts (crash-*, leak-*, timeout-*) go in $work.
  if "$build_dir/tests/fuzz/${target}_fuzzer" "$work/corpus" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$work/" \
      > "$work/log" 2>&1; then
    echo "pass" > "$work/result"
  else
    echo "FAIL" > "$work/result"
  fi
}
export -f run_one
export out seconds build_dir
printf '%s\n' "${targets[@]}" | xargs -P 2 -I{} bash -c 'run_one {}'

failed=0
printf '%-16s %-6s %12s %10s %8s\n' target result executions exec/s corpus
for target in "${targets[@]}"; do
  work="$out/$target"
  result=$(cat "$work/result")
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
  printf '%-16s %-6s %12s %10s %8s\n' "$target" "$result" "${runs:-?}" \
    "${speed:-?}" "$(ls "$work/corpus" | wc -l)"
  if [ "$result" != pass ]; then
    failed=1
    echo "--- $target: last lines of $work/log" >&2
    tail -n 60 "$work/log" >&2
  fi
done
exit "$failed"
