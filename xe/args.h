/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The xe command line, parsed in the two stages real xe uses:
 *
 * 1. the thin client (ocaml/xe-cli/newcli.ml) takes its own options out:
 *    -s/-h <server>, -p <port>, -u <user>, -pw <password>, -pwf <file>,
 *    --nossl, --debug, --debug-on-fail, --traceparent <v>, the same as
 *    server=, port=, username=, password=, passwordfile=, nossl=, debug=,
 *    debugonfail=, traceparent=; notes --help/-help and -version; and
 *    appends the items of XE_EXTRA_ARGS (comma-separated, "\," escapes a
 *    comma);
 * 2. the server (cli_frontend.ml parse_commandline) reads what is left:
 *    the first word is the command, "--x" is x=true, "-u v" style switches
 *    take the next word, everything else is key=value split at the first
 *    '=' ("k" alone is k with an empty value; "a=b=c" is a with "b=c").
 *
 * Parameters keep their command-line order and duplicates; lookups return
 * the first occurrence, as xe's List.assoc does.  Nothing here prints.
 */
#ifndef XEN_SRIOV_XE_ARGS_H
#define XEN_SRIOV_XE_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "ops/xapi-error.h"

struct xe_param {
    char *key;
    char *value;
    bool used;                  /* read by the command through xe_args_get */
};

struct xe_args {
    char *cmd;                  /* the command, NULL when none was given */
    struct xe_param *params;    /* in command-line order */
    size_t n_params;

    /* Stage 1 (client) results. */
    bool want_usage;            /* --help or -help was given */
    bool want_version;          /* -version was given */
    char *server;               /* -s/-h/server=, NULL when not given */
    int port;                   /* -p/port=, -1 when not given */
    bool credentials;           /* -u, -pw, -pwf or their key= forms seen */
};

#define XE_ARGS_INIT { NULL, NULL, 0, false, false, NULL, -1, false }

/*
 * Parse argv[1] .. argv[argc - 1] (argv[0] is the program) and extra, the
 * value of XE_EXTRA_ARGS or NULL.  Fills *ret (which must be XE_ARGS_INIT)
 * even when there is no command (ret->cmd == NULL: print the usage).
 * Returns 0; -ENOMEM; or -EINVAL with err set to a CLI error of
 * xe/cli-error.h (syntax error, bad port, bad nossl=).  On failure
 * *ret is left empty.
 */
int xe_args_parse(struct xe_args *ret, int argc, char *const *argv,
                  const char *extra, struct xapi_error *err);

/* Free everything and reset to XE_ARGS_INIT.  Idempotent. */
void xe_args_done(struct xe_args *args);

/* Value of the first parameter named key, or NULL; marks it used. */
const char *xe_args_get(struct xe_args *args, const char *key);

/* Same without marking it used. */
const char *xe_args_peek(const struct xe_args *args, const char *key);

/* How many parameters are named key. */
size_t xe_args_count(const struct xe_args *args, const char *key);

/*
 * Split s at the first ':' into a map name and a key, as xe reads
 * "other-config:vlan=5".  Returns false when s has no ':'.  *name_len is the
 * length of the name part; *key points into s.
 */
bool xe_args_split_map(const char *s, size_t *name_len, const char **key);

#endif
