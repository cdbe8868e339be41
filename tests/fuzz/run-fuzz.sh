#!/bin/sh
# Runs one libFuzzer harness over the seed corpus in the repository without writing to it:
#   run-fuzz.sh HARNESS SEED_CORPUS WORKDIR [libFuzzer options…]
# What the run finds new goes to WORKDIR/corpus, inputs that crash, leak or trip a sanitizer to
# WORKDIR/artifacts/ (and libFuzzer exits non-zero). The harness's dictionary, if there is one
# next to the corpus (tests/fuzz/NAME.dict), is used.
set -eu

harness=$1
seeds=$2
work=$3
shift 3

mkdir -p "$work/corpus" "$work/artifacts"
dict="$(dirname "$seeds")/../$(basename "$seeds").dict"
if [ -f "$dict" ]; then
  set -- "-dict=$dict" "$@"
fi
exec "$harness" -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$@" \
  "$work/corpus" "$seeds"
