/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VF settings, addresses and default routes over rtnetlink, through
 * libnl-route-3 (loaded on the first request: deps.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/if_ether.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <netlink/route/link/sriov.h>

#include "libsriov/deps.h"

/*
 * One rtnetlink socket per call (no state in the context).  libnl turns
 * the kernel's errno into its own NLE_* codes, which lose detail (ENODEV
 * and ENOENT both become NLE_OBJ_NOTFOUND); an error callback keeps the
 * kernel's errno so that it can be passed through unchanged.
 */
typedef struct nlreq {
    struct nl_sock *sk;
    int kernel_errno;          /* errno of the last NLMSG_ERROR, or 0 */
} nlreq;

/* Settings sent together in one request, in the order they are applied. */
static const unsigned groups[] = {
    SRIOV_VF_VLAN | SRIOV_VF_QOS,
    SRIOV_VF_MAC,
    SRIOV_VF_SPOOFCHK,
    SRIOV_VF_TRUST,
    SRIOV_VF_LINK_STATE,
    SRIOV_VF_RATES,            /* last: a refusal here is only a warning */
};

int sriov__nl_errno(int nle)
{
    static const struct { int nle, err; } map[] = {
        { NLE_SUCCESS, 0 },           { NLE_INTR, EINTR },
        { NLE_BAD_SOCK, EBADF },      { NLE_AGAIN, EAGAIN },
        { NLE_NOMEM, ENOMEM },        { NLE_EXIST, EEXIST },
        { NLE_INVAL, EINVAL },        { NLE_RANGE, ERANGE },
        { NLE_MSGSIZE, EMSGSIZE },    { NLE_OPNOTSUPP, EOPNOTSUPP },
        { NLE_AF_NOSUPPORT, EAFNOSUPPORT },
        { NLE_OBJ_NOTFOUND, ENOENT }, { NLE_NOATTR, ENODATA },
        { NLE_MISSING_ATTR, EINVAL }, { NLE_AF_MISMATCH, EAFNOSUPPORT },
        { NLE_SEQ_MISMATCH, EPROTO }, { NLE_MSG_OVERFLOW, EOVERFLOW },
        { NLE_MSG_TRUNC, EMSGSIZE },  { NLE_NOADDR, EADDRNOTAVAIL },
        { NLE_SRCRT_NOSUPPORT, EOPNOTSUPP },
        { NLE_MSG_TOOSHORT, EPROTO }, { NLE_MSGTYPE_NOSUPPORT, EOPNOTSUPP },
        { NLE_OBJ_MISMATCH, EINVAL }, { NLE_NOCACHE, ENOENT },
        { NLE_BUSY, EBUSY },          { NLE_PROTO_MISMATCH, EPROTONOSUPPORT },
        { NLE_NOACCESS, EACCES },     { NLE_PERM, EPERM },
        { NLE_PKTLOC_FILE, ENOENT },  { NLE_PARSE_ERR, EPROTO },
        { NLE_NODEV, ENODEV },        { NLE_IMMUTABLE, EPERM },
        { NLE_DUMP_INTR, EINTR },     { NLE_ATTRSIZE, EMSGSIZE },
    };
    int code = nle < 0 ? -nle : nle;

    for (size_t i = 0; i < ELEMENTSOF(map); i++)
        if (map[i].nle == code)
            return -map[i].err;
    return -EIO;
}

static int keep_errno(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
    nlreq *q = arg;

    q->kernel_errno = e->error;    /* already negative */
    return NL_STOP;
}

static void nlreq_close(nlreq *q)
{
    if (q->sk)
        nl_socket_free(q->sk);
    q->sk = NULL;
}

static int nlreq_open(sriov_ctx *ctx, nlreq *q)
{
    int r;

    q->kernel_errno = 0;
    r = sriov__deps_load(ctx, SRIOV_DEP_NL);
    if (r < 0)
        return r;
    q->sk = nl_socket_alloc();
    if (!q->sk)
        return -ENOMEM;
    r = nl_connect(q->sk, NETLINK_ROUTE);
    if (r < 0) {
        nlreq_close(q);
        r = sriov__nl_errno(r);
        return sriov__fail(ctx, r, "cannot open an rtnetlink socket: %s",
                           strerror(-r));
    }
    nl_socket_modify_err_cb(q->sk, NL_CB_CUSTOM, keep_errno, q);
    return 0;
}

/* The kernel's errno if it sent one, else libnl's code as an errno. */
static int nlreq_errno(nlreq *q, int nle)
{
    int r = q->kernel_errno < 0 ? q->kernel_errno : sriov__nl_errno(nle);

    q->kernel_errno = 0;
    return r;
}

static int link_get(sriov_ctx *ctx, nlreq *q, const char *ifname,
                    struct rtnl_link **ret)
{
    struct rtnl_link *link = NULL;
    int r;

    /* libnl asks with RTEXT_FILTER_VF, so the reply carries the VF list. */
    r = rtnl_link_get_kernel(q->sk, 0, ifname, &link);
    if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV || (r >= 0 && !link))
        return sriov__fail(ctx, -ENODEV,
                           "no network interface '%s': check the name with "
                           "'ip link'", ifname);
    if (r < 0) {
        r = nlreq_errno(q, r);
        return sriov__fail(ctx, r, "cannot read interface '%s': %s", ifname,
                           strerror(-r));
    }
    *ret = link;
    return 0;
}

