/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sriov-info: show the host's SR-IOV devices; enable, disable, bind VFs. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-info/sriov-info.h"

#define EXIT_USAGE 2

static void usage(FILE *f)
{
    fputs("Usage: sriov-info [OPTIONS] [show [PF|IFNAME]]\n"
          "       sriov-info [OPTIONS] set-numvfs PF N|max\n"
          "       sriov-info [OPTIONS] enable PF [N|max]\n"
          "       sriov-info [OPTIONS] disable PF\n"
          "       sriov-info [OPTIONS] mode PF\n"
          "       sriov-info [OPTIONS] bind DEVICE DRIVER\n"
          "       sriov-info [OPTIONS] unbind DEVICE\n"
          "Show the SR-IOV physical functions of this host with their VFs,\n"
          "drivers, interfaces and IOMMU groups; change the VFs of a PF.\n"
          "The host root is $SRIOV_ROOT (default /).\n\n"
          "  -n, --names      vendor, device and class names (pci.ids)\n"
          "  -a, --all        also list plain NICs (not SR-IOV capable)\n"
          "  -j, --json       print JSON\n"
          "  -q, --quiet      print nothing (exit status only)\n"
          "  -f, --force      change VFs even when in use\n"
          "  -m, --mode=MODE  sysfs, modprobe or manual (enable, disable)\n"
          "  -h, --help       this text\n"
          "      --version    the version\n", f);
}

static int fail(sriov_ctx *ctx, int r)
{
    const char *msg = ctx ? sriov_ctx_last_error(ctx) : "";

    fprintf(stderr, "sriov-info: %s\n", *msg ? msg : strerror(-r));
    return EXIT_FAILURE;
}

static int usage_error(const char *fmt, const char *arg)
    __attribute__((format(printf, 1, 0)));
static int usage_error(const char *fmt, const char *arg)
{
    fputs("sriov-info: ", stderr);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    fprintf(stderr, fmt, arg);
#pragma GCC diagnostic pop
    fputs(" (see sriov-info --help)\n", stderr);
    return EXIT_USAGE;
}

static int parse_count(const char *s, unsigned *ret)
{
    char *end;
    unsigned long v;

    if (strcmp(s, "max") == 0) {
        *ret = SRIOV_NUMVFS_MAX;
        return 0;
    }
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || end == s || *end || *s == '-' || v >= SRIOV_NUMVFS_MAX)
        return -EINVAL;
    *ret = (unsigned)v;
    return 0;
}

static int cmd_show(sriov_ctx *ctx, const struct info_opts *o, int argc,
                    char **argv)
{
    sriov_host *host = NULL;
    const char *what = argc > 0 ? argv[0] : NULL;
    char bdf[SRIOV_BDF_SIZE];
    int r;

    if (argc > 1)
        return usage_error("show takes at most one device, not '%s'",
                           argv[1]);
    if (what && sriov_bdf_parse(what, bdf) < 0) {
        /* an interface name: find its PF */
        sriov_pf *pf;

        r = sriov_host_scan(&host, ctx, SRIOV_SCAN_NICS);
        if (r < 0)
            return fail(ctx, r);
        pf = sriov_host_find_pf_by_ifname(host, what);
        if (pf)
            snprintf(bdf, sizeof(bdf), "%s", sriov_pf_bdf(pf));
        host = sriov_host_free(host);
        if (!pf) {
            fprintf(stderr, "sriov-info: '%s' is not a command, a PCI "
                    "address or the interface of a NIC: see sriov-info "
                    "--help, and the devices sriov-info --all lists\n", what);
            return EXIT_FAILURE;
        }
    }
    if (what)
        r = sriov_host_scan_device(&host, ctx, bdf, o->flags);
    else
        r = sriov_host_scan(&host, ctx, o->flags);
    if (r < 0)
        return fail(ctx, r);
    if (o->json)
        r = info_print_json(stdout, host, sriov_ctx_get_root(ctx), o);
    else if (!o->quiet)
        info_print_text(stdout, host, o);
    sriov_host_free(host);
    if (fflush(stdout) != 0 || r < 0) {
        fprintf(stderr, "sriov-info: cannot write the output: %s\n",
                strerror(errno));
        return EXIT_FAILURE;
    }
    return 0;
}

