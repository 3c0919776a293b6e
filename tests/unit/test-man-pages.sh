#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The man pages of the programs: every program installed in bin or sbin has
# one in dist_man_MANS; each renders without a groff warning, its .TH and
# NAME line name the program, and it documents every option its --help
# lists (in OPTIONS) and every command (in COMMANDS).  man/xe.1 has its own
# test (tests/xe/manpage.sh: every xe command).
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
command -v groff >/dev/null 2>&1 || { echo "SKIP: groff is missing (Debian: groff-base)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# 1. Every installed program has a distributed man page (lintian:
# binary-without-manpage).
cat "$top_srcdir/Makefile.am" "$top_srcdir"/*/local.mk >"$tmp/mk"
sed -n 's/^s\{0,1\}bin_PROGRAMS[[:space:]]*+=[[:space:]]*//p' "$tmp/mk" |
    tr ' \t' '\n\n' | sed '/^$/d' | LC_ALL=C sort -u >"$tmp/programs"
[ -s "$tmp/programs" ] || fail "no bin_PROGRAMS or sbin_PROGRAMS found in the local.mk files"
sed -n 's/^dist_man_MANS[[:space:]]*+=[[:space:]]*//p' "$tmp/mk" |
    tr ' \t' '\n\n' | sed '/^$/d' >"$tmp/pages"
while read -r path; do
    prog=${path##*/}
    page=$(grep -E "^man/$prog\.[1-8]\$" "$tmp/pages" || :)
    if [ -z "$page" ]; then
        fail "$prog is installed but no man/$prog.N is in dist_man_MANS (add it to its folder's local.mk)"
    elif [ ! -f "$top_srcdir/$page" ]; then
        fail "$page is in dist_man_MANS but not in the tree"
    fi
done <"$tmp/programs"

# The text of one section of a page rendered as plain text: from its
# heading to the next one (headings are the lines in capitals at column 0).
section() {
    awk -v want="$2" '
        /^[A-Z][A-Z ]*$/ { on = ($0 == want); next }
        on' "$1"
}

# The options a --help text lists: words starting with - or -- after a
# blank, a comma, "(", "[" or "|".
help_options() {
    grep -oE '(^|[][ ,(|])--?[A-Za-z][A-Za-z0-9-]*' "$1" |
        sed 's/^[][ ,(|]//' | LC_ALL=C sort -u
}

# The commands a --help text lists: the first words of the lines of a
# "Commands:" block, and a usage line's first word after its options
# ("sriov-info [OPTIONS] set-numvfs PF N|max").
help_commands() {
    awk -v prog="$2" '
        /^Commands:/ { block = 1; next }
        block && /^$/ { block = 0 }
        block && /^  [a-z]/ { print $1 }
        { s = $1 == "Usage:" ? 2 : 1 }
        $s == prog {
            for (i = s + 1; i <= NF; i++) {
                w = $i
                if (w ~ /^\[?-/ || w == "[OPTIONS]" || w ~ /^[A-Z]+\]$/)
                    continue
                sub(/^\[/, "", w)
                if (w ~ /^[a-z][a-z-]*$/)
                    print w
                break
            }
        }' "$1" | LC_ALL=C sort -u
}

# 2. Each page against its program.
while read -r path; do
    prog=${path##*/}
    page=$(grep -E "^man/$prog\.[1-8]\$" "$tmp/pages" || :)
    [ -n "$page" ] && [ -f "$top_srcdir/$page" ] || continue
    [ "$prog" = xe ] && continue
    src=$top_srcdir/$page
    bin=$top_builddir/$path
    [ -x "$bin" ] || { fail "$path is not built"; continue; }

    groff -man -Tutf8 -ww -z "$src" 2>"$tmp/warnings"
    if [ -s "$tmp/warnings" ]; then
        fail "groff warns about $page:"
        cat "$tmp/warnings"
    fi

    sec=${page##*.}
    th=$(sed -n 's/^\.TH[[:space:]]\{1,\}\([^[:space:]]*\)[[:space:]]\{1,\}\([^[:space:]]*\).*/\1 \2/p' "$src" | head -n 1)
    want=$(printf '%s %s' "$prog" "$sec" | tr '[:lower:]' '[:upper:]')
    [ "$th" = "$want" ] || fail "$page: .TH says '$th', not '$want'"

    # No hyphenation and long lines: every phrase is on one line.
    LC_ALL=C groff -man -Tascii -P-cbou -rHY=0 -rLL=1000n "$src" \
        2>/dev/null >"$tmp/text"
    section "$tmp/text" NAME | grep -q "^ *$prog - ." ||
        fail "$page: the NAME line does not read '$prog - <what it does>'"
    section "$tmp/text" OPTIONS >"$tmp/options"
    section "$tmp/text" COMMANDS >"$tmp/commands"

    "$bin" --help >"$tmp/help" 2>&1 || fail "$prog --help failed"
    help_options "$tmp/help" >"$tmp/opts"
    [ -s "$tmp/opts" ] || fail "$prog --help lists no option"
    while read -r opt; do
        grep -Eq -- "(^|[^A-Za-z0-9-])$opt([^A-Za-z0-9-]|\$)" "$tmp/options" ||
            fail "$page: OPTIONS does not describe $opt (from $prog --help)"
    done <"$tmp/opts"
    help_commands "$tmp/help" "$prog" >"$tmp/cmds"
    while read -r cmd; do
        grep -Eq -- "^ +$cmd( |\$)" "$tmp/commands" ||
            fail "$page: COMMANDS does not describe $cmd (from $prog --help)"
    done <"$tmp/cmds"
    echo "checked $page: $(wc -l <"$tmp/opts") options, $(wc -l <"$tmp/cmds") commands"
done <"$tmp/programs"

[ "$fails" -eq 0 ] || exit 1
echo "PASS: every installed program has a man page that renders cleanly and documents its --help"
