/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* LD_PRELOAD library standing in for the hypervisor under xenstored. */
/*
 * The C xenstored refuses to start without Xen: domain_init() opens
 * libxenctrl, libxengnttab and libxenevtchn, and dom0_init() reads
 * /proc/xen/xsd_port and maps /proc/xen/xsd_kva.  Preloaded into the
 * unmodified daemon (notes/xenstored-without-xen.md), this library defines
 * those entry points (an unversioned definition satisfies the daemon's
 * versioned imports) and redirects the two /proc/xen files to memfds.
 *
 * Which domains exist (xc_domain_getinfo) is chosen by XS_SHIM_DOMAINS:
 *   unset, "" or "dom0"  only domid 0 (a plain dom0; "xenstore-chmod /p n5"
 *                        fails with ENOENT, as on a host without domain 5)
 *   "all"                every domid below DOMID_FIRST_RESERVED
 *   "0,3,7"              exactly these domids
 *   "@FILE"              the domids listed in FILE (separated by commas or
 *                        white space), read again on every query, so a test
 *                        can create and destroy pretend domains while the
 *                        daemon runs; a missing FILE means dom0 only
 * Introduced domains (xs_introduce_domain) get a private zeroed ring page
 * and an event channel that never fires.  This is a test double: it is
 * never installed.
 *
 * oxenstored (the OCaml daemon, Debian's default) needs two more things:
 * its socket and database paths are compiled in (/var/run/xenstored), so
 * with XENSTORED_RUNDIR set, bind(), unlink(), mkdir(), rename() and
 * open() of a path under it are redirected into XENSTORED_RUNDIR (so a
 * test's daemon never touches a real dom0's); and it raises its
 * open-file limit to fs.nr_open, which an unprivileged user may not, so a
 * refused setrlimit(RLIMIT_NOFILE) is retried within the hard limit.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define XC_WANT_COMPAT_MAP_FOREIGN_API 1 /* xc_map_foreign_range */
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xengnttab.h>

#define SHIM_PAGE 4096
#define SHIM_MAX_DOMID 0x7ff0u  /* DOMID_FIRST_RESERVED */

/* Hypervisor handles only need to be distinct non-NULL pointers. */
struct shim_handle {
    int fd;                     /* eventfd for event channels, else -1 */
};

static struct shim_handle *handle_new(bool with_fd)
{
    struct shim_handle *h = calloc(1, sizeof(*h));

    if (!h)
        return NULL;
    h->fd = -1;
    if (with_fd) {
        h->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (h->fd < 0) {
            free(h);
            return NULL;
        }
    }
    return h;
}

static void handle_free(void *p)
{
    struct shim_handle *h = p;

    if (!h)
        return;
    if (h->fd >= 0)
        close(h->fd);
    free(h);
}

/* Is domid listed in the text s (commas or white space between numbers)? */
static bool list_has(const char *s, unsigned domid)
{
    char *end;
    unsigned long v;

    while (*s) {
        if (*s == ',' || *s == ' ' || *s == '\t' || *s == '\n') {
            s++;
            continue;
        }
        errno = 0;
        v = strtoul(s, &end, 10);
        if (end == s || errno)
            return false;       /* garbage: stop, as if not listed */
        if (v == domid)
            return true;
        s = end;
    }
    return false;
}

static bool file_has(const char *path, unsigned domid)
{
    char buf[4096];
    ssize_t n;
    int fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return domid == 0;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n < 0)
        return domid == 0;
    buf[n] = '\0';
    return list_has(buf, domid);
}

static bool domain_exists(unsigned domid)
{
    const char *mode = getenv("XS_SHIM_DOMAINS");

    if (domid >= SHIM_MAX_DOMID)
        return false;
    if (!mode || !*mode || strcmp(mode, "dom0") == 0)
        return domid == 0;
    if (strcmp(mode, "all") == 0)
        return true;
    if (mode[0] == '@')
        return file_has(mode + 1, domid);
    return list_has(mode, domid);
}

/* libxenctrl */

xc_interface *xc_interface_open(xentoollog_logger *logger,
                                xentoollog_logger *dombuild_logger,
                                unsigned open_flags)
{
    return (xc_interface *)handle_new(false);
}

int xc_interface_close(xc_interface *xch)
{
    handle_free(xch);
    return 0;
}

