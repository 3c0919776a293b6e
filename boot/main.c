/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen-sriov-restore: the dom0 boot restore (boot/restore.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "boot/restore.h"

#define PROG "xen-sriov-restore"

/* Exit statuses (docs/restore.md). */
enum {
    EXIT_RESTORED = 0,          /* everything restored */
    EXIT_PARTIAL = 1,           /* some things not: the lines say which */
    EXIT_HARD = 2,              /* nothing could be done: the line says why */
    EXIT_USAGE = 64
};

static const char usage[] =
"Usage: " PROG " [--dry-run] [--verbose]\n"
"Bring SR-IOV networks back after a dom0 boot: load the store's snapshot\n"
"into an empty xenstore, enable each network's VFs in its configuration\n"
"mode, release the VFs of domains that are gone and put back those still\n"
"reserved.  Run once at boot, after xenstored and before xendomains and\n"
"xen-sriovd (xen-sriov-restore.service); running it again changes nothing.\n"
"\n"
"  --dry-run   say what would be done, change nothing\n"
"  --verbose   also report what needed nothing\n"
"  --help, --version\n"
"\n"
"Exit status: 0 all restored, 1 some things not restored (see the lines\n"
"above the summary), 2 nothing done (xenstored not running, the snapshot\n"
"unreadable), 64 bad usage.\n"
"Environment: SRIOV_ROOT (host root), XENSTORED_PATH (xenstored socket).\n";

static void report(void *userdata, bool problem, const char *line)
{
    (void)userdata;
    printf("%s%s\n", problem ? "not restored: " : "", line);
    fflush(stdout);
}

static void plugin_log(void *userdata, int level, const char *msg)
{
    (void)userdata;
    (void)level;
    fprintf(stderr, PROG ": %s\n", msg);
}

int main(int argc, char **argv)
{
    struct restore_opts o = { .report = report };
    struct plugin_opts po = { .log = plugin_log, .log_level = LOG_WARNING };
    struct restore_stats stats;
    char err[2048], line[512];
    int r;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dry-run") == 0) {
            o.dry_run = true;
        } else if (strcmp(argv[i], "--verbose") == 0) {
            o.verbose = true;
            po.log_level = LOG_INFO;
        } else if (strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return EXIT_RESTORED;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf(PROG " " PACKAGE_VERSION "\n");
            return EXIT_RESTORED;
        } else {
            fprintf(stderr, PROG ": unknown argument '%s'\n%s", argv[i],
                    usage);
            return EXIT_USAGE;
        }
    }
    if (!o.dry_run && geteuid() != 0) {
        fprintf(stderr, PROG ": restoring changes the host: run it as root "
                "(uid 0), or with --dry-run to see what it would do\n");
        return EXIT_HARD;
    }
    o.root = secure_getenv("SRIOV_ROOT");
#ifdef XEN_SRIOV_TEST_HOOKS
    /* Test only: no libxl or netlink for the reservations (no Xen). */
    po.dry_run = secure_getenv("XEN_SRIOV_TEST_DRY_RUN") != NULL;
#endif
    o.plugin = &po;

    r = restore_run(&o, &stats, err, sizeof(err));
    if (r < 0) {
        fprintf(stderr, PROG ": %s\n", *err ? err : strerror(-r));
        printf("%s\n", restore_summary(&stats, o.dry_run, line,
                                       sizeof(line)));
        return EXIT_HARD;
    }
    printf("%s\n", restore_summary(&stats, o.dry_run, line, sizeof(line)));
    return r > 0 ? EXIT_PARTIAL : EXIT_RESTORED;
}
