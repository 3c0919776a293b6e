/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which function runs each command.  Empty until the object store (branch
 * store) and host discovery (branch host) land: every command of the table
 * is parsed, checked and documented, and fails with NOT_IMPLEMENTED when
 * run.  docs/xe.md explains how to add a handler here.
 */
#include <stddef.h>

#include "xe-ext/cli/cmdtable.h"

/* Static commands, by name: { "network-sriov-create", handler }, ... */
const struct xe_handler_entry xe_handlers[] = {
    { NULL, NULL }
};

/* Generated commands, by operation: [XE_OP_LIST] = handler, ... */
const xe_handler_fn xe_generic_handlers[XE_OP_N] = { NULL };
