/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Path builders: the only place that spells the store's xenstore paths. */
#include <stdio.h>
#include <stdlib.h>

#include "store/internal.h"

static char *printf_path(const char *fmt, ...) _printf_(1, 2);
static char *printf_path(const char *fmt, ...)
{
    va_list ap;
    char *p;
    int k;

    va_start(ap, fmt);
    k = vasprintf(&p, fmt, ap);
    va_end(ap);
    return k < 0 ? NULL : p;
}

char *store__path_class(const struct schema_class *c)
{
    return printf_path("%s/%s", SCHEMA_ROOT, c->name);
}

char *store__path_object(const struct schema_class *c, const char *uuid)
{
    return printf_path("%s/%s/%s", SCHEMA_ROOT, c->name, uuid);
}

char *store__path_field(const struct schema_class *c, const char *uuid,
                        const char *field)
{
    return printf_path("%s/%s/%s/%s", SCHEMA_ROOT, c->name, uuid, field);
}

char *store__path_child(const struct schema_class *c, const char *uuid,
                        const char *field, const char *child)
{
    return printf_path("%s/%s/%s/%s/%s", SCHEMA_ROOT, c->name, uuid, field,
                       child);
}

char *store__path_meta(const char *node)
{
    return printf_path("%s/%s", SCHEMA_ROOT, node);
}

char *store__path_counter(const char *name)
{
    return printf_path("%s/%s/%s", SCHEMA_ROOT, SCHEMA_NODE_COUNTER, name);
}

char *store__path_journal(const char *id)
{
    return printf_path("%s/%s/%s", SCHEMA_ROOT, SCHEMA_NODE_JOURNAL, id);
}

char *store__path_index(const struct schema_index *x, const char *key,
                        const char *uuid)
{
    if (!key)
        return printf_path("%s/%s/%s/%s", SCHEMA_ROOT, SCHEMA_NODE_INDEX,
                           x->cls, x->field);
    if (!uuid)
        return printf_path("%s/%s/%s/%s/%s", SCHEMA_ROOT, SCHEMA_NODE_INDEX,
                           x->cls, x->field, key);
    return printf_path("%s/%s/%s/%s/%s/%s", SCHEMA_ROOT, SCHEMA_NODE_INDEX,
                       x->cls, x->field, key, uuid);
}
