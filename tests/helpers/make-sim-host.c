/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* make-sim-host: build a simulated host from manifests into a directory. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/helpers/sim-host.h"

static void usage(FILE *f)
{
    fprintf(f,
        "Usage: make-sim-host [OPTIONS] MANIFEST... DIR\n"
        "       make-sim-host --generate PFSxVFS DIR\n"
        "Build a simulated host (a sysfs tree as the kernel lays it out) in\n"
        "DIR from manifests: paths, or names of tests/fixtures/sysfs/*.tree\n"
        "(\"x710-2pf\").  Programs see it with SRIOV_ROOT=DIR; preload\n"
        "kernel-sim.so to make writes behave as the kernel's.\n"
        "  --generate PFSxVFS  a benchmark host (e.g. 16x256) instead\n"
        "  --fixtures DIR      where manifest names are looked up\n"
        "  -h, --help          this text\n");
}

static int load(const char *root, const char *arg, const char *fixtures)
{
    char path[4096], err[1024];
    int r;

    if (strchr(arg, '/') || access(arg, F_OK) == 0)
        snprintf(path, sizeof(path), "%s", arg);
    else
        snprintf(path, sizeof(path), "%s/%s%s", fixtures, arg,
                 strstr(arg, ".tree") ? "" : ".tree");
    r = sim_host_load_file(root, path, err, sizeof(err));
    if (r < 0)
        fprintf(stderr, "make-sim-host: %s\n", err);
    return r;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "generate", required_argument, NULL, 'g' },
        { "fixtures", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *fixtures = SIM_FIXTURES_DIR, *generate = NULL, *root;
    int c;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
        switch (c) {
        case 'g':
            generate = optarg;
            break;
        case 'f':
            fixtures = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    if (argc - optind < (generate ? 1 : 2)) {
        usage(stderr);
        return 2;
    }
    root = argv[argc - 1];
    if (mkdir(root, 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, "make-sim-host: cannot create '%s': %s\n", root,
                strerror(errno));
        return 1;
    }
    if (generate) {
        unsigned pfs, vfs;
        char err[1024], *text;
        int r;

        if (sscanf(generate, "%ux%u", &pfs, &vfs) != 2 || !pfs ||
            pfs > 31 || vfs > 256) {
            fprintf(stderr, "make-sim-host: --generate wants PFSxVFS with "
                    "1-31 PFs and up to 256 VFs, e.g. 16x256\n");
            return 2;
        }
        text = sim_host_generate(pfs, vfs);
        if (!text)
            return 1;
        r = sim_host_load_text(root, text, "generated", err, sizeof(err));
        free(text);
        if (r < 0) {
            fprintf(stderr, "make-sim-host: %s\n", err);
            return 1;
        }
        return 0;
    }
    for (int i = optind; i < argc - 1; i++)
        if (load(root, argv[i], fixtures) < 0)
            return 1;
    return 0;
}
