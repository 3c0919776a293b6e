/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libpci, libnl-3 and libnl-route-3, loaded on first use (deps.c).
 *
 * A program linked with libsriov starts once per command (xe), and most
 * commands need neither: loading the three and what they link (libudev,
 * libz) at start, and running their constructors (libnl-route reads
 * /etc/libnl/classid), cost more than a whole `xe pif-param-get` spends
 * on its own work (bench-xe).  So libsriov does not link them: the first
 * name lookup dlopen()s libpci, the first rtnetlink request libnl, and
 * their functions are called through one table of pointers.
 *
 * Include this header after <pci/pci.h> and the <netlink/...> headers:
 * below, each function libsriov calls becomes a name for its pointer
 * (`rtnl_link_put(link)` calls through sriov__fn.rtnl_link_put), so the
 * calls read as the libraries' own and their types are the headers'.  A
 * function called without a line here is a link error (--no-undefined),
 * not a silent dependency; the caller must have loaded its library with
 * sriov__deps_load() first (names.c's pacc(), netlink.c's nlreq_open()).
 */
#ifndef SRIOV_DEPS_H
#define SRIOV_DEPS_H

#include <pci/pci.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/sriov.h>
#include <netlink/route/route.h>

#include "libsriov/internal.h"

/* The functions of each library libsriov calls. */
#define SRIOV_PCI_FUNCS(X)                                                 \
    X(pci_alloc) X(pci_cleanup) X(pci_lookup_name)
#define SRIOV_NL_FUNCS(X)                                                  \
    X(nl_addr_build) X(nl_addr_get_binary_addr) X(nl_addr_get_len)         \
    X(nl_addr_get_prefixlen) X(nl_addr_put) X(nl_cache_free)               \
    X(nl_cache_get_first) X(nl_cache_get_next) X(nl_cache_nitems)          \
    X(nl_connect) X(nl_socket_alloc) X(nl_socket_free)                     \
    X(nl_socket_modify_err_cb)
#define SRIOV_NL_ROUTE_FUNCS(X)                                            \
    X(rtnl_addr_alloc_cache) X(rtnl_addr_get_family)                       \
    X(rtnl_addr_get_flags) X(rtnl_addr_get_ifindex)                        \
    X(rtnl_addr_get_local) X(rtnl_addr_get_prefixlen)                      \
    X(rtnl_addr_get_scope) X(rtnl_link_alloc) X(rtnl_link_change)          \
    X(rtnl_link_get_addr) X(rtnl_link_get_ifindex)                         \
    X(rtnl_link_get_kernel) X(rtnl_link_get_name) X(rtnl_link_get_num_vf)  \
    X(rtnl_link_put) X(rtnl_link_vf_add) X(rtnl_link_vf_alloc)             \
    X(rtnl_link_vf_get) X(rtnl_link_vf_get_addr)                           \
    X(rtnl_link_vf_get_linkstate) X(rtnl_link_vf_get_rate)                 \
    X(rtnl_link_vf_get_spoofchk) X(rtnl_link_vf_get_trust)                 \
    X(rtnl_link_vf_get_vlans) X(rtnl_link_vf_put) X(rtnl_link_vf_set_addr) \
    X(rtnl_link_vf_set_index) X(rtnl_link_vf_set_linkstate)                \
    X(rtnl_link_vf_set_rate) X(rtnl_link_vf_set_spoofchk)                  \
    X(rtnl_link_vf_set_trust) X(rtnl_link_vf_set_vlans)                    \
    X(rtnl_link_vf_vlan_alloc) X(rtnl_link_vf_vlan_put)                    \
    X(rtnl_route_alloc_cache) X(rtnl_route_get_dst)                        \
    X(rtnl_route_get_nnexthops) X(rtnl_route_get_priority)                 \
    X(rtnl_route_get_table) X(rtnl_route_get_type) X(rtnl_route_nexthop_n) \
    X(rtnl_route_nh_get_gateway) X(rtnl_route_nh_get_ifindex)

#define SRIOV_DEPS_FIELD(name) __typeof__(&name) name;
struct sriov__deps_fn {
    SRIOV_PCI_FUNCS(SRIOV_DEPS_FIELD)
    SRIOV_NL_FUNCS(SRIOV_DEPS_FIELD)
    SRIOV_NL_ROUTE_FUNCS(SRIOV_DEPS_FIELD)
};
#undef SRIOV_DEPS_FIELD

/*
 * The process's pointers: what dlopen() gives is process-wide (the
 * loader's link map), so this is the one table libsriov keeps outside a
 * context.  Each library's part is written once, under pthread_once(),
 * and never changes after; failures are recorded in the caller's context.
 */
extern _hidden_ struct sriov__deps_fn sriov__fn;

enum sriov__dep {
    SRIOV_DEP_PCI,      /* libpci: names from pci.ids */
    SRIOV_DEP_NL,       /* libnl-3 and libnl-route-3: rtnetlink */
};

/*
 * Load @dep's libraries and resolve their functions, once per process.
 * 0, or -ELIBACC with "cannot load <soname> (<why>): ..." recorded in
 * @ctx (the same on every call of a process that could not).
 */
_hidden_ int sriov__deps_load(sriov_ctx *ctx, enum sriov__dep dep);

