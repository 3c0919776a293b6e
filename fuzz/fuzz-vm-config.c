/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: an xl config file's text through ops_vm_parse_config()
 * (libxlutil's parser and what ops/ops-vm.c takes from it).  Whatever the
 * text, a VM comes out with a uuid that is a UUID or none and a reason,
 * a name, and printable reasons.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ops/ops-internal.h"

/* ops_vm_list()'s neighbours, never reached from the parser. */
int ops__uuid_invalid(const char *cls, const char *uuid,
                      struct xapi_error *err)
{
    (void)cls;
    (void)uuid;
    (void)err;
    return -ENOENT;
}

const char *sriov_ctx_get_root(const sriov_ctx *ctx)
{
    (void)ctx;
    return "/";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ops_vm vm;

    if (ops_vm_parse_config((const char *)data, size, "/etc/xen/f.cfg",
                            &vm) < 0)
        return 0;
    if (vm.uuid[0] && !schema_uuid_valid(vm.uuid))
        abort();
    if (!vm.uuid[0] && !vm.problem)
        abort();
    if (!vm.name_label || vm.vcpus_max < vm.vcpus_at_startup ||
        vm.memory_static_max < vm.memory_dynamic_max)
        abort();
    for (const char *p = vm.problem; p && *p; p++)
        if (!isprint((unsigned char)*p))
            abort();
    ops_vm_done(&vm);
    return 0;
}
