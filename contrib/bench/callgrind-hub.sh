#!/usr/bin/env bash
# callgrind-hub.sh: the hub's instructions per stored message, and where they go.
#
# Runs enlace-hub under valgrind's callgrind while enlace-bench stores N
# messages through it (`enlace-bench --only ingest1k --count N`: one
# publisher, 1 KiB, 256 publishes outstanding, every security check on),
# then prints the hub's instructions (Ir) over its whole life and over the
# publishing alone, the Ir per stored message, and the ten functions with
# the most Ir, inclusive and self, from callgrind_annotate.
#
#   bash contrib/bench/callgrind-hub.sh [--count N] [--build DIR] [--keep]
#
#   --count N    messages to store (default 3000; about 10 s per 1000 here)
#   --build DIR  meson build directory (default build/, whose default type,
#                debugoptimized, is what to profile: -O2 with symbols)
#   --keep       keep the callgrind files (the directory is printed)
#
# Needs valgrind: bash contrib/deps.sh --bench. The publishing is counted
# apart from start-up and shutdown by `callgrind_control -d` (a dump) just
# before the first publish and after the last result; callgrind_control
# reaches the hub through vgdb, which uses ptrace when the hub is blocked.
# If that is refused (not root, kernel.yama.ptrace_scope 1 or more), the
# per-message figure falls back to the whole run and says so.
set -euo pipefail

count=3000
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$root/build"
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --count) count="${2:?--count needs a number}"; shift 2 ;;
        --build) build="$(cd "${2:?--build needs a directory}" && pwd)"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "callgrind-hub.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
case "$count" in
    ''|*[!0-9]*|0) echo "callgrind-hub.sh: --count wants a positive number" >&2; exit 2 ;;
esac

for tool in valgrind callgrind_annotate callgrind_control; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "callgrind-hub.sh: no $tool: bash contrib/deps.sh --bench" >&2
        exit 1
    fi
done
bench="$build/tests/bench/enlace-bench"
if [ ! -x "$bench" ] || [ ! -x "$build/hub/enlace-hub" ]; then
    echo "callgrind-hub.sh: no $bench or hub: meson setup $build && ninja -C $build" >&2
    exit 1
fi

out="$(mktemp -d /tmp/enlace-callgrind-XXXXXX)"
if [ "$keep" -eq 0 ]; then
    trap 'rm -rf "$out"' EXIT
fi

buildtype="?"
if command -v meson >/dev/null 2>&1; then
    buildtype="$(meson introspect "$build" --buildoptions 2>/dev/null | python3 -c \
        'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="buildtype"))' \
        2>/dev/null || echo "?")"
fi
echo "command: bash contrib/bench/callgrind-hub.sh --count $count"
echo "machine: nproc $(nproc), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(uname -srm)"
echo "hub: $build/hub/enlace-hub (buildtype $buildtype, commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')); $(valgrind --version)"
echo "workload: enlace-bench --only ingest1k --count $count --runs 1 (1 publisher, 1 KiB, window 256)"
echo

# The hub runs under callgrind (ENLACE_HUB_WRAPPER), and enlace-bench runs
# "callgrind_control -d ingest-start|ingest-end PID" around the publishing
# (ENLACE_BENCH_MARK): part 1 is start-up, part 2 the publishing, the last
# file (no part number) what came after, up to the hub's exit.
export ENLACE_HUB_WRAPPER="valgrind --tool=callgrind --callgrind-out-file=$out/callgrind.out.%p"
export ENLACE_BENCH_MARK="callgrind_control -d"
echo "running (the hub under callgrind is some 50 times slower)..." >&2
if ! "$bench" --only ingest1k --count "$count" --runs 1 >"$out/bench.txt" 2>"$out/bench.err"; then
    echo "callgrind-hub.sh: enlace-bench failed; the end of its output:" >&2
    tail -n 30 "$out/bench.err" >&2
    exit 1
fi
if ! grep -q '^ingest1k: .* 1/1$' "$out/bench.txt"; then
    echo "callgrind-hub.sh: the ingest did not complete; enlace-bench said:" >&2
    cat "$out/bench.txt" "$out/bench.err" >&2
    exit 1
