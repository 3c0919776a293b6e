/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Field changes (param-set/add/remove/clear, set_*, add_to_*), checked. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/ops-internal.h"

static int not_supported(struct xapi_error *err, const char *field,
                         const char *value, const char *reason)
{
    return xapi_error_set(err, -EINVAL, XAPI_VALUE_NOT_SUPPORTED, field,
                          value, reason, NULL);
}

/* A decimal integer in [lo, hi]. */
static bool int_in(const char *s, long long lo, long long hi, long long *ret)
{
    char *end;
    long long v;

    if (!s || !*s || (*s == '0' && s[1]) || *s == '+' || *s == ' ')
        return false;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (*end || errno || v < lo || v > hi)
        return false;
    if (ret)
        *ret = v;
    return true;
}

static bool one_of(const char *s, const char *const *words)
{
    for (size_t i = 0; words[i]; i++)
        if (streq_ptr(s, words[i]))
            return true;
    return false;
}

/*
 * The VF settings in a VIF's other_config (docs/xe.md), checked on the
 * map as it will be: the plugin applies them when it attaches the VF.
 */
static int check_vif_other_config(const store_record *vif,
                                  struct xapi_error *err)
{
    static const char *const on_off[] = { "on", "off", NULL };
    static const char *const states[] = { "auto", "enable", "disable", NULL };
    const char *vlan = store_record_map_get(vif, SF_other_config, "vlan");
    const char *qos = store_record_map_get(vif, SF_other_config, "vlan-qos");
    const char *spoof = store_record_map_get(vif, SF_other_config, "spoofchk");
    const char *trust = store_record_map_get(vif, SF_other_config, "trust");
    const char *link = store_record_map_get(vif, SF_other_config,
                                            "link-state");
    const char *min = store_record_map_get(vif, SF_other_config,
                                           "min-tx-rate");
    const char *max = store_record_map_get(vif, SF_other_config,
                                           "max-tx-rate");
    long long v = 0, lo = 0, hi = 0;

    if (vlan && !int_in(vlan, 0, 4094, &v))
        return not_supported(err, "other_config:vlan", vlan,
                             "a VLAN id from 0 to 4094 (0: untagged)");
    if (qos && !int_in(qos, 0, 7, NULL))
        return not_supported(err, "other_config:vlan-qos", qos,
                             "an 802.1p priority from 0 to 7");
    if (qos && (!vlan || v == 0))
        return not_supported(err, "other_config:vlan-qos", qos,
                             "needs other_config:vlan (1 to 4094) too");
    if (spoof && !one_of(spoof, on_off))
        return not_supported(err, "other_config:spoofchk", spoof,
                             "on or off");
    if (trust && !one_of(trust, on_off))
        return not_supported(err, "other_config:trust", trust, "on or off");
    if (link && !one_of(link, states))
        return not_supported(err, "other_config:link-state", link,
                             "auto, enable or disable");
    if (min && !int_in(min, 0, 4294967295LL, &lo))
        return not_supported(err, "other_config:min-tx-rate", min,
                             "a rate in Mbit/s, 0 for none");
    if (max && !int_in(max, 0, 4294967295LL, &hi))
        return not_supported(err, "other_config:max-tx-rate", max,
                             "a rate in Mbit/s, 0 for none");
    if (min && max && hi && lo > hi)
        return not_supported(err, "other_config:min-tx-rate", min,
                             "must not exceed other_config:max-tx-rate");
    return 0;
}

/* XAPI's rate limit: qos_algorithm_type ratelimit, params kbps=N. */
static int check_vif_qos(const store_record *vif, struct xapi_error *err)
{
    const char *type = ops__get(vif, SF_qos_algorithm_type);
    const char *kbps = store_record_map_get(vif, SF_qos_algorithm_params,
                                            "kbps");

    if (*type && !streq_ptr(type, "ratelimit"))
        return not_supported(err, "qos_algorithm_type", type,
                             "ratelimit, or empty for none");
    if (kbps && !int_in(kbps, 1, 9223372036854775807LL, NULL))
        return not_supported(err, "qos_algorithm_params:kbps", kbps,
                             "a positive rate in kbit/s");
    return 0;
}

int ops__check_record(const store_record *r, struct xapi_error *err)
{
    const char *cls = store_record_class(r)->name;

    if (strcmp(cls, "VIF") == 0) {
        int k = check_vif_other_config(r, err);

        return k < 0 ? k : check_vif_qos(r, err);
    }
    if (strcmp(cls, "PIF") == 0) {
        static const char *const modes[] = {
            "sysfs", "modprobe", "manual", NULL
        };
        const char *m = store_record_map_get(r, SF_other_config,
                                             "sriov-configuration-mode");

        if (m && !one_of(m, modes))
            return not_supported(err,
                                 "other_config:sriov-configuration-mode", m,
                                 "sysfs, modprobe or manual (remove the key "
                                 "to detect the mode)");
    }
    if (strcmp(cls, "network") == 0 &&
        !int_in(ops__get(r, SF_MTU), 68, 65535, NULL))
        return not_supported(err, "MTU", ops__get(r, SF_MTU),
                             "an MTU from 68 to 65535");
    return 0;
}

