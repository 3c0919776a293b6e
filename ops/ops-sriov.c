/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* network_sriov.create and destroy: records and VFs, with compensation. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ops/ops-internal.h"

/* xapi_network_sriov.ml network_sriov_mac: the logical PIF's MAC. */
#define LOGICAL_PIF_MAC "fe:ff:ff:ff:ff:ff"

/* What the hardware says about the PF: one scan, made in the transaction
 * (each try scans afresh) and handed to the enable and the records. */
struct pf_info {
    char bdf[16];
    sriov_host *scan;           /* NULL: scan_error says why */
    sriov_pf *pf;               /* the scan's PF */
    char scan_error[256];
    int mode;                   /* forced or detected */
    bool forced;
    char device[64];            /* interface, for messages */
};

static void pf_info_done(struct pf_info *hw)
{
    hw->scan = sriov_host_free(hw->scan);
    hw->pf = NULL;
}

struct create_args {
    struct ops_ctx *ops;
    const char *pif_uuid, *net_uuid;
    unsigned num_vfs;
    struct pf_info *hw;
    char host[37];
    char sriov_uuid[37], logical_uuid[37];
    struct ops_undo undo;
    struct xapi_error *err;
};

/* ---- the mark of a create at work (ops_network_sriov_finish) ---- */

#define MARK_PREFIX "sriov-create-"
#define MARK_DESTROY "sriov-destroy-"
#define MARK_SUFFIX ".pending"

/* This thread's mark for the PIF: one per thread (xen-sriovd runs
 * XenAPI calls in threads), so concurrent creates never wait on each
 * other's mark. */
static char *mark_path(struct ops_ctx *ops, const char *prefix,
                       const char *pif_uuid)
{
    char *p;

    if (asprintf(&p, "%s/%s%s.%ld" MARK_SUFFIX, store_state_dir(ops->st),
                 prefix, pif_uuid, (long)gettid()) < 0)
        return NULL;
    return p;
}

static void mkdir_parents(const char *path)
{
    _cleanup_free_ char *copy = strdup(path);

    for (char *p = copy ? copy + 1 : NULL; p && *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(copy, 0755);
            *p = '/';
        }
}

/*
 * The mark at path, flocked and still linked (a finisher may remove it
 * between our open and our lock): its fd, -EWOULDBLOCK when another
 * process holds it (wait false), -ENOENT when there is none (create
 * false).
 */
static int mark_take(const char *path, bool create, bool wait)
{
    for (;;) {
        struct stat a, b;
        int fd;

        fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
        if (fd < 0 && errno == ENOENT && create) {
            mkdir_parents(path);
            fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        }
        if (fd < 0)
            return negative_errno();
        while (flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) < 0) {
            int r = negative_errno();

            if (r == -EINTR)
                continue;
            close(fd);
            return r;
        }
        if (fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
            a.st_ino == b.st_ino && a.st_dev == b.st_dev)
            return fd;
        close(fd);
        if (!create)
            return -ENOENT;
    }
}

/* Done: the mark goes (unlinked before its lock is dropped). */
static void mark_drop(const char *path, int *fd)
{
    if (*fd < 0)
        return;
    unlink(path);
    close(*fd);
    *fd = -1;
}

static int refd(struct xapi_error *err, int r, const char *code,
                const char *uuid)
{
    char ref[OPS_REF_SIZE];

    return xapi_error_set(err, r, code, ops_ref(ref, uuid), NULL);
}

/* The PCI address of a PIF's PCI record, in the transaction. */
static int pif_bdf(store_tx *tx, const store_record *pif, char ret[16])
{
    _cleanup_record_ store_record *pci = NULL;
    const char *u = ops__get(pif, SF_PCI);
    int r;

    ret[0] = '\0';
    if (!*u)
        return -ENOENT;
    r = store_tx_get(tx, "PCI", u, &pci);
    if (r < 0)
        return r;
    snprintf(ret, 16, "%s", ops__get(pci, SF_pci_id));
    return 0;
}

/*
 * Scan the PF behind the PIF, in the transaction: the checks judge what
 * the hardware says now, and the enable acts on this scan.  A failed scan
 * is not an error of the transaction: check_hw reports it.
 */
static int read_hw(struct ops_ctx *ops, store_tx *tx,
                   const store_record *pif, struct pf_info *hw)
{
    const char *forced = store_record_map_get(pif, SF_other_config,
                                              "sriov-configuration-mode");
    int r;

    pf_info_done(hw);
    memset(hw, 0, sizeof(*hw));
    snprintf(hw->device, sizeof(hw->device), "%s", ops__get(pif, SF_device));
    r = pif_bdf(tx, pif, hw->bdf);
    if (r == -ENOENT) {
        snprintf(hw->scan_error, sizeof(hw->scan_error), "PIF %s (%s) has "
                 "no PCI record: run xe pif-scan", store_record_uuid(pif),
                 hw->device);
        return 0;
    }
    if (r < 0)
        return r;                   /* the store's: retried or reported */
    r = sriov_host_scan_device(&hw->scan, ops->sriov, hw->bdf, 0);
    if (r >= 0) {
        hw->pf = sriov_host_pf(hw->scan, 0);
        if (forced && sriov_mode_from_string(forced, &hw->mode) >= 0)
            hw->forced = true;
        else
            r = sriov_pf_detect_mode(hw->pf, &hw->mode);
    }
    if (r < 0) {
        snprintf(hw->scan_error, sizeof(hw->scan_error), "%s",
                 sriov_ctx_last_error(ops->sriov));
        pf_info_done(hw);
    }
    return 0;
}