/* deps.c itself names the functions, not their pointers. */
#ifndef SRIOV_DEPS_NO_REDIRECT
#define pci_alloc (*sriov__fn.pci_alloc)
#define pci_cleanup (*sriov__fn.pci_cleanup)
#define pci_lookup_name (*sriov__fn.pci_lookup_name)
#define nl_addr_build (*sriov__fn.nl_addr_build)
#define nl_addr_get_binary_addr (*sriov__fn.nl_addr_get_binary_addr)
#define nl_addr_get_len (*sriov__fn.nl_addr_get_len)
#define nl_addr_get_prefixlen (*sriov__fn.nl_addr_get_prefixlen)
#define nl_addr_put (*sriov__fn.nl_addr_put)
#define nl_cache_free (*sriov__fn.nl_cache_free)
#define nl_cache_get_first (*sriov__fn.nl_cache_get_first)
#define nl_cache_get_next (*sriov__fn.nl_cache_get_next)
#define nl_cache_nitems (*sriov__fn.nl_cache_nitems)
#define nl_connect (*sriov__fn.nl_connect)
#define nl_socket_alloc (*sriov__fn.nl_socket_alloc)
#define nl_socket_free (*sriov__fn.nl_socket_free)
#define nl_socket_modify_err_cb (*sriov__fn.nl_socket_modify_err_cb)
#define rtnl_addr_alloc_cache (*sriov__fn.rtnl_addr_alloc_cache)
#define rtnl_addr_get_family (*sriov__fn.rtnl_addr_get_family)
#define rtnl_addr_get_flags (*sriov__fn.rtnl_addr_get_flags)
#define rtnl_addr_get_ifindex (*sriov__fn.rtnl_addr_get_ifindex)
#define rtnl_addr_get_local (*sriov__fn.rtnl_addr_get_local)
#define rtnl_addr_get_prefixlen (*sriov__fn.rtnl_addr_get_prefixlen)
#define rtnl_addr_get_scope (*sriov__fn.rtnl_addr_get_scope)
#define rtnl_link_alloc (*sriov__fn.rtnl_link_alloc)
#define rtnl_link_change (*sriov__fn.rtnl_link_change)
#define rtnl_link_get_addr (*sriov__fn.rtnl_link_get_addr)
#define rtnl_link_get_ifindex (*sriov__fn.rtnl_link_get_ifindex)
#define rtnl_link_get_kernel (*sriov__fn.rtnl_link_get_kernel)
#define rtnl_link_get_name (*sriov__fn.rtnl_link_get_name)
#define rtnl_link_get_num_vf (*sriov__fn.rtnl_link_get_num_vf)
#define rtnl_link_put (*sriov__fn.rtnl_link_put)
#define rtnl_link_vf_add (*sriov__fn.rtnl_link_vf_add)
#define rtnl_link_vf_alloc (*sriov__fn.rtnl_link_vf_alloc)
#define rtnl_link_vf_get (*sriov__fn.rtnl_link_vf_get)
#define rtnl_link_vf_get_addr (*sriov__fn.rtnl_link_vf_get_addr)
#define rtnl_link_vf_get_linkstate (*sriov__fn.rtnl_link_vf_get_linkstate)
#define rtnl_link_vf_get_rate (*sriov__fn.rtnl_link_vf_get_rate)
#define rtnl_link_vf_get_spoofchk (*sriov__fn.rtnl_link_vf_get_spoofchk)
#define rtnl_link_vf_get_trust (*sriov__fn.rtnl_link_vf_get_trust)
#define rtnl_link_vf_get_vlans (*sriov__fn.rtnl_link_vf_get_vlans)
#define rtnl_link_vf_put (*sriov__fn.rtnl_link_vf_put)
#define rtnl_link_vf_set_addr (*sriov__fn.rtnl_link_vf_set_addr)
#define rtnl_link_vf_set_index (*sriov__fn.rtnl_link_vf_set_index)
#define rtnl_link_vf_set_linkstate (*sriov__fn.rtnl_link_vf_set_linkstate)
#define rtnl_link_vf_set_rate (*sriov__fn.rtnl_link_vf_set_rate)
#define rtnl_link_vf_set_spoofchk (*sriov__fn.rtnl_link_vf_set_spoofchk)
#define rtnl_link_vf_set_trust (*sriov__fn.rtnl_link_vf_set_trust)
#define rtnl_link_vf_set_vlans (*sriov__fn.rtnl_link_vf_set_vlans)
#define rtnl_link_vf_vlan_alloc (*sriov__fn.rtnl_link_vf_vlan_alloc)
#define rtnl_link_vf_vlan_put (*sriov__fn.rtnl_link_vf_vlan_put)
#define rtnl_route_alloc_cache (*sriov__fn.rtnl_route_alloc_cache)
#define rtnl_route_get_dst (*sriov__fn.rtnl_route_get_dst)
#define rtnl_route_get_nnexthops (*sriov__fn.rtnl_route_get_nnexthops)
#define rtnl_route_get_priority (*sriov__fn.rtnl_route_get_priority)
#define rtnl_route_get_table (*sriov__fn.rtnl_route_get_table)
#define rtnl_route_get_type (*sriov__fn.rtnl_route_get_type)
#define rtnl_route_nexthop_n (*sriov__fn.rtnl_route_nexthop_n)
#define rtnl_route_nh_get_gateway (*sriov__fn.rtnl_route_nh_get_gateway)
#define rtnl_route_nh_get_ifindex (*sriov__fn.rtnl_route_nh_get_ifindex)
#endif

#endif
