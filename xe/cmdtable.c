/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The xe command table: static commands and per-class generated ones. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/macro.h"
#include "xe/cmdtable.h"

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NONE ((const char *const[]){ NULL })

struct static_cmd {
    const char *name;
    const char *const *reqd;
    const char *const *optn;
    const char *help;
    unsigned flags;
};

/*
 * From cli_frontend.ml cmdtable_data, verbatim but for num-vfs (ours: how
 * many VFs to enable; xe always enables all).
 */
static const struct static_cmd static_cmds[] = {
    { "pif-scan", L("host-uuid"), NONE,
      "Scan for new physical interfaces on a host.",
      XE_CMD_CHANGES_STATE },
    { "network-create", L("name-label"),
      L("name-description", "MTU", "bridge", "managed"),
      "Create a new network.", XE_CMD_CHANGES_STATE },
    { "network-destroy", L("uuid"), NONE,
      "Delete an existing network.", XE_CMD_CHANGES_STATE },
    { "network-sriov-create", L("pif-uuid", "network-uuid"), L("num-vfs"),
      "Create a new network-sriov on a PIF. The optional num-vfs is the "
      "number of virtual functions to enable on the NIC (default: as many "
      "as it supports).", XE_CMD_CHANGES_STATE },
    { "network-sriov-destroy", L("uuid"), NONE,
      "Destroy a network-sriov.", XE_CMD_CHANGES_STATE },
    /* Ours: why each VF counts in remaining-capacity or not. */
    { "network-sriov-diagnose", L("uuid"), NONE,
      "List the virtual functions of a network-sriov, whether each can be "
      "given to a VIF now (they make up remaining-capacity) and why not.",
      0 },
    { "vif-create", L("device", "network-uuid", "vm-uuid"), L("mac"),
      "Create a VIF. Appropriate values for the device are listed in the "
      "parameter 'allowed-VIF-devices' on the VM. If specified, the MAC "
      "parameter is of the form aa:bb:cc:dd:ee:ff. If MAC is not specified "
      "the server will choose an appropriate MAC automatically.",
      XE_CMD_CHANGES_STATE },
    { "vif-destroy", L("uuid"), NONE, "Destroy a VIF.",
      XE_CMD_CHANGES_STATE },
    /* Ours: a pool on etcd (docs/pool.md), where xe's pool-join takes
     * master-address=, master-username=, master-password=. */
    { "pool-join", L("etcd-endpoints"),
      L("prefix", "lease-ttl", "etcd-cacert", "etcd-cert", "etcd-key"),
      "Instruct host to join an existing pool: etcd-endpoints= names the "
      "pool's etcd members (http://host:2379,...); the etcd-cacert, "
      "etcd-cert and etcd-key files are for a cluster with TLS.",
      XE_CMD_CHANGES_STATE },
    { "pool-eject", L("host-uuid"), NONE,
      "Instruct host to leave an existing pool.", XE_CMD_CHANGES_STATE },
    { "vif-plug", L("uuid"), NONE,
      "Attempt to attach the VIF while the VM is in the running state.",
      XE_CMD_CHANGES_STATE },
    { "vif-unplug", L("uuid"), L("force"),
      "Attempt to detach the VIF while the VM is in the running state.",
      XE_CMD_CHANGES_STATE },
};

/* cli_operations.ml stdparams, plus report-ignored-params (xe >= 25). */
bool xe_is_std_param(const char *key)
{
    static const char *const std[] = {
        "server", "password", "port", "username", "minimal", "force",
        "multiple", "all", "message-priority", "trace",
        "report-ignored-params",
    };

    for (size_t i = 0; i < ELEMENTSOF(std); i++)
        if (streq_ptr(std[i], key))
            return true;
    return false;
}

/* A NULL-terminated, malloc'd list of strings. */
struct strv {
    char **v;
    size_t n;
};

/* Add a followed by b (may be NULL). */
static int strv_add(struct strv *s, const char *a, const char *b)
{
    size_t la = strlen(a), lb = b ? strlen(b) : 0;
    char **v = realloc(s->v, (s->n + 2) * sizeof(*v));

    if (!v)
        return -ENOMEM;
    s->v = v;
    v[s->n] = malloc(la + lb + 1);
    if (!v[s->n])
        return -ENOMEM;
    memcpy(v[s->n], a, la);
    if (lb)
        memcpy(v[s->n] + la, b, lb);
    v[s->n][la + lb] = '\0';
    v[++s->n] = NULL;
    return 0;
}

static int strv_copy(struct strv *s, const char *const *src)
{
    int r;

    for (size_t i = 0; src[i]; i++) {
        r = strv_add(s, src[i], NULL);
        if (r < 0)
            return r;
    }
    /* An empty list is still a (NULL-terminated) list. */
    if (!s->v) {
        s->v = calloc(1, sizeof(*s->v));
        if (!s->v)
            return -ENOMEM;
    }
    return 0;
}

