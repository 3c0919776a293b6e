/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VIF.create and VIF.destroy; MACs as XAPI and libxl make them. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ops/ops-internal.h"

/* Helpers.is_valid_MAC: six pairs of hex digits separated by ':'. */
static bool mac_valid(const char *s)
{
    if (strlen(s) != 17)
        return false;
    for (int i = 0; i < 17; i++)
        if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* MD5 (RFC 1321), OCaml's Digest.string, for XAPI's gen_mac. */
static uint32_t rol(uint32_t x, unsigned c)
{
    return (x << c) | (x >> (32 - c));
}

static void md5_block(uint32_t h[4], const unsigned char *p)
{
    static const uint32_t k[64] = {
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf,
        0x4787c62a, 0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af,
        0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e,
        0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
        0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6,
        0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
        0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
        0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039,
        0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244, 0x432aff97,
        0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d,
        0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
        0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
    };
    static const unsigned char r[64] = {
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    };
    uint32_t w[16], a = h[0], b = h[1], c = h[2], d = h[3];

    for (unsigned i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
               (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
    for (unsigned i = 0; i < 64; i++) {
        uint32_t f, t;
        unsigned g;

        if (i < 16) {
            f = (b & c) | (~b & d);
            g = i;
        } else if (i < 32) {
            f = (d & b) | (~d & c);
            g = (5 * i + 1) % 16;
        } else if (i < 48) {
            f = b ^ c ^ d;
            g = (3 * i + 5) % 16;
        } else {
            f = c ^ (b | ~d);
            g = (7 * i) % 16;
        }
        t = d;
        d = c;
        c = b;
        b = b + rol(a + f + k[i] + w[g], r[i]);
        a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
}

static void md5(const unsigned char *msg, size_t len, unsigned char out[16])
{
    uint32_t h[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
    unsigned char tail[128] = { 0 };
    size_t full = len / 64 * 64, rest = len - full, n;
    uint64_t bits = (uint64_t)len * 8;

    for (size_t i = 0; i < full; i += 64)
        md5_block(h, msg + i);
    memcpy(tail, msg + full, rest);
    tail[rest] = 0x80;
    n = rest < 56 ? 64 : 128;
    for (unsigned i = 0; i < 8; i++)
        tail[n - 8 + i] = (unsigned char)(bits >> (8 * i));
    md5_block(h, tail);
    if (n == 128)
        md5_block(h, tail + 64);
    for (unsigned i = 0; i < 16; i++)
        out[i] = (unsigned char)(h[i / 4] >> (8 * (i % 4)));
}

/*
 * XAPI's gen_mac (xapi_vif_helpers.ml): MD5 applied 2*device+1 times to
 * the seed, then once more; bytes 0-3 of the first digest and 1-2 of the
 * second, made locally administered and unicast (Record_util
 * mac_from_int_array).  The seed is the VM's uuid (XAPI: the VM's
 * other_config:mac_seed, a uuid made with the VM).  attempt > 0 after a
 * collision: the seed gets "/attempt" appended (XAPI does not look).
 */
static void mac_for(const char *vm, const char *device, unsigned attempt,
                    char ret[18])
{
    unsigned char d1[16], d2[16];
    char seed[64];
    unsigned long dev = strtoul(device, NULL, 10);

    if (attempt)
        snprintf(seed, sizeof(seed), "%s/%u", vm, attempt);
    else
        snprintf(seed, sizeof(seed), "%s", vm);
    md5((const unsigned char *)seed, strlen(seed), d1);
    for (unsigned long i = 0; i < 2 * dev; i++)
        md5(d1, sizeof(d1), d1);
    md5(d1, sizeof(d1), d2);
    snprintf(ret, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
             (unsigned)((d1[0] | 0x02) & ~0x01), d1[1], d1[2], d1[3], d2[1],
             d2[2]);
}

/* Record_util.random_mac_local: random, locally administered, unicast. */
static int mac_random(char ret[18])
{
    unsigned char b[6];

    if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
        return negative_errno();
    b[0] = (unsigned char)((b[0] | 0x02) & ~0x01);
    snprintf(ret, 18, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2],
             b[3], b[4], b[5]);
    return 0;
}

/* A device number: decimal digits (XAPI's Scanf "%u": "007" too), at
 * most 65535 (ours: Xen's devid). */
static bool device_valid(const char *s)
{
    size_t len = strlen(s);

    if (len == 0 || len > 16)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return strtoul(s, NULL, 10) <= 65535;
}

struct create_args {
    struct ops_ctx *ops;
    const struct ops_vif_args *a;
    char vm[37];
    char mac[18];               /* given or random; "" = derive */
    bool derive;
    char uuid[37];
    struct ops_undo undo;
    struct xapi_error *err;
};

/* An MTU a link can have (as network.create takes it): 68 to 65535. */
static bool mtu_valid(const char *s)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    return *s && !*end && !errno && v >= 68 && v <= 65535;
}

/* Whether the VM has a VIF with this device: its VIFs from the index. */
static int device_taken(store_tx *tx, const char *vm, const char *device)
{
    char **uuids = NULL;
    size_t n = 0;
    int r;

    r = store_tx_index(tx, "VIF", SF_VM, vm, &uuids, &n);
    for (size_t i = 0; r >= 0 && i < n; i++) {
        _cleanup_free_ char *d = NULL;

        r = store_tx_get_field(tx, "VIF", uuids[i], SF_device, &d);
        if (r == -ENOENT)
            r = 0;              /* gone meanwhile */
        else if (r >= 0 && strcmp(d, device) == 0)
            r = 1;
        if (r > 0)
            break;
    }
    strv_free(uuids);
    return r < 0 ? r : r > 0;
}

/* Values of the caller's fields against the schema: FIELD_TYPE_ERROR. */
static int check_fields(const store_record *r, struct xapi_error *err)
{
    static const enum schema_fid fields[] = {
        SF_MTU, SF_qos_algorithm_type, SF_locking_mode, SF_NONE
    };
    const struct schema_class *c = store_record_class(r);
    const char *why;

    for (size_t i = 0; fields[i] != SF_NONE; i++)
        if (schema_value_check(schema_field_by_fid(c, fields[i]),
                               ops__get(r, fields[i]), &why) < 0)
            return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR,
                                  schema_fid_name(fields[i]), NULL);
    return 0;
}

static int create_fn(store_tx *tx, void *userdata)
{
    struct create_args *c = userdata;
    _cleanup_record_ store_record *net = NULL, *vif = NULL;
    char mac[18];
    int r;

    ops__undo_reset(&c->undo);
    xapi_error_clear(c->err);
    c->uuid[0] = '\0';
    r = ops__tx_lookup(tx, "network", c->a->network_uuid, &net, c->err);
    if (r < 0)
        return r;
    /* The VM's VIFs and the MACs in use, from the store's indexes. */
    r = device_taken(tx, c->vm, c->a->device);
    if (r < 0)
        return ops__tx_fail(tx, r, c->err);
    if (r > 0)
        return xapi_error_set(c->err, -EEXIST, XAPI_DEVICE_ALREADY_EXISTS,
                              c->a->device, NULL);
    memcpy(mac, c->mac, sizeof(mac));
    for (unsigned k = 0; c->derive; k++) {
        mac_for(c->vm, c->a->device, k, mac);
        r = ops__tx_indexed(tx, "VIF", SF_MAC, mac);
        if (r < 0)
            return ops__tx_fail(tx, r, c->err);
        if (r == 0)
            break;
        if (k == 255)
            return xapi_error_internal(c->err, -EADDRINUSE, "no free MAC "
                                       "address found for device %s of VM "
                                       "%s: give one with mac=",
                                       c->a->device, c->vm);
    }
    r = store_record_new(&vif, "VIF");
    if (r >= 0)
        r = ops__set(vif, SF_VM, c->vm);
    if (r >= 0)
        r = ops__set(vif, SF_device, c->a->device);
    if (r >= 0)
        r = ops__set(vif, SF_network, c->a->network_uuid);
    if (r >= 0)
        r = ops__set(vif, SF_MAC, mac);
    if (r >= 0)
        r = ops__set(vif, SF_MAC_autogenerated, c->derive ? "true" : "false");
    if (r >= 0)
        r = ops__set(vif, SF_MTU, c->a->mtu ? c->a->mtu
                                           : ops__get(net, SF_MTU));
    if (r >= 0 && c->a->qos_algorithm_type)
        r = ops__set(vif, SF_qos_algorithm_type, c->a->qos_algorithm_type);
    if (r >= 0 && c->a->locking_mode)
        r = ops__set(vif, SF_locking_mode, c->a->locking_mode);
    if (r >= 0 && c->a->ipv4_allowed)
        r = ops__set(vif, SF_ipv4_allowed, c->a->ipv4_allowed);
    if (r >= 0 && c->a->ipv6_allowed)
        r = ops__set(vif, SF_ipv6_allowed, c->a->ipv6_allowed);
    if (r >= 0 && c->a->trunks)
        r = ops__set(vif, SF_trunks, c->a->trunks);
    if (r >= 0)
        r = ops__put_pairs(vif, SF_other_config, c->a->other_config, c->err);
    if (r >= 0)
        r = ops__put_pairs(vif, SF_qos_algorithm_params,
                      c->a->qos_algorithm_params, c->err);
    if (r >= 0)
        r = check_fields(vif, c->err);
    if (r >= 0)
        r = ops__check_record(vif, c->err);
    if (r >= 0)
        r = ops__tx_create(tx, &c->undo, vif);
    if (r >= 0)
        memcpy(c->uuid, store_record_uuid(vif), 37);
    return r;
}

int ops_vif_create(struct ops_ctx *ops, const struct ops_vif_args *a,
                   char ret_uuid[37], struct xapi_error *err)
{
    struct create_args c = { .ops = ops, .a = a, .undo.ops = ops,
                             .err = err };
    _cleanup_record_ store_record *net = NULL;
    const char *mac = a->mac ? a->mac : "";
    struct ops_vm vm;
    int r;

    /* xe resolves the VM first: an xl config or a domain (any case). */
    r = ops_vm_find(ops, a->vm_uuid, &vm, err);
    if (r < 0)
        return r;
    memcpy(c.vm, vm.uuid, sizeof(c.vm));
    ops_vm_done(&vm);
    /* Then the network, as xe resolves it before calling VIF.create. */
    r = ops_lookup(ops, "network", a->network_uuid, &net, err);
    if (r < 0)
        return r;
    if (!a->device || !device_valid(a->device))
        return xapi_error_set(err, -EINVAL, XAPI_INVALID_DEVICE,
                              a->device ? a->device : "", NULL);
    if (!*mac) {
        c.derive = true;
    } else if (strcmp(mac, "random") == 0) {
        r = mac_random(c.mac);
        if (r < 0)
            return xapi_error_internal(err, r, "no randomness for a MAC: %s",
                                       strerror(-r));
    } else if (mac_valid(mac)) {
        /* Kept as typed, as XAPI keeps it. */
        memcpy(c.mac, mac, 17);
        c.mac[17] = '\0';
    } else {
        return xapi_error_set(err, -EINVAL, XAPI_MAC_INVALID, mac, NULL);
    }
    if (a->mtu && !mtu_valid(a->mtu))
        return xapi_error_set(err, -EINVAL, XAPI_VALUE_NOT_SUPPORTED, "MTU",
                              a->mtu, "an MTU from 68 to 65535", NULL);
    r = ops_host_ensure(ops, NULL, err);
    if (r >= 0)
        r = ops__transact(ops, create_fn, &c, &c.undo, err);
    ops__undo_reset(&c.undo);
    if (r < 0)
        return r;
    ops__log(ops, "vif-create %s (device %s of VM %s)", c.uuid, a->device,
             c.vm);
    memcpy(ret_uuid, c.uuid, 37);
    return 0;
}

struct destroy_args {
    const char *uuid;
    struct ops_undo undo;
    struct xapi_error *err;
};

static int destroy_fn(store_tx *tx, void *userdata)
{
    struct destroy_args *d = userdata;
    _cleanup_record_ store_record *vif = NULL;
    char why[256];
    int r;

    ops__undo_reset(&d->undo);
    xapi_error_clear(d->err);
    r = ops__tx_lookup(tx, "VIF", d->uuid, &vif, d->err);
    if (r < 0)
        return r;
    /* xapi_vif_helpers.ml destroy; a VF reservation counts too. */
    if (ops__get_bool(vif, SF_currently_attached))
        return xapi_error_set(d->err, -EBUSY, XAPI_OPERATION_NOT_ALLOWED,
                              "VIF currently attached to a running VM",
                              NULL);
    if (*ops__get(vif, SF_reserved_pci)) {
        snprintf(why, sizeof(why), "VIF holds a VF reserved for domain %s: "
                 "wait for the domain to stop (or unplug the VIF) first",
                 ops__get(vif, SF_domid));
        return xapi_error_set(d->err, -EBUSY, XAPI_OPERATION_NOT_ALLOWED,
                              why, NULL);
    }
    return ops__tx_destroy(tx, &d->undo, "VIF", d->uuid);
}

int ops_vif_destroy(struct ops_ctx *ops, const char *uuid,
                    struct xapi_error *err)
{
    struct destroy_args d = { .uuid = uuid, .undo.ops = ops, .err = err };
    int r;

    r = ops__transact(ops, destroy_fn, &d, &d.undo, err);
    ops__undo_reset(&d.undo);
    if (r >= 0)
        ops__log(ops, "vif-destroy %s", uuid);
    return r;
}

int ops_vm_name_label(struct ops_ctx *ops, const char *vm_uuid, char **ret,
                      struct xapi_error *err)
{
    struct ops_vm vm;
    int r;

    r = ops_vm_find(ops, vm_uuid, &vm, err);
    if (r < 0)
        return r;
    *ret = TAKE_PTR(vm.name_label);
    ops_vm_done(&vm);
    return 0;
}