/* XAPI's checks, in XAPI's order (xapi_network_sriov.ml create). */
static int check_create(store_tx *tx, struct create_args *a,
                        const store_record *net, const store_record *pif)
{
    struct xapi_error *err = a->err;
    const char *host = ops__get(pif, SF_host);
    size_t n_pifs = store_record_set_count(net, SF_PIFs);
    int r;

    if (!ops__get_bool(net, SF_managed))
        return refd(err, -EINVAL, XAPI_NETWORK_UNMANAGED, a->net_uuid);
    if (!ops__get_bool(pif, SF_managed))
        return refd(err, -EINVAL, XAPI_PIF_UNMANAGED, a->pif_uuid);
    if (!ops__get_bool(pif, SF_physical))
        return refd(err, -EINVAL, XAPI_PIF_IS_NOT_PHYSICAL, a->pif_uuid);
    if (store_record_set_count(pif, SF_sriov_physical_PIF_of))
        return refd(err, -EEXIST, XAPI_NETWORK_SRIOV_ALREADY_ENABLED,
                    a->pif_uuid);
    if (!ops__has_word(ops__get(pif, SF_capabilities), "sriov"))
        return refd(err, -EINVAL, XAPI_PIF_IS_NOT_SRIOV_CAPABLE,
                    a->pif_uuid);
    /* Xapi_pif.assert_no_other_local_pifs [host; PIF]. */
    for (size_t i = 0; i < n_pifs; i++) {
        _cleanup_record_ store_record *o = NULL;
        const char *u = store_record_set_member(net, SF_PIFs, i);
        char r1[OPS_REF_SIZE], r2[OPS_REF_SIZE];

        r = store_tx_get(tx, "PIF", u, &o);
        if (r < 0)
            return r;
        if (strcmp(ops__get(o, SF_host), host) == 0)
            return xapi_error_set(err, -EEXIST,
                                  XAPI_NETWORK_ALREADY_CONNECTED,
                                  ops_ref(r1, host), ops_ref(r2, u), NULL);
    }
    /* assert_network_compatible_with_sriov: empty, or SR-IOV PIFs of the
     * same vendor and device. */
    if (n_pifs) {
        _cleanup_record_ store_record *first = NULL, *sriov = NULL;
        _cleanup_record_ store_record *phys = NULL, *mine = NULL;
        _cleanup_record_ store_record *theirs = NULL;

        r = store_tx_get(tx, "PIF", store_record_set_member(net, SF_PIFs, 0),
                         &first);
        if (r < 0)
            return r;
        if (!store_record_set_count(first, SF_sriov_logical_PIF_of))
            return refd(err, -EINVAL, XAPI_NETWORK_INCOMPATIBLE_WITH_SRIOV,
                        a->net_uuid);
        r = store_tx_get(tx, "network_sriov", store_record_set_member(
                             first, SF_sriov_logical_PIF_of, 0), &sriov);
        if (r >= 0)
            r = store_tx_get(tx, "PIF", ops__get(sriov, SF_physical_PIF),
                             &phys);
        if (r >= 0 && *ops__get(phys, SF_PCI))
            r = store_tx_get(tx, "PCI", ops__get(phys, SF_PCI), &theirs);
        if (r >= 0 && *ops__get(pif, SF_PCI))
            r = store_tx_get(tx, "PCI", ops__get(pif, SF_PCI), &mine);
        if (r < 0)
            return r;
        if (!mine || !theirs ||
            strcmp(ops__get(mine, SF_vendor_id),
                   ops__get(theirs, SF_vendor_id)) ||
            strcmp(ops__get(mine, SF_device_id),
                   ops__get(theirs, SF_device_id))) {
            char r1[OPS_REF_SIZE], r2[OPS_REF_SIZE];

            return xapi_error_set(err, -EINVAL,
                                  XAPI_NETWORK_HAS_INCOMPATIBLE_SRIOV_PIFS,
                                  ops_ref(r1, a->pif_uuid),
                                  ops_ref(r2, a->net_uuid), NULL);
        }
    }
    return 0;
}

/* Ours, after XAPI's: the NIC is there and can have num_vfs VFs. */
static int check_hw(struct create_args *a, const store_record *pif)
{
    const struct pf_info *hw = a->hw;
    char ref[OPS_REF_SIZE], msg[512], n[16], why[256];

    if (ops__get_bool(pif, SF_disappeared)) {
        snprintf(msg, sizeof(msg), "the NIC %s is gone (xe pif-scan did not "
                 "find it): put it back and run xe pif-scan",
                 ops__get(pif, SF_device));
        return xapi_error_set(a->err, -ENODEV,
                              XAPI_NETWORK_SRIOV_ENABLE_FAILED,
                              ops_ref(ref, a->pif_uuid), msg, NULL);
    }
    if (!hw->pf)
        return xapi_error_set(a->err, -ENODEV,
                              XAPI_NETWORK_SRIOV_ENABLE_FAILED,
                              ops_ref(ref, a->pif_uuid), hw->scan_error,
                              NULL);
    if (a->num_vfs > sriov_pf_totalvfs(hw->pf)) {
        unsigned total = sriov_pf_totalvfs(hw->pf);

        snprintf(n, sizeof(n), "%u", a->num_vfs);
        snprintf(why, sizeof(why), "%s supports at most %u VFs: ask for 1 "
                 "to %u, or leave num-vfs out for all of them", hw->device,
                 total, total);
        return xapi_error_set(a->err, -ERANGE, XAPI_VALUE_NOT_SUPPORTED,
                              "num-vfs", n, why, NULL);
    }
    return 0;
}

