/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Records for display: stored fields at once, the rest when asked for. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/macro.h"
#include "xe/frontend.h"
#include "ops/xapi-errors.h"

/* Objects of one class read so far (sorted by uuid when loaded whole). */
struct cache {
    bool loaded;                /* every object of the class is in v */
    store_record **v;
    size_t n;
};

/* What the compute callback of one record needs. */
struct rctx {
    struct xe_reader *rd;
    store_record *sr;
    struct ops_pif_ip ip;       /* PIF: the parts read so far */
};

struct xe_reader {
    struct xe_frontend *fe;
    bool many;                  /* a list: read referred classes whole */
    struct cache *cache;        /* one per schema class */
    struct rctx *ctxs;
    char **live;                /* in a pool: the hosts whose lease lives */
    bool live_read;
};

static size_t class_index(const struct schema_class *c)
{
    for (size_t i = 0; i < schema_n_classes; i++)
        if (schema_classes[i] == c)
            return i;
    return 0;
}

static int cache_add(struct cache *c, store_record *r)
{
    store_record **v = realloc(c->v, (c->n + 1) * sizeof(*v));

    if (!v)
        return -ENOMEM;
    c->v = v;
    v[c->n++] = r;
    return 0;
}

/* The object (cls, uuid), or NULL when it does not exist. */
static const store_record *lookup(struct xe_reader *rd, const char *cls,
                                  const char *uuid)
{
    const struct schema_class *c = schema_class_find(cls);
    struct cache *k;
    store_record *r = NULL;

    if (!c || !schema_uuid_valid(uuid))
        return NULL;
    k = &rd->cache[class_index(c)];
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(store_record_uuid(k->v[i]), uuid) == 0)
            return k->v[i];
    if (k->loaded)
        return NULL;
    if (rd->many || rd->fe->pool_state > 0) {
        /* One pipelined read of the class beats one read per record (and
         * in a pool, the class is one etcd range). */
        struct xapi_error err = XAPI_ERROR_INIT;
        store_record **v = NULL;
        size_t n = 0;

        int rc = xe_frontend_list(rd->fe, c->name, &v, &n, &err);

        xapi_error_clear(&err);
        if (rc < 0)
            return NULL;
        for (size_t i = 0; i < n; i++)
            if (cache_add(k, v[i]) < 0)
                store_record_free(v[i]);
        free(v);
        k->loaded = true;
        for (size_t i = 0; i < k->n; i++)
            if (strcmp(store_record_uuid(k->v[i]), uuid) == 0)
                return k->v[i];
        return NULL;
    }
    if (store_get(rd->fe->st, c->name, uuid, &r) < 0)
        return NULL;
    if (cache_add(k, r) < 0) {
        store_record_free(r);
        return NULL;
    }
    return r;
}

/* In a pool: whether the host's lease lives ("true" out of a pool). */
static int host_live(struct xe_reader *rd, const char *uuid, char **ret)
{
    bool live = true;

    if (rd->fe->pool_state > 0) {
        size_t n = 0;

        if (!rd->live_read &&
            pool_live_hosts(rd->fe->pool, &rd->live, &n) < 0)
            return -ENODATA;    /* etcd away: XAPI's "<unknown>" */
        rd->live_read = true;
        live = false;
        for (size_t i = 0; rd->live && rd->live[i]; i++)
            live = live || strcmp(rd->live[i], uuid) == 0;
    }
    *ret = strdup(live ? "true" : "false");
    return *ret ? 0 : -ENOMEM;
}

static const struct schema_field *schema_of(const struct xe_record *rec,
                                            const struct xe_field_def *f)
{
    return schema_field_find(schema_class_find(rec->cls->api_class),
                             f->api_field);
}

/* A ref shown as the target's uuid (or one of its fields). */
static int follow(struct xe_reader *rd, const struct schema_field *sf,
                  const char *ref, const char *target_field, char **ret)
{
    const store_record *t;
    const char *v;

    if (!*ref)
        goto nid;
    /* A ref the store keeps an inverse of cannot dangle. */
    if (!target_field && sf->inverse) {
        *ret = strdup(ref);
        return *ret ? 0 : -ENOMEM;
    }
    t = lookup(rd, sf->target, ref);
    if (!t)
        goto nid;
    v = target_field ? store_record_get(t, schema_fid_find(target_field)) : ref;
    *ret = strdup(v ? v : "");
    return *ret ? 0 : -ENOMEM;
nid:
    *ret = strdup(XE_NOT_IN_DATABASE);
    return *ret ? 0 : -ENOMEM;
}

