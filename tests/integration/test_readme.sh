#!/usr/bin/env bash
# test_readme: the README's guide runs as written, so it cannot drift from the
# programs.
#
# Run by meson (tests/integration/meson.build) with test_env: ENLACE_HUB_BIN,
# ENLACE_KEYGEN_BIN, ENLACE_CLI_BIN (the binaries of this build) and
# ENLACE_SOURCE_ROOT (where README.md is; ENLACE_README names another file).
#
# What it does:
#   1. Creates, in a temporary HOME, the demo hub that contrib/setup.sh
#      creates on its first run (~/.local/share/enlace/demo: hub key, archive,
#      three demo officers with keys and profiles) and runs it on a free
#      loopback port, as setup.sh would run it on 7440.
#   2. Runs, in README order, every fenced ```sh block preceded by the line
#      <!-- readme-test -->, command by command, in one bash shell (so
#      variables set by one command, like DATA and DEMO, hold for the next)
#      whose working directory is a scratch directory:
#        - a command is a line, with its backslash continuations and its
#          here-document if it has one; it must exit 0;
#        - the lines "# TEXT" right under a command are its output: each must
#          be a whole line of the command's stdout+stderr (trailing blanks
#          ignored), where "..." in TEXT stands for anything.
#      <!-- readme-test background --> runs its block's one command in the
#      background (the listener that the README leaves running), waits for
#      its "# TEXT" lines, and keeps it until the end.
#      <!-- readme-test listener --> before a plain ``` block: each line must
#      appear, within 20 s, in the background command's output.
#   3. Fails if a ```sh block of the README's first two parts (the sections
#      "A newcomer's guide", "An officer's five minutes" and "The ST's
#      administration") carries no marker, so a new command cannot escape
#      the test.
#   4. Stops the background command and the hub with SIGTERM: each must exit
#      0. Every product process writes its sanitizer reports (ASan/UBSan
#      builds) into a directory of the test's own; any report fails the
#      test, even from a command that printed the right thing and exited 0.
#
# Substitutions, the only ones (the README documents the placeholders):
#   $PWD/build           -> this build's directory (the parent of the
#                           directories of ENLACE_*_BIN), for the PATH line
#   tcp://127.0.0.1:7440 -> the test hub's endpoint (a free loopback port)
# Everything else ($DATA, $DEMO, ~, $(date +%F), alert and invitation ids)
# is run as written: HOME is the temporary directory, and the ids follow from
# running the guide in order on a fresh demo hub.
#
# Not run: the third part, "The operator's installation" (sudo, apt-get,
# dpkg-buildpackage, systemctl, journalctl, /var/lib/enlace, /etc/enlace): it
# needs root, systemd and a package build, which a test on a developer's
# machine or in CI does not have. Its blocks carry no marker.
set -euo pipefail

cli="${ENLACE_CLI_BIN:?}"
keygen="${ENLACE_KEYGEN_BIN:?}"
hub="${ENLACE_HUB_BIN:?}"
readme="${ENLACE_README:-${ENLACE_SOURCE_ROOT:?}/README.md}"
[ -r "$readme" ] || { echo "test_readme: cannot read $readme" >&2; exit 1; }

# The directory "build/" stands for: every binary must sit one level below it.
builddir="$(cd "$(dirname "$cli")/.." && pwd)"
for b in "$cli" "$keygen" "$hub"; do
    [ "$(cd "$(dirname "$b")/.." && pwd)" = "$builddir" ] \
        || { echo "test_readme: $b is not in a subdirectory of $builddir" >&2; exit 1; }
done

