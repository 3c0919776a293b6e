/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xe's output sink (ocaml/xapi-cli-server/cli_printer.ml + the thin
 * client's print_endline): what a command prints goes through here.
 *
 * Normal mode
 *   table   each record as "key: value" lines: the first key right-padded,
 *           the others left-padded, to 4 + the longest key of the record;
 *           each record is followed by two empty lines (the last one too).
 *   list    one item per line.
 *   msg     one line.
 *   stderr  one line on the error stream.
 * --minimal
 *   table   the value of the first row of each record, list the items;
 *           commas escaped as "\," and backslashes as "\\", everything
 *           joined with ',' and printed as one line by xe_printer_flush()
 *           (an empty line when nothing was printed).  msg and stderr are
 *           dropped, as xe drops them.
 */
#ifndef XEN_SRIOV_XE_PRINTER_H
#define XEN_SRIOV_XE_PRINTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct xe_row {
    const char *key;            /* "uuid ( RO)": name and marker */
    const char *value;
};

struct xe_table_record {
    const struct xe_row *rows;
    size_t n_rows;
};

struct xe_printer {
    FILE *out, *err;
    bool minimal;
    char **pending;             /* --minimal: one joined string per call */
    size_t n_pending;
    int error;                  /* first failure (negative errno), or 0 */
};

/* Start printing to out/err; minimal selects --minimal output. */
void xe_printer_init(struct xe_printer *p, FILE *out, FILE *err,
                     bool minimal);

/* Free the --minimal buffer (without printing it). */
void xe_printer_done(struct xe_printer *p);

/* xe's PTable, PList, PMsg and PStderr.  Return 0 or a negative errno. */
int xe_print_table(struct xe_printer *p, const struct xe_table_record *recs,
                   size_t n_recs);
int xe_print_list(struct xe_printer *p, const char *const *items, size_t n);
int xe_print_msg(struct xe_printer *p, const char *msg);
int xe_print_stderr(struct xe_printer *p, const char *msg);

/*
 * End of a successful command: with --minimal print the buffered line.
 * Flushes both streams; returns 0 or the first error met (negative errno,
 * e.g. -EPIPE or -ENOSPC from a full disk).
 */
int xe_printer_flush(struct xe_printer *p);

/* The record text of one table record, as xe builds it (tests, fuzzing). */
char *xe_format_record(const struct xe_table_record *rec);

/* s with ',' as "\," and '\' as "\\" (--minimal); NULL on ENOMEM. */
char *xe_escape_commas(const char *s);

#endif
