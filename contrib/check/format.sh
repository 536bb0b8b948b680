#!/usr/bin/env bash
# format.sh: checks that every C file of the project is as clang-format
# (Debian 12's, 14) writes it with the project's .clang-format; the lint test
# `format` runs it. Prints each file that is not, and how to fix them all:
#
#   bash contrib/check/format.sh [SOURCE_ROOT]          check (exit 1 if any)
#   bash contrib/check/format.sh --fix [SOURCE_ROOT]    rewrite them in place
set -euo pipefail

fix=0
if [ "${1:-}" = "--fix" ]; then
    fix=1
    shift
fi
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
cd "$root"

if ! command -v clang-format >/dev/null 2>&1; then
    echo "format.sh: clang-format is not installed (bash contrib/deps.sh --lint)" >&2
    exit 1
fi

mapfile -t files < <(find client common hub keys proto tests -name '*.[ch]' -type f | sort)
if [ "${#files[@]}" -eq 0 ]; then
    echo "format.sh: no C file under $root" >&2
    exit 1
fi

if [ "$fix" = 1 ]; then
    clang-format -i --style=file "${files[@]}"
    exit 0
fi

bad=()
for f in "${files[@]}"; do
    if ! clang-format --dry-run --Werror --style=file "$f" >/dev/null 2>&1; then
        bad+=("$f")
    fi
done
if [ "${#bad[@]}" -gt 0 ]; then
    echo "format.sh: ${#bad[@]} of ${#files[@]} C files are not formatted as .clang-format says:" >&2
    printf '  %s\n' "${bad[@]}" >&2
    echo "fix: bash contrib/check/format.sh --fix (then read the diff)" >&2
    exit 1
fi
echo "format.sh: ${#files[@]} C files formatted as .clang-format says"
