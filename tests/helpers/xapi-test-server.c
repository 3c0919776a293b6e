/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen-sriov-api with the protocol tests' in-memory classes (real clients). */
#include <stdlib.h>

#include "tests/helpers/xapi-fixture.h"
#include "api/daemon.h"

int main(int argc, char **argv)
{
    struct xapi_daemon_options o;
    struct xapi_fixture f = { 0 };
    int r;

    r = xapi_daemon_parse(argc, argv, secure_getenv("SRIOV_ROOT"), &o);
    if (r != 0)
        return r > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    r = xapi_daemon_run(&o, xapi_fixture_setup, NULL, &f);
    xapi_daemon_options_dispose(&o);
    xapi_fixture_dispose(&f);
    return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
