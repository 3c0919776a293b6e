/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What pool.c lends the other files of pool/ (pool-network.c). */
#ifndef XEN_SRIOV_POOL_INTERNAL_H
#define XEN_SRIOV_POOL_INTERNAL_H

#include "pool/etcd.h"
#include "pool/pool.h"

etcd *pool__etcd(pool *p);
/* Keep @p msg as pool_last_error(); returns r. */
int pool__fail(pool *p, int r, const char *msg);
/* etcd's last error kept; returns r. */
int pool__etcd_fail(pool *p, int r);
/* A record as the mirror writes it (JSON), and back (for reading). */
char *pool__record_json(const store_record *r);
int pool__record_from_json(const char *cls, const char *text,
                           store_record **ret);

/* pool_list("network"): the pool-wide networks (with every host's PIFs
 * and VIFs) and the hosts' own networks. */
int pool__network_list(pool *p, store_record ***ret, size_t *n);

#endif