static int create_records(store_tx *tx, struct create_args *a,
                          const store_record *net, const store_record *pif)
{
    _cleanup_record_ store_record *lp = NULL, *ns = NULL;
    char n[16];
    int r;

    r = store_record_new(&lp, "PIF");
    if (r >= 0)
        r = ops__set(lp, SF_device, ops__get(pif, SF_device));
    if (r >= 0)
        r = ops__set(lp, SF_MAC, LOGICAL_PIF_MAC);
    if (r >= 0)
        r = ops__set(lp, SF_MTU, ops__get(pif, SF_MTU));
    if (r >= 0)
        r = ops__set(lp, SF_host, ops__get(pif, SF_host));
    if (r >= 0)
        r = ops__set(lp, SF_network, store_record_uuid(net));
    if (r >= 0)
        r = ops__set(lp, SF_physical, "false");
    if (r >= 0)
        r = ops__set(lp, SF_VLAN, "-1");
    /* XAPI shares the physical PIF's metrics; we show its PCI ids. */
    if (r >= 0)
        r = ops__set(lp, SF_PCI, ops__get(pif, SF_PCI));
    if (r >= 0)
        r = ops__set(lp, SF_capabilities, "");
    if (r >= 0)
        r = ops__set(lp, SF_currently_attached, "false");
    if (r >= 0)
        r = ops__tx_create(tx, &a->undo, lp);
    if (r < 0)
        return r;
    snprintf(n, sizeof(n), "%u", a->num_vfs ? a->num_vfs
                                            : sriov_pf_totalvfs(a->hw->pf));
    r = store_record_new(&ns, "network_sriov");
    if (r >= 0)
        r = ops__set(ns, SF_physical_PIF, a->pif_uuid);
    if (r >= 0)
        r = ops__set(ns, SF_logical_PIF, store_record_uuid(lp));
    if (r >= 0)
        r = ops__set(ns, SF_requires_reboot, "false");
    if (r >= 0)
        r = ops__set(ns, SF_configuration_mode,
                     sriov_mode_to_string(a->hw->mode));
    if (r >= 0)
        r = ops__set(ns, SF_num_vfs, n);
    if (r >= 0)
        r = ops__tx_create(tx, &a->undo, ns);
    if (r < 0)
        return r;
    memcpy(a->logical_uuid, store_record_uuid(lp), 37);
    memcpy(a->sriov_uuid, store_record_uuid(ns), 37);
    return 0;
}

static int create_fn(store_tx *tx, void *userdata)
{
    struct create_args *a = userdata;
    _cleanup_record_ store_record *pif = NULL, *net = NULL;
    int r;

    ops__undo_reset(&a->undo);
    xapi_error_clear(a->err);
    a->sriov_uuid[0] = a->logical_uuid[0] = '\0';
    r = ops__tx_lookup(tx, "PIF", a->pif_uuid, &pif, a->err);
    if (r >= 0)
        r = ops__tx_lookup(tx, "network", a->net_uuid, &net, a->err);
    if (r >= 0)
        r = check_create(tx, a, net, pif);
    if (r >= 0)
        r = read_hw(a->ops, tx, pif, a->hw);
    if (r >= 0)
        r = check_hw(a, pif);
    if (r >= 0)
        r = create_records(tx, a, net, pif);
    return r;
}

struct enabled_args {
    const char *sriov_uuid, *logical_uuid;
    int mode, reboot;
    unsigned numvfs;
    struct ops_undo undo;
    struct xapi_error *err;
};

/* Record what the enable did: mode, reboot, VFs, attached. */
static int enabled_fn(store_tx *tx, void *userdata)
{
    struct enabled_args *e = userdata;
    _cleanup_record_ store_record *ns = NULL, *lp = NULL;
    _cleanup_record_ store_record *ns0 = NULL, *lp0 = NULL;
    char n[16];
    int r;

    ops__undo_reset(&e->undo);
    xapi_error_clear(e->err);
    snprintf(n, sizeof(n), "%u", e->numvfs);
    r = store_tx_get(tx, "network_sriov", e->sriov_uuid, &ns);
    if (r >= 0)
        r = store_tx_get(tx, "PIF", e->logical_uuid, &lp);
    if (r >= 0)
        r = store_record_dup(&ns0, ns);
    if (r >= 0)
        r = store_record_dup(&lp0, lp);
    if (r >= 0)
        r = ops__set(ns, SF_configuration_mode, sriov_mode_to_string(e->mode));
    if (r >= 0)
        r = ops__set(ns, SF_requires_reboot, e->reboot ? "true" : "false");
    if (r >= 0)
        r = ops__set(ns, SF_num_vfs, n);
    if (r >= 0)
        r = ops__set(lp, SF_currently_attached, e->reboot ? "false" : "true");
    if (r >= 0)
        r = ops__tx_update(tx, &e->undo, ns0, ns);
    if (r >= 0)
        r = ops__tx_update(tx, &e->undo, lp0, lp);
    return r;
}