static int refs_text(struct xe_reader *rd, const store_record *sr,
                     const struct schema_field *sf, char **ret)
{
    size_t n = store_record_set_count(sr, schema_field_fid(sf)), len = 1;
    _cleanup_free_ char **shown = calloc(n + 1, sizeof(*shown));
    char *out, *p;
    int r = 0;

    if (!shown)
        return -ENOMEM;
    for (size_t i = 0; r >= 0 && i < n; i++) {
        const char *m = store_record_set_member(sr, schema_field_fid(sf), i);
        const store_record *t = lookup(rd, sf->target, m);

        shown[i] = strdup(t ? m : XE_NOT_IN_DATABASE);
        if (!shown[i])
            r = -ENOMEM;
        else
            len += strlen(shown[i]) + 2;
    }
    out = r >= 0 ? malloc(len) : NULL;
    if (out) {
        p = out;
        *p = '\0';
        for (size_t i = 0; i < n; i++)
            p = stpcpy(stpcpy(p, i ? "; " : ""), shown[i]);
    }
    for (size_t i = 0; i < n; i++)
        free(shown[i]);
    if (!out)
        return -ENOMEM;
    *ret = out;
    return 0;
}

/*
 * PIF_metrics as XAPI shows it (records.ml): carrier "true"/"false",
 * speed "N Mbit/s", duplex "full", "half" or "unknown" (ops_pif_link).
 */
static int pif_metric(struct xe_reader *rd, const store_record *pif,
                      const char *name, char **ret)
{
    struct ops_pif_link link;

    ops_pif_link(&rd->fe->ops, pif, &link);
    if (strcmp(name, "carrier") == 0)
        *ret = strdup(link.carrier ? "true" : "false");
    else if (strcmp(name, "speed") == 0) {
        if (asprintf(ret, "%lld Mbit/s", link.speed) < 0)
            *ret = NULL;
    } else
        *ret = strdup(link.duplex);
    return *ret ? 0 : -ENOMEM;
}

/* A set of strings shown as one "; "-joined value (records.ml's
 * concat_with_semi of a field without get_set). */
static int words_text(const char *list, char **ret)
{
    char *out = strdup(list ? list : ""), *p;

    if (!out)
        return -ENOMEM;
    /* Stored ','-separated: "a,b" becomes "a; b". */
    for (p = strchr(out, ','); p; p = strchr(p + 2, ',')) {
        char *wider;
        size_t at = (size_t)(p - out);

        if (asprintf(&wider, "%.*s; %s", (int)at, out, p + 1) < 0) {
            free(out);
            return -ENOMEM;
        }
        free(out);
        out = wider;
        p = out + at;
    }
    *ret = out;
    return 0;
}

/* The part of ops_pif_ip() a PIF field is read from, or 0. */
static unsigned pif_ip_part(const struct xe_record *rec, const char *name)
{
    static const struct { const char *name; unsigned part; } map[] = {
        { "ip_configuration_mode", OPS_PIF_ADDRS },
        { "IP", OPS_PIF_ADDRS },
        { "netmask", OPS_PIF_ADDRS },
        { "ipv6_configuration_mode", OPS_PIF_ADDRS },
        { "IPv6", OPS_PIF_ADDRS },
        { "primary_address_type", OPS_PIF_ADDRS },
        { "management", OPS_PIF_ROUTES },
        { "gateway", OPS_PIF_ROUTES },
        { "ipv6_gateway", OPS_PIF_ROUTES },
        { "DNS", OPS_PIF_DNS },
    };

    if (rec->cls != &xe_class_pif)
        return 0;
    for (size_t i = 0; i < ELEMENTSOF(map); i++)
        if (strcmp(map[i].name, name) == 0)
            return map[i].part;
    return 0;
}

