#!/bin/bash
# Tests the Debian package the way an administrator meets it. It installs
# the package and checks the installed files, the conffile, the system user,
# the unit, the man pages and the binary. Then it reinstalls the package over
# itself, removes and purges it, and checks what is left. It prints one line
# per check and a last line "N passed, N failed", and exits 1 when a check
# failed.
#
# Usage: Tests/Packaging/test_package.sh [--isolated] [PACKAGE.deb]
#
# Without PACKAGE.deb, builds one with packaging/build-deb.sh (the Swift 6
# toolchain must be on PATH). Needs root.
#
# The test installs and purges wf2cloudinary on this machine, and a purge
# deletes /etc/wf2cloudinary and /var/lib/wf2cloudinary. So it refuses to
# run when the package or either folder is already there. With --isolated,
# it runs in a private mount namespace on an overlay of the root file
# system whose changes live in memory: the machine, including an existing
# installation, is left as it was.
set -uo pipefail

package=wf2cloudinary
repository=$(cd "$(dirname "$0")/../.." && pwd)
script=$repository/Tests/Packaging/test_package.sh

passed=${TEST_PACKAGE_PASSED:-0}
failed=${TEST_PACKAGE_FAILED:-0}

pass() {
    echo "ok    $1"
    passed=$((passed + 1))
}

# fail NAME [DETAIL...]: DETAIL lines are printed indented under the check.
fail() {
    echo "FAIL  $1"
    shift
    local line
    for line in "$@"; do
        printf '%s\n' "$line" | sed 's/^/      /'
    done
    failed=$((failed + 1))
}

