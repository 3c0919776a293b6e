#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# README's two command lines as a new user meets them: no sudo in them,
# tools/install-deps without root asks sudo itself or, with no sudo on the
# machine, says to run it as root; tools/demo without the build dependencies
# says to run tools/install-deps first and builds nothing.  Run without root
# (as nobody when the test runs as root) and with a PATH that has no sudo.
set -eu
: "${top_srcdir:?}"
tmp=$(mktemp -d -t readme-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# The first two lines of README's first sh block, comments dropped.
sed -n '/^```sh$/,/^```$/p' "$top_srcdir/README.md" | sed '1d;$d' |
    sed 's/[[:space:]]*#.*$//' | head -n 2 >"$tmp/commands"
[ "$(wc -l <"$tmp/commands")" -eq 2 ] || fail "README lacks two command lines"
grep -qw sudo "$tmp/commands" && fail "README's commands use sudo: $(cat "$tmp/commands")"
for word in $(tr '&|;' '   ' <"$tmp/commands"); do
    case $word in
    tools/*) [ -x "$top_srcdir/$word" ] || fail "README names $word, not executable" ;;
    esac
done
grep -q '^tools/install-deps && tools/demo$' "$tmp/commands" ||
    fail "README's first line is not 'tools/install-deps && tools/demo': $(head -n 1 "$tmp/commands")"

# A copy of the scripts a user without root can read, and a PATH with only
# what they need before their first check: no sudo, no compiler, no apt-get.
mkdir -p "$tmp/tree/tools" "$tmp/bin" "$tmp/sudo-bin"
cp "$top_srcdir/tools/install-deps" "$top_srcdir/tools/demo" "$tmp/tree/tools/"
for c in sh id dirname cat; do
    p=$(command -v "$c") || { fail "no $c on this machine"; continue; }
    ln -s "$p" "$tmp/bin/$c"
done
# sudo as a user with sudo has it: runs the command as root.  Here it notes
# what it was asked and does not run it (the test must not install).
cat >"$tmp/sudo-bin/sudo" <<'SH'
#!/bin/sh
printf '%s\n' "$*" >"${SUDO_LOG:?}"
SH
chmod 755 "$tmp/sudo-bin/sudo" "$tmp/tree/tools/"*
chmod -R a+rX "$tmp"
mkdir -m 1777 "$tmp/log"

# run_user PATH CMD...: CMD without root, PATH as given, nothing else inherited
run_user() {
    path=$1; shift
    set +e
    if [ "$(id -u)" -eq 0 ]; then
        setpriv --reuid=65534 --regid=65534 --clear-groups \
            env -i PATH="$path" HOME="$tmp" SUDO_LOG="$tmp/log/sudo.log" "$@" \
            >"$tmp/out" 2>"$tmp/err"
    else
        env -i PATH="$path" HOME="$tmp" SUDO_LOG="$tmp/log/sudo.log" "$@" \
            >"$tmp/out" 2>"$tmp/err"
    fi
    status=$?
    set -e
}
if [ "$(id -u)" -eq 0 ] && ! command -v setpriv >/dev/null 2>&1; then
    echo "SKIP: running as root and no setpriv to drop root"
    exit 77
fi

# install-deps, no root, no sudo on the machine
run_user "$tmp/bin" "$tmp/tree/tools/install-deps"
[ "$status" -eq 1 ] || fail "install-deps without root or sudo exited $status, not 1"
grep -q 'no sudo' "$tmp/err" && grep -q 'as root' "$tmp/err" ||
    fail "install-deps does not say to run it as root: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "install-deps' error is not one line: $(cat "$tmp/err")"

# install-deps, no root, sudo there: it runs itself through sudo
run_user "$tmp/bin:$tmp/sudo-bin" "$tmp/tree/tools/install-deps"
[ "$status" -eq 0 ] || fail "install-deps through sudo exited $status: $(cat "$tmp/err")"
[ "$(cat "$tmp/log/sudo.log" 2>/dev/null)" = "-- $tmp/tree/tools/install-deps" ] ||
    fail "install-deps did not run itself through sudo: '$(cat "$tmp/log/sudo.log" 2>/dev/null)'"

# demo, no root, no build dependencies: says what to run, builds nothing
run_user "$tmp/bin" "$tmp/tree/tools/demo"
[ "$status" -eq 1 ] || fail "demo without dependencies exited $status, not 1"
grep -q 'run tools/install-deps first' "$tmp/err" ||
    fail "demo does not say to run tools/install-deps: $(cat "$tmp/err")"
grep -q 'lacks .*autoreconf' "$tmp/err" ||
    fail "demo does not name what is missing: $(cat "$tmp/err")"
[ ! -e "$tmp/tree/build" ] || fail "demo started a build without its dependencies"

[ "$fails" -eq 0 ] || exit 1
echo "README's commands: no sudo; install-deps and demo without root say what to do"
