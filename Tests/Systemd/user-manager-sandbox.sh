#!/bin/bash
# Starts a real systemd-journald and a real `systemd --user` manager in a
# private mount and cgroup namespace, for tests that run units through them.
#
# Usage: user-manager-sandbox.sh DIR
#
# DIR must be an empty folder. The manager gets HOME=DIR/home, so unit files
# go in DIR/home/.config/systemd/user/, and XDG_RUNTIME_DIR=/run/systemd/user
# on a tmpfs that only the namespace sees. The runtime folder holds the
# notify socket, so it must not be where PrivateTmp= or ProtectHome= hide
# things (/tmp, /run/user, /home, /root). Once both daemons answer, the
# script prints one line, `READY <pid>`, where <pid> is a process inside the
# namespace. Run commands there with
#
#   nsenter --target <pid> --mount -- env XDG_RUNTIME_DIR=/run/systemd/user \
#       systemctl --user ...
#
# The script runs until its standard input reaches end of file or it gets
# SIGTERM. It then stops the manager and journald by PID, ends any process
# still left in its cgroup, and removes the cgroup. Needs root, unshare(1)
# and a cgroup2 hierarchy (systemd 252 on Debian 12 was tested).
#
# The host is left alone: journald and the manager see tmpfs mounts over
# /run/systemd, /run/log and /var/log/journal, and a journald.conf with
# Storage=volatile bound over the real one. The cgroup namespace is rooted at
# a new child cgroup of the caller's, so the manager's init.scope and
# app.slice live under it instead of at the top of the host's hierarchy,
# and several sandboxes can run at once.
set -euo pipefail

fail() {
    echo "user-manager-sandbox: $*" >&2
    exit 1
}