# check NAME COMMAND...: passes when COMMAND exits 0.
check() {
    local name=$1
    shift
    if "$@" >/dev/null 2>&1; then
        pass "$name"
    else
        fail "$name"
    fi
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

# Runs COMMAND and checks that it exits 0 and prints nothing on stderr.
check_silent() {
    local name=$1 output status
    shift
    output=$("$@" 2>&1 >/dev/null)
    status=$?
    if [ "$status" -eq 0 ] && [ -z "$output" ]; then
        pass "$name"
    else
        fail "$name" "exit status $status" "$output"
    fi
}

# mode_and_owner PATH: prints "MODE USER:GROUP", e.g. "700 root:root".
mode_and_owner() {
    stat -c '%a %U:%G' "$1" 2>/dev/null
}

# --- Building ---------------------------------------------------------------

build_package() {
    local started finished version architecture
    echo "Building the package with packaging/build-deb.sh; the log is $work_folder/build.log"
    started=$(date +%s)
    if ! "$repository/packaging/build-deb.sh" "$repository/build/deb" >"$work_folder/build.log" 2>&1; then
        fail "package builds" "$(tail -n 20 "$work_folder/build.log")"
        finish
    fi
    finished=$(date +%s)
    version=$(cd "$repository" && dpkg-parsechangelog --show-field Version)
    architecture=$(dpkg-architecture --query DEB_HOST_ARCH)
    deb=$repository/build/deb/${package}_${version}_${architecture}.deb
    pass "package builds ($((finished - started)) s): $deb"
}

# --- Isolation ----------------------------------------------------------------

# Re-runs this script inside a new mount namespace, chrooted into an overlay
# of / whose upper layer is a tmpfs. Everything the test changes (dpkg's
# database, /etc/passwd, the installed files) vanishes with the namespace.
run_isolated() {
    local root=$work_folder/overlay status
    mkdir -p "$root"
    # The counts so far (the build) carry over into the summary of that run.
    TEST_PACKAGE_PASSED=$passed TEST_PACKAGE_FAILED=$failed \
        unshare --mount --propagation private -- "$script" --inside-overlay "$root" "$deb"
    status=$?
    rm -rf "$work_folder"
    exit "$status"
}

enter_overlay() {
    local root=$1 mount_point
    mount -t tmpfs -o mode=0700 wf2c-package-test "$root" || exit 1
    mkdir -p "$root/upper" "$root/work" "$root/merged"
    mount -t overlay overlay -o "lowerdir=/,upperdir=$root/upper,workdir=$root/work" "$root/merged" || exit 1
    for mount_point in proc sys dev; do
        mount --rbind "/$mount_point" "$root/merged/$mount_point" || exit 1
    done
    # Fresh /run and /tmp keep the host's sockets and locks out.
    # /run/systemd/system stays absent, as on a host where PID 1 is not systemd.
    mount -t tmpfs tmpfs "$root/merged/run" || exit 1
    mkdir -p "$root/merged/run/lock"
    mount -t tmpfs tmpfs "$root/merged/tmp" || exit 1
    # The package and this script may lie under the host's /tmp (a clone in
    # /tmp, for example), which the fresh /tmp hides in the chroot.
    cp "$deb" "$root/merged/tmp/" || exit 1
    cp "$script" "$root/merged/tmp/test_package.sh" || exit 1
    exec chroot "$root/merged" /bin/bash /tmp/test_package.sh --in-overlay "/tmp/$(basename "$deb")"
}

# --- Checks -------------------------------------------------------------------

check_metadata() {
    local depends names name unknown="" needed
    depends=$(dpkg-deb --field "$deb" Depends)
    echo "      Depends: $depends"

    for name in libc6 libcurl4 libssl3 libsystemd0 libjq1 libsqlite3-0; do
        if ! grep -Eq "(^|[ ,|])$name( |,|$)" <<<"$depends"; then
            unknown="$unknown missing:$name"
        fi
    done
    # Every alternative must be a Debian library or a systemd-sysusers provider,
    # which dh_installsysusers adds. Nothing may come from the Swift toolchain.
    names=$(tr ',|' '\n\n' <<<"$depends" | sed -E 's/\(.*\)//; s/[[:space:]]//g' | sed '/^$/d')
    for name in $names; do
        case "$name" in
            libc6 | libcurl4 | libssl3 | libsystemd0 | libjq1 | libsqlite3-0 | libstdc++6 | libgcc-s1) ;;
            systemd | systemd-standalone-sysusers | systemd-sysusers) ;;
            *) unknown="$unknown unexpected:$name" ;;
        esac
    done
    if [ -z "$unknown" ]; then
        pass "Depends lists only Debian libraries and systemd"
    else
        fail "Depends lists only Debian libraries and systemd" "$unknown"
    fi

    mkdir -p "$work_folder/contents"
    dpkg-deb --extract "$deb" "$work_folder/contents"
    needed=$(readelf --dynamic "$work_folder/contents/usr/bin/$package" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    if grep -Eiq 'swift|foundation|dispatch|blocksruntime' <<<"$needed"; then
        fail "binary links no shared Swift runtime library" "$needed"
    else
        pass "binary links no shared Swift runtime library"
    fi
}

check_preconditions() {
    local leftovers=""
    if dpkg-query --show --showformat='${Status}' "$package" 2>/dev/null | grep -q ' installed'; then
        leftovers="the package"
    fi
    [ ! -e /etc/wf2cloudinary ] || leftovers="${leftovers:+$leftovers, }/etc/wf2cloudinary"
    [ ! -e /var/lib/wf2cloudinary ] || leftovers="${leftovers:+$leftovers, }/var/lib/wf2cloudinary"
    if [ -z "$leftovers" ]; then
        pass "no earlier installation is present"
        return
    fi
    if [ "$isolated" = yes ]; then
        # Only the overlay changes: the host keeps its files.
        dpkg --purge "$package" >/dev/null 2>&1
        rm -rf /etc/wf2cloudinary /var/lib/wf2cloudinary
        pass "earlier installation hidden in the overlay: $leftovers"
        return
    fi
    fail "no earlier installation is present" \
        "found: $leftovers; the test's purge would delete them." \
        "Move them away, or run the test with --isolated to leave this machine untouched."
    finish
}

install_package() {
    local name="apt-get install succeeds"
    if [ ! -d /run/systemd/system ]; then
        name="$name while PID 1 is not systemd"
    fi
    if DEBIAN_FRONTEND=noninteractive apt-get install -y "$deb" </dev/null >"$work_folder/install.log" 2>&1; then
        pass "$name"
        installed_by_test=yes
    else
        fail "$name" "$(tail -n 20 "$work_folder/install.log")"
        finish
    fi
    check "dpkg reports the package installed" \
        test "$(dpkg-query --show --showformat='${Status}' "$package")" = "install ok installed"
}

