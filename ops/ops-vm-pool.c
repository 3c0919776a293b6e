/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A VM as the pool's view holds it (docs/pool.md): the JSON its host's
 * xen-sriovd mirrors to etcd, read back by xe and the XenAPI endpoint of
 * any member.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "ops/ops.h"
#include "pool/pool.h"

static void add_int(json_object *o, const char *name, int64_t v)
{
    json_object_object_add(o, name, json_object_new_int64(v));
}

int ops_vm_to_json(const struct ops_vm *vm, const char *host,
                   const store_record *rec, char **ret)
{
    json_object *o = json_object_new_object(), *oc = json_object_new_object();
    const char *s;
    int r = -ENOMEM;

    if (!o || !oc)
        goto out;
    json_object_object_add(o, "uuid", json_object_new_string(vm->uuid));
    json_object_object_add(o, "name_label",
                           json_object_new_string(vm->name_label ?
                                                  vm->name_label : ""));
    json_object_object_add(o, "power_state",
                           json_object_new_string(vm->power_state));
    json_object_object_add(o, "domain_type",
                           json_object_new_string(vm->domain_type));
    add_int(o, "memory_static_max", vm->memory_static_max);
    add_int(o, "memory_dynamic_max", vm->memory_dynamic_max);
    add_int(o, "memory_actual", vm->memory_actual);
    add_int(o, "VCPUs_max", vm->vcpus_max);
    add_int(o, "VCPUs_at_startup", vm->vcpus_at_startup);
    add_int(o, "domid", vm->domid);
    if (vm->domid >= 0)
        json_object_object_add(o, "resident_on",
                               json_object_new_string(host));
    for (size_t i = 0; rec && i < store_record_map_count(rec,
                                                         SF_other_config);
         i++)
        json_object_object_add(oc, store_record_map_key(rec, SF_other_config,
                                                        i),
                               json_object_new_string(store_record_map_value(
                                   rec, SF_other_config, i)));
    json_object_object_add(o, "other_config", json_object_get(oc));
    s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    *ret = s ? strdup(s) : NULL;
    r = *ret ? 0 : -ENOMEM;
out:
    json_object_put(oc);
    json_object_put(o);
    return r;
}

static int64_t get_int(json_object *o, const char *name, int64_t dflt)
{
    json_object *v;

    return json_object_object_get_ex(o, name, &v) ? json_object_get_int64(v)
                                                  : dflt;
}

static const char *get_str(json_object *o, const char *name)
{
    json_object *v;

    return json_object_object_get_ex(o, name, &v) &&
                   json_object_is_type(v, json_type_string)
               ? json_object_get_string(v) : NULL;
}

int ops_vm_from_json(const char *json, struct ops_vm *ret, char resident[37],
                     char ***other_config)
{
    static const char *const states[] = { "Running", "Paused", "Halted" };
    json_object *o = json_tokener_parse(json), *oc;
    struct ops_vm vm = { .power_state = "Halted" };
    const char *s;
    char **pairs = NULL;
    size_t n = 0;
    int r = -EBADMSG;

    if (!o || !json_object_is_type(o, json_type_object) ||
        !(s = get_str(o, "uuid")) || strlen(s) != 36)
        goto out;
    memcpy(vm.uuid, s, 37);
    r = -ENOMEM;
    if (!(vm.name_label = strdup((s = get_str(o, "name_label")) ? s : "")))
        goto out;
    s = get_str(o, "power_state");
    for (size_t i = 0; s && i < 3; i++)
        if (strcmp(s, states[i]) == 0)
            vm.power_state = states[i];
    s = get_str(o, "domain_type");
    snprintf(vm.domain_type, sizeof(vm.domain_type), "%s",
             s ? s : "unspecified");
    vm.memory_static_max = get_int(o, "memory_static_max", 0);
    vm.memory_dynamic_max = get_int(o, "memory_dynamic_max", 0);
    vm.memory_actual = get_int(o, "memory_actual", -1);
    vm.vcpus_max = get_int(o, "VCPUs_max", 1);
    vm.vcpus_at_startup = get_int(o, "VCPUs_at_startup", 1);
    vm.domid = get_int(o, "domid", -1);
    s = get_str(o, "resident_on");
    snprintf(resident, 37, "%s", s && strlen(s) == 36 ? s : "");
    if (other_config) {
        if (!json_object_object_get_ex(o, "other_config", &oc) ||
            !json_object_is_type(oc, json_type_object))
            oc = NULL;
        if (oc) {
            json_object_object_foreach(oc, k0, v0) {
                (void)k0;
                (void)v0;
                n++;
            }
        }
        pairs = calloc(2 * n + 1, sizeof(*pairs));
        if (!pairs)
            goto out;
        n = 0;
        if (oc) {
            json_object_object_foreach(oc, k, v) {
                pairs[n++] = strdup(k);
                pairs[n++] = strdup(json_object_get_string(v));
                if (!pairs[n - 2] || !pairs[n - 1])
                    goto out;
            }
        }
        *other_config = pairs;
        pairs = NULL;
    }
    *ret = vm;
    vm.name_label = NULL;
    r = 0;
out:
    for (size_t i = 0; pairs && i < n; i++)
        free(pairs[i]);
    free(pairs);
    free(vm.name_label);
    json_object_put(o);
    return r;
}

static void remote_dispose(struct ops_vm_remote *x)
{
    ops_vm_done(&x->vm);
    for (size_t k = 0; x->other_config && x->other_config[k]; k++)
        free(x->other_config[k]);
    free(x->other_config);
    x->other_config = NULL;
}

void ops_vm_remotes_free(struct ops_vm_remote *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        remote_dispose(&v[i]);
    free(v);
}

int ops_vm_remotes(const struct ops_vm *local, size_t nl, const char *self,
                   const struct pool_vm *pv, size_t n,
                   struct ops_vm_remote **ret, size_t *n_ret)
{
    struct ops_vm_remote *out = calloc(n ? n : 1, sizeof(*out));
    size_t k = 0;

    if (!out)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        struct ops_vm_remote x = { 0 };
        bool skip = false;
        size_t at;
        int r;

        if (strcmp(pv[i].host, self) == 0)
            continue;           /* this host's: read here, fresher */
        r = ops_vm_from_json(pv[i].json, &x.vm, x.resident, &x.other_config);
        if (r == -EBADMSG)
            continue;           /* a newer writer's: not shown */
        if (r < 0) {
            ops_vm_remotes_free(out, k);
            return r;
        }
        snprintf(x.host, sizeof(x.host), "%s", pv[i].host);
        /* This host's copy of the VM wins; of other hosts' copies, the
         * one running. */
        for (size_t j = 0; !skip && j < nl; j++)
            skip = strcasecmp(local[j].uuid, x.vm.uuid) == 0;
        for (at = 0; !skip && at < k; at++)
            if (strcasecmp(out[at].vm.uuid, x.vm.uuid) == 0)
                break;
        if (!skip && at < k && !*out[at].resident && *x.resident) {
            remote_dispose(&out[at]);
            out[at] = x;
        } else if (skip || at < k) {
            remote_dispose(&x);
        } else {
            out[k++] = x;
        }
    }
    *ret = out;
    *n_ret = k;
    return 0;
}
