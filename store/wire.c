/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The xenstore wire protocol with pipelined batches of requests. */
/*
 * libxenstore sends one request and waits for its reply: about 50 us per
 * node with the C xenstored, whatever the node.  xenstored handles the
 * requests of one connection in order and answers each with the req_id it
 * was given, so a client may send many before reading the replies; with
 * up to 128 in flight a read costs about 8 us (docs/store.md).  This file
 * speaks the protocol of xen/io/xs_wire.h on the socket, and to the xenbus
 * device one request at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <xenstore.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "store/internal.h"

#define WIN_REQS 128            /* requests in flight */
#define WIN_BYTES 32768         /* request bytes in flight */
/*
 * The C xenstored never sends more than XENSTORE_PAYLOAD_MAX (a bigger
 * directory is E2BIG, then read with XS_DIRECTORY_PART).  oxenstored has
 * no XS_DIRECTORY_PART and answers a directory whole on a socket: 37
 * bytes per UUID, 370 KB for 10,000 networks.  Longer replies are
 * protocol errors.
 */
#define MSG_MAX (64u << 20)
#define RBUF_SIZE 65536         /* the read buffer grows for longer ones */

struct event {
    uint32_t type;
    char *body;
    size_t len;
};

struct wire {
    int fd;
    bool pipelined;             /* a socket; the device takes one at once */
    char *path;
    uint32_t next_id;
    uint64_t requests, round_trips;
    char *rbuf;
    size_t rsize, rstart, rend;
    struct event *events;       /* watch events read during a batch */
    size_t n_events;
};

static void set_msg(char *msg, size_t size, const char *fmt, ...)
    _printf_(3, 4);
static void set_msg(char *msg, size_t size, const char *fmt, ...)
{
    va_list ap;

    if (!msg || !size)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, size, fmt, ap);
    va_end(ap);
}

int store__wire_default_path(char **ret, bool *may_fall_back)
{
    const char *sock = xs_daemon_socket(), *rundir = xs_daemon_rundir();
    char *def = NULL, *copy;

    if (!sock)
        return -ENOENT;
    /*
     * libxenstore falls back from the socket to the xenbus device, except
     * when XENSTORED_PATH chose the socket (then both are that path).  We
     * may not read the environment; a socket path other than
     * <rundir>/socket can only come from XENSTORED_PATH.
     */
    if (rundir && asprintf(&def, "%s/socket", rundir) < 0)
        return -ENOMEM;
    *may_fall_back = def && strcmp(def, sock) == 0;
    free(def);
    copy = strdup(sock);
    if (!copy)
        return -ENOMEM;
    *ret = copy;
    return 0;
}

int store__wire_open(struct wire **ret, const char *path, char *msg,
                     size_t msg_size)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    struct wire *w;
    struct stat st;
    int fd, r;

    if (stat(path, &st) < 0) {
        r = -errno;
        set_msg(msg, msg_size, "cannot connect to xenstored at '%s': %s: "
                "start xenstored (systemctl start xenstored)", path,
                strerror(-r));
        return r;
    }
    if (S_ISSOCK(st.st_mode)) {
        if (strlen(path) >= sizeof(addr.sun_path)) {
            set_msg(msg, msg_size, "xenstored socket path '%s' is longer "
                    "than %zu bytes: use a shorter XENSTORED_PATH", path,
                    sizeof(addr.sun_path) - 1);
            return -ENAMETOOLONG;
        }
        strcpy(addr.sun_path, path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return -errno;
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
            r = -errno;
            close(fd);
            set_msg(msg, msg_size, "cannot connect to xenstored at '%s': "
                    "%s: start xenstored (systemctl start xenstored)", path,
                    strerror(-r));
            return r;
        }
    } else {
        fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            r = -errno;
            set_msg(msg, msg_size, "cannot open the xenbus device '%s': "
                    "%s: is this a Xen dom0?", path, strerror(-r));
            return r;
        }
    }
    w = calloc(1, sizeof(*w));
    if (w) {
        w->path = strdup(path);
        w->rbuf = malloc(RBUF_SIZE);
        w->rsize = RBUF_SIZE;
    }
    if (!w || !w->path || !w->rbuf) {
        close(fd);
        if (w) {
            free(w->path);
            free(w->rbuf);
        }
        free(w);
        return -ENOMEM;
    }
    w->fd = fd;
    w->pipelined = S_ISSOCK(st.st_mode);
    w->next_id = 1;
    *ret = w;
    return 0;
}