check_files() {
    local file
    check "/usr/bin/wf2cloudinary is 0755 root:root" test "$(mode_and_owner /usr/bin/wf2cloudinary)" = "755 root:root"
    for file in /lib/systemd/system/wf2cloudinary.service /usr/lib/sysusers.d/wf2cloudinary.conf \
        /usr/share/man/man8/wf2cloudinary.8.gz /usr/share/man/man5/wf2cloudinary.json5.5.gz \
        /usr/share/doc/wf2cloudinary/README.md /usr/share/doc/wf2cloudinary/copyright \
        /usr/share/doc/wf2cloudinary/docs/installation.md /usr/share/doc/wf2cloudinary/docs/credentials.md \
        /usr/share/doc/wf2cloudinary/docs/configuration.md \
        /usr/share/doc/wf2cloudinary/examples/credentials-encrypted.conf; do
        check "$file is installed" test -f "$file"
    done
    check "the configuration file is 0644 root:root" \
        test "$(mode_and_owner /etc/wf2cloudinary/wf2cloudinary.json5)" = "644 root:root"
    check "the credentials folder is 0700 root:root" \
        test "$(mode_and_owner /etc/wf2cloudinary/credentials)" = "700 root:root"
    check "the credentials folder is empty" test -z "$(ls -A /etc/wf2cloudinary/credentials)"
}

check_conffile() {
    local conffiles expected
    conffiles=$(dpkg-query --show --showformat='${Conffiles}\n' "$package" | sed '/^$/d')
    expected=" /etc/wf2cloudinary/wf2cloudinary.json5 $(md5sum </etc/wf2cloudinary/wf2cloudinary.json5 | cut -d' ' -f1)"
    if [ "$conffiles" = "$expected" ]; then
        pass "the configuration file is the only conffile"
    else
        fail "the configuration file is the only conffile" "dpkg-query reports:" "$conffiles"
    fi
}

check_user() {
    local entry uid home shell
    if ! entry=$(getent passwd wf2cloudinary); then
        fail "system user wf2cloudinary exists"
        return
    fi
    pass "system user wf2cloudinary exists: $entry"
    IFS=: read -r _ _ uid _ _ home shell <<<"$entry"
    check "the user's UID $uid is a system UID (below 1000)" test "$uid" -lt 1000
    check "the user's home is /var/lib/wf2cloudinary" test "$home" = /var/lib/wf2cloudinary
    check "the user has no login shell ($shell)" test "${shell##*/}" = nologin
    check "group wf2cloudinary exists" getent group wf2cloudinary
}

check_unit() {
    local unit=/lib/systemd/system/wf2cloudinary.service link security exposure example folder
    link=/etc/systemd/system/multi-user.target.wants/wf2cloudinary.service
    check "the unit is enabled ($link)" test "$(readlink "$link")" = "$unit"
    check_silent "systemd-analyze verify prints nothing on stderr" systemd-analyze verify "$unit"

    security=$(systemd-analyze security --offline=yes --threshold=20 "$unit" 2>&1)
    exposure=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<<"$security")
    if [ -z "$exposure" ]; then
        fail "systemd-analyze security reports an exposure" "$(tail -n 5 <<<"$security")"
    elif awk -v value="$exposure" 'BEGIN { exit !(value <= 2.0) }'; then
        pass "security exposure $exposure is 2.0 or lower"
    else
        fail "security exposure $exposure is 2.0 or lower"
    fi

    # The example drop-ins from the credentials guide, each on a copy of the unit.
    for example in /usr/share/doc/wf2cloudinary/examples/credentials-*.conf; do
        folder=$work_folder/dropin-$(basename "$example" .conf)
        mkdir -p "$folder/wf2cloudinary.service.d"
        cp "$unit" "$folder/"
        cp "$example" "$folder/wf2cloudinary.service.d/credentials.conf"
        check_silent "unit with drop-in $(basename "$example") verifies" \
            systemd-analyze verify "$folder/wf2cloudinary.service"
    done
}