static void format_mac(const unsigned char *mac, char *buf, size_t len)
{
    snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
             mac[2], mac[3], mac[4], mac[5]);
}

static int vf_read(sriov_ctx *ctx, struct rtnl_link *link, const char *ifname,
                   unsigned vf, sriov_vf_config *ret)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT;
    struct rtnl_link_vf *v;
    struct nl_addr *addr;
    nl_vf_vlans_t *vlans;
    struct nl_vf_rate rate;
    uint32_t num = 0, u;

    if (rtnl_link_get_num_vf(link, &num) < 0 || num == 0)
        return sriov__fail(ctx, -ENOENT,
                           "%s has no VFs enabled: enable them before "
                           "setting VF %u", ifname, vf);
    v = rtnl_link_vf_get(link, vf);
    if (!v)
        return sriov__fail(ctx, -ENOENT,
                           "%s has %u VFs, numbered 0 to %u: there is no "
                           "VF %u", ifname, num, num - 1, vf);

    c.mask = SRIOV_VF_MAC | SRIOV_VF_VLAN | SRIOV_VF_QOS | SRIOV_VF_RATES;
    if (rtnl_link_vf_get_addr(v, &addr) == 0) {
        size_t len = nl_addr_get_len(addr);

        memcpy(c.mac, nl_addr_get_binary_addr(addr),
               len < sizeof(c.mac) ? len : sizeof(c.mac));
    }
    if (rtnl_link_vf_get_vlans(v, &vlans) == 0) {
        if (vlans->size > 0) {
            c.vlan = vlans->vlans[0].vf_vlan;
            c.qos = vlans->vlans[0].vf_vlan_qos;
        }
        rtnl_link_vf_vlan_put(vlans);
    }
    /* Drivers that do not report spoofchk or trust send -1: left out. */
    if (rtnl_link_vf_get_spoofchk(v, &u) == 0) {
        c.spoofchk = !!u;
        c.mask |= SRIOV_VF_SPOOFCHK;
    }
    if (rtnl_link_vf_get_trust(v, &u) == 0) {
        c.trust = !!u;
        c.mask |= SRIOV_VF_TRUST;
    }
    if (rtnl_link_vf_get_linkstate(v, &u) == 0) {
        c.link_state = (int)u;
        c.mask |= SRIOV_VF_LINK_STATE;
    }
    /* libnl reports no rate attribute for a zero rate. */
    if (rtnl_link_vf_get_rate(v, &rate) == 0) {
        if (rate.api == RTNL_LINK_VF_RATE_API_OLD) {
            c.max_tx_rate = rate.rate;
        } else {
            c.min_tx_rate = rate.min_tx_rate;
            c.max_tx_rate = rate.max_tx_rate;
        }
    }
    rtnl_link_vf_put(v);
    *ret = c;
    return 0;
}

