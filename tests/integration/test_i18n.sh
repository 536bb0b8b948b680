#!/usr/bin/env bash
# test_i18n: enlace and enlace-keygen speak Spanish when the environment asks
# for it, and English otherwise.
#
# Run by meson (tests/integration/meson.build) with ENLACE_CLI_BIN,
# ENLACE_KEYGEN_BIN, ENLACE_HUB_BIN and ENLACE_LOCALEDIR (BUILDDIR/po, where
# the i18n module builds es/LC_MESSAGES/enlace.mo) set.
#
#   1. --help, enlace-keygen --help, a new key and one error path (publish
#      with no hub or key configured), in English and in Spanish, the latter
#      selected in each of the usual ways:
#        LANG=C.UTF-8 LANGUAGE=es        (C.UTF-8 is built into glibc)
#        LANG=es_MX.UTF-8 LANGUAGE=es    (es_MX need not be installed)
#        LANG=es_MX.UTF-8                (ditto: enlace falls back to C.UTF-8
#                                         and asks gettext for es_MX, es)
#        LANG=es_MX.UTF-8 with the locale really installed (built here with
#        localedef into a temporary LOCPATH; skipped if the locale sources of
#        Debian's `locales` package are missing)
#   2. the README's "En español" walk-through against a real hub on a free
#      loopback port: listen, publish, alert, ack, alerts, in Spanish.
#   3. the catalog has a translation for every message in the sources
#      (xgettext + msgcmp), so a new untranslated message fails here.
#
# Every product process it starts has its exit status checked, and writes
# its sanitizer reports (ASan/UBSan builds) into a directory of its own: a
# report fails the test, even from a command that printed the right thing.
set -euo pipefail

cli="${ENLACE_CLI_BIN:?}"
keygen="${ENLACE_KEYGEN_BIN:?}"
hub="${ENLACE_HUB_BIN:?}"
: "${ENLACE_LOCALEDIR:?}"
export ENLACE_LOCALEDIR

tmp="$(mktemp -d)"
san="$tmp/sanitizer"
mkdir -p "$san"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$san/report"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$san/report"
hub_pid=
listen_pid=
cleanup() {
    [ -n "$listen_pid" ] && kill "$listen_pid" 2>/dev/null || true
    [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null || true
    [ -n "$hub_pid" ] && wait "$hub_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# No profile, no settings, no language from the caller's environment.
unset LC_ALL LC_MESSAGES LANGUAGE LANG ENLACE_PROFILE ENLACE_HUB ENLACE_HUB_KEY ENLACE_KEY \
    ENLACE_PASSPHRASE_FILE
export HOME="$tmp/home"
mkdir -p "$HOME"

# expect LABEL PHRASE OUTPUT: OUTPUT must contain PHRASE.
expect() {
    if ! grep -qF -- "$2" <<<"$3"; then
        fail "$1: expected '$2' in:"
        sed 's/^/    | /' <<<"$3" >&2
    fi
}

# The Spanish locale, really installed, if this machine can build it.
locpath=
if command -v localedef >/dev/null 2>&1 && [ -e /usr/share/i18n/locales/es_MX ]; then
    mkdir -p "$tmp/locale"
    if localedef -i es_MX -f UTF-8 "$tmp/locale/es_MX.UTF-8" >/dev/null 2>&1 \
        || [ -e "$tmp/locale/es_MX.UTF-8/LC_MESSAGES" ]; then
        locpath="$tmp/locale"
    fi
fi
[ -n "$locpath" ] || echo "note: cannot build the es_MX.UTF-8 locale (localedef and" \
    "Debian's locales package): the installed-locale case is skipped" >&2

# run_in LANGSPEC CMD...: LANGSPEC is en, es-c (C.UTF-8 + LANGUAGE=es),
# es-mx-language, es-mx (not installed), es-mx-installed. Prints stdout+stderr
# and the exit status on a last line "rc=N".
run_in() {
    local spec="$1"
    shift
    local -a e
    case "$spec" in
        en) e=(LANG=C.UTF-8) ;;
        es-c) e=(LANG=C.UTF-8 LANGUAGE=es) ;;
        es-mx-language) e=(LANG=es_MX.UTF-8 LANGUAGE=es) ;;
        es-mx) e=(LANG=es_MX.UTF-8) ;;
        es-mx-installed) e=(LANG=es_MX.UTF-8 LOCPATH="$locpath") ;;
    esac
    local rc=0
    env "${e[@]}" "$@" 2>&1 || rc=$?
    echo "rc=$rc"
}