/* A PIF's IP field, read from the kernel once per record and part. */
static int pif_ip_text(struct rctx *x, const char *name, unsigned part,
                       char **ret)
{
    const struct ops_pif_ip *ip = &x->ip;
    const char *v;

    ops_pif_ip(&x->rd->fe->ops, x->sr, part, &x->ip);
    if (strcmp(name, "IPv6") == 0)
        return words_text(ip->ipv6, ret);
    v = strcmp(name, "ip_configuration_mode") == 0 ? ip->mode
        : strcmp(name, "IP") == 0 ? ip->ip
        : strcmp(name, "netmask") == 0 ? ip->netmask
        : strcmp(name, "ipv6_configuration_mode") == 0 ? ip->ipv6_mode
        : strcmp(name, "primary_address_type") == 0
            ? ip->primary_address_type
        : strcmp(name, "management") == 0
            ? (ip->management ? "true" : "false")
        : strcmp(name, "gateway") == 0 ? ip->gateway
        : strcmp(name, "ipv6_gateway") == 0 ? ip->ipv6_gateway
        : ip->dns;
    *ret = strdup(v);
    return *ret ? 0 : -ENOMEM;
}

/*
 * records.ml's memory-total, memory-free (Host_metrics) and
 * memory-free-computed of this host, read now (ops_host_memory); another
 * host's are not known here: "<not in database>", as xe shows a host
 * without metrics.
 */
static int host_memory(struct xe_reader *rd, const store_record *host,
                       const char *which, struct xe_value *out)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    int64_t total = 0, freem = 0;
    char me[37], buf[32];
    int r;

    r = ops_host_uuid(&rd->fe->ops, me, &err);
    xapi_error_clear(&err);
    if (r < 0 || strcmp(me, store_record_uuid(host)) != 0)
        return xe_value_set_text(out, XE_NOT_IN_DATABASE);
    r = ops_host_memory(&rd->fe->ops, &total, &freem);
    if (r < 0)
        return r;
    snprintf(buf, sizeof(buf), "%" PRId64,
             strcmp(which, "memory_total") == 0 ? total : freem);
    return xe_value_set_text(out, buf);
}

/*
 * records.ml:3374-3382: the host's control-domain-uuid and resident-vms,
 * this host's VMs as Xen runs them (ops_host_vms: dom0's VM, the VMs with
 * a domain); another pool member's are not known here: "<not in
 * database>" and empty, as XAPI shows a null ref and an empty set.
 */
static int host_vms(struct xe_reader *rd, const store_record *host,
                    const char *which, char **ret)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    _cleanup_strv_free_ char **resident = NULL;
    char me[37], control[37] = "";
    bool control_domain = strcmp(which, "control_domain") == 0;
    int r;

    r = ops_host_uuid(&rd->fe->ops, me, &err);
    if (r >= 0 && strcmp(me, store_record_uuid(host)) == 0)
        r = ops_host_vms(&rd->fe->ops, control, &resident, &err);
    xapi_error_clear(&err);
    if (r < 0)
        return r;
    if (control_domain)
        *ret = strdup(*control ? control : XE_NOT_IN_DATABASE);
    else if (!resident)
        *ret = strdup("");
    else {
        size_t len = 1;

        for (size_t i = 0; resident[i]; i++)
            len += strlen(resident[i]) + 2;
        *ret = calloc(1, len);
        for (size_t i = 0; *ret && resident[i]; i++) {
            if (i)
                strcat(*ret, "; ");
            strcat(*ret, resident[i]);
        }
    }
    return *ret ? 0 : -ENOMEM;
}

/*
 * The pool's fields xe reads from its hosts (records.ml
 * get_consistent_field_or_default): the master's value, its default when
 * not stored; "" for supported-sr-types and license-state (no SR drivers,
 * no licensing here).
 */