check_man_pages() {
    local page
    for page in /usr/share/man/man8/wf2cloudinary.8.gz /usr/share/man/man5/wf2cloudinary.json5.5.gz; do
        check_silent "man renders $(basename "$page") without warnings" env MANWIDTH=80 man --warnings -l "$page"
    done
    check "man -w 8 wf2cloudinary finds the page" \
        test "$(man -w 8 wf2cloudinary 2>/dev/null)" = /usr/share/man/man8/wf2cloudinary.8.gz
    check "man -w 5 wf2cloudinary.json5 finds the page" \
        test "$(man -w 5 wf2cloudinary.json5 2>/dev/null)" = /usr/share/man/man5/wf2cloudinary.json5.5.gz
}

check_binary() {
    local output status version
    version=$(dpkg-query --show --showformat='${Version}' "$package")
    output=$(wf2cloudinary --version 2>&1)
    status=$?
    if [ "$status" -eq 0 ] && [[ "$output" == "wf2cloudinary ${version%%-*} "* ]]; then
        pass "wf2cloudinary --version matches the package version: $output"
    else
        fail "wf2cloudinary --version matches the package version ${version%%-*}" "exit status $status" "$output"
    fi
}

# Writes a complete JWT login and a Cloudinary URL into FOLDER, as an
# administrator would. The values are placeholders, because check-config
# contacts neither service.
write_credentials() {
    local folder=$1
    mkdir -p -m 0700 "$folder"
    (
        umask 077
        cd "$folder" || exit 1
        echo "cloudinary://123456789012345:abcdefghijklmnopqrstuvwxyz0@example-cloud" >cloudinary-url
        echo "0123456789abcdef0123456789abcdef" >workfront-client-id
        echo "client-secret-placeholder" >workfront-client-secret
        echo "0123456789ABCDEF@AdobeOrg" >workfront-customer-id
        echo "0123456789abcdef0123456789abcdef" >workfront-user-id
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out workfront-private-key 2>/dev/null
    )
}

check_configuration() {
    local credentials=$work_folder/credentials output status every_key=$work_folder/every-key.json5
    output=$(env -u CREDENTIALS_DIRECTORY -u CLOUDINARY_URL wf2cloudinary check-config --state-dir "$work_folder/state-empty" 2>&1)
    status=$?
    if [ "$status" -eq 2 ] && grep -q cloudinary-url <<<"$output"; then
        pass "check-config without credentials exits 2 and names cloudinary-url"
    else
        fail "check-config without credentials exits 2 and names cloudinary-url" "exit status $status" "$output"
    fi

    write_credentials "$credentials"
    # No --state-dir: the default is /var/lib/wf2cloudinary, which only the
    # service may create, owned by its user.
    output=$(CREDENTIALS_DIRECTORY=$credentials wf2cloudinary check-config 2>&1)
    status=$?
    if [ "$status" -eq 0 ]; then
        pass "check-config accepts the shipped configuration: $output"
    else
        fail "check-config accepts the shipped configuration" "exit status $status" "$output"
    fi
    check "check-config as root creates no /var/lib/wf2cloudinary" test ! -e /var/lib/wf2cloudinary

    # Every commented-out key of the shipped file, uncommented, must be valid.
    sed -E 's#^([[:space:]]*)// ([a-z][A-Za-z]*: )#\1\2#' /etc/wf2cloudinary/wf2cloudinary.json5 >"$every_key"
    output=$(CREDENTIALS_DIRECTORY=$credentials wf2cloudinary check-config --config "$every_key" \
        --state-dir "$work_folder/state-every-key" 2>&1)
    status=$?
    if [ "$status" -eq 0 ]; then
        pass "check-config accepts the shipped file with every key uncommented"
    else
        fail "check-config accepts the shipped file with every key uncommented" "exit status $status" "$output"
    fi
}

check_upgrade() {
    local marker="// changed by test_package.sh"
    echo "$marker" >>/etc/wf2cloudinary/wf2cloudinary.json5
    if DEBIAN_FRONTEND=noninteractive dpkg --install "$deb" </dev/null >"$work_folder/upgrade.log" 2>&1; then
        pass "reinstalling over the installed package succeeds"
    else
        fail "reinstalling over the installed package succeeds" "$(tail -n 20 "$work_folder/upgrade.log")"
    fi
    check "the changed configuration file is kept" grep -qF "$marker" /etc/wf2cloudinary/wf2cloudinary.json5
}

