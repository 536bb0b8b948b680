#!/usr/bin/env bash
# test.sh: the second command. Installs what is missing, builds enlace and runs
# every test suite, then prints one closing line:
#
#   N passed, N failed
#   N passed, N failed, N skipped     (when some test was skipped)
#
# Steps, each run even when an earlier one failed:
#   1. build/       the normal build (gcc), `meson test`
#   2. build-asan/  clang with AddressSanitizer + UndefinedBehaviorSanitizer,
#                   `meson test` (skipped with ENLACE_QUICK=1)
#   3. build-fuzz/  libFuzzer targets, each run for ENLACE_FUZZ_SECONDS, one per
#                   core at a time
#                   (only if the project has the meson option `fuzz` and a
#                   duration is set; see run_fuzzers below)
# Every step says in the summary what it did, or why it did not run.
#
# Counts come from meson's build*/meson-logs/testlog.json: OK and EXPECTEDFAIL
# pass, SKIP is skipped, anything else fails. A build that does not configure or
# compile counts as one failed test; so does each fuzzer that finds a crash,
# and each fuzz target the build defines but did not produce. So that no test
# can vanish silently, each of these counts as one failed test too: a test
# program in the tree (tests/unit/test_*.c, tests/integration/test_*.c and
# test_*.sh, tests/browser/test_*.py) that meson.build does not register, and a registered test that
# is not in testlog.json (did not run).
# Exits non-zero if anything failed or nothing passed.
#
# Environment:
#   ENLACE_QUICK=1          only the normal build (no sanitizers, no fuzzing)
#   ENLACE_FUZZ_SECONDS=N   seconds per fuzzer; default 45 when CI=true, else
#                           no fuzzing; 0 turns fuzzing off
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

quick="${ENLACE_QUICK:-0}"
if [ -n "${ENLACE_FUZZ_SECONDS:-}" ]; then
    fuzz_seconds="$ENLACE_FUZZ_SECONDS"
elif [ "${CI:-}" = "true" ] && [ "$quick" != "1" ]; then
    fuzz_seconds=45
else
    fuzz_seconds=0
fi
if ! [[ "$fuzz_seconds" =~ ^[0-9]+$ ]]; then
    echo "test.sh: ENLACE_FUZZ_SECONDS must be a whole number of seconds" >&2
    exit 2
fi

# Sanitizer settings for build-asan's tests and for the fuzzers (the gcc build
# has no sanitizer and ignores them).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

passed=0
failed=0
skipped=0
summary=()   # one line per step, printed before the closing line

# --- packages ---------------------------------------------------------------
# The browser test (tests/browser/) fails without chromium, the lint test
# `format` without clang-format: always ask for them.
if [ "$quick" = "1" ] && [ "$fuzz_seconds" = "0" ]; then
    bash "$root/contrib/deps.sh" --browser-tests --lint
else
    bash "$root/contrib/deps.sh" --sanitizers --browser-tests --lint
fi

# --- helpers ----------------------------------------------------------------

# configure_and_build DIR [MESON_OPTION...]
# Configures DIR (or reconfigures it if it was configured before) and compiles.
# The compiler comes from CC in the environment, e.g. `CC=clang configure_and_build ...`.
# Returns non-zero if either step fails.
configure_and_build() {
    local dir="$1"
    shift
    echo
    echo "=== $dir: configure and compile ==="
    if [ -f "$dir/meson-private/coredata.dat" ]; then
        meson setup --reconfigure "$dir" "$@" || return 1
    else
        meson setup "$dir" "$@" || return 1
    fi
    meson compile -C "$dir" || return 1
}