/*
 * Fill info[] with existing domains from first_domid on, in domid order, as
 * the hypervisor does: the daemon asks for one domain and checks that the
 * returned domid is the one it asked for.
 */
int xc_domain_getinfo(xc_interface *xch, uint32_t first_domid,
                      unsigned int max_doms, xc_dominfo_t *info)
{
    unsigned n = 0;
    uint32_t d;

    for (d = first_domid; d < SHIM_MAX_DOMID && n < max_doms; d++) {
        if (!domain_exists(d))
            continue;
        memset(&info[n], 0, sizeof(info[n]));
        info[n].domid = d;
        info[n].running = 1;
        info[n].xenstore = d == 0;
        info[n].nr_online_vcpus = 1;
        n++;
        /* Without a list to walk, "all" would scan 32k ids per call. */
        if (max_doms == 1)
            break;
    }
    return (int)n;
}

/* oxenstored maps an introduced domain's ring with xc_map_foreign_range. */
void *xc_map_foreign_range(xc_interface *xch, uint32_t dom, int size,
                           int prot, unsigned long mfn)
{
    void *p;

    if (!domain_exists(dom)) {
        errno = ESRCH;
        return NULL;
    }
    p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* libxengnttab: every mapped grant is a private zeroed page (idle ring). */

xengnttab_handle *xengnttab_open(struct xentoollog_logger *logger,
                                 unsigned open_flags)
{
    return (xengnttab_handle *)handle_new(false);
}

int xengnttab_close(xengnttab_handle *xgt)
{
    handle_free(xgt);
    return 0;
}

int xengnttab_set_max_grants(xengnttab_handle *xgt, uint32_t nr_grants)
{
    return 0;
}

void *xengnttab_map_grant_ref(xengnttab_handle *xgt, uint32_t domid,
                              uint32_t ref, int prot)
{
    void *p;

    if (!domain_exists(domid)) {
        errno = ESRCH;
        return NULL;
    }
    p = mmap(NULL, SHIM_PAGE, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

int xengnttab_unmap(xengnttab_handle *xgt, void *start_address,
                    uint32_t count)
{
    return munmap(start_address, (size_t)count * SHIM_PAGE);
}

/* libxenevtchn: an eventfd that never fires; ports are small numbers. */

xenevtchn_handle *xenevtchn_open(struct xentoollog_logger *logger,
                                 unsigned int flags)
{
    return (xenevtchn_handle *)handle_new(true);
}

xenevtchn_handle *xenevtchn_fdopen(struct xentoollog_logger *logger,
                                   int fd, unsigned open_flags)
{
    struct shim_handle *h = handle_new(false);

    if (h)
        h->fd = fd;
    return (xenevtchn_handle *)h;
}

int xenevtchn_close(xenevtchn_handle *xce)
{
    handle_free(xce);
    return 0;
}

int xenevtchn_fd(xenevtchn_handle *xce)
{
    return ((struct shim_handle *)xce)->fd;
}

int xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
    return 0;
}

/* Port numbers only have to be unique per daemon; handles are per daemon. */
static evtchn_port_t next_port = 10;

xenevtchn_port_or_error_t xenevtchn_bind_virq(xenevtchn_handle *xce,
                                              unsigned int virq)
{
    return (xenevtchn_port_or_error_t)next_port++;
}

xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle *xce,
                                                     uint32_t domid,
                                                     evtchn_port_t remote_port)
{
    if (!domain_exists(domid)) {
        errno = ESRCH;
        return -1;
    }
    return (xenevtchn_port_or_error_t)next_port++;
}

xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *xce)
{
    errno = EAGAIN;
    return -1;
}

int xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
    return 0;
}

int xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
    return 0;
}

/* open(): the two /proc/xen files dom0_init() reads become memfds. */