static void command_done(struct xe_command *c)
{
    free(c->name);
    strv_free(c->reqd);
    strv_free(c->optn);
    free(c->help);
    memset(c, 0, sizeof(*c));
}

struct xe_cmdtable *xe_cmdtable_free(struct xe_cmdtable *t)
{
    if (!t)
        return NULL;
    for (size_t i = 0; i < t->n; i++)
        command_done(&t->cmds[i]);
    free(t->cmds);
    free(t);
    return NULL;
}

static int add_command(struct xe_cmdtable *t, const char *name,
                       const char *const *reqd, struct strv *optn,
                       const char *help, unsigned flags, enum xe_op op,
                       const struct xe_class_def *cls, xe_handler_fn fn)
{
    struct xe_command *c;
    struct strv req = { 0 };
    int r;

    c = realloc(t->cmds, (t->n + 1) * sizeof(*c));
    if (!c)
        return -ENOMEM;
    t->cmds = c;
    c = &t->cmds[t->n];
    memset(c, 0, sizeof(*c));
    r = strv_copy(&req, reqd);
    if (r >= 0 && !optn->v)
        r = strv_copy(optn, NONE);
    c->name = strdup(name);
    c->help = strdup(help);
    c->reqd = req.v;
    c->optn = optn->v;
    optn->v = NULL;
    c->flags = flags;
    c->op = op;
    c->cls = cls;
    c->handler = fn;
    if (r < 0 || !c->name || !c->help || !c->reqd || !c->optn) {
        command_done(c);
        return -ENOMEM;
    }
    t->n++;
    return 0;
}

static xe_handler_fn static_handler(const struct xe_handler_entry *h,
                                    const char *name)
{
    for (; h && h->name; h++)
        if (streq_ptr(h->name, name))
            return h->fn;
    return NULL;
}

/* cli_operations.ml make_param_funs / gen_frontend for one class; only
 * the command called only when it is not NULL. */
static int add_class(struct xe_cmdtable *t, const struct xe_class_def *cls,
                     const xe_handler_fn *generic, const char *only)
{
    struct strv list = { 0 }, settable = { 0 }, clearable = { 0 };
    struct strv get = { 0 }, add = { 0 }, none1 = { 0 }, none2 = { 0 };
    bool addable = false;
    char name[128], help[1024];
    int r = 0;

#define GEN(op) (generic ? generic[op] : NULL)
#define ADD(suffix, reqd, optn, text, flags, op)                           \
    do {                                                                   \
        snprintf(name, sizeof(name), "%s-%s", cls->name, suffix);          \
        if (r >= 0 && (!only || streq_ptr(only, name)))                    \
            r = add_command(t, name, reqd, optn, text, flags, op, cls,     \
                            GEN(op));                                      \
    } while (0)

    r = strv_add(&list, "params", NULL);
    for (size_t i = 0; r >= 0 && i < cls->n_fields; i++)
        if (!(cls->fields[i].flags & XE_HIDDEN))
            r = strv_add(&list, cls->fields[i].name, NULL);
    for (size_t i = 0; r >= 0 && i < cls->n_fields; i++) {
        const struct xe_field_def *f = &cls->fields[i];

        if (f->flags & XE_HIDDEN)
            continue;
        if (f->kind == XE_SET)
            r = strv_add(&list, f->name, ":contains");
        if (r >= 0 && f->kind == XE_SCALAR && (f->flags & XE_RW))
            r = strv_add(&settable, f->name, NULL);
        if (r >= 0 && (f->kind == XE_SCALAR ? (f->flags & XE_RW) : 1))
            r = strv_add(&clearable, f->name, NULL);
        if (f->kind != XE_SCALAR && (f->flags & XE_RW))
            addable = true;
    }
    for (size_t i = 0; r >= 0 && i < cls->n_fields; i++) {
        const struct xe_field_def *f = &cls->fields[i];

        if (!(f->flags & XE_HIDDEN) && f->kind == XE_MAP &&
            (f->flags & XE_RW))
            r = strv_add(&settable, f->name, ":");
    }
    if (r >= 0)
        r = strv_add(&get, "param-key", NULL);
    if (r >= 0)
        r = strv_add(&add, "param-key", NULL);

    snprintf(help, sizeof(help), "Lists all the %ss, filtering on the "
             "optional arguments. To filter on map parameters, use the "
             "syntax 'map-param:key=value'", cls->name);
    ADD("list", NONE, &list, help,
        cls->standard ? XE_CMD_STANDARD : 0u, XE_OP_LIST);
    ADD("param-list", L("uuid"), &none1,
        "Lists all the parameters of the object specified by the uuid.",
        0u, XE_OP_PARAM_LIST);
    ADD("param-get", L("uuid", "param-name"), &get,
        "Gets the parameter specified of the object. If the parameter is a "
        "map of key=value pairs, use 'param-key=<key>' to get the value "
        "associated with a particular key.", 0u, XE_OP_PARAM_GET);
    if (settable.n)
        ADD("param-set", L("uuid"), &settable,
            "Sets the parameter specified. If param-value is not given, the "
            "parameter is set to a null value. To set a (key,value) pair in "
            "a map parameter, use the syntax 'map-param:key=value'.",
            XE_CMD_CHANGES_STATE, XE_OP_PARAM_SET);
    if (addable) {
        ADD("param-add", L("uuid", "param-name"), &add,
            "Adds to a set or map parameter. If the parameter is a set, use "
            "param-key=<key to add>. If the parameter is a map, pass the "
            "values to add as 'key=value' pairs.",
            XE_CMD_CHANGES_STATE, XE_OP_PARAM_ADD);
        ADD("param-remove", L("uuid", "param-name", "param-key"), &none2,
            "Removes a member or a key,value pair from a set/map "
            "respectively.", XE_CMD_CHANGES_STATE, XE_OP_PARAM_REMOVE);
    }
    if (clearable.n) {
        size_t len;

        snprintf(help, sizeof(help), "Clears the specified parameter "
                 "(param-name can be ");
        len = strlen(help);
        for (size_t i = 0; i < clearable.n; i++) {
            snprintf(help + len, sizeof(help) - len, "%s%s", i ? "," : "",
                     clearable.v[i]);
            len = strlen(help);
        }
        snprintf(help + len, sizeof(help) - len, ").");
        {
            struct strv none3 = { 0 };

            ADD("param-clear", L("uuid", "param-name"), &none3, help,
                XE_CMD_CHANGES_STATE, XE_OP_PARAM_CLEAR);
            strv_free(none3.v);
        }
    }
#undef ADD
#undef GEN
    strv_free(list.v);
    strv_free(settable.v);
    strv_free(clearable.v);
    strv_free(get.v);
    strv_free(add.v);
    strv_free(none1.v);
    strv_free(none2.v);
    return r;
}