/* Put the settings of one group into a VF object. */
static int vf_fill(struct rtnl_link_vf *v, unsigned group,
                   const sriov_vf_config *c)
{
    nl_vf_vlans_t *vlans = NULL;
    struct nl_addr *addr;
    struct nl_vf_rate rate = { .api = RTNL_LINK_VF_RATE_API_NEW };

    switch (group) {
    case SRIOV_VF_VLAN | SRIOV_VF_QOS:
        if (rtnl_link_vf_vlan_alloc(&vlans, 1) < 0)
            return -ENOMEM;
        vlans->vlans[0].vf_vlan = c->vlan;
        vlans->vlans[0].vf_vlan_qos = c->qos;
        vlans->vlans[0].vf_vlan_proto = ETH_P_8021Q;
        rtnl_link_vf_set_vlans(v, vlans);
        rtnl_link_vf_vlan_put(vlans);
        break;
    case SRIOV_VF_MAC:
        addr = nl_addr_build(AF_LLC, c->mac, sizeof(c->mac));
        if (!addr)
            return -ENOMEM;
        rtnl_link_vf_set_addr(v, addr);
        nl_addr_put(addr);
        break;
    case SRIOV_VF_SPOOFCHK:
        rtnl_link_vf_set_spoofchk(v, (uint32_t)c->spoofchk);
        break;
    case SRIOV_VF_TRUST:
        rtnl_link_vf_set_trust(v, (uint32_t)c->trust);
        break;
    case SRIOV_VF_LINK_STATE:
        rtnl_link_vf_set_linkstate(v, (uint32_t)c->link_state);
        break;
    case SRIOV_VF_RATES:
        rate.min_tx_rate = c->min_tx_rate;
        rate.max_tx_rate = c->max_tx_rate;
        rtnl_link_vf_set_rate(v, &rate);
        break;
    default:
        return -EINVAL;
    }
    return 0;
}

/* "vlan 100 qos 3", "mac 02:...": the group's values, for messages. */
static void describe(unsigned group, const sriov_vf_config *c, char *buf,
                     size_t len)
{
    char mac[18];

    switch (group) {
    case SRIOV_VF_VLAN | SRIOV_VF_QOS:
        snprintf(buf, len, "vlan %u qos %u", c->vlan, c->qos);
        break;
    case SRIOV_VF_MAC:
        format_mac(c->mac, mac, sizeof(mac));
        snprintf(buf, len, "mac %s", mac);
        break;
    case SRIOV_VF_SPOOFCHK:
        snprintf(buf, len, "spoofchk %s", c->spoofchk ? "on" : "off");
        break;
    case SRIOV_VF_TRUST:
        snprintf(buf, len, "trust %s", c->trust ? "on" : "off");
        break;
    case SRIOV_VF_LINK_STATE:
        snprintf(buf, len, "link-state %s",
                 c->link_state == SRIOV_VF_LINK_ENABLE ? "enable" :
                 c->link_state == SRIOV_VF_LINK_DISABLE ? "disable" : "auto");
        break;
    default:
        snprintf(buf, len, "min_tx_rate %u max_tx_rate %u (Mbps)",
                 c->min_tx_rate, c->max_tx_rate);
        break;
    }
}

/* One RTM_NEWLINK carrying one group of settings for one VF. */
static int vf_send(sriov_ctx *ctx, nlreq *q, struct rtnl_link *orig,
                   unsigned vf, unsigned group, const sriov_vf_config *c)
{
    struct rtnl_link *changes;
    struct rtnl_link_vf *v;
    char what[64];
    int r;

    describe(group, c, what, sizeof(what));
    changes = rtnl_link_alloc();
    if (!changes)
        return -ENOMEM;
    v = rtnl_link_vf_alloc();
    if (!v) {
        rtnl_link_put(changes);
        return -ENOMEM;
    }
    rtnl_link_vf_set_index(v, vf);
    r = vf_fill(v, group, c);
    if (r >= 0)
        r = rtnl_link_vf_add(changes, v) < 0 ? -ENOMEM : 0;
    rtnl_link_vf_put(v);
    if (r < 0) {
        rtnl_link_put(changes);
        return r;
    }
    sriov__log_debug(ctx, "rtnetlink: %s vf %u %s",
                     rtnl_link_get_name(orig), vf, what);
    q->kernel_errno = 0;
    r = rtnl_link_change(q->sk, orig, changes, 0);
    rtnl_link_put(changes);
    if (r < 0) {
        r = nlreq_errno(q, r);
        return sriov__fail(ctx, r, "%s VF %u: the driver refused %s: %s",
                           rtnl_link_get_name(orig), vf, what, strerror(-r));
    }
    return 0;
}