int ops_network_sriov_create(struct ops_ctx *ops, const char *pif_uuid,
                             const char *network_uuid, unsigned num_vfs,
                             char ret_uuid[37], struct xapi_error *err)
{
    struct create_args a = { .ops = ops, .pif_uuid = pif_uuid,
                             .net_uuid = network_uuid, .num_vfs = num_vfs,
                             .undo.ops = ops, .err = err };
    struct enabled_args e = { .undo.ops = ops, .err = err };
    sriov_pf_enable_options opts = SRIOV_PF_ENABLE_OPTIONS_INIT;
    _cleanup_record_ store_record *pif = NULL, *net = NULL;
    char ref[OPS_REF_SIZE], *mark = NULL;
    struct pf_info hw = { .scan = NULL };
    int r, k, mark_fd = -1;

    r = ops_host_ensure(ops, a.host, err);
    if (r < 0)
        return r;
    /* xe resolves both uuids first (UUID_INVALID), then calls create. */
    r = ops_lookup(ops, "PIF", pif_uuid, &pif, err);
    if (r >= 0)
        r = ops_lookup(ops, "network", network_uuid, &net, err);
    if (r < 0)
        return r;
    a.hw = &hw;
    /* Marked while at work: a crash from here on is finished by
     * ops_network_sriov_finish (the next xe, the restore, xen-sriovd). */
    mark = mark_path(ops, MARK_PREFIX, pif_uuid);
    if (!mark)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    mark_fd = mark_take(mark, true, true);
    if (mark_fd < 0)
        return xapi_error_internal(err, mark_fd, "cannot mark the create "
                                   "in '%s': %s: make the state directory "
                                   "writable", mark, strerror(-mark_fd));
    r = ops__transact(ops, create_fn, &a, &a.undo, err);
    if (r < 0) {
        mark_drop(mark, &mark_fd);
        goto out;
    }
    ops__step(ops, "sriov-create:records");

    /* The transaction's scan: no second look at the hardware. */
    if (num_vfs)
        opts.numvfs = num_vfs;
    if (hw.forced)
        opts.mode = (enum sriov_mode)hw.mode;
    r = sriov_pf_enable(hw.pf, &opts, &e.mode, &e.reboot, &e.numvfs);
    if (r < 0) {
        _cleanup_free_ char *msg = strdup(sriov_ctx_last_error(ops->sriov));

        /* Take the records back: nothing was enabled. */
        k = ops__undo_apply(ops, &a.undo);
        if (k < 0) {
            r = xapi_error_internal(err, r, "enabling SR-IOV on %s failed "
                                    "(%s) and its records could not be "
                                    "removed (%s): network-sriov %s is in "
                                    "the store without VFs; the next xe "
                                    "command tries the enable again, xe "
                                    "network-sriov-destroy removes it",
                                    hw.device, msg ? msg : strerror(-r),
                                    store_last_error(ops->st), a.sriov_uuid);
        } else {
            mark_drop(mark, &mark_fd);
            r = xapi_error_set(err, r, XAPI_NETWORK_SRIOV_ENABLE_FAILED,
                               ops_ref(ref, pif_uuid),
                               msg ? msg : strerror(-r), NULL);
        }
        goto out;
    }
    ops__step(ops, "sriov-create:enabled");

    e.sriov_uuid = a.sriov_uuid;
    e.logical_uuid = a.logical_uuid;
    r = ops__transact(ops, enabled_fn, &e, &e.undo, err);
    if (r < 0) {
        _cleanup_free_ char *msg = strdup(err->n_params ? err->params[0]
                                                        : "");

        r = xapi_error_internal(err, r, "SR-IOV is enabled on %s (%u VFs, "
                                "%s) but recording it failed (%s): "
                                "network-sriov %s is in the store and on "
                                "disk without its VFs' PCI records; the "
                                "next xe command (or xen-sriov-restore, "
                                "xen-sriovd) finishes it", hw.device,
                                e.numvfs, sriov_mode_to_string(e.mode),
                                msg ? msg : "", a.sriov_uuid);
        goto out;
    }
    /* The VFs' PCI records: without them no VF can be given.  A failure
     * keeps the mark: the next xe command makes them. */
    k = ops__sync_pf(ops, a.host, hw.pf, err);
    if (k < 0) {
        ops__log(ops, "network-sriov-create %s: making the PCI records "
                 "of %s's VFs failed (the next xe command makes them): %s",
                 a.sriov_uuid, hw.bdf,
                 err->n_params ? err->params[0] : err->code);
        xapi_error_clear(err);
    } else {
        mark_drop(mark, &mark_fd);
    }
    ops__log(ops, "network-sriov-create %s on PIF %s (%s): %s, %u VFs%s",
             a.sriov_uuid, pif_uuid, hw.device, sriov_mode_to_string(e.mode),
             e.numvfs, e.reboot ? ", after a reboot" : "");
    memcpy(ret_uuid, a.sriov_uuid, 37);
    r = 0;
out:
    if (mark_fd >= 0)
        close(mark_fd);             /* left for the finisher */
    free(mark);
    pf_info_done(&hw);
    ops__undo_reset(&a.undo);
    ops__undo_reset(&e.undo);
    return r;
}

/* ---- finishing interrupted creates ---- */

struct finish {
    struct ops_ctx *ops;
    unsigned flags;
    char host[37];
    ops_log_fn report;
    void *userdata;
    int done;
};