struct wire *store__wire_close(struct wire *w)
{
    size_t i;

    if (!w)
        return NULL;
    if (w->fd >= 0)
        close(w->fd);
    for (i = 0; i < w->n_events; i++)
        free(w->events[i].body);
    free(w->events);
    free(w->rbuf);
    free(w->path);
    free(w);
    return NULL;
}

int store__wire_fd(const struct wire *w)
{
    return w ? w->fd : -1;
}

void store__wire_stats(const struct wire *w, uint64_t *requests,
                       uint64_t *round_trips)
{
    *requests = w ? w->requests : 0;
    *round_trips = w ? w->round_trips : 0;
}

void store__wire_reset_stats(struct wire *w)
{
    if (w)
        w->requests = w->round_trips = 0;
}

void store__wire_reqs_clear(struct wire_req *reqs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(reqs[i].reply);
        reqs[i].reply = NULL;
        reqs[i].reply_len = 0;
        reqs[i].err = 0;
    }
}

static int lost(struct wire *w, int r, char *msg, size_t msg_size)
{
    set_msg(msg, msg_size, "lost the connection to xenstored at '%s': %s: "
            "is xenstored running? (systemctl status xenstored)", w->path,
            strerror(-r));
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
    return r;
}

static int write_all(struct wire *w, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t k = w->pipelined ? send(w->fd, p, len, MSG_NOSIGNAL)
                                 : write(w->fd, p, len);

        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return errno == EPIPE ? -ECONNRESET : -errno;
        p += k;
        len -= (size_t)k;
    }
    return 0;
}

/* Make at least want bytes available in rbuf (blocking unless nonblock). */
static int fill(struct wire *w, size_t want, bool nonblock)
{
    while (w->rend - w->rstart < want) {
        ssize_t k;

        if (w->rstart > 0) {
            memmove(w->rbuf, w->rbuf + w->rstart, w->rend - w->rstart);
            w->rend -= w->rstart;
            w->rstart = 0;
        }
        if (want > w->rsize) {
            char *b = realloc(w->rbuf, want);

            if (!b)
                return -ENOMEM;
            w->rbuf = b;
            w->rsize = want;
        }
        if (nonblock) {
            struct pollfd p = { .fd = w->fd, .events = POLLIN };

            if (poll(&p, 1, 0) == 0)
                return -EAGAIN;
        }
        k = read(w->fd, w->rbuf + w->rend, w->rsize - w->rend);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -errno;
        if (k == 0)
            return -ECONNRESET;
        w->rend += (size_t)k;
    }
    return 0;
}

/* One whole message: header and a malloc'd NUL-terminated body. */
static int read_msg(struct wire *w, struct xsd_sockmsg *hdr, char **body,
                    bool nonblock)
{
    char *b;
    int r;

    r = fill(w, sizeof(*hdr), nonblock);
    if (r < 0)
        return r;
    memcpy(hdr, w->rbuf + w->rstart, sizeof(*hdr));
    if (hdr->len > MSG_MAX)
        return -EPROTO;
    r = fill(w, sizeof(*hdr) + hdr->len, nonblock);
    if (r < 0)
        return r;
    b = malloc(hdr->len + 1);
    if (!b)
        return -ENOMEM;
    memcpy(b, w->rbuf + w->rstart + sizeof(*hdr), hdr->len);
    b[hdr->len] = '\0';
    w->rstart += sizeof(*hdr) + hdr->len;
    *body = b;
    return 0;
}

static int queue_event(struct wire *w, uint32_t type, char *body, size_t len)
{
    struct event *e = realloc(w->events, (w->n_events + 1) * sizeof(*e));

    if (!e) {
        free(body);
        return -ENOMEM;
    }
    w->events = e;
    e[w->n_events++] = (struct event){ type, body, len };
    return 0;
}

static int error_number(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (strcmp(name, xsd_errors[i].errstring) == 0)
            return xsd_errors[i].errnum;
    return EINVAL;
}