struct apply_args {
    struct ops_ctx *ops;
    const char *cls, *uuid;
    const struct ops_change *c;
    size_t n;
    struct ops_undo undo;
    struct xapi_error *err;
};

/* Add or remove a member of a set of strings (one ','-separated node):
 * network tags, as XAPI's add_tags/remove_tags (adding one twice, or
 * removing one that is not there, changes nothing). */
static int words_change(store_record *r, const struct ops_change *c,
                        struct xapi_error *err)
{
    enum schema_fid id = schema_fid_find(c->field);   /* checked by apply_one */
    const char *cur = ops__get(r, id), *key = c->key ? c->key : "";
    _cleanup_free_ char *out = strdup("");
    size_t klen = strlen(key);
    bool had = false;

    if (!*key || strchr(key, ','))
        return not_supported(err, c->field, key, "a value without ','");
    for (const char *p = cur; out && *p;) {
        size_t n = strcspn(p, ",");
        char *next = NULL;

        if (n == klen && strncmp(p, key, n) == 0) {
            had = true;
            if (c->op == OPS_SET_REMOVE) {
                p += n + (p[n] == ',');
                continue;
            }
        }
        if (n && asprintf(&next, "%s%s%.*s", out, *out ? "," : "", (int)n,
                          p) < 0)
            return -ENOMEM;
        if (next) {
            free(out);
            out = next;
        }
        p += n + (p[n] == ',');
    }
    if (out && c->op == OPS_SET_ADD && !had) {
        char *next;

        if (asprintf(&next, "%s%s%s", out, *out ? "," : "", key) < 0)
            return -ENOMEM;
        free(out);
        out = next;
    }
    return out ? ops__set(r, id, out) : -ENOMEM;
}

/* An SR ref of the host or pool: there are no SRs, so only "" (the null
 * ref they hold) is taken; a uuid is UUID_INVALID, as records.ml's
 * SR.get_by_uuid makes it. */
static int sr_ref_change(const struct ops_change *c, struct xapi_error *err)
{
    if (c->op == OPS_SET && (!c->value || !*c->value))
        return 0;
    return xapi_error_set(err, -ENOENT, XAPI_UUID_INVALID, "SR",
                          c->value ? c->value : "", NULL);
}

/*
 * The host's fields whose XAPI setter acts on dom0 (Host.set_https_only
 * opens port 80, set_timezone, set_ntp_mode... reconfigure it): xe shows
 * them RW as XAPI does, and xen-sriov, which does not manage dom0's
 * services, refuses to change them rather than keep a value nothing
 * applies (docs/xe.md).  The SRs: there are none, so only "" (the null
 * ref, what they hold) is accepted, and any uuid is UUID_INVALID as
 * records.ml's SR.get_by_uuid makes it.
 */
static int host_setter(const struct ops_change *c, bool *handled,
                       struct xapi_error *err)
{
    static const char *const acting[] = {
        "https_only", "ssl_legacy", "iscsi_iqn", "multipathing",
        "uefi_certificates", "numa_affinity_policy", "ssh_enabled_timeout",
        "console_idle_timeout", "ssh_auto_mode", "max_cstate", "ntp_mode",
        "ntp_custom_servers", "timezone", NULL
    };

    *handled = true;
    if (streq_ptr(c->field, "suspend_image_sr") ||
        streq_ptr(c->field, "crash_dump_sr"))
        return sr_ref_change(c, err);
    if (one_of(c->field, acting))
        return not_supported(err, c->field, c->value ? c->value : "",
                             "XAPI's setter reconfigures dom0, which "
                             "xen-sriov does not manage: configure dom0 "
                             "itself");
    *handled = false;
    return 0;
}

/*
 * The pool's: everything but the stored fields (names, other_config,
 * tags, gui_config, health_check_config, license_server) changes how
 * XAPI runs the pool (HA, WLB, SSH, guest agents...): refused, as the
 * host's (docs/xe.md).  No SRs: only "" for the SR refs.
 */
static int pool_setter(const struct ops_change *c,
                       const struct schema_field *f, bool *handled,
                       struct xapi_error *err)
{
    *handled = true;
    if (streq_ptr(c->field, "default_SR") ||
        streq_ptr(c->field, "suspend_image_SR") ||
        streq_ptr(c->field, "crash_dump_SR"))
        return sr_ref_change(c, err);
    if (!f || !(f->flags & SCHEMA_RW))
        return not_supported(err, c->field ? c->field : "",
                             c->value ? c->value : c->key ? c->key : "",
                             "XAPI's setter reconfigures the pool's "
                             "services, which xen-sriov does not manage");
    *handled = false;
    return 0;
}