static int cmp_cmd(const void *a, const void *b)
{
    return strcmp(((const struct xe_command *)a)->name,
                  ((const struct xe_command *)b)->name);
}

/* True when add_class() may make a command called name for cls: name is
 * "<class>-<one of its suffixes>". */
static bool class_makes(const struct xe_class_def *cls, const char *name)
{
    static const char *const suffixes[] = {
        "list", "param-list", "param-get", "param-set", "param-add",
        "param-remove", "param-clear",
    };
    size_t len = strlen(cls->name);

    if (strncmp(name, cls->name, len) != 0 || name[len] != '-')
        return false;
    for (size_t i = 0; i < ELEMENTSOF(suffixes); i++)
        if (streq_ptr(name + len + 1, suffixes[i]))
            return true;
    return false;
}

int xe_cmdtable_new(struct xe_cmdtable **ret,
                    const struct xe_handler_entry *handlers,
                    const xe_handler_fn *generic)
{
    return xe_cmdtable_new_for(ret, handlers, generic, NULL);
}

int xe_cmdtable_new_for(struct xe_cmdtable **ret,
                        const struct xe_handler_entry *handlers,
                        const xe_handler_fn *generic, const char *name)
{
    struct xe_cmdtable *t = calloc(1, sizeof(*t));
    int r = 0;

    if (!t)
        return -ENOMEM;
    for (size_t i = 0; r >= 0 && i < ELEMENTSOF(static_cmds); i++) {
        const struct static_cmd *s = &static_cmds[i];
        struct strv optn = { 0 };

        if (name && !streq_ptr(name, s->name))
            continue;
        r = strv_copy(&optn, s->optn);
        if (r >= 0)
            r = add_command(t, s->name, s->reqd, &optn, s->help, s->flags,
                            XE_OP_STATIC, NULL,
                            static_handler(handlers, s->name));
        strv_free(optn.v);
    }
    for (size_t i = 0; r >= 0 && i < xe_n_classes; i++)
        if (!name || class_makes(xe_classes[i], name))
            r = add_class(t, xe_classes[i], generic, name);
    if (r < 0) {
        xe_cmdtable_free(t);
        return r;
    }
    if (t->n)                   /* none: an unknown command's table */
        qsort(t->cmds, t->n, sizeof(*t->cmds), cmp_cmd);
    *ret = t;
    return 0;
}

const struct xe_command *xe_cmdtable_find(const struct xe_cmdtable *t,
                                          const char *name)
{
    struct xe_command key = { .name = (char *)name };

    if (!t || !name || !t->n)
        return NULL;
    return bsearch(&key, t->cmds, t->n, sizeof(*t->cmds), cmp_cmd);
}

bool xe_command_declares(const struct xe_command *cmd, const char *key)
{
    for (char **p = cmd->reqd; p && *p; p++)
        if (streq_ptr(*p, key))
            return true;
    for (char **p = cmd->optn; p && *p; p++) {
        size_t len = strlen(*p);

        /* "other-config:" declares every "other-config:<key>". */
        if (len && (*p)[len - 1] == ':') {
            if (strncmp(*p, key, len) == 0 && key[len] != '\0')
                return true;
        } else if (streq_ptr(*p, key))
            return true;
    }
    return false;
}