static int pool_from_master(struct xe_reader *rd, const store_record *pl,
                            const char *name, char **ret)
{
    const struct schema_field *hf;
    const store_record *h;
    const char *v = NULL;

    hf = schema_field_find(schema_class_find("host"), name);
    if (hf) {
        h = lookup(rd, "host", store_record_get(pl, SF_master) ?: "");
        if (!h) {
            *ret = strdup(XE_NOT_IN_DATABASE);
            return *ret ? 0 : -ENOMEM;
        }
        v = store_record_get(h, schema_field_fid(hf)) ?: hf->default_value;
    }
    *ret = strdup(v ? v : "");
    return *ret ? 0 : -ENOMEM;
}

static int compute(void *userdata, const struct xe_record *rec,
                   const struct xe_field_def *f, struct xe_value *out)
{
    struct rctx *x = userdata;
    struct xe_reader *rd = x->rd;
    const struct schema_field *sf = schema_of(rec, f);
    struct xapi_error err = XAPI_ERROR_INIT;
    _cleanup_free_ char *text = NULL;
    int r;

    if (f->source == XE_SRC_COMPUTED && f->api_field &&
        strncmp(f->api_field, "memory_", 7) == 0)
        return host_memory(rd, x->sr, f->api_field, out);
    if (!sf)
        return -ENOENT;
    switch (f->source) {
    case XE_SRC_REF_UUID:
        r = follow(rd, sf,
                   store_record_get(x->sr, schema_field_fid(sf)) ?: "", NULL,
                   &text);
        break;
    case XE_SRC_REF_FIELD:
        r = follow(rd, sf,
                   store_record_get(x->sr, schema_field_fid(sf)) ?: "",
                   f->target_field, &text);
        break;
    case XE_SRC_REFS:
        r = refs_text(rd, x->sr, sf, &text);
        break;
    case XE_SRC_COMPUTED:
        if (pif_ip_part(rec, sf->name)) {
            r = pif_ip_text(x, sf->name, pif_ip_part(rec, sf->name), &text);
        } else if (strcmp(rec->cls->api_class, "host") == 0 &&
                   (strcmp(sf->name, "control_domain") == 0 ||
                    strcmp(sf->name, "resident_VMs") == 0)) {
            r = host_vms(rd, x->sr, sf->name, &text);
        } else if ((sf->flags & SCHEMA_COMPUTED) &&
                   strcmp(rec->cls->api_class, "pool") == 0) {
            r = pool_from_master(rd, x->sr, sf->name, &text);
        } else if (strcmp(sf->name, "remaining_capacity") == 0) {
            int64_t n = 0;

            r = xe_frontend_sriov_capacity(rd->fe, store_record_uuid(x->sr),
                                           &n, &err);
            if (r >= 0 && asprintf(&text, "%" PRId64, n) < 0)
                r = -ENOMEM;
        } else if (strcmp(sf->name, "reserved_pci") == 0) {
            /* The reserved VF's address (docs/plugin.md), "" for none. */
            const char *pci = store_record_get(x->sr, schema_field_fid(sf));

            if (pci && *pci)
                r = follow(rd, sf, pci, "pci_id", &text);
            else
                r = (text = strdup("")) ? 0 : -ENOMEM;
        } else if (sf->type == SCHEMA_UUID && strcmp(sf->name, "VM") != 0) {
            /* A ref to a class xen-sriov does not have (VLAN, Bond): its
             * uuid, or XAPI's "<not in database>" for the null ref. */
            const char *v = store_record_get(x->sr, schema_field_fid(sf));

            r = (text = strdup(v && *v ? v : XE_NOT_IN_DATABASE)) ? 0
                                                                  : -ENOMEM;
        } else if (sf->type == SCHEMA_SET_REF) {
            /* PCI dependencies: their pci-ids, "; "-joined. */
            size_t n = store_record_set_count(x->sr, schema_field_fid(sf));

            r = (text = strdup("")) ? 0 : -ENOMEM;
            for (size_t i = 0; r >= 0 && i < n; i++) {
                const store_record *t = lookup(
                    rd, sf->target,
                    store_record_set_member(x->sr, schema_field_fid(sf), i));
                const char *id = t ? store_record_get(t, SF_pci_id) : NULL;
                char *next;

                if (asprintf(&next, "%s%s%s", text, i ? "; " : "",
                             id ? id : XE_NOT_IN_DATABASE) < 0)
                    r = -ENOMEM;
                else {
                    free(text);
                    text = next;
                }
            }
        } else if (sf->type == SCHEMA_MAP) {
            /* A map xe shows without get_map (network blobs): "k: v; ...",
             * "( RO)". */
            size_t n = store_record_map_count(x->sr, schema_field_fid(sf));

            r = (text = strdup("")) ? 0 : -ENOMEM;
            for (size_t i = 0; r >= 0 && i < n; i++) {
                char *next;

                if (asprintf(&next, "%s%s%s: %s", text, i ? "; " : "",
                             store_record_map_key(x->sr,
                                                  schema_field_fid(sf), i),
                             store_record_map_value(x->sr,
                                                    schema_field_fid(sf), i))
                    < 0)
                    r = -ENOMEM;
                else {
                    free(text);
                    text = next;
                }
            }
        } else if (sf->type == SCHEMA_SET_STRING) {
            r = words_text(store_record_get(x->sr, schema_field_fid(sf)),
                           &text);
        } else if (strcmp(sf->name, "carrier") == 0 ||
                   strcmp(sf->name, "speed") == 0 ||
                   strcmp(sf->name, "duplex") == 0) {
            r = pif_metric(rd, x->sr, sf->name, &text);
        } else if (strcmp(sf->name, "live") == 0) {
            r = host_live(rd, store_record_uuid(x->sr), &text);
        } else if (strncmp(sf->name, "io_", 3) == 0) {
            /* XAPI's RRD data sources: none here, "<unknown>" as XAPI
             * shows a missing one. */
            r = -ENODATA;
        } else {
            /* vm-name-label: the VM's name; a VM gone reads as XAPI's
             * dangling ref. */
            r = ops_vm_name_label(&rd->fe->ops,
                                  store_record_get(x->sr, SF_VM), &text,
                                  &err);
            if (r == -ENOENT)
                r = (text = strdup(XE_NOT_IN_DATABASE)) ? 0 : -ENOMEM;
        }
        xapi_error_clear(&err);
        break;
    default:
        return -EINVAL;
    }
    return r < 0 ? r : xe_value_set_text(out, text);
}