static void finish_say(struct finish *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void finish_say(struct finish *f, const char *fmt, ...)
{
    _cleanup_free_ char *line = NULL;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    ops__log(f->ops, "%s", line);
    if (f->report)
        f->report(f->userdata, line);
}

/* VFs of the PF at bdf (pf_pci: its PCI record) without a PCI record;
 * *ret_scan is the PF's scan, for the records made then. */
static int vfs_unrecorded(struct ops_ctx *ops, const char *bdf,
                          const char *pf_pci, sriov_host **ret_scan)
{
    _cleanup_records_ struct ops_records recs = { 0 };
    struct store_match m = { SF_physical_function, pf_pci };
    sriov_pf *pf;
    int r, missing = 0;

    r = store_list(ops->st, "PCI", &m, 1, STORE_LIST_SKIP_INVALID, &recs.v,
                   &recs.n);
    if (r < 0)
        return r;
    r = sriov_host_scan_device(ret_scan, ops->sriov, bdf, 0);
    if (r < 0)
        return r;
    pf = sriov_host_pf(*ret_scan, 0);
    for (unsigned i = 0; i < sriov_pf_vf_count(pf); i++) {
        const char *vf = sriov_vf_bdf(sriov_pf_vf(pf, i));
        bool found = false;

        for (size_t k = 0; k < recs.n && !found; k++)
            found = strcmp(ops__get(recs.v[k], SF_pci_id), vf) == 0;
        missing += !found;
    }
    return missing;
}

/* finish_one on the scan of its PF. */
static int finish_pf(struct finish *f, const store_record *ns,
                     const store_record *phys, sriov_pf *pf,
                     struct xapi_error *err)
{
    struct ops_ctx *ops = f->ops;
    struct enabled_args e = { .undo.ops = ops, .err = err,
                              .sriov_uuid = store_record_uuid(ns),
                              .logical_uuid = ops__get(ns, SF_logical_PIF) };
    sriov_pf_enable_options opts = SRIOV_PF_ENABLE_OPTIONS_INIT;
    unsigned want = (unsigned)strtoul(ops__get(ns, SF_num_vfs), NULL, 10);
    const char *bdf = sriov_pf_bdf(pf);
    int mode = SRIOV_MODE_UNKNOWN, r = 0;
    bool enabled = false;

    sriov_mode_from_string(ops__get(ns, SF_configuration_mode), &mode);
    e.numvfs = sriov_pf_numvfs(pf);
    if (e.numvfs == 0 && (mode == SRIOV_MODE_SYSFS ||
                          mode == SRIOV_MODE_MODPROBE) &&
        (f->flags & OPS_FINISH_NO_SYSFS)) {
        finish_say(f, "network-sriov %s (%s, %s): its interrupted create "
                   "has no VFs yet: a dry run does not enable them",
                   store_record_uuid(ns), ops__get(phys, SF_device), bdf);
        return -ECANCELED;
    }
    if (e.numvfs == 0 && (mode == SRIOV_MODE_SYSFS ||
                          mode == SRIOV_MODE_MODPROBE)) {
        if (want)
            opts.numvfs = want;
        opts.mode = (enum sriov_mode)mode;
        r = sriov_pf_enable(pf, &opts, &e.mode, &e.reboot, &e.numvfs);
        enabled = r >= 0;
    } else {
        e.mode = mode;
        e.reboot = streq_ptr(ops__get(ns, SF_requires_reboot), "true") &&
                   e.numvfs == 0;
    }
    if (r < 0)
        return xapi_error_internal(err, r, "network-sriov %s (%s, %s): the "
                                   "VFs of its interrupted create cannot be "
                                   "enabled: %s", store_record_uuid(ns),
                                   ops__get(phys, SF_device), bdf,
                                   sriov_ctx_last_error(ops->sriov));
    r = ops__transact(ops, enabled_fn, &e, &e.undo, err);
    ops__undo_reset(&e.undo);
    if (r >= 0)
        r = ops__sync_pf(ops, f->host, pf, err);
    if (r < 0)
        return r;
    finish_say(f, "network-sriov %s (%s, %s): its interrupted create is "
               "finished: %u VFs%s (%s), their PCI records made",
               store_record_uuid(ns), ops__get(phys, SF_device), bdf,
               e.numvfs, enabled ? " enabled" : "",
               sriov_mode_to_string(e.mode));
    f->done++;
    return 0;
}

/*
 * Finish the create of the network-sriov ns (on its PF at bdf): the VFs
 * enabled as recorded when there are none, the state recorded, the VF
 * PCI records made.  One scan of the PF serves all three.
 */
static int finish_one(struct finish *f, const store_record *ns,
                      const store_record *phys, const char *bdf,
                      struct xapi_error *err)
{
    sriov_host *h = NULL;
    int r;

    r = sriov_host_scan_device(&h, f->ops->sriov, bdf, 0);
    if (r < 0)
        return xapi_error_internal(err, r, "network-sriov %s (%s, %s): the "
                                   "VFs of its interrupted create cannot be "
                                   "enabled: %s", store_record_uuid(ns),
                                   ops__get(phys, SF_device), bdf,
                                   sriov_ctx_last_error(f->ops->sriov));
    r = finish_pf(f, ns, phys, sriov_host_pf(h, 0), err);
    sriov_host_free(h);
    return r;
}

/* The network-sriov of a physical PIF, with the PIF and its PF's PCI
 * record; 0 when there is none. */
static int sriov_of_pif(struct ops_ctx *ops, const char *pif_uuid,
                        store_record **ns, store_record **phys,
                        store_record **pci)
{
    int r;

    r = store_get(ops->st, "PIF", pif_uuid, phys);
    if (r == -ENOENT || (r >= 0 &&
                         !store_record_set_count(*phys,
                                                 SF_sriov_physical_PIF_of)))
        return 0;
    if (r >= 0)
        r = store_get(ops->st, "network_sriov", store_record_set_member(
                          *phys, SF_sriov_physical_PIF_of, 0), ns);
    if (r >= 0)
        r = store_get(ops->st, "PCI", ops__get(*phys, SF_PCI), pci);
    return r == -ENOENT ? 0 : r < 0 ? r : 1;
}

/* A mark in the state directory: "<prefix><PIF uuid>.<tid>.pending". */
struct mark {
    char name[128];
    const char *prefix;
    char pif[37];
    struct timespec mtime;
    int fd;                             /* flocked: its process is gone */
};

static int cmp_mark(const void *x, const void *y)
{
    const struct mark *a = x, *b = y;

    if (a->mtime.tv_sec != b->mtime.tv_sec)
        return a->mtime.tv_sec < b->mtime.tv_sec ? -1 : 1;
    if (a->mtime.tv_nsec != b->mtime.tv_nsec)
        return a->mtime.tv_nsec < b->mtime.tv_nsec ? -1 : 1;
    return strcmp(a->name, b->name);
}

static bool mark_parse(const char *name, struct mark *m)
{
    size_t n = strlen(name);

    memset(m, 0, sizeof(*m));
    m->fd = -1;
    m->prefix = !strncmp(name, MARK_PREFIX, strlen(MARK_PREFIX))
                    ? MARK_PREFIX :
                !strncmp(name, MARK_DESTROY, strlen(MARK_DESTROY))
                    ? MARK_DESTROY : NULL;
    if (!m->prefix || n >= sizeof(m->name) ||
        n < strlen(m->prefix) + 36 + strlen(MARK_SUFFIX) ||
        strcmp(name + n - strlen(MARK_SUFFIX), MARK_SUFFIX) != 0 ||
        name[strlen(m->prefix) + 36] != '.')
        return false;
    memcpy(m->pif, name + strlen(m->prefix), 36);
    m->pif[36] = '\0';
    snprintf(m->name, sizeof(m->name), "%s", name);
    return schema_uuid_valid(m->pif);
}

/* The marks of the state directory, oldest first; n 0 when none. */
static int marks_list(const char *dir, struct mark **ret, size_t *n)
{
    _cleanup_free_ struct mark *v = NULL;
    DIR *d = opendir(dir);
    struct dirent *de;

    *ret = NULL;
    *n = 0;
    if (!d)
        return errno == ENOENT ? 0 : negative_errno();
    while ((de = readdir(d))) {
        struct mark m, *t;
        struct stat st;

        if (!mark_parse(de->d_name, &m) ||
            fstatat(dirfd(d), de->d_name, &st, 0) < 0)
            continue;
        m.mtime = st.st_mtim;
        t = realloc(v, (*n + 1) * sizeof(*t));
        if (!t) {
            closedir(d);
            return -ENOMEM;
        }
        v = t;
        v[(*n)++] = m;
    }
    closedir(d);
    if (*n)
        qsort(v, *n, sizeof(*v), cmp_mark);
    *ret = TAKE_PTR(v);
    return 0;
}

/* Finish what the dead mark m of a PIF left (its lock is ours). */
static int finish_mark(struct finish *f, const struct mark *m,
                       struct xapi_error *err)
{
    _cleanup_record_ store_record *ns = NULL, *phys = NULL, *pci = NULL;
    int r;

    r = sriov_of_pif(f->ops, m->pif, &ns, &phys, &pci);
    if (r < 0)
        return ops__store_fail(f->ops, r, err);
    if (r == 0)
        return 0;                       /* never committed, or gone */
    if (strcmp(m->prefix, MARK_DESTROY) == 0) {
        char uuid[37];

        /* Its VFs are gone, its records not: destroy it again. */
        memcpy(uuid, store_record_uuid(ns), 37);
        r = ops_network_sriov_destroy(f->ops, uuid, err);
        if (r >= 0) {
            finish_say(f, "network-sriov %s (%s): its interrupted destroy "
                       "is finished", uuid, ops__get(phys, SF_device));
            f->done++;
        }
        return r;
    }
    return finish_one(f, ns, phys, ops__get(pci, SF_pci_id), err);
}

/*
 * The marks whose process died, under the finishers' lock: a PIF with a
 * create or destroy still at work (its mark locked) is left alone; the
 * others are finished in the order their marks were made, and their marks
 * removed.
 */
static int finish_marks(struct finish *f, struct xapi_error *err)
{
    const char *dir = store_state_dir(f->ops->st);
    _cleanup_free_ struct mark *v = NULL;
    _cleanup_free_ char *lockp = NULL;
    _cleanup_close_ int lock = -1;
    size_t n = 0;
    int r, k = 0;

    r = marks_list(dir, &v, &n);
    if (r < 0 || n == 0)
        return r < 0 ? xapi_error_internal(err, r, "cannot read '%s': %s",
                                           dir, strerror(-r)) : 0;
    free(v);
    v = NULL;
    if (asprintf(&lockp, "%s/sriov-finish.lock", dir) < 0)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    lock = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0 || flock(lock, LOCK_EX) < 0)
        return xapi_error_internal(err, negative_errno(), "cannot lock "
                                   "'%s': %m: make the state directory "
                                   "writable", lockp);
    r = marks_list(dir, &v, &n);
    if (r < 0)
        return xapi_error_internal(err, r, "cannot read '%s': %s", dir,
                                   strerror(-r));
    for (size_t i = 0; i < n; i++) {
        _cleanup_free_ char *path = NULL;

        if (asprintf(&path, "%s/%s", dir, v[i].name) < 0) {
            r = -ENOMEM;
            break;
        }
        v[i].fd = mark_take(path, false, false);
    }
    for (size_t i = 0; r >= 0 && i < n; i++) {
        bool busy = false;

        if (v[i].fd < 0)
            continue;
        for (size_t j = 0; j < n && !busy; j++)
            busy = v[j].fd == -EWOULDBLOCK &&
                   strcmp(v[j].pif, v[i].pif) == 0;
        if (busy)
            continue;                   /* at work: its process finishes */
        if (!*f->host) {
            r = ops_host_ensure(f->ops, f->host, err);
            if (r < 0)
                break;
        }
        k = finish_mark(f, &v[i], err);
        if (k == -ECANCELED)
            continue;                   /* kept for a run that may */
        if (k < 0)
            break;
        {
            _cleanup_free_ char *path = NULL;

            if (asprintf(&path, "%s/%s", dir, v[i].name) >= 0)
                mark_drop(path, &v[i].fd);
        }
    }
    for (size_t i = 0; i < n; i++)
        if (v[i].fd >= 0)
            close(v[i].fd);
    if (r == -ENOMEM)
        return xapi_error_internal(err, r, "out of memory");
    return r < 0 ? r : k < 0 && k != -ECANCELED ? k : 0;
}