/* The PF the lifecycle commands act on, scanned just before. */
static int scan_pf(sriov_ctx *ctx, const char *bdf, sriov_host **ret_host,
                   sriov_pf **ret_pf)
{
    int r;

    r = sriov_host_scan_device(ret_host, ctx, bdf, 0);
    if (r < 0)
        return r;
    *ret_pf = sriov_host_pf(*ret_host, 0);
    return 0;
}

static int cmd_set_numvfs(sriov_ctx *ctx, const struct info_opts *o,
                          unsigned flags, int argc, char **argv)
{
    sriov_host *host = NULL;
    sriov_pf *pf;
    unsigned n;
    int r;

    if (argc != 2)
        return usage_error("set-numvfs wants a PF and a VF count%s", "");
    if (parse_count(argv[1], &n) < 0)
        return usage_error("'%s' is not a VF count (a number or 'max')",
                           argv[1]);
    r = scan_pf(ctx, argv[0], &host, &pf);
    if (r >= 0)
        r = sriov_pf_set_numvfs(pf, n, flags);
    sriov_host_free(host);
    if (r < 0)
        return fail(ctx, r);
    if (!o->quiet)
        printf("%s: %d VF%s enabled\n", argv[0], r, r == 1 ? "" : "s");
    return 0;
}

static int cmd_enable(sriov_ctx *ctx, const struct info_opts *o, int mode,
                      unsigned flags, int argc, char **argv)
{
    sriov_pf_enable_options opts = SRIOV_PF_ENABLE_OPTIONS_INIT;
    sriov_host *host = NULL;
    sriov_pf *pf;
    unsigned got = 0;
    int used = 0, reboot = 0, r;

    if (argc < 1 || argc > 2)
        return usage_error("enable wants a PF and maybe a VF count%s", "");
    if (argc == 2 && parse_count(argv[1], &opts.numvfs) < 0)
        return usage_error("'%s' is not a VF count (a number or 'max')",
                           argv[1]);
    opts.mode = (enum sriov_mode)mode;
    opts.flags = flags;
    r = scan_pf(ctx, argv[0], &host, &pf);
    if (r >= 0)
        r = sriov_pf_enable(pf, &opts, &used, &reboot, &got);
    sriov_host_free(host);
    if (r < 0)
        return fail(ctx, r);
    if (!o->quiet)
        printf("%s: %u VF%s, mode %s%s\n", argv[0], got, got == 1 ? "" : "s",
               sriov_mode_to_string(used),
               reboot ? ", requires a reboot" : "");
    return 0;
}

static int cmd_disable(sriov_ctx *ctx, const struct info_opts *o, int mode,
                       unsigned flags, int argc, char **argv)
{
    sriov_host *host = NULL;
    sriov_pf *pf;
    int reboot = 0, r;

    if (argc != 1)
        return usage_error("disable wants one PF%s", "");
    r = scan_pf(ctx, argv[0], &host, &pf);
    if (r >= 0)
        r = sriov_pf_disable(pf, mode, flags, &reboot);
    sriov_host_free(host);
    if (r < 0)
        return fail(ctx, r);
    if (!o->quiet)
        printf("%s: VFs disabled%s\n", argv[0],
               reboot ? ", requires a reboot" : "");
    return 0;
}