# --- 1. help, keygen, an error path --------------------------------------
out="$(run_in en "$cli" --help)"
expect "enlace --help (en)" "usage: enlace [OPTIONS] COMMAND ..." "$out"
expect "enlace --help (en)" "acknowledge an alert for your country" "$out"
expect "enlace --help (en)" "rc=0" "$out"
out="$(run_in en "$keygen" --help)"
expect "enlace-keygen --help (en)" "Give NAME.public (never NAME.secret) to the Technical Secretariat." "$out"
expect "enlace-keygen --help (en)" "rc=0" "$out"
out="$(run_in en "$keygen" "$tmp/en-key")"
expect "enlace-keygen NAME (en)" "fingerprint: " "$out"
expect "enlace-keygen NAME (en)" "rc=0" "$out"
out="$(run_in en "$cli" publish consular/x "hola")"
expect "enlace publish without a key (en)" "enlace: missing the hub endpoint: give --profile FILE" "$out"
expect "enlace publish without a key (en)" "rc=1" "$out"

spanish=(es-c es-mx-language es-mx)
[ -n "$locpath" ] && spanish+=(es-mx-installed)
for spec in "${spanish[@]}"; do
    out="$(run_in "$spec" "$cli" --help)"
    expect "enlace --help ($spec)" "uso: enlace [OPCIONES] COMANDO ..." "$out"
    expect "enlace --help ($spec)" "acusa recibo de una alerta en nombre de su país" "$out"
    expect "enlace --help ($spec)" "rc=0" "$out"
    out="$(run_in "$spec" "$keygen" --help)"
    expect "enlace-keygen --help ($spec)" \
        "Entregue NOMBRE.public (nunca NOMBRE.secret) a la Secretaría" "$out"
    expect "enlace-keygen --help ($spec)" "rc=0" "$out"
    out="$(run_in "$spec" "$keygen" "$tmp/key-$spec")"
    expect "enlace-keygen NAME ($spec)" "huella: " "$out"
    expect "enlace-keygen NAME ($spec)" "rc=0" "$out"
    expect "enlace-keygen NAME ($spec)" "(modo 0600) y $tmp/key-$spec.public" "$out"
    out="$(run_in "$spec" "$cli" publish consular/x "hola")"
    expect "enlace publish without a key ($spec)" \
        "enlace: falta la dirección del hub: indique --profile ARCHIVO" "$out"
    expect "enlace publish without a key ($spec)" "rc=1" "$out"
    out="$(run_in "$spec" "$cli" frobnicate)"
    expect "enlace unknown command ($spec)" "enlace: comando desconocido 'frobnicate' (vea --help)" "$out"
    expect "enlace unknown command ($spec)" "rc=2" "$out"
done

# Without the catalog (a name gettext cannot find) the messages stay English.
out="$(ENLACE_LOCALEDIR="$tmp/nowhere" run_in es-c "$cli" --help)"
expect "enlace --help (es, no catalog)" "usage: enlace [OPTIONS] COMMAND ..." "$out"
expect "enlace --help (es, no catalog)" "rc=0" "$out"

# --- 2. the README's walk-through, in Spanish -------------------------------
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
endpoint="tcp://127.0.0.1:$port"
data="$tmp/hub"
"$hub" init "$data" >/dev/null
mkdir -p "$data/demo"
add_officer() {
    local name="$1" fullname="$2"
    shift 2
    "$keygen" "$data/demo/$name" >/dev/null
    "$hub" officer add "$data" --key "$data/demo/$name.public" "$@" --name "$fullname" >/dev/null
    printf 'hub = %s\nhub_key = %s\nkey = %s\n' "$endpoint" "$data/hub.public" \
        "$data/demo/$name.secret" >"$data/demo/$name.profile"
}
add_officer mx-consular "Ana Morales (demo)" --country MX --network consular,crm --role focal
add_officer gt-consular "Luis Pérez (demo)" --country GT --network consular,crm --role officer
add_officer st "Secretaría Técnica (demo)" --org ST --role st

"$hub" run "$data" --bind "$endpoint" >"$tmp/hub.log" 2>&1 &
hub_pid=$!
DEMO="$data/demo"
es() { LANG=es_MX.UTF-8 "$cli" "$@"; }
ready=0
for _ in $(seq 100); do
    if es --profile "$DEMO/st.profile" --timeout 500 whoami >/dev/null 2>&1; then
        ready=1
        break
    fi
    sleep 0.1
done
[ "$ready" = 1 ] || fail "the hub did not answer within 10 s"

es --profile "$DEMO/gt-consular.profile" listen 'consular/#' --count 2 --wait 20 \
    >"$tmp/listen.out" 2>"$tmp/listen.err" &
