# Helpers shared by the throwaway-server scripts (mariadb-tmp, pgbouncer-tmp); sourced, not run.
# The caller sets PROG, SELF and MARKER (the file that marks a directory as one of its own).

die() { echo "$PROG: $*" >&2; exit 1; }
log() { echo "$PROG: $*" >&2; }

usage() {
    sed -n '2,/^set -euo/p' "$SELF" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
    exit 2
}

abs_dir() {
    # absolute path of DIR without requiring it to exist
    local d=$1
    [[ -n $d ]] || die "empty DIR"
    [[ $d == /* ]] || d="$PWD/$d"
    while [[ $d == */ && $d != / ]]; do d=${d%/}; done
    [[ $d != / ]] || die "refusing to use / as DIR"
    echo "$d"
}

free_port() {
    # Let the kernel pick an unused port; fall back to random probing with ss.
    local p i
    if command -v python3 >/dev/null 2>&1 &&
        p=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null) &&
        [[ $p =~ ^[0-9]+$ ]]; then
        echo "$p"; return
    fi
    for i in $(seq 1 200); do
        p=$((20000 + RANDOM % 12000))
        if ! ss -Htan "( sport = :$p )" 2>/dev/null | grep -q .; then
            echo "$p"; return
        fi
    done
    die "could not find a free TCP port"
}

# Run a command as the service user ($1) when we are root, as ourselves otherwise. cd / first:
# runuser keeps the cwd, which the service user may not be allowed to enter (e.g. /root).
as_service_user() {
    local user=$1
    shift
    if [[ $(id -u) -eq 0 ]]; then
        (cd / && runuser -u "$user" -- "$@")
    else
        (cd / && "$@")
    fi
}

# prepare_dir DIR SERVICE_USER: DIR must be new or empty; marks it and, as root, hands it over.
prepare_dir() {
    local dir=$1 user=$2
    mkdir -p "$dir"
    [[ -z $(ls -A "$dir") ]] || die "$dir is not empty"
    touch "$dir/$MARKER"
    if [[ $(id -u) -eq 0 ]]; then
        id "$user" >/dev/null 2>&1 || die "running as root needs the '$user' system user"
        chown -R "$user": "$dir"
        runuser -u "$user" -- test -w "$dir" ||
            die "user $user cannot write $dir (is a parent directory closed to it?)"
    fi
}

# short_sock_dir DIR: a directory for unix sockets; socket paths are limited to 107 bytes, so a
# long DIR gets one in /tmp, remembered in DIR/sockdir.
short_sock_dir() {
    local dir=$1 sock="$1/sock"
    if ((${#sock} + 20 > 100)); then
        sock=$(mktemp -d "/tmp/$PROG-sock.XXXXXX")
        echo "$sock" >"$dir/sockdir"
    else
        mkdir -p "$sock"
    fi
    echo "$sock"
}
sockdir_of() { cat "$1/sockdir" 2>/dev/null || echo "$1/sock"; }

# check_ours DIR: refuse to remove what another tool made
check_ours() {
    [[ -e $1/$MARKER ]] || die "$1 was not made by $PROG (no $MARKER), not removing it"
}

# remove_dir DIR: DIR and its short socket directory
remove_dir() {
    local dir=$1 sock
    sock=$(sockdir_of "$dir")
    rm -rf -- "$dir"
    if [[ $sock == /tmp/$PROG-sock.* ]]; then rm -rf -- "$sock"; fi
}

# kill_pidfile FILE: TERM the process named in FILE, wait up to 30 s, then KILL it.
kill_pidfile() {
    local pid i
    pid=$(head -n1 "$1" 2>/dev/null || true)
    [[ $pid =~ ^[0-9]+$ ]] || return 0
    kill "$pid" 2>/dev/null || return 0
    for i in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
}

# start_owner_watch DIR: with TMP_OWNER_PID set, stop DIR's server by itself once that pid is
# gone (covers a test binary that was killed before cleaning up)
start_owner_watch() {
    local dir=$1 owner=${TMP_OWNER_PID:-}
    [[ -n $owner ]] || return 0
    [[ $owner =~ ^[0-9]+$ ]] || die "TMP_OWNER_PID must be a pid"
    # detached: must not hold the caller's stdout/stderr pipes open
    setsid "$SELF" __watch "$dir" "$owner" </dev/null >/dev/null 2>&1 &
    echo $! >"$dir/watch.pid"
}

owner_watch() {
    local dir=$1 pid=$2
    echo $$ >"$dir/watch.pid" 2>/dev/null || exit 0
    while [[ -d $dir ]]; do
        if ! kill -0 "$pid" 2>/dev/null; then
            TMP_WATCHER_PID=$$ "$SELF" stop "$dir" >/dev/null 2>&1 || true
            exit 0
        fi
        sleep 1
    done
}

stop_owner_watch() {
    local wpid
    wpid=$(cat "$1/watch.pid" 2>/dev/null || true)
    # don't kill ourselves when the watcher is the one stopping
    if [[ $wpid =~ ^[0-9]+$ && $wpid != "$$" && $wpid != "${TMP_WATCHER_PID:-}" ]]; then
        kill "$wpid" 2>/dev/null || true
    fi
}

# cmd_run [--] CMD ARGS: the `run` subcommand: start in a temp dir, export DIR/env, run
# CMD, stop and clean up, exit with CMD's status
cmd_run() {
    [[ ${1:-} == -- ]] && shift
    [[ $# -ge 1 ]] || usage
    local dir
    dir=$(mktemp -d "${TMPDIR:-/tmp}/$PROG.XXXXXX")
    # shellcheck disable=SC2064
    trap "'$SELF' stop '$dir' >/dev/null 2>&1 || true" EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    "$SELF" start "$dir" >&2
    set -a
    # shellcheck disable=SC1091
    . "$dir/env"
    set +a
    local rc=0
    "$@" || rc=$?
    exit "$rc"
}

# publish_env DIR: DIR/env.new (written by the caller) becomes DIR/env and is printed
publish_env() {
    chmod 644 "$1/env.new"
    mv -f "$1/env.new" "$1/env"
    cat "$1/env"
}
