#!/usr/bin/env bash
# Runs a command (make test-all), keeps its output in build/test.log, and ends with one closing line
# that adds up every suite: node:test's "# pass N / # fail N" and forge's "N tests passed, N failed".
# Exits with the command's status.
set -uo pipefail
mkdir -p build
log=build/test.log
"$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
read -r passed failed < <(awk '
  /^# pass [0-9]+$/ { p += $3 }
  /^# fail [0-9]+$/ { f += $3 }
  /^Ran [0-9]+ test suites? .* tests passed, [0-9]+ failed/ {
    for (i = 1; i <= NF; i++) {
      if ($(i + 1) == "tests" && $(i + 2) == "passed,") p += $i
      if ($(i + 1) == "failed,") f += $i
    }
  }
  END { print p + 0, f + 0 }' "$log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo
echo "tests: $passed passed, $failed failed"
exit "$status"
