/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xe help and the client usage text, laid out as xe lays them out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/macro.h"
#include "xe/help.h"

/* cli_frontend.ml rio_help; the server always calls itself "xe". */
static const char help_head[] =
    "Usage:\n"
    "  xe <command>\n"
    "    [ -s <server> ]            XenServer host\n"
    "    [ -p <port> ]              XenServer port number\n"
    "    [ -u <username> -pw <password> | -pwf <password file> ]\n"
    "                               User authentication (password or file)\n"
    "    [ --nossl ]                Disable SSL/TLS\n"
    "    [ --debug ]                Enable debug output\n"
    "    [ --debug-on-fail ]        Enable debug output only on failure\n"
    "    [ --traceparent <value> ]  Distributed tracing context\n"
    "    [ <other arguments> ... ]  Command-specific options\n"
    "\n"
    "To get help on a specific command:\n"
    "  xe help <command>\n"
    "\n";

static const char help_all[] =
    "Full command list\n"
    "-----------------\n";

static const char help_common[] =
    "To get a full listing of commands:\n"
    "  xe help --all\n"
    "\n"
    "Common command list\n"
    "-------------------\n";

void xe_usage(FILE *f, const char *argv0)
{
    fprintf(f, "Usage: %s <cmd> [-s server] [-p port] ([-u username] "
            "[-pw password] or [-pwf <password file>]) [--traceparent "
            "traceparent] <other arguments>\n", argv0);
    fprintf(f, "\nA full list of commands can be obtained by running \n"
            "\t%s help -s <server> -p <port>\n", argv0);
}

/* "a, b, c" (String.concat ", "). */
static char *join(char *const *v)
{
    size_t len = 1;
    char *ret, *q;

    for (size_t i = 0; v && v[i]; i++)
        len += strlen(v[i]) + 2;
    ret = malloc(len);
    if (!ret)
        return NULL;
    q = ret;
    *q = '\0';
    for (size_t i = 0; v && v[i]; i++) {
        if (i)
            q = stpcpy(q, ", ");
        q = stpcpy(q, v[i]);
    }
    return ret;
}

static int help_command(const struct xe_cmdtable *t, const char *name,
                        struct xe_printer *p)
{
    const struct xe_command *c = xe_cmdtable_find(t, name);
    _cleanup_free_ char *reqd = NULL, *optn = NULL, *unknown = NULL;
    struct xe_row rows[4];
    struct xe_table_record rec = { rows, ELEMENTSOF(rows) };
    const char *msg;

    if (!c) {
        if (asprintf(&unknown, "Unknown command '%s'", name) < 0)
            return -ENOMEM;
        msg = unknown;
        return xe_print_list(p, &msg, 1);
    }
    reqd = join(c->reqd);
    optn = join(c->optn);
    if (!reqd || !optn)
        return -ENOMEM;
    rows[0] = (struct xe_row){ "command name        ", c->name };
    rows[1] = (struct xe_row){ "reqd params     ", reqd };
    rows[2] = (struct xe_row){ "optional params ", optn };
    rows[3] = (struct xe_row){ "description     ", c->help };
    return xe_print_table(p, &rec, 1);
}

/*
 * cli_frontend.ml make_list: names after a 4-space indent, joined with
 * ", ", a new line when the current one plus the next name would pass 74
 * characters.
 */
static int print_grid(struct xe_printer *p, const char *const *names,
                      size_t n)
{
    char line[1024];
    const char *out = line;
    size_t len;
    int r;

    if (n == 0)
        return 0;
    len = (size_t)snprintf(line, sizeof(line), "    %s", names[0]);
    for (size_t i = 1; i < n; i++) {
        size_t k = strlen(names[i]);

        if (len + k > 74 || len + k + 2 >= sizeof(line)) {
            r = xe_print_list(p, &out, 1);
            if (r < 0)
                return r;
            len = (size_t)snprintf(line, sizeof(line), "    %s", names[i]);
        } else {
            len += (size_t)snprintf(line + len, sizeof(line) - len, ", %s",
                                    names[i]);
        }
    }
    return xe_print_list(p, &out, 1);
}

static bool is_prefixed(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int help_listing(const struct xe_cmdtable *t, bool all,
                        struct xe_printer *p)
{
    _cleanup_free_ const char **names = calloc(t->n + 1, sizeof(*names));
    _cleanup_free_ const char **group = calloc(t->n + 1, sizeof(*group));
    _cleanup_free_ char *head = NULL;
    const char *h;
    size_t n = 0;
    int r;

    if (!names || !group)
        return -ENOMEM;
    for (size_t i = 0; i < t->n; i++) {
        const struct xe_command *c = &t->cmds[i];

        if (c->flags & XE_CMD_HIDDEN)
            continue;
        if (!all && !(c->flags & XE_CMD_STANDARD))
            continue;
        names[n++] = c->name;
    }
    if (p->minimal)
        return xe_print_list(p, names, n);
    if (asprintf(&head, "%s%s", help_head, all ? help_all : help_common) < 0)
        return -ENOMEM;
    h = head;
    r = xe_print_list(p, &h, 1);
    if (r < 0 || !all)
        return r < 0 ? r : print_grid(p, names, n);
    /*
     * host-* commands, a line of four spaces, vm-* commands, another, the
     * rest.  We have no vm-* command: that group and its separator are
     * left out (xe would fail on an empty group).
     */
    for (int pass = 0; pass < 3; pass++) {
        size_t m = 0;
        static const char sep[] = "    ";
        const char *s = sep;

        for (size_t i = 0; i < n; i++) {
            bool host = is_prefixed(names[i], "host-");
            bool vm = is_prefixed(names[i], "vm-");

            if ((pass == 0 && host) || (pass == 1 && vm) ||
                (pass == 2 && !host && !vm))
                group[m++] = names[i];
        }
        if (m == 0)
            continue;
        r = print_grid(p, group, m);
        if (r >= 0 && pass < 2)
            r = xe_print_list(p, &s, 1);
        if (r < 0)
            return r;
    }
    return 0;
}

int xe_help(const struct xe_cmdtable *t, const struct xe_args *args,
            struct xe_printer *p)
{
    static const char *const not_commands[] = {
        "server", "username", "password", "port", "minimal", "all",
    };
    bool any = false;
    int r;

    for (size_t i = 0; i < args->n_params; i++) {
        const char *k = args->params[i].key;
        bool skip = false;

        for (size_t j = 0; j < ELEMENTSOF(not_commands); j++)
            if (streq_ptr(k, not_commands[j]))
                skip = true;
        if (skip)
            continue;
        any = true;
        r = help_command(t, k, p);
        if (r < 0)
            return r;
    }
    if (any)
        return 0;
    return help_listing(t, streq_ptr(xe_args_peek(args, "all"), "true"), p);
}
