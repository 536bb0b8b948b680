#!/bin/sh
# check_statement_cache.sh HUB_DIR: fails if SQL is prepared anywhere in the
# hub but the archive's statement cache (STYLE.md: all SQL in the archive
# module, prepared once).
#
#   - sqlite3_prepare* may appear once in HUB_DIR, in archive_int_stmt
#     (archive/db.c);
#   - inside archive/, sqlite3_exec only in archive_int_exec (db.c: the
#     pragmas of open, the migrations, the seed script) and archive_backup
#     (backup.c: the copy's own connection), and archive_int_exec is called
#     from db.c alone.
#
# Each hit is named with the function it is in: the last line before it
# that starts a definition ("name(" at the start of a line, this tree's
# style). Registered with meson test (suite unit) in hub/archive/meson.build.
set -eu

hub=${1:?usage: check_statement_cache.sh HUB_DIR}
cd "$hub"

# Prints "file:function" for every line of the .c and .h files under the
# given paths that matches the extended regular expression $1.
hits() {
    pattern=$1
    shift
    find "$@" -name '*.[ch]' -type f | LC_ALL=C sort | while read -r f; do
        awk -v pat="$pattern" -v file="$f" '
            /^[A-Za-z_][A-Za-z0-9_]*\(/ { fn = $0; sub(/\(.*/, "", fn) }
            /^[ \t]*(\/\*|\*)/ { next }
            $0 ~ pat { print file ":" (fn == "" ? "(file scope)" : fn) }
        ' "$f"
    done
}

# Compares what was found with what is allowed; prints the difference.
expect() {
    what=$1 found=$2 allowed=$3
    if [ "$found" != "$allowed" ]; then
        echo "FAIL: $what"
        echo "  found:"
        printf '%s\n' "$found" | sed 's/^/    /'
        echo "  allowed:"
        printf '%s\n' "$allowed" | sed 's/^/    /'
        echo "  Give the statement a slot in archive_int.h and its SQL in the table"
        echo "  of its archive/*.c file, and get it with archive_int_stmt."
        return 1
    fi
    echo "ok: $what"
}

status=0
expect "sqlite3_prepare only in the statement cache" \
    "$(hits 'sqlite3_prepare[A-Za-z0-9_]*[ \t]*\(' .)" \
    "./archive/db.c:archive_int_stmt" || status=1
expect "sqlite3_exec in the archive only for open, migrations, seed and backup" \
    "$(hits 'sqlite3_exec[ \t]*\(' archive)" \
    "$(printf '%s\n' archive/backup.c:archive_backup archive/db.c:archive_int_exec)" \
    || status=1
expect "archive_int_exec called from db.c alone" \
    "$(hits 'archive_int_exec[ \t]*\(' archive \
        | grep -v -e '^archive/db\.c:' -e '^archive/archive_int\.h:' || true)" \
    "" || status=1
exit $status
