/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen-sriovd's command line; the XenAPI endpoint's options are passed on
 * to xapi_daemon_parse(). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "daemon/sriovd.h"
#include "libsriov/macro.h"

static void usage(FILE *f)
{
    fprintf(f,
"Usage: " SRIOVD " [OPTIONS]\n"
"Give the VIFs of Xen domains on SR-IOV networks their VFs when the domain\n"
"starts and take them back when it dies; serve XenAPI.\n"
"\n"
"  --foreground          do not detach (systemd, tests)\n"
"  --dry-run             reserve, check and record, but make no libxl,\n"
"                        rtnetlink or sysfs change\n"
"  --intremap=POLICY     Xen without interrupt remapping: warn (default),\n"
"                        refuse, or ignore\n"
"  --seize --permissive --power-mgmt --no-msitranslate\n"
"  --rdm-policy=strict|relaxed\n"
"                        options of every VF attached (xl-pci-\n"
"                        configuration(5))\n"
"  --no-api              do not serve XenAPI\n"
"  --pidfile FILE        default $SRIOV_ROOT/var/run/xen-sriov/" SRIOVD
".pid\n"
"  --verbose             log debug lines too\n"
"  --syslog              log to syslog (default when detached)\n"
"\n"
"One-shot commands (print, then exit; 1 when something was found):\n"
"  --reconcile           release VFs of dead domains, finish interrupted\n"
"                        starts, report VFs attached outside xen-sriov\n"
"  --status              every VF of every SR-IOV network, and why each\n"
"                        free one cannot be given\n"
"  --check-migrate VM    refuse (VM_HAS_SRIOV_VIF) if VM holds a VF\n"
"\n"
"XenAPI endpoint (as xen-sriov-api): --socket PATH, --no-socket,\n"
"  --listen ADDR:PORT, --tls-cert FILE, --tls-key FILE, --users FILE,\n"
"  --pam-service NAME, --pam-confdir DIR, --max-body BYTES,\n"
"  --max-connections N, --max-per-address N, --header-timeout S,\n"
"  --idle-timeout S, --tls-priorities P, --max-sessions N,\n"
"  --max-sessions-per-user N, --max-sessions-per-originator N,\n"
"  --max-tasks-per-session N\n"
"  --help, --version\n"
"SIGHUP reconciles.  docs/plugin.md has the details.\n");
}

