# Sourced by the install-*.sh scripts: apt_install WHO PACKAGE...
# Installs Debian packages (as root, or through sudo), refreshing the
# package lists only when the first attempt fails (stale lists).
apt_install() {
    who=$1
    shift
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "$who: apt-get not found; install $* yourself" >&2
        exit 1
    fi
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            SUDO="sudo"
        else
            echo "$who: run as root (or install sudo)" >&2
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    echo "installing $* with apt-get …"
    if ! $SUDO apt-get install -y --no-install-recommends "$@"; then
        echo "$who: first attempt failed; refreshing package lists and retrying"
        $SUDO apt-get update
        $SUDO apt-get install -y --no-install-recommends "$@"
    fi
}
