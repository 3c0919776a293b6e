/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Handlers of the static commands: scan, create, destroy, diagnose. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libsriov/macro.h"
#include "xe/cli-error.h"
#include "xe/commands.h"
#include "xe/frontend.h"
#include "xe/generic.h"
#include "ops/xapi-errors.h"

static int ops_of(struct xe_call *call, struct ops_ctx **ret)
{
    return xe_frontend_ops(call->userdata, ret, call->err);
}

/* Creating commands print the new uuid (escaped under --minimal). */
static int print_uuid(struct xe_call *call, const char *uuid)
{
    int r = xe_print_list(call->printer, &uuid, 1);

    return r < 0 ? xapi_error_internal(call->err, r, "cannot write the "
                                       "output")
                 : 0;
}

/* A boolean parameter (xe_bool_of_string), -1 when absent. */
static int bool_param(struct xe_call *call, const char *name, int *ret)
{
    const char *v = xe_args_get(call->args, name);
    bool b;

    *ret = -1;
    if (!v)
        return 0;
    if (xe_bool_of_string(v, &b) == 0)
        return *ret = b, 0;
    /* cli_operations.ml get_bool_param, Record_util.bool_of_string. */
    return xe_failf(call->err, "Failed to parse parameter '%s': Expected "
                    "'true','t','yes','y','1','false','f','no','n','0' got "
                    "%s", name, v);
}

/* OCaml's Int64.of_string on a decimal (net_create's MTU): its failure
 * reaches xe as INTERNAL_ERROR "Failure: Int64.of_string". */
static int int64_param(struct xe_call *call, const char *name)
{
    const char *v = xe_args_get(call->args, name);
    char *end;

    if (!v)
        return 0;
    errno = 0;
    (void)strtoll(v, &end, 10);
    if (*v && !*end && !errno && !isspace((unsigned char)*v))
        return 0;
    return xapi_error_set(call->err, -EINVAL, XAPI_INTERNAL_ERROR,
                          "Failure: Int64.of_string", NULL);
}

int xe_cmd_pif_scan(struct xe_call *call)
{
    struct ops_ctx *ops;
    int r = ops_of(call, &ops);

    return r < 0 ? r : ops_pif_scan(ops, xe_args_get(call->args,
                                                     "host-uuid"),
                                    call->err);
}

int xe_cmd_network_create(struct xe_call *call)
{
    struct ops_network_args a = {
        .name_label = xe_args_get(call->args, "name-label"),
        .name_description = xe_args_get(call->args, "name-description"),
        .mtu = xe_args_get(call->args, "MTU"),
        .bridge = xe_args_get(call->args, "bridge"),
    };
    struct ops_ctx *ops;
    char uuid[37];
    int r;

    r = int64_param(call, "MTU");
    if (r >= 0)
        r = bool_param(call, "managed", &a.managed);
    if (r >= 0)
        r = ops_of(call, &ops);
    if (r >= 0)
        r = ops_network_create(ops, &a, uuid, call->err);
    return r < 0 ? r : print_uuid(call, uuid);
}

int xe_cmd_network_destroy(struct xe_call *call)
{
    struct ops_ctx *ops;
    int r = ops_of(call, &ops);

    return r < 0 ? r : ops_network_destroy(ops, xe_args_get(call->args,
                                                            "uuid"),
                                           call->err);
}

int xe_cmd_network_sriov_create(struct xe_call *call)
{
    const char *pif = xe_args_get(call->args, "pif-uuid");
    const char *net = xe_args_get(call->args, "network-uuid");
    const char *vfs = xe_args_get(call->args, "num-vfs");
    struct ops_ctx *ops;
    unsigned long n = 0;
    char uuid[37], *end;
    int r;

    if (vfs) {
        n = strtoul(vfs, &end, 10);
        if (!*vfs || *end || *vfs == '-' || *vfs == '+' || n == 0 ||
            n > 65535)
            return xapi_error_set(call->err, -EINVAL,
                                  XAPI_VALUE_NOT_SUPPORTED, "num-vfs", vfs,
                                  "a whole number of VFs from 1 to the "
                                  "NIC's maximum, or leave it out for all",
                                  NULL);
    }
    r = ops_of(call, &ops);
    if (r >= 0)
        r = ops_network_sriov_create(ops, pif, net, (unsigned)n, uuid,
                                     call->err);
    return r < 0 ? r : print_uuid(call, uuid);
}

int xe_cmd_network_sriov_destroy(struct xe_call *call)
{
    struct ops_ctx *ops;
    int r = ops_of(call, &ops);

    return r < 0 ? r : ops_network_sriov_destroy(
                           ops, xe_args_get(call->args, "uuid"), call->err);
}

/* One record per VF: pci-id, pci-uuid, usable, reason. */
int xe_cmd_network_sriov_diagnose(struct xe_call *call)
{
    _cleanup_free_ struct ops_vf_status *v = NULL;
    _cleanup_free_ struct xe_row *rows = NULL;
    _cleanup_free_ struct xe_table_record *recs = NULL;
    struct ops_ctx *ops;
    size_t n = 0;
    int r;

    r = ops_of(call, &ops);
    if (r >= 0)
        r = ops_network_sriov_diagnose(ops, xe_args_get(call->args, "uuid"),
                                       &v, &n, call->err);
    if (r < 0)
        return r;
    rows = calloc(4 * n + 1, sizeof(*rows));
    recs = calloc(n + 1, sizeof(*recs));
    if (!rows || !recs)
        return xapi_error_internal(call->err, -ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        struct xe_row *row = &rows[4 * i];

        row[0] = (struct xe_row){ "pci-id ( RO)", v[i].pci_id };
        row[1] = (struct xe_row){ "pci-uuid ( RO)", v[i].pci_uuid };
        row[2] = (struct xe_row){ "usable ( RO)",
                                  v[i].usable ? "true" : "false" };
        row[3] = (struct xe_row){ "reason ( RO)", v[i].reason };
        recs[i] = (struct xe_table_record){ row, 4 };
    }
    r = xe_print_table(call->printer, recs, n);
    return r < 0 ? xapi_error_internal(call->err, r, "cannot write the "
                                       "output")
                 : 0;
}

int xe_cmd_vif_create(struct xe_call *call)
{
    struct ops_vif_args a = {
        .device = xe_args_get(call->args, "device"),
        .network_uuid = xe_args_get(call->args, "network-uuid"),
        .vm_uuid = xe_args_get(call->args, "vm-uuid"),
        .mac = xe_args_get(call->args, "mac"),
    };
    struct ops_ctx *ops;
    char uuid[37];
    int r;

    r = ops_of(call, &ops);
    if (r >= 0)
        r = ops_vif_create(ops, &a, uuid, call->err);
    return r < 0 ? r : print_uuid(call, uuid);
}

int xe_cmd_vif_destroy(struct xe_call *call)
{
    struct ops_ctx *ops;
    int r = ops_of(call, &ops);

    return r < 0 ? r : ops_vif_destroy(ops, xe_args_get(call->args, "uuid"),
                                       call->err);
}