static int fail(struct sriovd_options *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(struct sriovd_options *o, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, SRIOVD ": ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "; try '" SRIOVD " --help'\n");
    sriovd_options_dispose(o);
    return -EINVAL;
}

/* "--name=value" or "--name value": the value, or NULL if @p a is not
 * @p name. */
static const char *value_of(int argc, char **argv, int *i, const char *name)
{
    size_t len = strlen(name);
    const char *a = argv[*i];

    if (strncmp(a, name, len) != 0)
        return NULL;
    if (a[len] == '=')
        return a + len + 1;
    if (a[len] == '\0' && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

int sriovd_parse(int argc, char **argv, const char *root,
                 struct sriovd_options *ret)
{
    struct sriovd_options o = { .api = true, .log_level = LOG_INFO };
    _cleanup_free_ char **rest = calloc((size_t)argc + 2, sizeof(char *));
    int nrest = 0, r;
    const char *v;

    if (!rest)
        return -ENOMEM;
    o.plugin.root = root;
    o.plugin.pci.msitranslate = true;
    rest[nrest++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 1;
        } else if (strcmp(a, "--version") == 0) {
            printf(SRIOVD " " PACKAGE_VERSION "\n");
            return 1;
        } else if (strcmp(a, "--foreground") == 0 || strcmp(a, "-F") == 0) {
            o.foreground = true;
        } else if (strcmp(a, "--dry-run") == 0) {
            o.plugin.dry_run = true;
        } else if (strcmp(a, "--no-api") == 0) {
            o.api = false;
        } else if (strcmp(a, "--verbose") == 0) {
            o.log_level = LOG_DEBUG;
        } else if (strcmp(a, "--syslog") == 0) {
            o.syslog = true;
        } else if (strcmp(a, "--seize") == 0) {
            o.plugin.pci.seize = true;
        } else if (strcmp(a, "--permissive") == 0) {
            o.plugin.pci.permissive = true;
        } else if (strcmp(a, "--power-mgmt") == 0) {
            o.plugin.pci.power_mgmt = true;
        } else if (strcmp(a, "--no-msitranslate") == 0) {
            o.plugin.pci.msitranslate = false;
        } else if (strcmp(a, "--reconcile") == 0) {
            o.mode = SRIOVD_RECONCILE;
        } else if (strcmp(a, "--status") == 0) {
            o.mode = SRIOVD_STATUS;
        } else if ((v = value_of(argc, argv, &i, "--check-migrate"))) {
            o.mode = SRIOVD_CHECK_MIGRATE;
            o.vm = v;
        } else if ((v = value_of(argc, argv, &i, "--intremap"))) {
            if (strcmp(v, "warn") == 0)
                o.plugin.intremap = PLUGIN_INTREMAP_WARN;
            else if (strcmp(v, "refuse") == 0)
                o.plugin.intremap = PLUGIN_INTREMAP_REFUSE;
            else if (strcmp(v, "ignore") == 0)
                o.plugin.intremap = PLUGIN_INTREMAP_IGNORE;
            else
                return fail(&o, "--intremap '%s' must be warn, refuse or "
                            "ignore", v);
        } else if ((v = value_of(argc, argv, &i, "--rdm-policy"))) {
            if (strcmp(v, "strict") == 0)
                o.plugin.pci.rdm_policy = PLUGIN_RDM_STRICT;
            else if (strcmp(v, "relaxed") == 0)
                o.plugin.pci.rdm_policy = PLUGIN_RDM_RELAXED;
            else
                return fail(&o, "--rdm-policy '%s' must be strict or "
                            "relaxed", v);
        } else if ((v = value_of(argc, argv, &i, "--pidfile"))) {
            free(o.pidfile);
            o.pidfile = strdup(v);
            if (!o.pidfile)
                return -ENOMEM;
        } else if (strcmp(a, "--intremap") == 0 ||
                   strcmp(a, "--rdm-policy") == 0 ||
                   strcmp(a, "--pidfile") == 0 ||
                   strcmp(a, "--check-migrate") == 0) {
            return fail(&o, "%s needs a value", a);
        } else if (xapi_daemon_option(a) == 1 && i + 1 < argc) {
            rest[nrest++] = argv[i++];  /* the endpoint's, and its value */
            rest[nrest++] = argv[i];
        } else if (xapi_daemon_option(a) >= 0) {
            rest[nrest++] = argv[i];
        } else {
            return fail(&o, "unknown option '%s'", a);
        }
    }
    if (nrest > 1 && o.mode == SRIOVD_RUN && !o.api)
        return fail(&o, "'%s' is an option of the XenAPI endpoint, which "
                    "--no-api turns off", rest[1]);
    if (o.syslog)
        rest[nrest++] = (char *)"--syslog";
    rest[nrest] = NULL;
    if (o.mode == SRIOVD_RUN && o.api) {
        r = xapi_daemon_parse(nrest, rest, root, &o.xapi);
        if (r != 0) {
            sriovd_options_dispose(&o);
            return r;
        }
    } else if (nrest > 1 + o.syslog) {
        return fail(&o, "'%s' is an option of the XenAPI endpoint, which "
                    "a one-shot command does not run", rest[1]);
    }
    if (!o.pidfile &&
        asprintf(&o.pidfile, "%s/var/run/xen-sriov/" SRIOVD ".pid",
                 root && strcmp(root, "/") ? root : "") < 0) {
        o.pidfile = NULL;
        sriovd_options_dispose(&o);
        return -ENOMEM;
    }
    o.plugin.log = sriovd_plugin_log;
    o.plugin.log_level = o.log_level;
    *ret = o;
    return 0;
}

void sriovd_options_dispose(struct sriovd_options *o)
{
    xapi_daemon_options_dispose(&o->xapi);
    free(o->pidfile);
    memset(o, 0, sizeof(*o));
}