fi

final=""
for f in "$out"/callgrind.out.*; do
    case "$f" in
        *.out.*.*) ;;
        *) final="$f" ;;
    esac
done
if [ -z "$final" ]; then
    echo "callgrind-hub.sh: callgrind wrote nothing in $out" >&2
    exit 1
fi

# Ir in one callgrind file (its summary line).
ir_of() {
    sed -n 's/^summary: *//p' "$1" | awk '{ print $1 }'
}

# callgrind_annotate 3.19 counts the cost of a call still running at a dump
# ("calls=0", as main's is) as the caller's own: main then "costs" nearly
# everything itself. Its inclusive list is right. For the self list, such
# calls get a count of 1 (which in turn would list them twice inclusive).
self_copy() {
    sed 's/^calls=0 /calls=1 /' "$1" >"$1.self"
    echo "$1.self"
}

total=$(ir_of "$final")
start_ir=0
window=""
if [ -f "$final.1" ] && [ -f "$final.2" ]; then
    start_ir=$(ir_of "$final.1")
    window=$(ir_of "$final.2")
    total=$((start_ir + window + total))
fi

# 1234567 -> 1,234,567
fmt() {
    echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'
}

echo "hub, whole life (start-up, $count messages, shutdown): $(fmt "$total") Ir"
if [ -n "$window" ]; then
    echo "hub, start-up until the first publish:               $(fmt "$start_ir") Ir"
    echo "hub, first publish to last Stored (the publishing):  $(fmt "$window") Ir"
    echo "Ir per stored message (publishing / $count):          $(fmt $((window / count)))"
    profile="$final.2"
    scope="the publishing (callgrind part 2)"
else
    echo "callgrind-hub.sh: no dumps around the publishing (callgrind_control failed; see" \
         "$out/bench.err): per message = whole life / $count, start-up included" >&2
    echo "Ir per stored message (whole life / $count):          $(fmt $((total / count)))"
    profile="$final"
    scope="the hub's whole life"
fi
grep '^ingest1k: ' "$out/bench.txt" | awk '{ printf "rate under callgrind (not a figure of the hub): %s %s\n", $(NF-4), $(NF-1) }'

# The ten first functions of callgrind_annotate's list (run where no path is
# relative, into a file: no SIGPIPE under pipefail), without the frames
# every thread starts from (they only repeat the total), paths shortened,
# with Ir per stored message.
top_ten() {
    local file="$profile" listing
    if [ "$1" = no ]; then
        file="$(self_copy "$profile")"
    fi
    listing="$out/annotate-inclusive-$1.txt"
    (cd / && callgrind_annotate --auto=no --inclusive="$1" --threshold=100 "$file") >"$listing"
    awk '/file:function/ { getline; on = 1; next } on && !NF { on = 0 } on' "$listing" \
        | grep -v -E '\(below main\)|__libc_start_main|/ld-linux[^ ]*\]$|clone\.S:clone |pthread_create\.c:start_thread |/main\.c:main ' \
        | awk 'NR <= 10' \
        | sed -E -e "s|$build/\\.\\./||g" -e "s|$root/||g" -e 's|\[[^]]*/([^]/]*)\]$|[\1]|' \
            -e 's/^ *([0-9,]+) \( *([0-9.]+%)\) +(.*)$/\1\t\2\t\3/' \
        | awk -F '\t' -v n="$count" '{ ir = $1; gsub(",", "", ir);
              printf "  %15s %7s %10d/msg  %s\n", $1, $2, ir / n, $3 }'
}
echo
echo "top ten, inclusive, over $scope (Ir, share, Ir per message, function):"
top_ten yes
echo
echo "top ten, self, over $scope:"
top_ten no
echo
echo "(??? = no symbols: libsodium's and SQLite's internal functions; thread entry frames left out)"
if [ "$keep" -eq 1 ]; then
    echo "callgrind files kept in $out (callgrind_annotate $profile; self costs from" \
         "$profile.self)"
fi
