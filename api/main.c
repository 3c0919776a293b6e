/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen-sriov-api: the XenAPI endpoint on its own (xen-sriovd embeds it). */
#include <stdlib.h>

#include "api/daemon.h"

int main(int argc, char **argv)
{
    struct xapi_daemon_options o;
    int r;

    r = xapi_daemon_parse(argc, argv, secure_getenv("SRIOV_ROOT"), &o);
    if (r != 0)
        return r > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    r = xapi_daemon_run(&o, NULL, NULL, NULL);
    xapi_daemon_options_dispose(&o);
    return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