SRIOV_EXPORT int sriov_vf_config_get(sriov_ctx *ctx, const char *pf_ifname,
                                     unsigned vf, sriov_vf_config *ret)
{
    struct rtnl_link *link = NULL;
    nlreq q = { 0 };
    int r;

    assert_return(ctx, -EINVAL);
    assert_return(pf_ifname, -EINVAL);
    assert_return(ret, -EINVAL);

    r = nlreq_open(ctx, &q);
    if (r < 0)
        return r;
    r = link_get(ctx, &q, pf_ifname, &link);
    if (r >= 0) {
        r = vf_read(ctx, link, pf_ifname, vf, ret);
        rtnl_link_put(link);
    }
    nlreq_close(&q);
    return r;
}

/* The settings the VF should end with: the current ones, overlaid. */
static sriov_vf_config merge(const sriov_vf_config *old,
                             const sriov_vf_config *cfg)
{
    sriov_vf_config w = *old;
    unsigned m = cfg->mask;

    if (m & SRIOV_VF_MAC)
        memcpy(w.mac, cfg->mac, sizeof(w.mac));
    if (m & SRIOV_VF_VLAN)
        w.vlan = cfg->vlan;
    if (m & SRIOV_VF_QOS)
        w.qos = cfg->qos;
    else if (w.vlan == 0)
        w.qos = 0;             /* no VLAN, no priority */
    if (m & SRIOV_VF_SPOOFCHK)
        w.spoofchk = cfg->spoofchk;
    if (m & SRIOV_VF_TRUST)
        w.trust = cfg->trust;
    if (m & SRIOV_VF_LINK_STATE)
        w.link_state = cfg->link_state;
    if (m & SRIOV_VF_MIN_TX_RATE)
        w.min_tx_rate = cfg->min_tx_rate;
    if (m & SRIOV_VF_MAX_TX_RATE)
        w.max_tx_rate = cfg->max_tx_rate;
    w.mask = m;
    return w;
}

/* Put back the groups in @done, newest first; best effort. */
static void undo(sriov_ctx *ctx, nlreq *q, struct rtnl_link *link,
                 unsigned vf, unsigned done, const sriov_vf_config *old,
                 int r)
{
    char msg[SRIOV_ERROR_MAX];

    snprintf(msg, sizeof(msg), "%s", sriov_ctx_last_error(ctx));
    for (size_t i = ELEMENTSOF(groups); i-- > 0;) {
        if (!(done & groups[i]))
            continue;
        if ((groups[i] & old->mask) != groups[i])
            continue;          /* the old value is unknown */
        if (vf_send(ctx, q, link, vf, groups[i], old) < 0) {
            char again[SRIOV_ERROR_MAX];

            snprintf(again, sizeof(again), "%s", sriov_ctx_last_error(ctx));
            sriov__fail(ctx, r, "%s; putting the previous settings back "
                        "failed too (%s): set them again", msg, again);
            return;
        }
    }
    sriov__fail(ctx, r, "%s", msg);
}

