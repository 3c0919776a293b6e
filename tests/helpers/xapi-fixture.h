/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The protocol tests' world: pool, host and network classes in memory with
 * fixed refs (so golden replies are stable), plus the few calls clients
 * make to change them (network.create/destroy, pool.set_name_label) and
 * test.echo, which returns its arguments (codec round trips).  Used by the
 * in-process HTTP tests and by xapi-test-server for real clients, until
 * the store on xenstore provides the real classes.
 */
#ifndef XEN_SRIOV_TESTS_XAPI_FIXTURE_H
#define XEN_SRIOV_TESTS_XAPI_FIXTURE_H

#include "tests/helpers/memclass.h"

#define FIXTURE_POOL "OpaqueRef:00000000-0000-4000-8000-000000000001"
#define FIXTURE_HOST "OpaqueRef:00000000-0000-4000-8000-000000000002"
#define FIXTURE_NETWORK "OpaqueRef:00000000-0000-4000-8000-000000000003"
#define FIXTURE_NETWORK_UUID "00000000-0000-4000-8000-0000000000c3"

struct xapi_fixture {
    struct memclass *pool, *host, *network;
};

/* A daemon setup hook: userdata is a zeroed struct xapi_fixture. */
int xapi_fixture_setup(struct xapi *api, void *userdata);
void xapi_fixture_dispose(struct xapi_fixture *f);

#endif
