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


def count(log_path, failures):
    passed = failed = skipped = 0
    with open(log_path, encoding="utf-8") as log:
        for line in log:
            entry = json.loads(line)
            stdout = entry.get("stdout") or ""
            planned = None
            ok = not_ok = skip = 0
            last_error = ""
            for out_line in stdout.splitlines():
                if "ERROR" in out_line or "Bail out" in out_line:
                    last_error = out_line.strip()
                plan = TAP_PLAN.match(out_line)
                if plan:
                    planned = int(plan.group(1))
                    continue
                result = TAP_RESULT.match(out_line)
                if not result:
                    continue
                if result.group(1) == "not ok":
                    not_ok += 1
                    failures.append(f"{entry['name']}: not ok{result.group(2)} {last_error}")
                    last_error = ""
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
                    failures.append(f"{entry['name']}: {entry['result']}")
                continue
            missing = max(0, (planned or 0) - (ok + not_ok + skip))
            if entry["result"] not in ("OK", "EXPECTEDFAIL", "SKIP") and not_ok + missing == 0:
                missing = 1
            if missing:
                failures.append(f"{entry['name']}: {entry['result']}, {missing} case(s) not reached"
                                f" {last_error}")
            passed += ok
            skipped += skip
            failed += not_ok + missing
    return passed, failed, skipped


def main():
    passed = failed = skipped = 0
    for path in sys.argv[1:]:
        failures = []
        p, f, s = count(path, failures)
        print(f"{path}: {p} passed, {f} failed, {s} skipped")
        # The names come before the total so that the last line stays the count.
        for failure in failures:
            print(f"  {failure}")
        passed, failed, skipped = passed + p, failed + f, skipped + s
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    sys.exit(1 if failed or passed == 0 else 0)


if __name__ == "__main__":
    main()