/* Split "a,b" (a set of strings as stored) into members. */
static int set_words(struct xe_value *v, const char *list)
{
    _cleanup_free_ char *copy = strdup(list);
    _cleanup_free_ const char **items = NULL;
    size_t n = 0;
    char *save = NULL;

    if (!copy)
        return -ENOMEM;
    items = calloc(strlen(list) + 1, sizeof(*items));
    if (!items)
        return -ENOMEM;
    for (char *t = strtok_r(copy, ",", &save); t;
         t = strtok_r(NULL, ",", &save))
        items[n++] = t;
    return xe_value_set_items(v, XE_SET, items, n);
}

static int fill_stored(struct xe_record *rec, const store_record *sr)
{
    int r = 0;

    for (size_t i = 0; r >= 0 && i < rec->cls->n_fields; i++) {
        const struct xe_field_def *f = &rec->cls->fields[i];
        const struct schema_field *sf = schema_of(rec, f);
        struct xe_value *v = &rec->values[i];
        size_t n;

        if (f->source != XE_SRC_FIELD || !sf)
            continue;
        if (f->kind == XE_MAP) {
            n = store_record_map_count(sr, schema_field_fid(sf));
            _cleanup_free_ const char **kv = calloc(2 * n + 1, sizeof(*kv));

            if (!kv)
                return -ENOMEM;
            for (size_t k = 0; k < n; k++) {
                kv[2 * k] = store_record_map_key(sr, schema_field_fid(sf), k);
                kv[2 * k + 1] = store_record_map_value(sr,
                                                       schema_field_fid(sf),
                                                       k);
            }
            r = xe_value_set_items(v, XE_MAP, kv, n);
        } else if (f->kind == XE_SET && sf->type == SCHEMA_SET_REF) {
            n = store_record_set_count(sr, schema_field_fid(sf));
            _cleanup_free_ const char **m = calloc(n + 1, sizeof(*m));

            if (!m)
                return -ENOMEM;
            for (size_t k = 0; k < n; k++)
                m[k] = store_record_set_member(sr, schema_field_fid(sf), k);
            r = xe_value_set_items(v, XE_SET, m, n);
        } else if (f->kind == XE_SET) {
            r = set_words(v, store_record_get(sr, schema_field_fid(sf)) ?: "");
        } else {
            /* A field added after the record was stored: its default. */
            r = xe_value_set_text(v, store_record_get(sr, schema_field_fid(sf))
                                         ?: sf->default_value ?: "");
        }
    }
    return r;
}

