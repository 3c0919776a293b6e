/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen-sriov-store: check, snapshot, load and migrate the object store. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

static void usage(FILE *f)
{
    fprintf(f,
"Usage: xen-sriov-store [--root DIR] COMMAND [ARGS]\n"
"\n"
"The xen-sriov object store in xenstore (" SCHEMA_ROOT ") and its\n"
"snapshot (<root>/var/lib/xen-sriov/" STORE_SNAPSHOT_FILE ").\n"
"\n"
"Commands:\n"
"  init               create the store root if it does not exist\n"
"  check              check every node against the schema; list problems\n"
"  snapshot           write the whole store to the snapshot now\n"
"  verify [FILE]      check a snapshot file without loading it\n"
"  load [FILE] [--replace]\n"
"                     load a snapshot into xenstore (refused if the store\n"
"                     has objects, unless --replace)\n"
"  migrate            migrate the store to schema version %d\n"
"\n"
"Options:\n"
"  --root DIR         host root (default: $SRIOV_ROOT, else /)\n"
"  -h, --help         this help\n"
"  --version          the program's and the schema's versions\n"
"xenstored is found as libxenstore finds it ($XENSTORED_PATH).\n",
            SCHEMA_VERSION);
}

static void print_problem(void *userdata, const char *problem)
{
    (void)userdata;
    printf("%s\n", problem);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "root", required_argument, NULL, 'r' },
        { "replace", no_argument, NULL, 'R' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { 0 },
    };
    struct store_opts o = { .root = secure_getenv("SRIOV_ROOT") };
    const char *cmd, *file;
    bool replace = false;
    char err[512];
    store *s = NULL;
    int c, r;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            o.root = optarg;
            break;
        case 'R':
            replace = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("xen-sriov-store " PACKAGE_VERSION " (schema version "
                   "%d)\n", SCHEMA_VERSION);
            return 0;
        default:
            fprintf(stderr, "Run 'xen-sriov-store --help' for usage.\n");
            return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    cmd = argv[optind];
    file = optind + 1 < argc ? argv[optind + 1] : NULL;
    if (optind + 2 < argc) {
        fprintf(stderr, "xen-sriov-store: too many arguments\n");
        return 2;
    }
    if (strcmp(cmd, "init") && strcmp(cmd, "check") &&
        strcmp(cmd, "snapshot") && strcmp(cmd, "verify") &&
        strcmp(cmd, "load") && strcmp(cmd, "migrate")) {
        fprintf(stderr, "xen-sriov-store: unknown command '%s': run "
                "'xen-sriov-store --help'\n", cmd);
        return 2;
    }
    r = store_open(&s, &o, err, sizeof(err));
    if (r < 0) {
        fprintf(stderr, "xen-sriov-store: %s\n", err);
        return 1;
    }
    if (!strcmp(cmd, "init")) {
        r = store_init(s);
    } else if (!strcmp(cmd, "check")) {
        r = store_check(s, print_problem, NULL);
        if (r > 0) {
            fprintf(stderr, "xen-sriov-store: %d problem%s\n", r,
                    r == 1 ? "" : "s");
            store_close(s);
            return 1;
        }
    } else if (!strcmp(cmd, "snapshot")) {
        r = store_snapshot_write(s);
    } else if (!strcmp(cmd, "verify")) {
        r = store_snapshot_verify(s, file);
        if (r >= 0)
            printf("%d objects\n", r);
    } else if (!strcmp(cmd, "load")) {
        r = store_snapshot_load(s, file, replace ? STORE_LOAD_REPLACE : 0);
        if (r >= 0)
            printf("%d objects loaded\n", r);
    } else {
        r = store_migrate(s);
        if (r >= 0)
            printf(r == SCHEMA_VERSION ? "schema version %d: nothing to do\n"
                   : "migrated from schema version %d\n", r);
    }
    if (r < 0) {
        fprintf(stderr, "xen-sriov-store: %s\n", store_last_error(s));
        store_close(s);
        return 1;
    }
    store_close(s);
    return 0;
}
