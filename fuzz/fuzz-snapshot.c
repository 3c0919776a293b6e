/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the snapshot parser, its checks, and the log frames. */
/*
 * For every input: parse it as a snapshot and as a log record; when it is
 * accepted, check it against the schema, write it back and parse that
 * again: the two trees must be equal (the writer and the parser agree on
 * every tree the parser accepts).  Then walk it as a snapshot log.
 * Built by `make fuzz` (clang, -fsanitize=fuzzer,address,undefined) and
 * run by `make fuzz-run` (FUZZ_TIME seconds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlerror.h>

#include "store/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(struct tnode *t, int version)
{
    struct tnode *back = NULL, *empty;
    char msg[256], *out = NULL;
    size_t len = 0;
    int v;

    /* Only the object levels survive a write: compare those. */
    if (store__xml_record(t, NULL, version, &out, &len) < 0) {
        fprintf(stderr, "a parsed tree cannot be written\n");
        abort();
    }
    if (store__xml_parse(out, len, &back, &v, msg, sizeof(msg)) < 0) {
        fprintf(stderr, "written tree does not parse: %s\n%s\n", msg, out);
        abort();
    }
    /* Inverse fields are not written (a load rebuilds them). */
    for (size_t i = 0; i < t->n_children; i++) {
        const struct schema_class *c =
            schema_class_find_exact(t->children[i]->name);

        for (size_t j = 0; c && j < t->children[i]->n_children; j++) {
            struct tnode *o = t->children[i]->children[j];

            for (size_t f = 0; f < c->n_fields; f++)
                if (schema_field_maintained_by(c, &c->fields[f], NULL))
                    store__tnode_remove(o, c->fields[f].name);
        }
    }
    store__tnode_sort(t);
    store__tnode_sort(back);
    /* Classes without objects, or not in the schema, are not written. */
    empty = store__tnode_new(SCHEMA_ROOT, "");
    for (size_t i = 0; i < t->n_children; i++)
        if (!t->children[i]->n_children ||
            !schema_class_find_exact(t->children[i]->name))
            store__tnode_add(empty, store__tnode_new(t->children[i]->name,
                                                     ""));
    for (size_t i = 0; i < empty->n_children; i++)
        store__tnode_remove(t, empty->children[i]->name);
    store__tnode_free(empty);
    if (v != version || !store__tnode_equal(t, back)) {
        fprintf(stderr, "round trip changed the tree\n%s\n", out);
        abort();
    }
    store__tnode_free(back);
    free(out);
}

/* libxml2 must report through the reader's handler, never print: any
 * message on its generic (global) channel is a bug to find. */
static void generic_error(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    fprintf(stderr, "libxml2 printed: %s\n", fmt);
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    xmlSetGenericErrorFunc(NULL, generic_error);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *d = (const char *)data;
    struct tnode *t = NULL, *objs = NULL;
    char msg[512], **destroyed = NULL;
    int version;

    if (store__xml_parse(d, size, &t, &version, msg, sizeof(msg)) == 0) {
        store__check_tree(t, false, NULL, NULL, msg, sizeof(msg));
        round_trip(t, version);
        store__log_parse(d, size, t, version, msg, sizeof(msg));
        store__tnode_free(t);
    }
    if (store__xml_parse_record(d, size, &objs, &version, &destroyed, msg,
                                sizeof(msg)) == 0) {
        t = store__tnode_new(SCHEMA_ROOT, "");
        store__tree_apply(t, objs, destroyed);
        strv_free(destroyed);
        store__tnode_free(t);
    }
    t = store__tnode_new(SCHEMA_ROOT, "");
    store__log_parse(d, size, t, SCHEMA_VERSION, msg, sizeof(msg));
    store__log_parse(d, size, NULL, SCHEMA_VERSION, msg, sizeof(msg));
    store__tnode_free(t);
    return 0;
}