static int apply_one(store_record *r, const struct ops_change *c,
                     struct xapi_error *err)
{
    const struct schema_class *cls = store_record_class(r);
    const struct schema_field *f = schema_field_find(cls, c->field);
    enum schema_fid id = schema_field_fid(f);
    const char *why = NULL;
    bool handled = false;
    int k;

    if (strcmp(cls->name, "host") == 0) {
        k = host_setter(c, &handled, err);
        if (handled)
            return k;
    }
    if (strcmp(cls->name, "pool") == 0) {
        k = pool_setter(c, f, &handled, err);
        if (handled)
            return k;
    }
    if (!f || !(f->flags & SCHEMA_RW))
        return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR,
                              c->field ? c->field : "", NULL);
    switch (c->op) {
    case OPS_SET:
        if (f->type == SCHEMA_MAP || f->type == SCHEMA_SET_REF ||
            schema_value_check(f, c->value ? c->value : "", &why) < 0)
            return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR,
                                  c->field, NULL);
        return ops__set(r, id, c->value);
    case OPS_MAP_ADD:
    case OPS_MAP_PUT:
        if (f->type != SCHEMA_MAP)
            return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR,
                                  c->field, NULL);
        if (!schema_key_valid(c->key, &why))
            return not_supported(err, c->field, c->key ? c->key : "", why);
        if (schema_value_check(f, c->value ? c->value : "", &why) < 0)
            return not_supported(err, c->field, c->value, why);
        if (c->op == OPS_MAP_ADD &&
            store_record_map_get(r, id, c->key))
            return xapi_error_set(err, -EEXIST, XAPI_MAP_DUPLICATE_KEY,
                                  cls->name, c->field, store_record_uuid(r),
                                  c->key, NULL);
        return store_record_map_put(r, id, c->key,
                                    c->value ? c->value : "");
    case OPS_MAP_REMOVE:
        if (f->type != SCHEMA_MAP)
            return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR,
                                  c->field, NULL);
        if (!c->key || !store_record_map_get(r, id, c->key))
            return 0;
        return store_record_map_put(r, id, c->key, NULL);
    case OPS_SET_ADD:
    case OPS_SET_REMOVE:
        if (f->type == SCHEMA_SET_STRING)
            return words_change(r, c, err);
        if (f->type != SCHEMA_SET_REF)
            return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR,
                                  c->field, NULL);
        k = c->op == OPS_SET_ADD ? store_record_set_add(r, id, c->key)
                                 : store_record_set_remove(r, id,
                                                           c->key);
        return k == -ENOENT ? 0 : k;
    }
    return -EINVAL;
}

int ops__apply_to(store_record *r, const struct ops_change *c, size_t n,
                  struct xapi_error *err)
{
    int k = 0;

    for (size_t i = 0; k >= 0 && i < n; i++)
        k = apply_one(r, &c[i], err);
    if (k >= 0)
        k = ops__check_record(r, err);
    return k;
}

static int apply_fn(store_tx *tx, void *userdata)
{
    struct apply_args *a = userdata;
    _cleanup_record_ store_record *cur = NULL, *old = NULL;
    int r;

    ops__undo_reset(&a->undo);
    xapi_error_clear(a->err);
    r = ops__tx_lookup(tx, a->cls, a->uuid, &cur, a->err);
    if (r >= 0)
        r = store_record_dup(&old, cur);
    if (r >= 0)
        r = ops__apply_to(cur, a->c, a->n, a->err);
    return r < 0 ? r : ops__tx_update(tx, &a->undo, old, cur);
}

int ops_apply_changes(struct ops_ctx *ops, const char *cls,
                      const char *uuid, const struct ops_change *changes,
                      size_t n, struct xapi_error *err)
{
    struct apply_args a = { .ops = ops, .cls = cls, .uuid = uuid,
                            .c = changes, .n = n, .undo.ops = ops,
                            .err = err };
    int r;

    if (!schema_class_find(cls))
        return xapi_error_internal(err, -EINVAL, "unknown class '%s'", cls);
    if (strcmp(cls, "VM") == 0)
        return ops__vm_apply_changes(ops, uuid, changes, n, err);
    r = ops__transact(ops, apply_fn, &a, &a.undo, err);
    ops__undo_reset(&a.undo);
    if (r >= 0)
        ops__log(ops, "%s-param-set %s (%zu change%s)", cls, uuid, n,
                 n == 1 ? "" : "s");
    return r;
}