/* Every network-sriov of this host whose VFs lack PCI records. */
static int finish_all(struct finish *f, struct xapi_error *err)
{
    _cleanup_records_ struct ops_records all = { 0 };
    int r;

    r = store_list(f->ops->st, "network_sriov", NULL, 0,
                   STORE_LIST_SKIP_INVALID, &all.v, &all.n);
    if (r < 0)
        return ops__store_fail(f->ops, r, err);
    for (size_t i = 0; i < all.n; i++) {
        _cleanup_record_ store_record *ns = NULL, *phys = NULL, *pci = NULL;
        sriov_host *h = NULL;
        int missing;

        r = sriov_of_pif(f->ops, ops__get(all.v[i], SF_physical_PIF), &ns,
                         &phys, &pci);
        if (r <= 0 || strcmp(ops__get(phys, SF_host), f->host) != 0)
            continue;
        missing = vfs_unrecorded(f->ops, ops__get(pci, SF_pci_id),
                                 store_record_uuid(pci), &h);
        if (missing > 0) {
            r = ops_host_ensure(f->ops, f->host, err);
            if (r >= 0)
                r = ops__sync_pf(f->ops, f->host, sriov_host_pf(h, 0), err);
            if (r >= 0)
                finish_say(f, "network-sriov %s (%s, %s): PCI records made "
                           "for %d of its %u VFs that had none",
                           store_record_uuid(ns), ops__get(phys, SF_device),
                           ops__get(pci, SF_pci_id), missing,
                           sriov_pf_vf_count(sriov_host_pf(h, 0)));
        }
        sriov_host_free(h);
        if (missing <= 0)
            continue;
        if (r < 0)
            return r;
        f->done++;
    }
    return 0;
}