SRIOV_EXPORT int sriov_vf_config_apply(sriov_ctx *ctx, const char *pf_ifname,
                                       unsigned vf, const sriov_vf_config *cfg,
                                       unsigned *ret_failed)
{
    struct rtnl_link *link = NULL;
    sriov_vf_config old, want;
    unsigned failed = 0, done = 0;
    bool rate_refused = false;
    nlreq q = { 0 };
    int r;

    assert_return(ctx, -EINVAL);
    assert_return(pf_ifname, -EINVAL);
    assert_return(cfg, -EINVAL);

    r = sriov_vf_config_validate(ctx, cfg, &failed);
    if (r < 0)
        goto out;
    r = nlreq_open(ctx, &q);
    if (r < 0)
        goto out;
    r = link_get(ctx, &q, pf_ifname, &link);
    if (r < 0)
        goto out;
    r = vf_read(ctx, link, pf_ifname, vf, &old);
    if (r < 0)
        goto out;
    want = merge(&old, cfg);
    if ((cfg->mask & SRIOV_VF_RATES) && want.max_tx_rate &&
        want.min_tx_rate > want.max_tx_rate) {
        failed = cfg->mask & SRIOV_VF_RATES;
        r = sriov__fail(ctx, -EINVAL,
                        "%s VF %u: min_tx_rate %u Mbps would be above "
                        "max_tx_rate %u Mbps: set both", pf_ifname, vf,
                        want.min_tx_rate, want.max_tx_rate);
        goto out;
    }

    for (size_t i = 0; i < ELEMENTSOF(groups); i++) {
        if (!(cfg->mask & groups[i]))
            continue;
        r = vf_send(ctx, &q, link, vf, groups[i], &want);
        if (r >= 0) {
            done |= groups[i];
            continue;
        }
        failed |= cfg->mask & groups[i];
        if (groups[i] == SRIOV_VF_RATES) {
            rate_refused = true;
            continue;
        }
        undo(ctx, &q, link, vf, done, &old, r);
        goto out;
    }
    r = rate_refused ? SRIOV_VF_RATE_REFUSED : 0;
out:
    if (link)
        rtnl_link_put(link);
    nlreq_close(&q);
    if (ret_failed)
        *ret_failed = failed;
    return r;
}

/* ---- addresses and routes ---------------------------------------------- */

/* The link-layer address as sysfs shows it ("" for none). */
static void format_lladdr(struct nl_addr *a, char *buf, size_t size)
{
    const unsigned char *b = a ? nl_addr_get_binary_addr(a) : NULL;
    unsigned n = a ? nl_addr_get_len(a) : 0;
    size_t len = 0;

    buf[0] = '\0';
    for (unsigned i = 0; b && i < n && len + 4 <= size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%02x",
                                i ? ":" : "", b[i]);
}

/* The kernel's ifindex of IFNAME, if sysfs under the host root shows the
 * same interface: the same ifindex and address (a simulated host's
 * interfaces are not the kernel's, even where a name and an index meet). */
static int kernel_ifindex(sriov_ctx *ctx, nlreq *q, const char *ifname,
                          int *ret)
{
    struct rtnl_link *link = NULL;
    char text[32], mac[128], kmac[128];
    int r, index;

    r = sriov_ifname_read(ctx, ifname, "ifindex", text, sizeof(text));
    if (r >= 0 && sriov_ifname_read(ctx, ifname, "address", mac,
                                    sizeof(mac)) < 0)
        mac[0] = '\0';
    if (r < 0)
        return r == -ENOENT ? -ENODEV : r;
    r = link_get(ctx, q, ifname, &link);
    if (r < 0)
        return r;
    index = rtnl_link_get_ifindex(link);
    format_lladdr(rtnl_link_get_addr(link), kmac, sizeof(kmac));
    rtnl_link_put(link);
    if (index != atoi(text) || strcasecmp(mac, kmac) != 0)
        return sriov__fail(ctx, -ENODEV,
                           "interface '%s' of the host root is not the "
                           "kernel's", ifname);
    *ret = index;
    return 0;
}

SRIOV_EXPORT int sriov_ifname_addrs(sriov_ctx *ctx, const char *ifname,
                                    sriov_ifaddr **ret, size_t *ret_n)
{
    nlreq q = { 0 };
    struct nl_cache *cache = NULL;
    sriov_ifaddr *out = NULL;
    size_t n = 0, cap;
    int r, index = 0;

    assert_return(ctx && ifname && ret && ret_n, -EINVAL);
    r = nlreq_open(ctx, &q);
    if (r < 0)
        return r;
    r = kernel_ifindex(ctx, &q, ifname, &index);
    if (r < 0)
        goto out;
    r = rtnl_addr_alloc_cache(q.sk, &cache);
    if (r < 0) {
        r = nlreq_errno(&q, r);
        r = sriov__fail(ctx, r, "cannot read the addresses of '%s': %s",
                        ifname, strerror(-r));
        goto out;
    }
    cap = (size_t)nl_cache_nitems(cache);
    out = cap ? calloc(cap, sizeof(*out)) : NULL;
    if (cap && !out) {
        r = -ENOMEM;
        goto out;
    }
    for (struct nl_object *o = nl_cache_get_first(cache); o && n < cap;
         o = nl_cache_get_next(o)) {
        struct rtnl_addr *a = (struct rtnl_addr *)o;
        struct nl_addr *local = rtnl_addr_get_local(a);
        int family = rtnl_addr_get_family(a);

        if (rtnl_addr_get_ifindex(a) != index || !local ||
            (family != AF_INET && family != AF_INET6))
            continue;
        if (!inet_ntop(family, nl_addr_get_binary_addr(local), out[n].addr,
                       sizeof(out[n].addr)))
            continue;
        out[n].family = family;
        out[n].prefixlen = (unsigned)rtnl_addr_get_prefixlen(a);
        out[n].scope = (unsigned)rtnl_addr_get_scope(a);
        out[n].flags = (unsigned)rtnl_addr_get_flags(a);
        n++;
    }
    sriov__log_debug(ctx, "'%s': %zu addresses", ifname, n);
    *ret = n ? out : NULL;
    *ret_n = n;
    if (n)
        out = NULL;
    r = 0;
out:
    free(out);
    if (cache)
        nl_cache_free(cache);
    nlreq_close(&q);
    return r;
}