static int memfd_with(const char *name, const void *data, size_t len,
                      size_t size)
{
    int fd = memfd_create(name, MFD_CLOEXEC);

    if (fd < 0)
        return -1;
    if (ftruncate(fd, (off_t)size) < 0 ||
        (len && pwrite(fd, data, len, 0) != (ssize_t)len)) {
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * The compiled-in run directory of oxenstored, redirected into
 * XENSTORED_RUNDIR: the redirected path in buf, or path itself.
 */
#define COMPILED_RUNDIR "/var/run/xenstored"

static const char *redirect(const char *path, char *buf, size_t size)
{
    const char *rundir = getenv("XENSTORED_RUNDIR");
    size_t n = strlen(COMPILED_RUNDIR);

    if (!path || !rundir || !*rundir ||
        strncmp(path, COMPILED_RUNDIR, n) != 0 ||
        (path[n] != '\0' && path[n] != '/'))
        return path;
    if ((size_t)snprintf(buf, size, "%s%s", rundir, path + n) >= size)
        return path;
    return buf;
}

static void *next_symbol(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);

    if (!f)
        errno = ENOSYS;
    return f;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    static int (*real_bind)(int, const struct sockaddr *, socklen_t);
    struct sockaddr_un un;
    char buf[sizeof(un.sun_path)];
    const char *p;

    if (!real_bind)
        real_bind = (int (*)(int, const struct sockaddr *, socklen_t))
            next_symbol("bind");
    if (!real_bind)
        return -1;
    if (addr && addr->sa_family == AF_UNIX && len <= sizeof(un)) {
        memset(&un, 0, sizeof(un));
        memcpy(&un, addr, len);
        un.sun_path[sizeof(un.sun_path) - 1] = '\0';
        p = redirect(un.sun_path, buf, sizeof(buf));
        if (p != un.sun_path) {
            strcpy(un.sun_path, p);
            return real_bind(fd, (struct sockaddr *)&un, sizeof(un));
        }
    }
    return real_bind(fd, addr, len);
}

int unlink(const char *path)
{
    static int (*real_unlink)(const char *);
    char buf[4096];

    if (!real_unlink)
        real_unlink = (int (*)(const char *))next_symbol("unlink");
    if (!real_unlink)
        return -1;
    return real_unlink(redirect(path, buf, sizeof(buf)));
}

int mkdir(const char *path, mode_t mode)
{
    static int (*real_mkdir)(const char *, mode_t);
    char buf[4096];

    if (!real_mkdir)
        real_mkdir = (int (*)(const char *, mode_t))next_symbol("mkdir");
    if (!real_mkdir)
        return -1;
    return real_mkdir(redirect(path, buf, sizeof(buf)), mode);
}

int setrlimit(__rlimit_resource_t resource, const struct rlimit *rl)
{
    static int (*real_setrlimit)(__rlimit_resource_t, const struct rlimit *);
    struct rlimit cur, lower;

    if (!real_setrlimit)
        real_setrlimit = (int (*)(__rlimit_resource_t,
                                  const struct rlimit *))
            next_symbol("setrlimit");
    if (!real_setrlimit)
        return -1;
    if (real_setrlimit(resource, rl) == 0)
        return 0;
    if (errno != EPERM || resource != RLIMIT_NOFILE ||
        getrlimit(resource, &cur) < 0)
        return -1;
    lower.rlim_max = rl->rlim_max < cur.rlim_max ? rl->rlim_max
                                                 : cur.rlim_max;
    lower.rlim_cur = rl->rlim_cur < lower.rlim_max ? rl->rlim_cur
                                                   : lower.rlim_max;
    return real_setrlimit(resource, &lower);
}

int open(const char *path, int flags, ...)
{
    static int (*real_open)(const char *, int, ...);
    char buf[4096];
    mode_t mode = 0;
    va_list ap;

    if (flags & (O_CREAT | O_TMPFILE)) {
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    if (strcmp(path, "/proc/xen/xsd_port") == 0)
        return memfd_with("xsd_port", "1", 1, 1); /* no newline, as xenfs */
    if (strcmp(path, "/proc/xen/xsd_kva") == 0)
        return memfd_with("xsd_kva", NULL, 0, SHIM_PAGE);
    if (!real_open)
        real_open = (int (*)(const char *, int, ...))next_symbol("open");
    if (!real_open)
        return -1;
    return real_open(redirect(path, buf, sizeof(buf)), flags, mode);
}

/* oxenstored's OCaml runtime opens its files with open64, the same call. */
int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int rename(const char *from, const char *to)
{
    static int (*real_rename)(const char *, const char *);
    char buf1[4096], buf2[4096];

    if (!real_rename)
        real_rename = (int (*)(const char *, const char *))
            next_symbol("rename");
    if (!real_rename)
        return -1;
    return real_rename(redirect(from, buf1, sizeof(buf1)),
                       redirect(to, buf2, sizeof(buf2)));
}
