/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xe's printer: record tables, lists, --minimal, and the error stream. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/macro.h"
#include "xe/printer.h"

void xe_printer_init(struct xe_printer *p, FILE *out, FILE *err,
                     bool minimal)
{
    memset(p, 0, sizeof(*p));
    p->out = out;
    p->err = err;
    p->minimal = minimal;
}

void xe_printer_done(struct xe_printer *p)
{
    for (size_t i = 0; i < p->n_pending; i++)
        free(p->pending[i]);
    free(p->pending);
    p->pending = NULL;
    p->n_pending = 0;
}

static int note(struct xe_printer *p, int r)
{
    if (r < 0 && p->error == 0)
        p->error = r;
    return r;
}

static int put(struct xe_printer *p, FILE *f, const char *s)
{
    if (fputs(s, f) == EOF)
        return note(p, negative_errno());
    return 0;
}

char *xe_escape_commas(const char *s)
{
    size_t n = 0;
    char *ret, *q;

    for (const char *c = s; *c; c++)
        n += (*c == ',' || *c == '\\') ? 2 : 1;
    ret = malloc(n + 1);
    if (!ret)
        return NULL;
    q = ret;
    for (const char *c = s; *c; c++) {
        if (*c == ',' || *c == '\\')
            *q++ = '\\';
        *q++ = *c;
    }
    *q = '\0';
    return ret;
}

/* Escape each item and join them with ','; one pending --minimal chunk. */
static int minimal_add(struct xe_printer *p, const char *const *items,
                       size_t n)
{
    size_t len = 1;
    char **esc, *joined, **pending;
    int r = 0;

    esc = calloc(n ? n : 1, sizeof(*esc));
    if (!esc)
        return note(p, -ENOMEM);
    for (size_t i = 0; i < n; i++) {
        esc[i] = xe_escape_commas(items[i] ? items[i] : "");
        if (!esc[i]) {
            r = -ENOMEM;
            goto out;
        }
        len += strlen(esc[i]) + 1;
    }
    joined = malloc(len);
    if (!joined) {
        r = -ENOMEM;
        goto out;
    }
    joined[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(joined, ",");
        strcat(joined, esc[i]);
    }
    pending = realloc(p->pending, (p->n_pending + 1) * sizeof(*pending));
    if (!pending) {
        free(joined);
        r = -ENOMEM;
        goto out;
    }
    p->pending = pending;
    p->pending[p->n_pending++] = joined;
out:
    for (size_t i = 0; i < n; i++)
        free(esc[i]);
    free(esc);
    return note(p, r);
}

char *xe_format_record(const struct xe_table_record *rec)
{
    size_t maxlen = 0, len = 2;
    char *ret, *q;

    for (size_t i = 0; i < rec->n_rows; i++) {
        size_t k = strlen(rec->rows[i].key);

        if (k > maxlen)
            maxlen = k;
    }
    maxlen += 4;
    for (size_t i = 0; i < rec->n_rows; i++)
        len += maxlen + strlen(rec->rows[i].key) + 3 +
               strlen(rec->rows[i].value);
    ret = malloc(len);
    if (!ret)
        return NULL;
    q = ret;
    for (size_t i = 0; i < rec->n_rows; i++) {
        const char *key = rec->rows[i].key;
        size_t k = strlen(key), pad = k < maxlen ? maxlen - k : 0;

        if (i) {
            *q++ = '\n';
            /* Following keys are right-aligned ... */
            memset(q, ' ', pad);
            q += pad;
            memcpy(q, key, k);
            q += k;
        } else {
            /* ... the first one is left-aligned. */
            memcpy(q, key, k);
            q += k;
            memset(q, ' ', pad);
            q += pad;
        }
        q = stpcpy(q, ": ");
        q = stpcpy(q, rec->rows[i].value);
    }
    *q++ = '\n';
    *q = '\0';
    return ret;
}

int xe_print_table(struct xe_printer *p, const struct xe_table_record *recs,
                   size_t n_recs)
{
    int r;

    if (p->minimal) {
        _cleanup_free_ const char **first = NULL;

        /* xe takes nothing when the first record has no field. */
        if (n_recs == 0 || recs[0].n_rows == 0)
            return 0;
        first = calloc(n_recs, sizeof(*first));
        if (!first)
            return note(p, -ENOMEM);
        for (size_t i = 0; i < n_recs; i++)
            first[i] = recs[i].n_rows ? recs[i].rows[0].value : "";
        return minimal_add(p, first, n_recs);
    }
    for (size_t i = 0; i < n_recs; i++) {
        _cleanup_free_ char *text = xe_format_record(&recs[i]);

        if (!text)
            return note(p, -ENOMEM);
        /* The server adds "\n", the client's print_endline another. */
        r = put(p, p->out, text);
        if (r >= 0)
            r = put(p, p->out, "\n\n");
        if (r < 0)
            return r;
    }
    return 0;
}

int xe_print_list(struct xe_printer *p, const char *const *items, size_t n)
{
    int r;

    if (p->minimal)
        return minimal_add(p, items, n);
    for (size_t i = 0; i < n; i++) {
        r = put(p, p->out, items[i]);
        if (r >= 0)
            r = put(p, p->out, "\n");
        if (r < 0)
            return r;
    }
    return 0;
}

int xe_print_msg(struct xe_printer *p, const char *msg)
{
    int r;

    if (p->minimal)
        return 0;
    r = put(p, p->out, msg);
    return r < 0 ? r : put(p, p->out, "\n");
}

int xe_print_stderr(struct xe_printer *p, const char *msg)
{
    int r;

    if (p->minimal)
        return 0;
    r = put(p, p->err, msg);
    return r < 0 ? r : put(p, p->err, "\n");
}

int xe_printer_flush(struct xe_printer *p)
{
    if (p->minimal) {
        /* xe prepends each chunk to its buffer and prints it joined. */
        for (size_t i = p->n_pending; i > 0; i--) {
            put(p, p->out, p->pending[i - 1]);
            if (i > 1)
                put(p, p->out, ",");
        }
        put(p, p->out, "\n");
        xe_printer_done(p);
    }
    if (fflush(p->out) == EOF || ferror(p->out))
        note(p, negative_errno());
    if (fflush(p->err) == EOF)
        note(p, negative_errno());
    return p->error;
}