SRIOV_EXPORT int sriov_default_route(sriov_ctx *ctx, int family,
                                     char *ret_ifname, size_t ifsize,
                                     char *ret_gateway, size_t gwsize)
{
    nlreq q = { 0 };
    struct nl_cache *cache = NULL;
    struct rtnl_route *best = NULL;
    struct rtnl_link *link = NULL;
    struct rtnl_nexthop *nh;
    struct nl_addr *gw;
    char gwtext[48] = "";
    const char *name;
    int r;

    assert_return(ctx && ret_ifname && ret_gateway &&
                  (family == AF_INET || family == AF_INET6), -EINVAL);
    r = nlreq_open(ctx, &q);
    if (r < 0)
        return r;
    r = rtnl_route_alloc_cache(q.sk, family, 0, &cache);
    if (r < 0) {
        r = nlreq_errno(&q, r);
        r = sriov__fail(ctx, r, "cannot read the routing table: %s",
                        strerror(-r));
        goto out;
    }
    for (struct nl_object *o = nl_cache_get_first(cache); o;
         o = nl_cache_get_next(o)) {
        struct rtnl_route *rt = (struct rtnl_route *)o;
        struct nl_addr *dst = rtnl_route_get_dst(rt);

        if (rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
            rtnl_route_get_type(rt) != RTN_UNICAST ||
            (dst && nl_addr_get_prefixlen(dst) != 0) ||
            rtnl_route_get_nnexthops(rt) < 1)
            continue;
        /* The kernel takes the lowest metric first. */
        if (!best || rtnl_route_get_priority(rt) <
                         rtnl_route_get_priority(best))
            best = rt;
    }
    if (!best) {
        r = sriov__fail(ctx, -ENOENT, "no default route");
        goto out;
    }
    nh = rtnl_route_nexthop_n(best, 0);
    gw = rtnl_route_nh_get_gateway(nh);
    if (gw && !inet_ntop(family, nl_addr_get_binary_addr(gw), gwtext,
                         sizeof(gwtext)))
        gwtext[0] = '\0';
    r = rtnl_link_get_kernel(q.sk, rtnl_route_nh_get_ifindex(nh), NULL,
                             &link);
    if (r < 0 || !link) {
        r = r < 0 ? nlreq_errno(&q, r) : -ENODEV;
        r = sriov__fail(ctx, r, "cannot read the default route's "
                        "interface: %s", strerror(-r));
        goto out;
    }
    name = rtnl_link_get_name(link);
    if (!name || strlen(name) >= ifsize || strlen(gwtext) >= gwsize) {
        r = sriov__fail(ctx, -ENAMETOOLONG, "default route: buffer too small");
        goto out;
    }
    memcpy(ret_ifname, name, strlen(name) + 1);
    memcpy(ret_gateway, gwtext, strlen(gwtext) + 1);
    sriov__log_debug(ctx, "default route: dev '%s' via '%s'", name, gwtext);
    r = 0;
out:
    if (link)
        rtnl_link_put(link);
    if (cache)
        nl_cache_free(cache);
    nlreq_close(&q);
    return r;
}