static size_t payload_len(const struct wire_req *q)
{
    return strlen(q->path) + 1 + (q->arg ? q->arg_len + q->arg_nul : 0);
}

/* Append one request to buf (which has room). */
static size_t put_req(char *buf, const struct wire_req *q, uint32_t id)
{
    struct xsd_sockmsg hdr = {
        .type = q->type, .req_id = id, .tx_id = q->tx,
        .len = (uint32_t)payload_len(q),
    };
    size_t off = 0, plen = strlen(q->path) + 1;

    memcpy(buf + off, &hdr, sizeof(hdr));
    off += sizeof(hdr);
    memcpy(buf + off, q->path, plen);
    off += plen;
    if (q->arg) {
        memcpy(buf + off, q->arg, q->arg_len);
        off += q->arg_len;
        if (q->arg_nul)
            buf[off++] = '\0';
    }
    return off;
}

static int run(struct wire *w, struct wire_req *reqs, size_t n, char *msg,
               size_t msg_size)
{
    size_t win = w->pipelined ? WIN_REQS : 1;
    size_t next = 0, got = 0, inflight_bytes = 0, sent = 0, i;
    size_t *order = NULL, *sizes = NULL;
    uint32_t first_id = w->next_id;
    char *out = NULL;
    int r = 0;

    order = calloc(n ? n : 1, sizeof(*order));
    sizes = calloc(n ? n : 1, sizeof(*sizes));
    out = malloc(WIN_BYTES + sizeof(struct xsd_sockmsg) +
                 XENSTORE_PAYLOAD_MAX + 2);
    if (!order || !sizes || !out) {
        r = -ENOMEM;
        goto out;
    }
    /* Requests too long for the protocol fail alone, as xenstored would. */
    for (i = 0; i < n; i++) {
        reqs[i].err = 0;
        reqs[i].reply = NULL;
        reqs[i].reply_len = 0;
        if (payload_len(&reqs[i]) > XENSTORE_PAYLOAD_MAX)
            reqs[i].err = E2BIG;
    }
    for (;;) {
        struct xsd_sockmsg hdr;
        struct wire_req *q;
        char *body;

        /* Refill when half the window is free: one wait per refill. */
        if (next < n && sent - got <= win / 2) {
            size_t len = 0;

            while (next < n && sent - got < win &&
                   (len == 0 || inflight_bytes + len < WIN_BYTES)) {
                if (reqs[next].err) {
                    next++;
                    continue;
                }
                sizes[sent] = put_req(out + len, &reqs[next], w->next_id);
                len += sizes[sent];
                order[sent++] = next++;
                w->next_id++;
                w->requests++;
            }
            if (len) {
                r = write_all(w, out, len);
                if (r < 0) {
                    r = lost(w, r, msg, msg_size);
                    goto out;
                }
                inflight_bytes += len;
                w->round_trips++;
            }
        }
        if (got == sent && next >= n)
            break;
        r = read_msg(w, &hdr, &body, false);
        if (r < 0) {
            r = r == -EPROTO ? r : lost(w, r, msg, msg_size);
            if (r == -EPROTO)
                set_msg(msg, msg_size, "xenstored at '%s' sent a %u-byte "
                        "message: protocol error", w->path, hdr.len);
            goto out;
        }
        if (hdr.type == XS_WATCH_EVENT) {
            r = queue_event(w, hdr.type, body, hdr.len);
            if (r < 0)
                goto out;
            continue;
        }
        q = &reqs[order[got]];
        if (hdr.req_id != first_id + got) {
            free(body);
            set_msg(msg, msg_size, "xenstored at '%s' answered request %u "
                    "when %u was expected: protocol error", w->path,
                    hdr.req_id, (unsigned)(first_id + got));
            r = lost(w, -EPROTO, NULL, 0);
            goto out;
        }
        if (hdr.type == XS_ERROR) {
            q->err = error_number(body);
            free(body);
        } else if (hdr.type != q->type) {
            free(body);
            set_msg(msg, msg_size, "xenstored at '%s' answered a type %u "
                    "request with type %u: protocol error", w->path,
                    q->type, hdr.type);
            r = lost(w, -EPROTO, NULL, 0);
            goto out;
        } else {
            q->reply = body;
            q->reply_len = hdr.len;
        }
        inflight_bytes -= sizes[got] < inflight_bytes ? sizes[got]
                                                      : inflight_bytes;
        got++;
    }
out:
    if (r < 0)
        store__wire_reqs_clear(reqs, n);
    free(order);
    free(sizes);
    free(out);
    return r;
}

