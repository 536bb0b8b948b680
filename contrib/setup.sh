#!/usr/bin/env bash
# setup.sh: the first command. Installs what is missing, builds enlace, creates
# a demo hub with three demo officers on the first run, prints the commands to
# try, and then runs the hub in the foreground (Ctrl-C stops it).
#
#   bash contrib/setup.sh
#
# Environment:
#   ENLACE_DATA  the hub's data directory (default ~/.local/share/enlace/demo)
#   ENLACE_PORT  the loopback port the hub listens on (default 7440); the demo
#                profiles keep the port of the run that created them
#
# Works from any current directory. Running it again reuses the data
# directory: the demo keys and the archive are kept.
set -euo pipefail

# The data directory, made absolute against the directory we were started in.
data="${ENLACE_DATA:-$HOME/.local/share/enlace/demo}"
case "$data" in
    /*) ;;
    *) data="$PWD/$data" ;;
esac
port="${ENLACE_PORT:-7440}"
endpoint="tcp://127.0.0.1:$port"

# The repository root is the parent of this script's directory.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

hub="$root/build/hub/enlace-hub"
client="$root/build/client/enlace"
keygen="$root/build/keys/enlace-keygen"

# (a) Debian packages.
bash "$root/contrib/deps.sh"

# (b) Build.
# (meson setup only if build/ is missing or was never configured; meson compile
# reconfigures by itself when a meson.build changed.)
if [ ! -f build/meson-private/coredata.dat ]; then
    meson setup build
fi
meson compile -C build

# (c) First run: a hub and three demo officers.
#   add_demo_officer NAME "Full name" ARGS...   (ARGS go to `officer add`)
add_demo_officer() {
    local name="$1" fullname="$2"
    shift 2
    "$keygen" "$data/demo/$name"
    "$hub" officer add "$data" --key "$data/demo/$name.public" "$@" --name "$fullname"
    cat > "$data/demo/$name.profile" <<EOF
hub = $endpoint
hub_key = $data/hub.public
key = $data/demo/$name.secret
EOF
}

setup_done=1
report_unfinished_setup() {
    if [ "$setup_done" -eq 0 ]; then
        echo >&2
        echo "setup.sh: the first-run setup of $data did not finish." >&2
        echo "Remove it and run this script again:  rm -rf '$data'" >&2
    fi
}

if [ ! -d "$data" ]; then
    setup_done=0
    trap report_unfinished_setup EXIT
    echo "Creating a demo hub in $data"
    mkdir -p "$(dirname "$data")"
    "$hub" init "$data"
    mkdir -p "$data/demo"
    chmod 700 "$data/demo"
    add_demo_officer mx-consular "Ana Morales (demo)" \
        --country MX --network consular,crm --role focal
    add_demo_officer gt-consular "Luis Pérez (demo)" \
        --country GT --network consular,crm --role officer
    add_demo_officer st "Secretaría Técnica (demo)" \
        --org ST --role st
    # The ST's archive key: every sealed (TLP:RED) message is sealed to it
    # too. A real ST makes it on its own offline machine and registers only
    # the .public; the demo keeps both halves here.
    "$keygen" "$data/demo/archive"
    "$hub" archive-key set "$data" "$data/demo/archive.public"
    setup_done=1
    trap - EXIT
elif [ ! -f "$data/hub.public" ]; then
    echo "setup.sh: $data exists but holds no hub (no hub.public)." >&2
    echo "Remove it, or choose another directory with ENLACE_DATA." >&2
    exit 1
fi

# (d) What to try.
cat <<EOF

enlace is built and the demo hub is starting on $endpoint
(data: $data). In a second terminal, listen as the Guatemalan consular officer:

  $client --profile $data/demo/gt-consular.profile listen 'consular/#'

and in a third, publish as Mexico's focal point:

  $client --profile $data/demo/mx-consular.profile publish consular/death/MX "Fallecimiento de un nacional guatemalteco en Tapachula; se solicita apoyo consular."

Raise an urgent alert for Guatemala (it prints the alert id), then acknowledge
it as Guatemala and look at who has acknowledged:

  $client --profile $data/demo/mx-consular.profile alert consular/death/MX --priority urgent --category death --countries MX,GT --headline "Fallecimiento en Tapachula" "Se solicita apoyo consular."
  $client --profile $data/demo/gt-consular.profile ack ALERT_ID --note "Recibido"
  $client --profile $data/demo/st.profile alerts

The Technical Secretariat's profile is $data/demo/st.profile.
Stop the hub with Ctrl-C; run this script again to restart it with the same data.

EOF

# (e) The hub, in the foreground.
exec "$hub" run "$data" --bind "$endpoint"