tmp="$(mktemp -d)"
san="$tmp/sanitizer"
mkdir -p "$san"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$san/report"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$san/report"
hub_pid=
bg_pid=
cleanup() {
    local pid
    for pid in "$bg_pid" "$hub_pid"; do
        if [ -n "$pid" ]; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# English, no profile or settings from the caller's environment.
unset LC_ALL LC_MESSAGES LANGUAGE ENLACE_PROFILE ENLACE_HUB ENLACE_HUB_KEY ENLACE_KEY \
    ENLACE_PASSPHRASE_FILE ENLACE_LOCALEDIR
export LANG=C.UTF-8
export HOME="$tmp/home"
mkdir -p "$HOME" "$tmp/work"

# --- 1. the demo hub of setup.sh ---------------------------------------------
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
endpoint="tcp://127.0.0.1:$port"
demo_data="$HOME/.local/share/enlace/demo"
mkdir -p "$(dirname "$demo_data")"
"$hub" init "$demo_data" >/dev/null
mkdir -p "$demo_data/demo"
chmod 700 "$demo_data/demo"
# As setup.sh's add_demo_officer.
add_demo_officer() {
    local name="$1" fullname="$2"
    shift 2
    "$keygen" "$demo_data/demo/$name" >/dev/null
    "$hub" officer add "$demo_data" --key "$demo_data/demo/$name.public" "$@" \
        --name "$fullname" >/dev/null
    printf 'hub = %s\nhub_key = %s\nkey = %s\n' "$endpoint" "$demo_data/hub.public" \
        "$demo_data/demo/$name.secret" >"$demo_data/demo/$name.profile"
}
add_demo_officer mx-consular "Ana Morales (demo)" --country MX --network consular,crm --role focal
add_demo_officer gt-consular "Luis Pérez (demo)" --country GT --network consular,crm --role officer
add_demo_officer st "Secretaría Técnica (demo)" --org ST --role st
# As setup.sh: the ST's archive key (on a real hub, made on the ST's offline machine).
"$keygen" "$demo_data/demo/archive" >/dev/null
"$hub" archive-key set "$demo_data" "$demo_data/demo/archive.public" >/dev/null

"$hub" run "$demo_data" --bind "$endpoint" >"$tmp/hub.log" 2>&1 &
hub_pid=$!
ready=0
for _ in $(seq 100); do
    if "$cli" --profile "$demo_data/demo/st.profile" --timeout 500 whoami >/dev/null 2>&1; then
        ready=1
        break
    fi
    sleep 0.1
done
if [ "$ready" -ne 1 ]; then
    echo "test_readme: the hub did not start on $endpoint:" >&2
    cat "$tmp/hub.log" >&2
    exit 1
fi

# --- matching output ----------------------------------------------------------
# line_matches LINE EXPECTED: LINE (trailing blanks removed) is EXPECTED, where
# each "..." in EXPECTED matches any text.
line_matches() {
    local line="$1" exp="$2"
    line="${line%"${line##*[![:space:]]}"}"
    local -a pieces=()
    while [[ "$exp" == *...* ]]; do
        pieces+=("${exp%%...*}")
        exp="${exp#*...}"
    done
    pieces+=("$exp")
    local n=${#pieces[@]}
    if [ "$n" -eq 1 ]; then
        [[ "$line" == "$exp" ]]
        return
    fi
    local first="${pieces[0]}" last="${pieces[n - 1]}"
    [[ "$line" == "$first"* ]] || return 1
    line="${line:${#first}}"
    local i
    for ((i = 1; i < n - 1; i++)); do
        [[ "$line" == *"${pieces[i]}"* ]] || return 1
        line="${line#*"${pieces[i]}"}"
    done
    [[ "$line" == *"$last" ]]
}

# output_has FILE EXPECTED: some line of FILE matches EXPECTED.
output_has() {
    local l
    while IFS= read -r l || [ -n "$l" ]; do
        line_matches "$l" "$2" && return 0
    done <"$1"
    return 1
}

# wait_for FILE EXPECTED: up to 20 s for FILE to have a matching line.
wait_for() {
    local _
    for _ in $(seq 200); do
        output_has "$1" "$2" && return 0
        sleep 0.1
    done
    return 1
}

# substitute COMMAND: the documented substitutions (see the header).
substitute() {
    local c="$1"
    # shellcheck disable=SC2016 # the literal text $PWD/build
    c="${c//'$PWD/build'/$builddir}"
    c="${c//'tcp://127.0.0.1:7440'/$endpoint}"
    printf '%s' "$c"
}

show() {
    sed 's/^/    | /' "$1" >&2
}

ncommands=0
nblocks=0
bg_out="$tmp/background.out"
step=0

# run_command KIND COMMAND EXPECTED...: KIND is fg or bg.
run_command() {
    local kind="$1" cmd="$2"
    shift 2
    local run
    run="$(substitute "$cmd")"
    step=$((step + 1))
    ncommands=$((ncommands + 1))
    local out="$tmp/out.$step"
    local first="${cmd%%$'\n'*}"
    if [ "$kind" = bg ]; then
        if [ -n "$bg_pid" ]; then
            fail "README line $cmd_line: a second background command: $first"
            return
        fi
        # The subshell becomes the command (exec), so that bg_pid is its pid.
        (cd "$tmp/work" && eval "exec $run") >"$bg_out" 2>&1 &
        bg_pid=$!
        local exp
        for exp in "$@"; do
            if ! wait_for "$bg_out" "$exp"; then
                fail "README line $cmd_line: '$first' (in the background) did not print:"
                echo "      $exp" >&2
                echo "    it printed:" >&2
                show "$bg_out"
            fi
        done
        return
    fi
    local rc=0
    eval "$run" >"$out" 2>&1 </dev/null || rc=$?
    if [ "$rc" -ne 0 ]; then
        fail "README line $cmd_line: exit status $rc: $cmd"
        show "$out"
        return
    fi
    local exp
    for exp in "$@"; do
        if ! output_has "$out" "$exp"; then
            fail "README line $cmd_line: '$first' did not print:"
            echo "      $exp" >&2
            echo "    it printed:" >&2
            show "$out"
        fi
    done
}

# run_sh_block KIND LINE...: splits a ```sh block into commands (a line with
# its continuations and here-document) and the "# TEXT" lines under each.
run_sh_block() {
    local kind="$1"
    shift
    local -a lines=("$@")
    local n=${#lines[@]} i=0
    local cmd="" have_cmd=0
    local -a expects=()
    while [ "$i" -lt "$n" ]; do
        local l="${lines[i]}"
        local lineno=$((block_start + 1 + i))
        if [[ "$l" == "#" || "$l" == "# "* ]]; then
            if [ "$have_cmd" -ne 1 ]; then
                fail "README line $lineno: output shown before any command: $l"
            else
                if [ "$l" = "#" ]; then
                    expects+=("")
                else
                    expects+=("${l#"# "}")
                fi
            fi
            i=$((i + 1))
            continue
        fi
        if [[ "$l" =~ ^[[:space:]]*$ ]]; then
            i=$((i + 1))
            continue
        fi
        # A new command: run the previous one first.
        if [ "$have_cmd" -eq 1 ]; then
            run_command "$kind" "$cmd" ${expects[@]+"${expects[@]}"}
        fi
        cmd_line=$lineno
        cmd="$l"
        expects=()
        have_cmd=1
        i=$((i + 1))
        while [[ "$cmd" == *\\ ]] && [ "$i" -lt "$n" ]; do
            cmd+=$'\n'"${lines[i]}"
            i=$((i + 1))
        done
        local heredoc='<<-?[[:space:]]*['"'"'"]?([A-Za-z_][A-Za-z_0-9]*)'
        if [[ "$cmd" =~ $heredoc ]]; then
            local word="${BASH_REMATCH[1]}"
            while [ "$i" -lt "$n" ]; do
                cmd+=$'\n'"${lines[i]}"
                i=$((i + 1))
                [ "${lines[i - 1]}" = "$word" ] && break
            done
        fi
    done
    if [ "$have_cmd" -eq 1 ]; then
        run_command "$kind" "$cmd" ${expects[@]+"${expects[@]}"}
    fi
}

# check_listener LINE...: each line in the background command's output.
check_listener() {
    if [ -z "$bg_pid" ]; then
        fail "README line $block_start: a listener block but no background command before it"
        return
    fi
    local l
    for l in "$@"; do
        [[ "$l" =~ ^[[:space:]]*$ ]] && continue
        if ! wait_for "$bg_out" "$l"; then
            fail "README line $block_start: the background command did not print:"
            echo "      $l" >&2
            echo "    it printed:" >&2
            show "$bg_out"
        fi
    done
}

# --- 2. the README's blocks, in order ------------------------------------------
# The commands run in this shell, in the scratch directory.
mapfile -t readme_lines <"$readme"
total=${#readme_lines[@]}
section=""
marker=""
cmd_line=0
block_start=0
marker_re='^<!-- readme-test( ([a-z]+))? -->$'
cd "$tmp/work"
# errexit and nounset off: a failing or broken README command is reported,
# not the end of the test.
set +eu
ln=0
while [ "$ln" -lt "$total" ]; do
    line="${readme_lines[ln]}"
    ln=$((ln + 1))
    if [[ "$line" == "## "* ]]; then
        section="${line#"## "}"
        marker=""
        continue
    fi
    if [[ "$line" =~ $marker_re ]]; then
        marker="${BASH_REMATCH[2]:-run}"
        continue
    fi
    if [[ "$line" == '```'* ]]; then
        lang="${line#'```'}"
        block_start=$ln # the fence's line number (1-based)
        block=()
        while [ "$ln" -lt "$total" ]; do
            l="${readme_lines[ln]}"
            ln=$((ln + 1))
            [[ "$l" == '```' ]] && break
            block+=("$l")
        done
        case "$marker" in
            run | background)
                if [ "$lang" != sh ]; then
                    fail "README line $block_start: <!-- readme-test $marker --> needs a \`\`\`sh block"
                else
                    nblocks=$((nblocks + 1))
                    run_sh_block "$([ "$marker" = background ] && echo bg || echo fg)" \
                        ${block[@]+"${block[@]}"}
                fi
                ;;
            listener)
                nblocks=$((nblocks + 1))
                check_listener ${block[@]+"${block[@]}"}
                ;;
            "")
                case "$section" in
                    "A newcomer's guide" | "An officer's five minutes" | "The ST's administration")
                        [ "$lang" = sh ] \
                            && fail "README line $block_start: a \`\`\`sh block in '$section' without <!-- readme-test -->"
                        ;;
                esac
                ;;
            *)
                fail "README line $((block_start - 1)): unknown marker 'readme-test $marker'"
                ;;
        esac
        marker=""
        continue
    fi
    # A marker applies to the block right after it.
    if [ -n "$marker" ] && [[ ! "$line" =~ ^[[:space:]]*$ ]]; then
        fail "README line $ln: <!-- readme-test --> not followed by a code block"
        marker=""
    fi
done
set -eu
cd /

# The README's own PATH line must have put this build's binaries first.
for pair in "enlace:$cli" "enlace-hub:$hub" "enlace-keygen:$keygen"; do
    name="${pair%%:*}"
    want="${pair#*:}"
    got="$(command -v "$name" || true)"
    [ "$got" = "$want" ] || fail "the README's PATH gives '$got' for $name, not $want"
done

# Guards against a README that lost its markers.
[ "$nblocks" -ge 10 ] || fail "only $nblocks marked blocks in $readme (markers lost?)"
[ "$ncommands" -ge 30 ] || fail "only $ncommands commands run from $readme (markers lost?)"

# --- 4. the background command and the hub end cleanly -------------------------
# stop NAME PID: SIGTERM, then its exit status must be 0.
stop() {
    local rc=0
    kill -TERM "$2" 2>/dev/null || true
    wait "$2" || rc=$?
    [ "$rc" -eq 0 ] || fail "$1 exited $rc on SIGTERM"
}
if [ -n "$bg_pid" ]; then
    stop "the background command" "$bg_pid"
    bg_pid=
fi
stop "the hub" "$hub_pid"
hub_pid=
for report in "$san"/report*; do
    [ -e "$report" ] || continue
    fail "a product process wrote a sanitizer report ($(basename "$report")):"
    sed 's/^/    | /' "$report" >&2
done

if [ "$failures" -ne 0 ]; then
    echo "--- hub log ---" >&2
    tail -n 30 "$tmp/hub.log" >&2
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "readme: $ncommands commands in $nblocks blocks ran as written"