# count_testlog LABEL FILE
# Prints "PASSED FAILED SKIPPED" for one meson testlog.json, and the names of
# the failed tests on stderr.
count_testlog() {
    python3 - "$1" "$2" <<'EOF'
import json
import sys

label, path = sys.argv[1], sys.argv[2]
passed = failed = skipped = 0
failures = []
with open(path, encoding="utf-8", errors="replace") as log:
    for line in log:
        line = line.strip()
        if not line:
            continue
        try:
            test = json.loads(line)
        except ValueError:
            failed += 1
            failures.append("(unreadable line in testlog.json)")
            continue
        result = test.get("result")
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
            failures.append("%s (%s)" % (test.get("name", "?"), result))
for name in failures:
    print("test.sh: FAILED in %s: %s" % (label, name), file=sys.stderr)
print(passed, failed, skipped)
EOF
}

# check_registered LABEL DIR
# Prints the number of problems (one line on stdout), and each on stderr:
# test programs in the tree that DIR's meson.build does not register, and
# registered tests that DIR's testlog.json does not show as run.
check_registered() {
    local tests
    if ! tests="$(meson introspect --tests "$2")"; then
        echo "test.sh: $1: meson introspect --tests failed" >&2
        echo 1
        return
    fi
    python3 - "$1" "$2/meson-logs/testlog.json" "$root" "$tests" <<'EOF'
import glob
import json
import os
import sys

label, log, root, registered = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
problems = []
ran = set()
with open(log, encoding="utf-8", errors="replace") as f:
    for line in f:
        line = line.strip()
        if line:
            try:
                name = json.loads(line).get("name", "")
            except ValueError:
                continue
            ran.add(name.split(" / ", 1)[-1])
programs = set()
for test in registered:
    if test["name"] not in ran:
        problems.append("registered test %s did not run (not in testlog.json)" % test["name"])
    for arg in test["cmd"][:2]:
        programs.add(os.path.splitext(os.path.basename(arg))[0])
for path in sorted(glob.glob(os.path.join(root, "tests/unit/test_*.c"))
                   + glob.glob(os.path.join(root, "tests/integration/test_*.c"))
                   + glob.glob(os.path.join(root, "tests/integration/test_*.sh"))
                   + glob.glob(os.path.join(root, "tests/browser/test_*.py"))):
    stem = os.path.splitext(os.path.basename(path))[0]
    if stem not in programs:
        problems.append("%s is not registered in meson.build: it never runs"
                        % os.path.relpath(path, root))
for p in problems:
    print("test.sh: FAILED in %s: %s" % (label, p), file=sys.stderr)
print(len(problems))
EOF
}

# run_meson_tests LABEL DIR
# Configures and builds DIR beforehand with configure_and_build; this runs
# `meson test` and adds its results to the totals.
run_meson_tests() {
    local label="$1" dir="$2"
    local log="$dir/meson-logs/testlog.json"
    local rc=0 counts p f s
    echo
    echo "=== $label: meson test ==="
    rm -f "$log"
    meson test -C "$dir" --print-errorlogs || rc=$?
    if [ ! -f "$log" ]; then
        echo "test.sh: $label: meson test wrote no testlog.json (exit $rc)" >&2
        failed=$((failed + 1))
        summary+=("$label: meson test did not run (counted as 1 failed)")
        return
    fi
    if ! counts="$(count_testlog "$label" "$log")"; then
        echo "test.sh: $label: could not read $log" >&2
        failed=$((failed + 1))
        summary+=("$label: unreadable testlog.json (counted as 1 failed)")
        return
    fi
    read -r p f s <<< "$counts"
    # meson test failed although no test did: count that too.
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "test.sh: $label: meson test exited $rc with no failed test" >&2
        f=1
    fi
    # A test that is not registered, or registered and not run, is a failure.
    local missing
    missing="$(check_registered "$label" "$dir")" || missing=1
    passed=$((passed + p))
    failed=$((failed + f + missing))
    skipped=$((skipped + s))
    if [ "$missing" -ne 0 ]; then
        summary+=("$label: $p passed, $f failed, $s skipped; $missing test(s) not registered or not run (counted as failed)")
    else
        summary+=("$label: $p passed, $f failed, $s skipped")
    fi
}

# build_failed LABEL: a build that did not configure or compile is one failure.
build_failed() {
    echo "test.sh: $1: the build failed" >&2
    failed=$((failed + 1))
    summary+=("$1: build failed (counted as 1 failed)")
}

