#!/usr/bin/env bash
# deps.sh: install the Debian packages that enlace needs, if any is missing.
#
# Shared by contrib/setup.sh and contrib/test.sh (which run it with bash).
#
#   bash contrib/deps.sh                # build and run: compiler, meson, libraries
#   bash contrib/deps.sh --sanitizers   # also clang and its runtime, for the
#                                       # ASan/UBSan and libFuzzer builds
#   bash contrib/deps.sh --packaging    # also what `dpkg-buildpackage -b` needs
#                                       # for debian/ (debhelper, lintian)
#   bash contrib/deps.sh --bench        # also the hand-run benchmark's anchor and
#                                       # profiler: Mosquitto (broker and
#                                       # libmosquitto, for enlace-bench --only
#                                       # anchor) and valgrind (callgrind-hub.sh);
#                                       # where systemd runs, the package also
#                                       # enables a system broker on port 1883
#                                       # (systemctl disable --now mosquitto)
#   bash contrib/deps.sh --browser-tests  # also chromium, chromium-driver,
#                                       # python3-selenium and pinned fonts, for
#                                       # the web console's browser test
#                                       # (contrib/test.sh always asks for them)
#   bash contrib/deps.sh --lint         # also clang-format, for the lint test
#                                       # `format` (contrib/check/format.sh;
#                                       # contrib/test.sh always asks for it)
#
# Nothing is installed, and apt-get is not even called, when every package is
# already there. Uses sudo only when not run as root.
set -euo pipefail

packages=(
    build-essential
    pkg-config
    meson
    ninja-build
    libzmq3-dev
    libsodium-dev
    libsqlite3-dev
    libprotobuf-c-dev
    protobuf-c-compiler
    libjansson-dev
    libinih-dev
    libxml2-dev
    sqlite3
    libxml2-utils
    # Spanish messages: msgfmt/xgettext/msgcmp build and check po/*.po;
    # locales gives localedef and the es_MX locale sources (test_i18n builds
    # es_MX.UTF-8 in a temporary directory; enlace needs no generated locale).
    gettext
    locales
    # tests/integration/ledger_by_hand.py checks every message's signature
    # (alone or through its batch's audit path) with PyNaCl, outside enlace.
    python3-nacl
    # The consultation's business days are counted in each country's zone,
    # read from the system's tz database (common/tz.c).
    tzdata
    # The web console (enlace web): its HTTP server, and the charts of the
    # ST's statistics, served from where Debian puts chart.js.
    libmicrohttpd-dev
    libjs-chart.js
    # A cluster of hubs ([cluster] in enlace-hub.conf) agrees through etcd:
    # the hub speaks its v3 JSON gateway with libcurl; test_cluster starts
    # three etcd members of its own (the package also enables a system
    # member on 127.0.0.1:2379 where systemd runs: systemctl disable --now
    # etcd if you do not want it).
    libcurl4-openssl-dev
    etcd-server
    etcd-client
)

for arg in "$@"; do
    case "$arg" in
        --sanitizers)
            packages+=(clang libclang-rt-14-dev)
            ;;
        --packaging)
            packages+=(debhelper dpkg-dev fakeroot lintian python3)
            ;;
        --bench)
            # Optional: without them enlace-bench still builds and says
            # which rows it could not measure.
            packages+=(mosquitto libmosquitto-dev valgrind)
            ;;
        --browser-tests)
            # Fonts pinned so that screenshots do not change with whatever
            # fonts happen to be installed (tests/browser/).
            packages+=(chromium chromium-driver python3-selenium fonts-dejavu-core
                fonts-liberation)
            ;;
        --lint)
            packages+=(clang-format)
            ;;
        -h|--help)
            sed -n '2,27p' "$0"
            exit 0
            ;;
        *)
            echo "deps.sh: unknown argument: $arg" >&2
            exit 2
            ;;
    esac
done

# A package counts as present only if dpkg says "install ok installed"
# (dpkg-query -W alone also succeeds for removed packages that left config).
is_installed() {
    local status
    status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
    [ "$status" = "install ok installed" ]
}

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps.sh: this is not a Debian-based system; install by hand: ${packages[*]}" >&2
    exit 1
fi

missing=()
for pkg in "${packages[@]}"; do
    if ! is_installed "$pkg"; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    echo "deps.sh: missing packages and no sudo; as root, run:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

echo "deps.sh: installing ${missing[*]}"
# env passes DEBIAN_FRONTEND through sudo, which resets the environment.
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
