/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The role class as XAPI serves it (xapi_role.ml, gen_rbac.ml): the static
 * permissions (one per method, subroles []) then the static roles, whose
 * subroles are the permissions they grant.  XenCenter reads
 * role.get_all_records inside its login and again to fill its cache.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "libsriov/macro.h"
#include "api/role.h"

/* Constants.rbac_pool_admin_uuid: the default role of a subject. */
#define POOL_ADMIN_UUID "0165f154-ba3e-034e-6b27-5d271af109ba"

enum { POOL_ADMIN, POOL_OP, VM_POWER_ADMIN, VM_ADMIN, VM_OP, READ_ONLY,
       N_ROLES };

/* Datamodel_roles.ordered, most privileged first.  client-cert, an
 * internal role, is left out: it grants none of the methods served here,
 * and a role without subroles reads as a permission to XenCenter. */
static const struct {
    const char *name;
    const char *description;
} roles[N_ROLES] = {
    { "pool-admin", "The Pool Administrator role has full access to all "
      "features and settings, including accessing Dom0 and managing "
      "subjects, roles and external authentication" },
    { "pool-operator", "The Pool Operator role manages host- and pool-wide "
      "resources, including setting up storage, creating resource pools and "
      "managing patches, high availability (HA) and workload balancing "
      "(WLB)" },
    { "vm-power-admin", "The VM Power Administrator role has full access to "
      "VM and template management and can choose where to start VMs and use "
      "the dynamic memory control and VM snapshot features" },
    { "vm-admin", "The VM Administrator role can manage VMs and templates" },
    { "vm-operator", "The VM Operator role can use VMs and interact with VM "
      "consoles" },
    { "read-only", "The Read-Only role can log in with basic read-only "
      "access" },
};

static const char *const role_fields[] = { "uuid", "name_label",
    "name_description", "subroles", "is_internal", NULL };

/* gen_rbac.ml's hash2uuid: the 16 bytes of MD5(name) as a uuid. */
int xapi_role_uuid(const char *name, char ret[static 37])
{
    unsigned char d[16];

    if (strcmp(name, "pool-admin") == 0) {
        memcpy(ret, POOL_ADMIN_UUID, 37);
        return 0;
    }
    if (gnutls_hash_fast(GNUTLS_DIG_MD5, name, strlen(name), d) < 0)
        return -EIO;
    snprintf(ret, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x", d[0], d[1], d[2], d[3], d[4], d[5],
             d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14],
             d[15]);
    return 0;
}

/*
 * The least privileged role that may call method, as the datamodel's
 * roles for the class: reads (get_*), sessions, events and tasks are
 * everyone's (_R_READ_ONLY); the other messages of network and VIF are
 * _R_VM_ADMIN, of PIF, PCI, network_sriov, host and pool _R_POOL_OP
 * (their messages_default_allowed_roles); anything else pool-admin only.
 */
static int least_role(const char *method)
{
    static const char *const everyone[] = { "session.", "event.", "task.",
                                            "role." };
    static const char *const pool_op[] = { "PIF.", "PCI.", "network_sriov.",
                                           "host.", "pool." };
    const char *dot = strrchr(method, '.');

    if (dot && strncmp(dot + 1, "get_", 4) == 0)
        return READ_ONLY;
    for (size_t k = 0; k < ELEMENTSOF(everyone); k++)
        if (strncmp(method, everyone[k], strlen(everyone[k])) == 0)
            return READ_ONLY;
    if (strncmp(method, "network.", 8) == 0 || strncmp(method, "VIF.", 4) == 0)
        return VM_ADMIN;
    for (size_t k = 0; k < ELEMENTSOF(pool_op); k++)
        if (strncmp(method, pool_op[k], strlen(pool_op[k])) == 0)
            return POOL_OP;
    return POOL_ADMIN;
}

static struct xv *ref_of(const char *uuid)
{
    char ref[XAPI_REF_MAX];

    snprintf(ref, sizeof(ref), "OpaqueRef:%s", uuid);
    return xv_new_string(ref);
}

/* Takes subroles, also on failure. */
static struct xv *record(const char *uuid, const char *label,
                         const char *description, struct xv *subroles,
                         bool internal)
{
    _cleanup_xv_ struct xv *sub = subroles;
    struct xv *r = xv_new_struct();

    if (!r || xv_struct_set_string(r, "uuid", uuid) < 0 ||
        xv_struct_set_string(r, "name_label", label) < 0 ||
        xv_struct_set_string(r, "name_description", description) < 0 ||
        xv_struct_set(r, "subroles", TAKE_PTR(sub)) < 0 ||
        xv_struct_set_bool(r, "is_internal", internal) < 0)
        return xv_free(r);
    return r;
}