int ops_network_sriov_finish(struct ops_ctx *ops, unsigned flags,
                             ops_log_fn report, void *userdata,
                             struct xapi_error *err)
{
    struct finish f = { .ops = ops, .flags = flags, .report = report,
                        .userdata = userdata };
    int r;

    r = finish_marks(&f, err);
    if (r >= 0 && (flags & OPS_FINISH_ALL)) {
        /* The host's records are made only where there is work. */
        if (!*f.host)
            r = ops_host_uuid(ops, f.host, err);
        if (r >= 0)
            r = finish_all(&f, err);
    }
    return r < 0 ? r : f.done;
}

/* ---- destroy ---- */

struct destroy_args {
    const char *uuid;
    const char *logical_uuid;
    const char *pf_pci;         /* the PF's PCI record */
    struct ops_undo undo;
    struct xapi_error *err;
};

/* A VIF of the network holding a VF of this PF: refuse with XAPI's
 * VIF_IN_USE [network; VIF] (xapi_network_attach_helpers.ml, raised when
 * the network's VIF is attached to a live VM). */
static int check_vifs(store_tx *tx, struct destroy_args *d,
                      const store_record *net)
{
    for (size_t i = 0; i < store_record_set_count(net, SF_VIFs); i++) {
        _cleanup_record_ store_record *vif = NULL, *vf = NULL;
        const char *u = store_record_set_member(net, SF_VIFs, i);
        char net_ref[OPS_REF_SIZE], vif_ref[OPS_REF_SIZE];
        int r;

        r = store_tx_get(tx, "VIF", u, &vif);
        if (r < 0)
            return r;
        if (!*ops__get(vif, SF_reserved_pci))
            continue;
        r = store_tx_get(tx, "PCI", ops__get(vif, SF_reserved_pci), &vf);
        if (r == -ENOENT)
            continue;
        if (r < 0)
            return r;
        if (strcmp(ops__get(vf, SF_physical_function), d->pf_pci) != 0)
            continue;
        return xapi_error_set(d->err, -EBUSY, XAPI_VIF_IN_USE,
                              ops_ref(net_ref, store_record_uuid(net)),
                              ops_ref(vif_ref, u), NULL);
    }
    return 0;
}

static int destroy_fn(store_tx *tx, void *userdata)
{
    struct destroy_args *d = userdata;
    _cleanup_record_ store_record *lp = NULL, *net = NULL;
    int r;

    ops__undo_reset(&d->undo);
    xapi_error_clear(d->err);
    r = store_tx_get(tx, "PIF", d->logical_uuid, &lp);
    if (r >= 0 && *ops__get(lp, SF_network))
        r = store_tx_get(tx, "network", ops__get(lp, SF_network), &net);
    if (r >= 0 && net)
        r = check_vifs(tx, d, net);
    if (r >= 0)
        r = ops__tx_destroy(tx, &d->undo, "network_sriov", d->uuid);
    if (r >= 0)
        r = ops__tx_destroy(tx, &d->undo, "PIF", d->logical_uuid);
    return r;
}

/* The checks of destroy_fn alone, writing nothing. */
static int check_fn(store_tx *tx, void *userdata)
{
    struct destroy_args *d = userdata;
    _cleanup_record_ store_record *lp = NULL, *net = NULL;
    int r;

    xapi_error_clear(d->err);
    r = store_tx_get(tx, "PIF", d->logical_uuid, &lp);
    if (r >= 0 && *ops__get(lp, SF_network))
        r = store_tx_get(tx, "network", ops__get(lp, SF_network), &net);
    return r >= 0 && net ? check_vifs(tx, d, net) : r;
}

/* Another enabled SR-IOV PIF whose PF uses the same driver? */
static int driver_shared(struct ops_ctx *ops, const char *uuid,
                         const char *driver, bool *ret,
                         struct xapi_error *err)
{
    _cleanup_records_ struct ops_records all = { 0 };
    int r;

    *ret = false;
    r = store_list(ops->st, "network_sriov", NULL, 0,
                   STORE_LIST_SKIP_INVALID, &all.v, &all.n);
    if (r < 0)
        return ops__store_fail(ops, r, err);
    for (size_t i = 0; i < all.n && !*ret; i++) {
        _cleanup_record_ store_record *pif = NULL, *pci = NULL;

        if (strcmp(store_record_uuid(all.v[i]), uuid) == 0)
            continue;
        if (store_get(ops->st, "PIF", ops__get(all.v[i], SF_physical_PIF),
                      &pif) < 0 ||
            store_get(ops->st, "PCI", ops__get(pif, SF_PCI), &pci) < 0)
            continue;
        *ret = strcmp(ops__get(pci, SF_driver_name), driver) == 0;
    }
    return 0;
}

/*
 * The last SR-IOV PIF of a modprobe driver is gone: reset the option for
 * the driver's other PFs too, whose destroy skipped it while this one
 * shared the driver (with a per-port list, max_vfs=8,8, their entries
 * would stay).  Best effort: a failure is logged, the destroy is done.
 */