check_remove_and_purge() {
    install -m 0600 "$work_folder/credentials/cloudinary-url" /etc/wf2cloudinary/credentials/cloudinary-url
    # The state a service run leaves: its folder and upload journal.
    install -d -o wf2cloudinary -g wf2cloudinary -m 0700 /var/lib/wf2cloudinary
    install -o wf2cloudinary -g wf2cloudinary -m 0600 /dev/null /var/lib/wf2cloudinary/journal.sqlite3

    if DEBIAN_FRONTEND=noninteractive apt-get remove -y "$package" </dev/null >"$work_folder/remove.log" 2>&1; then
        pass "apt-get remove succeeds"
    else
        fail "apt-get remove succeeds" "$(tail -n 20 "$work_folder/remove.log")"
    fi
    check "remove deletes the binary" test ! -e /usr/bin/wf2cloudinary
    check "remove keeps the configuration file" test -f /etc/wf2cloudinary/wf2cloudinary.json5
    check "remove keeps the credentials" test -f /etc/wf2cloudinary/credentials/cloudinary-url
    check "remove keeps the upload journal" test -f /var/lib/wf2cloudinary/journal.sqlite3

    if DEBIAN_FRONTEND=noninteractive apt-get purge -y "$package" </dev/null >"$work_folder/purge.log" 2>&1; then
        pass "apt-get purge succeeds"
        installed_by_test=no
    else
        fail "apt-get purge succeeds" "$(tail -n 20 "$work_folder/purge.log")"
    fi
    check "purge deletes /etc/wf2cloudinary, credentials included" test ! -e /etc/wf2cloudinary
    check "purge deletes the state directory /var/lib/wf2cloudinary" test ! -e /var/lib/wf2cloudinary
    check "purge deletes the unit" test ! -e /lib/systemd/system/wf2cloudinary.service
    check "purge deletes the enablement symlink" \
        test ! -L /etc/systemd/system/multi-user.target.wants/wf2cloudinary.service
    check "dpkg no longer knows the package" \
        test -z "$(dpkg-query --show --showformat='${Status}' "$package" 2>/dev/null | grep -v not-installed)"
    check "purge keeps the system user, as Debian does" getent passwd wf2cloudinary
}

cleanup() {
    if [ "$installed_by_test" = yes ]; then
        DEBIAN_FRONTEND=noninteractive apt-get purge -y "$package" </dev/null >/dev/null 2>&1
    fi
    [ -z "$work_folder" ] || rm -rf "$work_folder"
}

# --- Main ---------------------------------------------------------------------

if [ "$(id -u)" -ne 0 ]; then
    echo "error: $0 must run as root, because it installs and purges the package" >&2
    exit 2
fi

isolated=no
deb=""
case "${1:-}" in
    --inside-overlay)
        # Step 2 of --isolated: in the new mount namespace, outside the chroot.
        deb=$3
        enter_overlay "$2"
        ;;
    --in-overlay)
        # Step 3 of --isolated: in the chroot on the overlay.
        isolated=yes
        deb=$2
        ;;
    --isolated)
        isolated=requested
        deb=${2:-}
        ;;
    -*)
        echo "usage: $0 [--isolated] [PACKAGE.deb]" >&2
        exit 2
        ;;
    *)
        deb=${1:-}
        ;;
esac

work_folder=$(mktemp -d /tmp/wf2c-package-test.XXXXXX)
installed_by_test=no
trap cleanup EXIT

if [ -z "$deb" ]; then
    build_package
elif [ -f "$deb" ]; then
    deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
else
    fail "package file exists: $deb"
    finish
fi

if [ "$isolated" = requested ]; then
    trap - EXIT
    run_isolated
fi

if [ "$isolated" = yes ]; then
    echo "Running in a private overlay of /: this machine is not changed"
fi
echo "Testing $deb"
check_metadata
check_preconditions
install_package
check_files
check_conffile
check_user
check_unit
check_man_pages
check_binary
check_configuration
check_upgrade
check_remove_and_purge
finish
