/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One lock per VM, across processes: an flock the kernel drops when its
 * holder dies, so a crash never leaves a VM locked. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin/internal.h"

#define LOCK_DIR "var/run/xen-sriov"

/* mkdir -p of the lock directory (0700: root's business only). */
static int lock_dir(plugin *p, char *buf, size_t size)
{
    char *s;

    if ((size_t)snprintf(buf, size, "%s/" LOCK_DIR, p->root) >= size)
        return -ENAMETOOLONG;
    for (s = buf + 1; ; s++) {
        if (*s == '/' || !*s) {
            char c = *s;

            *s = '\0';
            if (mkdir(buf, 0700) < 0 && errno != EEXIST)
                return plugin_fail(p, -errno, "cannot create '%s': %s",
                                   buf, strerror(errno));
            *s = c;
            if (!c)
                break;
        }
    }
    return 0;
}

static int lock_open(plugin *p, const char *vm, int *ret_fd)
{
    char dir[4096], path[4200];
    int fd, r;

    r = lock_dir(p, dir, sizeof(dir));
    if (r < 0)
        return r;
    snprintf(path, sizeof(path), "%s/vm-%s.lock", dir, vm);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return plugin_fail(p, -errno, "cannot open '%s': %s", path,
                           strerror(errno));
    *ret_fd = fd;
    return 0;
}

int plugin_vm_lock(plugin *p, const char *vm, bool wait, int *ret_fd)
{
    _cleanup_close_ int fd = -1;
    int r;

    r = lock_open(p, vm, &fd);
    if (r < 0)
        return r;
    while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
        if (errno == EINTR)
            continue;
        if (errno == EWOULDBLOCK)
            return plugin_fail(p, -EBUSY, "VM %s is being worked on by "
                               "another process (a domain start, a "
                               "cold-plug or an xe command): try again",
                               vm);
        return plugin_fail(p, -errno, "cannot lock VM %s: %s", vm,
                           strerror(errno));
    }
    *ret_fd = TAKE_FD(fd);
    return 0;
}

int plugin_vm_lock_held(plugin *p, const char *vm)
{
    _cleanup_close_ int fd = -1;
    int r;

    r = lock_open(p, vm, &fd);
    if (r < 0)
        return r;
    /* A new open file description conflicts with every other holder. */
    if (flock(fd, LOCK_EX | LOCK_NB) < 0)
        return errno == EWOULDBLOCK ? 1 : -errno;
    return 0;
}