listen_pid=$!
for _ in $(seq 100); do
    grep -q "escuchando como" "$tmp/listen.err" 2>/dev/null && break
    sleep 0.1
done
expect "listen (es)" "escuchando como Luis Pérez (demo) (GT, " "$(cat "$tmp/listen.err")"

out="$(es --profile "$DEMO/mx-consular.profile" publish consular/death/MX \
    "Fallecimiento de un nacional guatemalteco en Tapachula; se solicita apoyo consular." 2>&1)" \
    || fail "publish (es): exit status $?"
expect "publish (es)" "almacenado con el n.º 1" "$out"

alert_id="$(es --profile "$DEMO/mx-consular.profile" alert consular/death/MX \
    --priority urgent --category death --countries MX,GT \
    --headline "Fallecimiento en Tapachula" "Se solicita apoyo consular.")" \
    || fail "alert (es): exit status $?"
[ "$alert_id" = 2 ] || fail "alert (es): expected id 2, got '$alert_id'"

rc=0
wait "$listen_pid" || rc=$?
[ "$rc" = 0 ] || fail "listen (es) did not end cleanly after two deliveries (exit status $rc)"
listen_pid=
expect "listen (es)" "!! ALERTA urgent 2 [death] MX,GT -- Fallecimiento en Tapachula" \
    "$(cat "$tmp/listen.out")"
expect "listen (es)" "para acusar recibo: enlace ack 2" "$(cat "$tmp/listen.out")"

out="$(es --profile "$DEMO/gt-consular.profile" ack 2 --note "Recibido, se contacta a la familia" \
    2>&1)" || fail "ack (es): exit status $?"
expect "ack (es)" "se acusó recibo de la alerta 2 en nombre de GT" "$out"
out="$(es --profile "$DEMO/st.profile" alerts 2>&1)" || fail "alerts (es): exit status $?"
expect "alerts (es)" "alerta urgent 2 [death]" "$out"
expect "alerts (es)" "  de Ana Morales (demo) (MX) en consular/death/MX" "$out"
expect "alerts (es)" "por Luis Pérez (demo) el " "$out"
expect "alerts (es)" '("Recibido, se contacta a la familia")' "$out"
expect "alerts (es)" "    MX  pending" "$out"
# The README's own key.
mkdir -p ~/.config/enlace
out="$(LANG=es_MX.UTF-8 "$keygen" ~/.config/enlace/ana 2>&1)" \
    || fail "README enlace-keygen (es): exit status $?"
expect "README enlace-keygen (es)" \
    "se escribieron $HOME/.config/enlace/ana.secret (modo 0600) y $HOME/.config/enlace/ana.public" "$out"
expect "README enlace-keygen (es)" "huella: " "$out"
rc=0
out="$(es --profile "$DEMO/gt-consular.profile" ack 99 2>&1)" || rc=$?
expect "ack of an unknown alert (es)" "enlace: acuse de recibo rechazado (no encontrado)" "$out"
[ "$rc" = 1 ] || fail "ack of an unknown alert (es): exit status $rc, expected 1"

# The hub stops cleanly on SIGTERM (exit 0, and under ASan no leak).
kill -TERM "$hub_pid"
rc=0
wait "$hub_pid" || rc=$?
hub_pid=
[ "$rc" = 0 ] || { fail "the hub exited $rc on SIGTERM"; tail -n 20 "$tmp/hub.log" >&2; }

# --- 3. every message has a translation ------------------------------------
src="${ENLACE_SOURCE_ROOT:-}"
if [ -n "$src" ] && command -v xgettext >/dev/null 2>&1 && command -v msgcmp >/dev/null 2>&1; then
    (cd "$src" && xgettext -f po/POTFILES -k_ -kN_ --from-code=UTF-8 -o "$tmp/enlace.pot")
    while read -r lang; do
        case "$lang" in '' | '#'*) continue ;; esac
        msgcmp "$src/po/$lang.po" "$tmp/enlace.pot" \
            || fail "po/$lang.po lacks translations (ninja enlace-pot enlace-update-po, then translate)"
    done <"$src/po/LINGUAS"
else
    echo "note: no ENLACE_SOURCE_ROOT or gettext tools: catalog completeness not checked" >&2
fi

# Sanitizer reports of any product process above.
for report in "$san"/report*; do
    [ -e "$report" ] || continue
    fail "a product process wrote a sanitizer report ($(basename "$report")):"
    sed 's/^/    | /' "$report" >&2
done

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "i18n: all checks passed (Spanish via: ${spanish[*]})"