/*
 * A directory too big for one reply (E2BIG) is read in parts: each
 * XS_DIRECTORY_PART reply is the node's generation, then children from
 * the offset asked for; the last part ends with an empty name.  A change
 * of generation between parts restarts the listing.
 */
static int directory_parts(struct wire *w, struct wire_req *q, char *msg,
                           size_t msg_size)
{
    char gen[32] = "", offs[24];
    char *acc = NULL;
    size_t off = 0;
    int r;

    for (;;) {
        struct wire_req p = {
            .type = XS_DIRECTORY_PART, .tx = q->tx, .path = q->path,
            .arg = offs, .arg_nul = true,
        };
        size_t glen, dlen;
        char *tmp;

        snprintf(offs, sizeof(offs), "%zu", off);
        p.arg_len = strlen(offs);
        r = run(w, &p, 1, msg, msg_size);
        if (r < 0)
            goto fail;
        if (p.err) {
            q->err = p.err;
            free(acc);
            return 0;
        }
        glen = strnlen(p.reply, p.reply_len);
        if (glen >= p.reply_len || glen >= sizeof(gen)) {
            free(p.reply);
            r = -EPROTO;
            goto fail;
        }
        if (off > 0 && strcmp(gen, p.reply) != 0) {
            /* The directory changed under us: start again. */
            free(p.reply);
            free(acc);
            acc = NULL;
            off = 0;
            continue;
        }
        memcpy(gen, p.reply, glen + 1);
        dlen = p.reply_len - glen - 1;
        tmp = realloc(acc, off + dlen + 1);
        if (!tmp) {
            free(p.reply);
            r = -ENOMEM;
            goto fail;
        }
        acc = tmp;
        memcpy(acc + off, p.reply + glen + 1, dlen);
        free(p.reply);
        off += dlen;
        acc[off] = '\0';
        /* Done when this part ended with the empty name. */
        if (dlen == 0 || (dlen == 1 && acc[off - 1] == '\0') ||
            (off >= 2 && acc[off - 1] == '\0' && acc[off - 2] == '\0'))
            break;
    }
    /* Drop the final empty name: the usual directory format remains. */
    if (off > 0)
        off--;
    q->err = 0;
    q->reply = acc;
    q->reply_len = off;
    return 0;
fail:
    free(acc);
    return r;
}

int store__wire_batch(struct wire *w, struct wire_req *reqs, size_t n,
                      char *msg, size_t msg_size)
{
    size_t i;
    int r;

    if (w->fd < 0) {
        set_msg(msg, msg_size, "the connection to xenstored at '%s' was "
                "lost earlier: open the store again", w->path);
        return -ENOTCONN;
    }
    r = run(w, reqs, n, msg, msg_size);
    if (r < 0)
        return r;
    for (i = 0; i < n; i++) {
        if (reqs[i].type != XS_DIRECTORY || reqs[i].err != E2BIG)
            continue;
        r = directory_parts(w, &reqs[i], msg, msg_size);
        if (r < 0) {
            store__wire_reqs_clear(reqs, n);
            return r;
        }
    }
    return 0;
}

int store__wire_read_event(struct wire *w, uint32_t *type, char **body,
                           size_t *len)
{
    struct xsd_sockmsg hdr;
    int r;

    if (w->n_events > 0) {
        *type = w->events[0].type;
        *body = w->events[0].body;
        *len = w->events[0].len;
        memmove(w->events, w->events + 1,
                (w->n_events - 1) * sizeof(*w->events));
        w->n_events--;
        return 0;
    }
    if (w->fd < 0)
        return -ECONNRESET;
    r = read_msg(w, &hdr, body, true);
    if (r == -EAGAIN)
        return r;
    if (r < 0)
        return lost(w, r, NULL, 0);
    *type = hdr.type;
    *len = hdr.len;
    return 0;
}
