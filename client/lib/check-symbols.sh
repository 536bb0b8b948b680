#!/bin/sh
# check-symbols.sh LIBRARY LIST: the dynamic symbols LIBRARY defines are
# exactly those in LIST (one per line, sorted). After changing the public API
# on purpose, regenerate LIST with:
#   nm -D --defined-only LIBRARY | awk '{print $NF}' | LC_ALL=C sort > LIST
set -eu
lib="$1"
list="$2"
got="$(nm -D --defined-only "$lib" | awk '{print $NF}' | LC_ALL=C sort)"
if ! printf '%s\n' "$got" | diff -u "$list" -; then
    echo "libenlace exports differ from $list (- expected, + built)" >&2
    exit 1
fi
echo "libenlace exports $(printf '%s\n' "$got" | wc -l) symbols, as listed"