/* Every role, {ref: record}: the permissions, then the roles. */
static int all_roles(void *userdata, struct xv **ret, struct xapi_error *err)
{
    _cleanup_xv_ struct xv *methods = NULL, *all = xv_new_struct();
    struct xv *sub[N_ROLES] = { NULL };
    int r;

    r = xapi_registry_list(userdata, &methods);
    if (r < 0 || !all)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    for (size_t i = 0; i < N_ROLES; i++)
        if (!(sub[i] = xv_new_array()))
            r = -ENOMEM;
    for (size_t k = 0; r == 0 && k < methods->a.n; k++) {
        const char *m = methods->a.items[k]->s;
        _cleanup_free_ char *label = strdup(m);
        char uuid[37], ref[XAPI_REF_MAX];
        struct xv *rec;
        int least;

        if (strncmp(m, "system.", 7) == 0)
            continue;           /* not a datamodel message */
        if (!label) {
            r = -ENOMEM;
            break;
        }
        for (char *p = label; *p; p++)  /* lowercase, as XAPI's */
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        if ((r = xapi_role_uuid(m, uuid)) < 0)
            break;
        snprintf(ref, sizeof(ref), "OpaqueRef:%s", uuid);
        rec = record(uuid, label, "A basic permission", xv_new_array(), true);
        if (!rec || xv_struct_append(all, ref, strlen(ref), rec) < 0) {
            r = -ENOMEM;
            break;
        }
        least = least_role(m);
        for (int i = 0; r == 0 && i <= least; i++)
            r = xv_array_append(sub[i], ref_of(uuid));
    }
    for (size_t i = 0; r == 0 && i < N_ROLES; i++) {
        char uuid[37], ref[XAPI_REF_MAX];
        struct xv *rec;

        if ((r = xapi_role_uuid(roles[i].name, uuid)) < 0)
            break;
        snprintf(ref, sizeof(ref), "OpaqueRef:%s", uuid);
        rec = record(uuid, roles[i].name, roles[i].description,
                     TAKE_PTR(sub[i]), false);
        if (!rec || xv_struct_append(all, ref, strlen(ref), rec) < 0)
            r = -ENOMEM;
    }
    for (size_t i = 0; i < N_ROLES; i++)
        xv_free(sub[i]);
    if (r < 0)
        return xapi_error_internal(err, r, "cannot list the roles: %s",
                                   strerror(-r));
    *ret = TAKE_PTR(all);
    return 0;
}

static int list_roles(void *userdata, char ***ret, struct xapi_error *err)
{
    return xapi_class_list_of_all(all_roles, userdata, ret, err);
}

static int get_role(void *userdata, const char *ref, struct xv **ret,
                    struct xapi_error *err)
{
    return xapi_class_get_of_all(all_roles, userdata, ref, ret, err);
}

/* role.get_by_name_label(label) -> [ref] (XAPI's, for roles). */
static int m_by_name(const struct xapi_call *call, struct xv *const *args,
                     size_t n, struct xv **ret, struct xapi_error *err)
{
    _cleanup_xv_ struct xv *all = NULL, *a = xv_new_array();
    const char *label;
    int r;

    if ((r = xapi_arg_string(args, 0, "label", &label, err)) < 0 ||
        (r = all_roles(call->userdata, &all, err)) < 0)
        return r;
    if (!a)
        return -ENOMEM;
    for (size_t k = 0; k < all->st.n; k++) {
        struct xv *l = xv_struct_get(all->st.m[k].value, "name_label");

        if (l && strcmp(l->s, label) == 0 &&
            xv_array_append(a, xv_new_string(all->st.m[k].name)) < 0)
            return -ENOMEM;
    }
    *ret = TAKE_PTR(a);
    return 0;
}

int xapi_roles_register(struct xapi_registry *reg)
{
    int r;

    r = xapi_class_register(reg, NULL, &(struct xapi_class){
                                "role", role_fields, list_roles, get_role,
                                reg, all_roles });
    if (r < 0)
        return r;
    return xapi_registry_add(reg, &(struct xapi_method){
                                 "role.get_by_name_label", 1, 1, 0,
                                 m_by_name, reg });
}