# The cgroup2 mount point: /sys/fs/cgroup on a unified host, or
# /sys/fs/cgroup/unified on a hybrid one.
cgroup2_root() {
    local candidate
    for candidate in /sys/fs/cgroup /sys/fs/cgroup/unified; do
        if [ "$(stat -f -c %T "$candidate" 2>/dev/null)" = cgroup2fs ]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# Sends SIGTERM to PID, waits up to SECONDS for it to exit, then SIGKILL.
stop_process() {
    local pid=$1 seconds=$2 tick
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((tick = 0; tick < seconds * 10; tick++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Creates the nodes that PID 1 makes at boot and that the manager mounts over
# paths that ProtectHome=, ProtectKernelTunables=, ProtectKernelLogs= and
# the like hide. Without them those options fail with 226/NAMESPACE.
make_inaccessible_nodes() {
    local folder=$1
    mkdir -p "$folder"
    install -m 0000 /dev/null "$folder/reg"
    mkdir -m 0000 "$folder/dir"
    mkfifo -m 0000 "$folder/fifo"
    mknod -m 0000 "$folder/chr" c 0 0
    mknod -m 0000 "$folder/blk" b 0 0
    # mknod(1) cannot make a socket node; binding a unix socket does.
    python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$folder/sock"
    chmod 0000 "$folder/sock"
}

# Inside the namespaces: mounts, journald, the manager, then wait.
run_inside() {
    local dir=$1
    local runtime=/run/systemd/user home=$dir/home
    local journald_pid manager_pid tick state

    # Everything below mounts over host paths, so refuse to run outside a
    # new mount namespace.
    if [ "$(readlink /proc/self/ns/mnt)" = "$(readlink /proc/1/ns/mnt)" ]; then
        fail "--inside must run in a new mount namespace"
    fi
    # The cgroup namespace only changes what /proc/*/cgroup shows; a fresh
    # cgroup2 mount is what makes the manager see its sandbox cgroup as the
    # root. Unified mode: no v1 controller hierarchy is visible to it.
    mount -t cgroup2 cgroup2 /sys/fs/cgroup
    # MountAPIVFS=, which ProtectProc=, ProcSubset= and
    # ProtectControlGroups= imply, puts an empty tmpfs on /run unless /run
    # is already a mount point. In a container it may not be, and then
    # services lose journald's socket.
    mount --rbind /run /run
    # unshare made every mount private, so nothing below reaches the host.
    # Shared again inside, they let the manager's credential mounts (made
    # in a child namespace and moved into place) show up for services. This
    # comes after the bind: a bind of a shared mount joins its peer group,
    # every mount under /run would then appear twice, and systemd fails to
    # set up the namespace of a unit's second process (226/NAMESPACE).
    mount --make-rshared /
    mount -t tmpfs -o mode=0755 tmpfs /run/systemd
    mount -t tmpfs -o mode=0755 tmpfs /run/log
    mkdir -m 0700 "$runtime"
    if [ -d /var/log/journal ]; then
        mount -t tmpfs -o mode=0755 tmpfs /var/log/journal
    fi
    mkdir -p /run/systemd/system /run/systemd/journal /run/log/journal
    make_inaccessible_nodes /run/systemd/inaccessible
    printf '[Journal]\nStorage=volatile\nReadKMsg=no\n' >"$dir/journald.conf"
    mount --bind "$dir/journald.conf" /etc/systemd/journald.conf

    /lib/systemd/systemd-journald </dev/null >"$dir/journald.log" 2>&1 &
    journald_pid=$!
    for ((tick = 0; tick < 100; tick++)); do
        [ -S /run/systemd/journal/socket ] && break
        sleep 0.05
    done
    [ -S /run/systemd/journal/socket ] || fail "journald did not create its socket; see $dir/journald.log"

    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" XDG_RUNTIME_DIR="$runtime" LANG=C.UTF-8 \
        /lib/systemd/systemd --user </dev/null >"$dir/manager.log" 2>&1 &
    manager_pid=$!
    trap 'stop_process "$manager_pid" 60; stop_process "$journald_pid" 10; exit 0' TERM
    for ((tick = 0; tick < 200; tick++)); do
        state=$(XDG_RUNTIME_DIR=$runtime systemctl --user is-system-running 2>/dev/null || true)
        [ "$state" = running ] || [ "$state" = degraded ] && break
        sleep 0.05
    done
    [ "$state" = running ] || [ "$state" = degraded ] ||
        fail "the user manager did not start (state: ${state:-none}); see $dir/manager.log"

    echo "READY $$"
    # `read` returns at end of input, or early when SIGTERM runs the trap.
    while read -r _; do :; done
    stop_process "$manager_pid" 60
    stop_process "$journald_pid" 10
}

# Ends every process left in CGROUP and its children, then removes them.
remove_cgroup() {
    local cgroup=$1 pid tick
    [ -d "$cgroup" ] || return 0
    for pid in $(find "$cgroup" -name cgroup.procs -exec cat {} +); do
        kill -KILL "$pid" 2>/dev/null || true
    done
    for ((tick = 0; tick < 50; tick++)); do
        find "$cgroup" -depth -type d -exec rmdir {} + 2>/dev/null && return 0
        sleep 0.1
    done
    echo "user-manager-sandbox: could not remove $cgroup" >&2
}

if [ "${1:-}" = --inside ]; then
    run_inside "$2"
    exit 0
fi

[ $# -eq 1 ] || fail "usage: $0 DIR"
[ "$(id -u)" -eq 0 ] || fail "needs root"
command -v unshare >/dev/null || fail "unshare(1) not found"
dir=$(realpath "$1")
[ -d "$dir" ] || fail "$dir is not a folder"
mkdir -p "$dir/home/.config/systemd/user"

root=$(cgroup2_root) || fail "no cgroup2 hierarchy under /sys/fs/cgroup"
own=$(sed -n 's/^0:://p' /proc/self/cgroup)
sandbox_cgroup="$root${own%/}/wf2c-sandbox-$$"
mkdir "$sandbox_cgroup"
trap 'remove_cgroup "$sandbox_cgroup"' EXIT

# The child joins the sandbox cgroup before unshare, so the new cgroup
# namespace is rooted there; this script stays outside to clean up. A
# background job reads /dev/null unless redirected, and the child needs this
# script's standard input to notice its end.
exec 3<&0
bash -c 'echo $$ >"$1/cgroup.procs" && exec unshare --mount --cgroup --propagation private "$2" --inside "$3"' \
    sandbox "$sandbox_cgroup" "$(realpath "$0")" "$dir" <&3 &
inside_pid=$!
trap 'kill -TERM "$inside_pid" 2>/dev/null || true' TERM
# `wait` returns early when SIGTERM runs the trap, so wait again.
wait "$inside_pid" || wait "$inside_pid" || true
