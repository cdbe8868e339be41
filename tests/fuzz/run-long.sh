#!/bin/sh
# The long fuzzing run of README.md "Fuzzing": each harness for RUNS executions (default ten
# million) over the seed corpus, one worker each, two harnesses at a time.
#   tests/fuzz/run-long.sh BUILDDIR [RUNS] [HARNESS…]
# BUILDDIR is configured with CC=clang -Dfuzzing=true -Db_sanitize=address,undefined
# -Db_lundef=false. Logs and what the runs find go to BUILDDIR/fuzz-long/NAME/; the last
# lines of each log (stat::…) are the figures. Exits non-zero if any run found something.
# FUZZ_MAX_TIME=SECONDS stops a harness earlier (for a slow one: its figures say how far it got).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
runs=${2:-10000000}
shift
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- json rfc3339 rrule credential building

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export G_SLICE=always-malloc LC_ALL=C.UTF-8 TZ=UTC

max_len () {
  case $1 in
    json) echo 4096 ;;
    rfc3339) echo 64 ;;
    rrule) echo 256 ;;
    credential) echo 700 ;;
    building) echo 8192 ;;
  esac
}

run_one () {
  name=$1
  work=$build/fuzz-long/$name
  rm -rf "$work"
  mkdir -p "$work"
  start=$(date +%s)
  status=0
  nice -n 15 "$here/run-fuzz.sh" "$build/tests/fuzz/fuzz-$name" "$here/corpus/$name" "$work" \
    -runs="$runs" ${FUZZ_MAX_TIME:+-max_total_time=$FUZZ_MAX_TIME} -timeout=10 -max_len="$(max_len "$name")" > "$work/log" 2>&1 || status=$?
  end=$(date +%s)
  echo "fuzz-$name: exit $status, $((end - start)) s wall;" \
    "$(grep -E '^#[0-9]+[[:space:]]+DONE' "$work/log" | tail -n 1)"
  grep -E '^stat::' "$work/log" || true
  ls "$work/artifacts"
  return "$status"
}

failed=0
while [ $# -gt 0 ]; do
  run_one "$1" & first=$!
  second=""
  if [ $# -gt 1 ]; then
    run_one "$2" & second=$!
    shift
  fi
  shift
  wait "$first" || failed=1
  if [ -n "$second" ]; then
    wait "$second" || failed=1
  fi
done
exit "$failed"