void xe_records_free(struct xe_records *r)
{
    struct xe_reader *rd = r->reader;

    for (size_t i = 0; r->v && i < r->n; i++)
        xe_record_free(r->v[i]);
    free(r->v);
    strv_free(r->notes);
    if (rd) {
        for (size_t i = 0; i < schema_n_classes; i++)
            store_record_list_free(rd->cache[i].v, rd->cache[i].n);
        free(rd->cache);
        free(rd->ctxs);
        strv_free(rd->live);
        free(rd);
    }
    memset(r, 0, sizeof(*r));
}

int xe_read_records(struct xe_frontend *fe, const struct xe_class_def *cls,
                    const char *uuid, struct xe_records *ret,
                    struct xapi_error *err)
{
    const struct schema_class *c = schema_class_find(cls->api_class);
    struct xe_records out = { 0 };
    struct ops_ctx *ops;
    struct xe_reader *rd;
    struct cache *own;
    int r;

    if (cls == &xe_class_vm)
        return xe_read_vm_records(fe, uuid, ret, err);
    r = xe_frontend_pool(fe, &(pool *){ NULL }, err);
    if (r >= 0)
        r = xe_frontend_ops(fe, &ops, err);
    if (r < 0)
        return r;
    rd = calloc(1, sizeof(*rd));
    if (rd)
        rd->cache = calloc(schema_n_classes, sizeof(*rd->cache));
    out.reader = rd;
    if (!rd || !rd->cache) {
        xe_records_free(&out);
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    }
    rd->fe = fe;
    rd->many = !uuid;
    own = &rd->cache[class_index(c)];
    if (uuid) {
        store_record *sr = NULL;

        const store_record *found;

        /* A network in a pool: the pool's object (every host's PIFs and
         * VIFs), not this host's copy of it (its own only). */
        if (fe->pool_state > 0 && strcmp(c->name, "network") == 0 &&
            lookup(rd, c->name, uuid))
            r = -ENOENT;
        else if ((r = ops_lookup(ops, c->name, uuid, &sr, err)) >= 0 &&
                 (r = cache_add(own, sr)) < 0)
            store_record_free(sr);
        /* Another host's object, in the pool's view. */
        if (r == -ENOENT && fe->pool_state > 0 &&
            (found = lookup(rd, c->name, uuid))) {
            xapi_error_clear(err);
            /* The one asked for first; the class stays cached. */
            for (size_t i = 0; i < own->n; i++)
                if (own->v[i] == found) {
                    own->v[i] = own->v[0];
                    own->v[0] = (store_record *)found;
                }
            r = 0;
        }
    } else {
        r = xe_frontend_list(fe, c->name, &own->v, &own->n, err);
        own->loaded = true;
    }
    if (r >= 0) {
        out.v = calloc(own->n + 1, sizeof(*out.v));
        rd->ctxs = calloc(own->n + 1, sizeof(*rd->ctxs));
        if (!out.v || !rd->ctxs)
            r = -ENOMEM;
    }
    for (size_t i = 0; r >= 0 && i < (uuid ? 1 : own->n); i++) {
        r = xe_record_new(&out.v[i], cls);
        if (r < 0)
            break;
        out.n++;
        rd->ctxs[i] = (struct rctx){ .rd = rd, .sr = own->v[i] };
        out.v[i]->compute = compute;
        out.v[i]->compute_userdata = &rd->ctxs[i];
        r = fill_stored(out.v[i], own->v[i]);
    }
    if (r < 0) {
        xe_records_free(&out);
        return xapi_error_is_set(err) ? r
                                      : xapi_error_internal(err, r,
                                                            "out of memory");
    }
    *ret = out;
    return 0;
}