static int cmd_mode(sriov_ctx *ctx, int argc, char **argv)
{
    sriov_host *host = NULL;
    sriov_pf *pf;
    int mode, r;

    if (argc != 1)
        return usage_error("mode wants one PF%s", "");
    r = scan_pf(ctx, argv[0], &host, &pf);
    if (r >= 0)
        r = sriov_pf_detect_mode(pf, &mode);
    sriov_host_free(host);
    if (r < 0)
        return fail(ctx, r);
    printf("%s\n", sriov_mode_to_string(mode));
    return 0;
}

static int cmd_bind(sriov_ctx *ctx, const struct info_opts *o, bool bind,
                    int argc, char **argv)
{
    char *prev = NULL;
    int r;

    if (argc != (bind ? 2 : 1))
        return usage_error(bind ? "bind wants a device and a driver%s"
                                : "unbind wants one device%s", "");
    r = bind ? sriov_pci_bind(ctx, argv[0], argv[1], &prev)
             : sriov_pci_unbind(ctx, argv[0], &prev);
    if (r < 0)
        return fail(ctx, r);
    if (!o->quiet)
        printf("%s: %s (was %s)\n", argv[0], bind ? argv[1] : "unbound",
               prev ? prev : "unbound");
    free(prev);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "names", no_argument, NULL, 'n' },
        { "all", no_argument, NULL, 'a' },
        { "json", no_argument, NULL, 'j' },
        { "quiet", no_argument, NULL, 'q' },
        { "force", no_argument, NULL, 'f' },
        { "mode", required_argument, NULL, 'm' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    struct info_opts o = { 0 };
    sriov_ctx *ctx = NULL;
    unsigned flags = 0;
    int mode = SRIOV_MODE_UNKNOWN, c, r;
    const char *root, *cmd;

    while ((c = getopt_long(argc, argv, "najqfm:h", opts, NULL)) != -1)
        switch (c) {
        case 'n':
            o.names = true;
            o.flags |= SRIOV_SCAN_NAMES;
            break;
        case 'a':
            o.flags |= SRIOV_SCAN_NICS;
            break;
        case 'j':
            o.json = true;
            break;
        case 'q':
            o.quiet = true;
            break;
        case 'f':
            flags |= SRIOV_NUMVFS_FORCE;
            break;
        case 'm':
            if (sriov_mode_from_string(optarg, &mode) < 0 ||
                mode == SRIOV_MODE_UNKNOWN)
                return usage_error("unknown mode '%s': use sysfs, modprobe "
                                   "or manual", optarg);
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("sriov-info %s\n", PACKAGE_VERSION);
            return 0;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    r = sriov_ctx_new(&ctx);
    if (r < 0)
        return fail(NULL, r);
    root = secure_getenv("SRIOV_ROOT");
    if (root && *root && (r = sriov_ctx_set_root(ctx, root)) < 0) {
        r = fail(ctx, r);
        goto out;
    }
    cmd = optind < argc ? argv[optind] : "show";
    if (optind < argc)
        optind++;
    argc -= optind;
    argv += optind;
    if (strcmp(cmd, "show") == 0)
        r = cmd_show(ctx, &o, argc, argv);
    else if (strcmp(cmd, "set-numvfs") == 0)
        r = cmd_set_numvfs(ctx, &o, flags, argc, argv);
    else if (strcmp(cmd, "enable") == 0)
        r = cmd_enable(ctx, &o, mode, flags, argc, argv);
    else if (strcmp(cmd, "disable") == 0)
        r = cmd_disable(ctx, &o, mode, flags, argc, argv);
    else if (strcmp(cmd, "mode") == 0)
        r = cmd_mode(ctx, argc, argv);
    else if (strcmp(cmd, "bind") == 0 || strcmp(cmd, "unbind") == 0)
        r = cmd_bind(ctx, &o, cmd[0] == 'b', argc, argv);
    else {
        argv--;                 /* "sriov-info 0000:3b:00.0", "... eth2" */
        r = cmd_show(ctx, &o, argc + 1, argv);
    }
out:
    sriov_ctx_free(ctx);
    return r;
}
