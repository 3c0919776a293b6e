# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by the npm xen-api tests: installs xen-api@4.7.6 on first use
# and sets $cache, the directory whose node_modules has it.
# A per-user cache, outside the build tree (distclean leaves it alone);
# flock keeps parallel runs (plain and sanitizer builds) from racing.
if [ -n "${XAPI_NPM_CACHE:-}" ]; then
    cache=$XAPI_NPM_CACHE
elif [ -n "${XDG_CACHE_HOME:-}${HOME:-}" ]; then
    cache=${XDG_CACHE_HOME:-$HOME/.cache}/xen-sriov/npm-xen-api-4.7.6
else
    cache=$top_builddir/tests/npm-cache
fi
mkdir -p "$cache"
(
    flock 9
    pkg=$cache/node_modules/xen-api/package.json
    if ! grep -qs '"version": "4.7.6"' "$pkg"; then
        npm install --prefix "$cache" --no-audit --no-fund --loglevel=error \
            xen-api@4.7.6 >"$cache/install.log" 2>&1 || {
            cat "$cache/install.log"
            echo "FAIL: 'npm install xen-api@4.7.6' into $cache failed" \
                "(is the npm registry reachable?)"
            exit 1; }
    fi
) 9>"$cache/.lock"

# xapi_npm_stage CLIENT.mjs: the client and the module it imports, in a
# directory of this run below the cache ($rundir; node finds xen-api in
# the cache's node_modules); sets $client.  The caller removes $rundir.
xapi_npm_stage() {
    rundir=$cache/run-$$
    mkdir -p "$rundir"
    cp "$top_srcdir/tests/integration/$1" \
        "$top_srcdir/tests/integration/xapi-npm-steps.mjs" "$rundir/"
    client=$rundir/$1
}
