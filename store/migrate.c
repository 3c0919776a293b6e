/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The migration table: one step from each schema version to the next. */
/*
 * A step works on the tree of class subtrees (what a snapshot holds) and
 * knows only the layouts of its two versions: it must not use the current
 * schema table, which describes the newest version only.  Add a step here
 * whenever SCHEMA_VERSION grows, and a test that migrates the old layout
 * (tests/integration/test-store-migrate.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

typedef int (*migrate_fn)(store *s, struct tnode *tree);

/* Version 0: trees written before schema-version existed; their layout is
 * version 1's.  Nothing in the objects changes. */
static int v0_to_v1(store *s, struct tnode *tree)
{
    (void)s;
    (void)tree;
    return 0;
}

/* Version 1 facts (the first schema table). */
static const char *const v1_set_fields[][2] = {
    { "host", "PIFs" }, { "host", "PCIs" },
    { "network", "PIFs" }, { "network", "VIFs" },
    { "PIF", "sriov_physical_PIF_of" }, { "PIF", "sriov_logical_PIF_of" },
    { "PCI", "dependencies" }, { "PCI", "virtual_functions" },
};

static const char *const v1_map_fields[][2] = {
    { "host", "software_version" }, { "host", "other_config" },
    { "pool", "other_config" }, { "network", "other_config" },
    { "PIF", "other_config" }, { "PCI", "other_config" },
    { "VIF", "qos_algorithm_params" }, { "VIF", "other_config" },
    { "VIF", "vf_saved_config" },
};

/* "a,b" in one node -> one empty node per member. */
static int split_set(store *s, const char *cls, const char *uuid,
                     struct tnode *field)
{
    char *v, *save = NULL, *tok;
    int r = 0;

    if (field->n_children)
        return 0;               /* already a directory */
    v = field->value;
    field->value = strdup("");
    if (!field->value) {
        field->value = v;
        return -ENOMEM;
    }
    for (tok = strtok_r(v, ",", &save); tok && r >= 0;
         tok = strtok_r(NULL, ",", &save)) {
        if (!schema_uuid_valid(tok)) {
            r = store__fail(s, -EBADMSG, "migrating %s %s: field '%s' has "
                            "a member '%.40s' that is not a UUID", cls, uuid,
                            field->name, tok);
            break;
        }
        r = store__tnode_add(field, store__tnode_new(tok, ""));
        if (r == -EEXIST)
            r = 0;              /* a duplicate member: once is enough */
    }
    free(v);
    return r;
}

/* Version 1 map keys were raw node names ([A-Za-z0-9_@-]); version 2
 * escapes everything but [A-Za-z0-9_-], so only '@' changes. */
static int escape_keys(store *s, struct tnode *field)
{
    size_t i;
    int r = 0;

    for (i = 0; i < field->n_children && r >= 0; i++) {
        struct tnode *e = field->children[i];
        const char *why;
        char *esc;

        if (!strchr(e->name, '@'))
            continue;
        r = schema_key_escape(e->name, &esc, &why);
        if (r < 0)
            return store__fail(s, -EBADMSG, "migrating: map key '%.40s' of "
                               "field '%s' is %s", e->name, field->name, why);
        free(e->name);
        e->name = esc;
    }
    store__tnode_sort(field);
    return r;
}

static int v1_to_v2(store *s, struct tnode *tree)
{
    struct tnode *vifs, *pcis;
    size_t i, j, k;
    int r = 0;

    for (i = 0; i < tree->n_children && r >= 0; i++) {
        struct tnode *cn = tree->children[i];

        for (j = 0; j < cn->n_children && r >= 0; j++) {
            struct tnode *o = cn->children[j];

            for (k = 0; k < ELEMENTSOF(v1_set_fields) && r >= 0; k++) {
                struct tnode *f;

                if (strcmp(cn->name, v1_set_fields[k][0]))
                    continue;
                f = store__tnode_child(o, v1_set_fields[k][1]);
                if (f)
                    r = split_set(s, cn->name, o->name, f);
            }
            for (k = 0; k < ELEMENTSOF(v1_map_fields) && r >= 0; k++) {
                struct tnode *f;

                if (strcmp(cn->name, v1_map_fields[k][0]))
                    continue;
                f = store__tnode_child(o, v1_map_fields[k][1]);
                if (f)
                    r = escape_keys(s, f);
            }
        }
    }
    if (r < 0)
        return r;
    /* New in version 2: PCI.reserved_by, the inverse of VIF.reserved_pci. */
    pcis = store__tnode_child(tree, "PCI");
    for (i = 0; pcis && i < pcis->n_children && r >= 0; i++)
        if (!store__tnode_child(pcis->children[i], "reserved_by"))
            r = store__tnode_add(pcis->children[i],
                                 store__tnode_new("reserved_by", ""));
    vifs = store__tnode_child(tree, "VIF");
    for (i = 0; vifs && i < vifs->n_children && r >= 0; i++) {
        struct tnode *v = vifs->children[i];
        struct tnode *ref = store__tnode_child(v, "reserved_pci");
        struct tnode *pci, *by;

        if (!ref || !*ref->value)
            continue;
        pci = store__tnode_child(pcis, ref->value);
        by = pci ? store__tnode_child(pci, "reserved_by") : NULL;
        if (!by)
            continue;           /* dangling: the check reports it */
        free(by->value);
        by->value = strdup(v->name);
        if (!by->value)
            r = -ENOMEM;
    }
    return r;
}

/* Version 3 adds the value indexes, which are not in the objects: the
 * load that follows every migration builds them. */
static int v2_to_v3(store *s, struct tnode *tree)
{
    (void)s;
    (void)tree;
    return 0;
}

/* Version 4 adds the VM class: no object of version 3 changes, a
 * version 3 tree has no VM records yet.  The step exists so that a
 * version 3 program refuses a tree that has them. */
static int v3_to_v4(store *s, struct tnode *tree)
{
    (void)s;
    (void)tree;
    return 0;
}

static const migrate_fn steps[] = {
    [0] = v0_to_v1,
    [1] = v1_to_v2,
    [2] = v2_to_v3,
    [3] = v3_to_v4,
};

int store__migrate_tree(store *s, struct tnode *tree, int version)
{
    int v, r;

    if (version < 0 || version > SCHEMA_VERSION ||
        (size_t)SCHEMA_VERSION != ELEMENTSOF(steps))
        return store__fail(s, -EPROTO, "no migration from schema version %d "
                           "to %d", version, SCHEMA_VERSION);
    for (v = version; v < SCHEMA_VERSION; v++) {
        r = steps[v](s, tree);
        if (r < 0)
            return r;
    }
    return 0;
}
