#!/usr/bin/env python3
"""Counts test cases over meson test logs and prints "N passed, N failed".

Each TAP test program counts its test cases ("ok"/"not ok" lines); a program that died
before finishing its plan counts the cases it never reached as failed. A non-TAP test
counts as one case. Exits non-zero when anything failed or nothing ran.
"""
import json
import re
import sys

TAP_RESULT = re.compile(r"^(not ok|ok)\b(.*)$")
TAP_PLAN = re.compile(r"^1\.\.(\d+)")


def count(log_path):
    passed = failed = skipped = 0
    with open(log_path, encoding="utf-8") as log:
        for line in log:
            entry = json.loads(line)
            stdout = entry.get("stdout") or ""
            planned = None
            ok = not_ok = skip = 0
            for out_line in stdout.splitlines():
                plan = TAP_PLAN.match(out_line)
                if plan:
                    planned = int(plan.group(1))
                    continue
                result = TAP_RESULT.match(out_line)
                if not result:
                    continue
                if result.group(1) == "not ok":
                    not_ok += 1
                elif "# SKIP" in result.group(2):
                    skip += 1
                else:
                    ok += 1
            if planned is None and ok + not_ok + skip == 0:
                # A plain exit-code test.
                if entry["result"] in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                elif entry["result"] == "SKIP":
                    skipped += 1
                else:
                    failed += 1
                continue
            missing = max(0, (planned or 0) - (ok + not_ok + skip))
            if entry["result"] not in ("OK", "EXPECTEDFAIL", "SKIP") and not_ok + missing == 0:
                missing = 1
            passed += ok
            skipped += skip
            failed += not_ok + missing
    return passed, failed, skipped


def main():
    passed = failed = skipped = 0
    for path in sys.argv[1:]:
        p, f, s = count(path)
        print(f"{path}: {p} passed, {f} failed, {s} skipped")
        passed, failed, skipped = passed + p, failed + f, skipped + s
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    sys.exit(1 if failed or passed == 0 else 0)


if __name__ == "__main__":
    main()
