#!/usr/bin/env bash
# test_backup_timer: contrib/enlace-backup, the script enlace-backup.service
# runs every day once enlace-backup.timer is enabled. Against a real data
# directory (enlace-hub init) and the build's enlace-hub: each run writes a
# backup encrypted to the archive key and keeps the newest KEEP; the newest
# restores with the archive key and verifies; wrong settings are refused
# (exit 2) and a failed backup removes nothing.
#
# Run by meson with ENLACE_HUB_BIN, ENLACE_KEYGEN_BIN and ENLACE_BACKUP_SCRIPT
# (the configured script in the build directory).
set -euo pipefail

hub="${ENLACE_HUB_BIN:?}"
keygen="${ENLACE_KEYGEN_BIN:?}"
script="${ENLACE_BACKUP_SCRIPT:?}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

"$hub" init "$tmp/data" >/dev/null
"$keygen" "$tmp/archive" >/dev/null
"$keygen" "$tmp/other" >/dev/null
mkdir "$tmp/backups"
export ENLACE_HUB="$hub" ENLACE_DATA="$tmp/data" ARCHIVE_KEY="$tmp/archive.public" \
    BACKUP_DIR="$tmp/backups" KEEP=2

for i in 1 2 3; do
    sh "$script" >"$tmp/run.$i" 2>&1 || fail "run $i: exit $? ($(cat "$tmp/run.$i"))"
    sleep 1.1 # one backup a second at most: the names hold the time
done
n=$(ls "$tmp/backups" | grep -c '\.db\.enc$' || true)
[ "$n" -eq 2 ] || fail "KEEP=2 kept $n backups: $(ls "$tmp/backups")"
grep -q "removed" "$tmp/run.3" || fail "the third run removed nothing"
newest="$(ls -1 "$tmp/backups" | sort | tail -n 1)"
first="$(ls -1 "$tmp/backups" | sort | head -n 1)"
[ "$newest" != "$first" ] || fail "the two backups have one name"
if [ "$(stat -c %a "$tmp/backups/$newest")" != 600 ]; then
    fail "a backup is mode $(stat -c %a "$tmp/backups/$newest"), not 600"
fi
"$hub" restore --key "$tmp/archive.secret" "$tmp/backups/$newest" "$tmp/restored" >/dev/null \
    || fail "the newest backup does not restore"
"$hub" verify "$tmp/restored" >/dev/null || fail "the restored archive does not verify"
if "$hub" restore --key "$tmp/other.secret" "$tmp/backups/$newest" "$tmp/wrong" 2>/dev/null; then
    fail "another key restored the backup"
fi
[ ! -e "$tmp/wrong" ] || fail "a refused restore left $tmp/wrong"

# Wrong settings: refused, nothing removed.
KEEP=0 sh "$script" 2>/dev/null && fail "KEEP=0 was accepted" || [ $? -eq 2 ] || fail "KEEP=0: not exit 2"
ARCHIVE_KEY= sh "$script" 2>/dev/null && fail "no ARCHIVE_KEY was accepted" \
    || [ $? -eq 2 ] || fail "no ARCHIVE_KEY: not exit 2"
ARCHIVE_KEY="$tmp/missing.public" sh "$script" 2>/dev/null && fail "a missing key was accepted" \
    || [ $? -eq 1 ] || fail "a missing key: not exit 1"
n=$(ls "$tmp/backups" | grep -c '\.db\.enc$' || true)
[ "$n" -eq 2 ] || fail "a refused run changed the backups ($n left)"

if [ "$failures" -ne 0 ]; then
    echo "test_backup_timer: $failures failure(s)" >&2
    exit 1
fi
echo "test_backup_timer: ok"
