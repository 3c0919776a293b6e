/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Probe xenstore access from inside a guest; prints the errno's name. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

static int report(bool ok, const char *what)
{
    int e = errno;

    if (ok) {
        printf("ok %s\n", what ? what : "");
        return 0;
    }
    printf("error %s: %s\n", strerrorname_np(e) ? strerrorname_np(e) : "?",
           strerror(e));
    return 1;
}

int main(int argc, char **argv)
{
    struct xs_handle *xs;
    unsigned len = 0, n = 0;
    char *val, **dir;
    int r;

    if (argc < 3 || (!strcmp(argv[1], "write") && argc < 4)) {
        fprintf(stderr, "usage: xs-probe read|ls PATH | write PATH VALUE\n");
        return 2;
    }
    xs = xs_open(0);
    if (!xs) {
        printf("error cannot connect to xenstore: %s\n", strerror(errno));
        return 1;
    }
    if (!strcmp(argv[1], "read")) {
        val = xs_read(xs, XBT_NULL, argv[2], &len);
        r = report(val != NULL, val);
        free(val);
    } else if (!strcmp(argv[1], "ls")) {
        dir = xs_directory(xs, XBT_NULL, argv[2], &n);
        r = report(dir != NULL, dir && n ? dir[0] : "");
        free(dir);
    } else if (!strcmp(argv[1], "write")) {
        r = report(xs_write(xs, XBT_NULL, argv[2], argv[3],
                            strlen(argv[3])), argv[3]);
    } else {
        fprintf(stderr, "xs-probe: unknown operation '%s'\n", argv[1]);
        r = 2;
    }
    xs_close(xs);
    return r;
}