# has_fuzz_option DIR: true if the meson project configured in DIR has the
# option `fuzz`.
has_fuzz_option() {
    local options
    options="$(meson introspect --buildoptions "$1" 2>/dev/null)" || return 1
    python3 -c '
import json, sys
options = json.loads(sys.argv[1])
sys.exit(0 if any(o.get("name") == "fuzz" for o in options) else 1)
' "$options"
}

# ============================================================================
# run_fuzzers: the fuzz step.
# Builds build-fuzz/ with clang, libFuzzer and the sanitizers, then runs every
# executable build-fuzz/tests/fuzz/fuzz_* for $fuzz_seconds seconds on a copy of
# its seed corpus tests/fuzz/corpus/NAME (NAME = the executable's name, or the
# name without its fuzz_ prefix), so the fuzzer's new inputs never land in the
# source tree. Each fuzzer is one test: passed if it exits 0, failed if it finds
# a crash, leak, hang or undefined behaviour. Its output goes to
# build-fuzz/meson-logs/NAME.log, crash inputs to build-fuzz/fuzz-artifacts/.
# The targets are those build-fuzz's meson.build defines (meson introspect):
# each one that was not built counts as one failed test, and no target at all
# as one failed test, never as a quiet skip.
# ============================================================================
# seed_secret_keys BUILDDIR CORPUS: adds a plain and a passphrase-sealed
# secret key, made now with BUILDDIR's enlace-keygen, to the key-file
# fuzzer's corpus. Secret key files, even throwaway ones, are never committed.
seed_secret_keys() {
    local keygen="$1/keys/enlace-keygen" tmp
    [ -x "$keygen" ] || return 0
    tmp="$(mktemp -d)"
    printf 'fuzz seed passphrase\n' > "$tmp/passphrase"
    if "$keygen" "$tmp/plain" > /dev/null \
        && ENLACE_PASSPHRASE_FILE="$tmp/passphrase" "$keygen" --passphrase "$tmp/sealed" > /dev/null; then
        cp "$tmp/plain.secret" "$tmp/sealed.secret" "$2/"
    else
        echo "test.sh: could not make the key-file fuzzer's secret-key seeds" >&2
    fi
    rm -rf "$tmp"
}

# fuzz_one DIR EXE: runs one fuzzer for $fuzz_seconds seconds on a copy of
# its seeds; writes its exit status to DIR/fuzz-results/NAME.
fuzz_one() {
    local dir="$1" exe="$2" name seeds corpus log rc
    name="$(basename "$exe")"
    corpus="$dir/fuzz-corpus/$name"
    rm -rf "$corpus"
    mkdir -p "$corpus"
    seeds="tests/fuzz/corpus/$name"
    if [ ! -d "$seeds" ]; then
        seeds="tests/fuzz/corpus/${name#fuzz_}"
    fi
    if [ -d "$seeds" ]; then
        cp -R "$seeds/." "$corpus/"
    fi
    if [ "$name" = fuzz_keyfile ]; then
        seed_secret_keys "$dir" "$corpus"
    fi
    # -timeout: one input running over 10 s is a hang (libFuzzer's default
    # is 20 minutes); the outer timeout is a last guard.
    log="$dir/meson-logs/$name.log"
    rc=0
    timeout --kill-after=10 $((fuzz_seconds + 120)) \
        "$exe" -max_total_time="$fuzz_seconds" -timeout=10 \
        -artifact_prefix="$dir/fuzz-artifacts/$name-" \
        -print_final_stats=1 "$corpus" > "$log" 2>&1 || rc=$?
    echo "$rc" > "$dir/fuzz-results/$name"
}