static void reset_skipped(struct ops_ctx *ops, const char *bdf,
                          const char *driver)
{
    struct store_match m[] = { { SF_driver_name, driver },
                               { SF_physical_function, "" } };
    store_record **v = NULL;
    size_t n = 0;

    if (store_list(ops->st, "PCI", m, 2, STORE_LIST_SKIP_INVALID, &v, &n) < 0)
        return;
    for (size_t i = 0; i < n; i++) {
        const char *other = ops__get(v[i], SF_pci_id);
        sriov_host *h = NULL;
        int r;

        if (strcmp(other, bdf) == 0)
            continue;
        r = sriov_host_scan_device(&h, ops->sriov, other, 0);
        if (r >= 0)
            r = sriov_pf_disable(sriov_host_pf(h, 0), SRIOV_MODE_MODPROBE, 0,
                                 NULL);
        sriov_host_free(h);
        if (r < 0)
            ops__log(ops, "resetting the %s option of %s failed: %s",
                     driver, other, sriov_ctx_last_error(ops->sriov));
    }
    store_record_list_free(v, n);
}

int ops_network_sriov_destroy(struct ops_ctx *ops, const char *uuid,
                              struct xapi_error *err)
{
    _cleanup_record_ store_record *ns = NULL, *pif = NULL, *pci = NULL;
    _cleanup_record_ store_record *lp = NULL;
    struct destroy_args d = { .uuid = uuid, .undo.ops = ops, .err = err };
    char host[37], ref[OPS_REF_SIZE], bdf[16] = "";
    const char *pif_uuid;
    int mode = SRIOV_MODE_UNKNOWN, reboot = 0, r, k, scanned = -ENODEV;
    _cleanup_free_ char *mark = NULL;
    _cleanup_close_ int mark_fd = -1;
    sriov_host *scan = NULL;
    sriov_pf *pf = NULL;
    unsigned numvfs;
    bool disable;

    r = ops_host_ensure(ops, host, err);
    if (r >= 0)
        r = ops_lookup(ops, "network_sriov", uuid, &ns, err);
    if (r < 0)
        return r;
    pif_uuid = ops__get(ns, SF_physical_PIF);
    r = store_get(ops->st, "PIF", pif_uuid, &pif);
    if (r >= 0)
        r = store_get(ops->st, "PIF", ops__get(ns, SF_logical_PIF), &lp);
    if (r >= 0 && *ops__get(pif, SF_PCI))
        r = store_get(ops->st, "PCI", ops__get(pif, SF_PCI), &pci);
    if (r < 0)
        return ops__store_fail(ops, r, err);
    d.logical_uuid = ops__get(ns, SF_logical_PIF);
    d.pf_pci = pci ? store_record_uuid(pci) : "";
    snprintf(bdf, sizeof(bdf), "%s", ops__get(pci, SF_pci_id));
    sriov_mode_from_string(ops__get(ns, SF_configuration_mode), &mode);
    numvfs = (unsigned)strtoul(ops__get(ns, SF_num_vfs), NULL, 10);

    /* Refuse before touching the NIC (checked again with the records). */
    r = ops__transact(ops, check_fn, &d, NULL, err);
    if (r < 0)
        return r;
    /* XAPI's unplug: sysfs 0 VFs; modprobe unless the driver is shared;
     * manual and unknown leave the VFs alone. */
    disable = mode == SRIOV_MODE_SYSFS;
    if (mode == SRIOV_MODE_MODPROBE) {
        bool shared;

        r = driver_shared(ops, uuid, ops__get(pci, SF_driver_name), &shared,
                          err);
        if (r < 0)
            return r;
        disable = !shared;
    }
    if (disable && !*bdf)
        disable = false;
    /* One scan of the PF for the disable, the undo and the records. */
    if (*bdf)
        scanned = sriov_host_scan_device(&scan, ops->sriov, bdf, 0);
    if (scanned >= 0)
        pf = sriov_host_pf(scan, 0);
    if (disable) {
        /* Marked while the VFs are gone and the records not: a crash
         * there is finished by ops_network_sriov_finish. */
        mark = mark_path(ops, MARK_DESTROY, pif_uuid);
        mark_fd = mark ? mark_take(mark, true, true) : -ENOMEM;
        if (mark_fd < 0) {
            r = xapi_error_internal(err, mark_fd, "cannot mark the destroy "
                                    "in '%s': %s: make the state directory "
                                    "writable", mark ? mark : "",
                                    strerror(-mark_fd));
            goto out;
        }
        r = pf ? sriov_pf_disable(pf, mode, 0, &reboot) : scanned;
        if (r < 0) {
            mark_drop(mark, &mark_fd);
            r = xapi_error_set(err, r, XAPI_NETWORK_SRIOV_DISABLE_FAILED,
                               ops_ref(ref, pif_uuid),
                               sriov_ctx_last_error(ops->sriov), NULL);
            goto out;
        }
        ops__step(ops, "sriov-destroy:disabled");
    }
    r = ops__transact(ops, destroy_fn, &d, &d.undo, err);
    ops__undo_reset(&d.undo);
    if (r < 0 && disable) {
        sriov_pf_enable_options opts = SRIOV_PF_ENABLE_OPTIONS_INIT;

        /* Give the NIC its VFs back: the records still say so. */
        opts.numvfs = numvfs;
        opts.mode = (enum sriov_mode)mode;
        k = sriov_pf_enable(pf, &opts, NULL, NULL, NULL);
        if (k < 0)
            ops__log(ops, "network-sriov-destroy %s: re-enabling %u VFs on "
                     "%s failed: %s (the boot restore does it)", uuid,
                     numvfs, bdf, sriov_ctx_last_error(ops->sriov));
        mark_drop(mark, &mark_fd);
    }
    if (r < 0)
        goto out;
    if (disable && mode == SRIOV_MODE_MODPROBE)
        reset_skipped(ops, bdf, ops__get(pci, SF_driver_name));
    if (pf && ops__sync_pf(ops, host, pf, err) < 0)
        xapi_error_clear(err);
    if (mark)
        mark_drop(mark, &mark_fd);
    ops__log(ops, "network-sriov-destroy %s on PIF %s (%s)", uuid, pif_uuid,
             ops__get(pif, SF_device));
    r = 0;
out:
    sriov_host_free(scan);
    return r;
}