run_fuzzers() {
    local dir=build-fuzz
    if ! CC=clang configure_and_build "$dir" -Dfuzz=true \
            -Db_sanitize=address,undefined -Db_lundef=false; then
        build_failed fuzz
        return
    fi

    local targets=() defined=() absent=()
    local exe
    if ! mapfile -t defined < <(meson introspect --targets "$dir" | python3 -c '
import json, sys
for t in json.load(sys.stdin):
    if t["type"] == "executable" and t["name"].startswith("fuzz_"):
        print(t["filename"][0])
'); then
        defined=()
    fi
    for exe in ${defined[@]+"${defined[@]}"}; do
        if [ -f "$exe" ] && [ -x "$exe" ]; then
            targets+=("$exe")
        else
            absent+=("$(basename "$exe")")
        fi
    done
    if [ "${#targets[@]}" -eq 0 ]; then
        echo "test.sh: fuzz: no fuzz target was built (meson.build defines ${#defined[@]})" >&2
        failed=$((failed + 1))
        summary+=("fuzz: no fuzz target was built (counted as 1 failed)")
        return
    fi

    local p=0 f=0 name jobs
    if [ "${#absent[@]}" -gt 0 ]; then
        echo "test.sh: fuzz: defined but not built: ${absent[*]}" >&2
        f=${#absent[@]}
    fi
    mkdir -p "$dir/fuzz-corpus" "$dir/fuzz-artifacts" "$dir/meson-logs" "$dir/fuzz-results"
    rm -f "$dir/fuzz-results/"*
    # One fuzzer per core at a time: each is single-threaded, and the step
    # then takes (targets / cores) x fuzz_seconds.
    jobs="$(nproc 2>/dev/null || echo 1)"
    echo
    echo "=== fuzz: ${#targets[@]} targets for ${fuzz_seconds}s each, $jobs at a time ==="
    for exe in "${targets[@]}"; do
        while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
            wait -n || true
        done
        fuzz_one "$dir" "$exe" &
    done
    wait || true
    for exe in "${targets[@]}"; do
        name="$(basename "$exe")"
        if [ "$(cat "$dir/fuzz-results/$name" 2>/dev/null)" = 0 ]; then
            echo "$name: OK ($(find "$dir/fuzz-corpus/$name" -type f | wc -l) inputs in its corpus)"
            p=$((p + 1))
        else
            echo "$name: FAILED (exit $(cat "$dir/fuzz-results/$name" 2>/dev/null || echo '?')); the end of $dir/meson-logs/$name.log:" >&2
            tail -n 40 "$dir/meson-logs/$name.log" >&2
            f=$((f + 1))
        fi
    done
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "${#absent[@]}" -gt 0 ]; then
        summary+=("fuzz: $p passed, $f failed (${fuzz_seconds}s each; not built, counted as failed: ${absent[*]})")
    else
        summary+=("fuzz: $p passed, $f failed (${fuzz_seconds}s each)")
    fi
}

# --- 1. the normal build ----------------------------------------------------
if configure_and_build build; then
    run_meson_tests build build
else
    build_failed build
fi

# --- 2. sanitizers ----------------------------------------------------------
if [ "$quick" = "1" ]; then
    summary+=("build-asan: not run (ENLACE_QUICK=1)")
elif CC=clang configure_and_build build-asan \
        -Db_sanitize=address,undefined -Db_lundef=false; then
    run_meson_tests build-asan build-asan
else
    build_failed build-asan
fi

# --- 3. fuzzing -------------------------------------------------------------
if [ "$fuzz_seconds" -eq 0 ]; then
    summary+=("fuzz: not run (ENLACE_FUZZ_SECONDS=0, or neither CI=true nor ENLACE_FUZZ_SECONDS)")
elif ! has_fuzz_option build; then
    summary+=("fuzz: not run (the meson project has no option 'fuzz')")
else
    run_fuzzers
fi

# --- the closing line -------------------------------------------------------
echo
echo "=== summary ==="
for line in "${summary[@]}"; do
    echo "  $line"
done
echo "  skipped: $skipped"
# The last line is "N passed, N failed": CI reads it. A skipped test is named
# there too, so that it cannot go unnoticed.
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
if [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
    exit 1
fi
