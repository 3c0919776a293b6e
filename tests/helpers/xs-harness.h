/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A private, real xenstored for one test: the harness every integration
 * test uses (notes/xenstored-without-xen.md).
 *
 * xs_harness_start() makes a directory with mkdtemp() under $TMPDIR, holds
 * an flock on <dir>/lock (so a second daemon can never steal the socket),
 * starts "$XENSTORED -N -P" with XENSTORED_RUNDIR=<dir>,
 * XENSTORED_PATH=<dir>/socket and LD_PRELOAD=<shim>, and waits for the pid
 * line the daemon prints once its socket is ready.  It then sets
 * XENSTORED_PATH (and XENSTORED_RUNDIR) in the calling process, so every
 * libxenstore client it creates afterwards, and every child it forks or
 * execs, talks to the private daemon.  XENSTORED_PATH is never unset again:
 * after the daemon stops it points at a missing socket, and libxenstore
 * then fails with ENOENT instead of falling back to /dev/xen/xenbus (the
 * real xenstore of a Xen host).
 *
 * The daemon is started with PR_SET_PDEATHSIG: it dies with the thread that
 * started it, even if a test crashes before its teardown.
 *
 * Which daemon: XS_HARNESS_XENSTORED=oxenstored starts the OCaml
 * oxenstored (Debian's default) with --no-fork and a
 * config file in <dir> (pid file, log; quotas its defaults, which are
 * Debian's); it prints a line once its socket is ready.  Unset (or
 * "xenstored") starts the C daemon.
 *
 * Where things are found:
 *   XENSTORED  the C daemon (make check exports configure's value), else
 *              the path configure found when the harness was built
 *   OXENSTORED the OCaml daemon, likewise
 *   XS_SHIM    the preload library, else
 *              $top_builddir/tests/helpers/.libs/xenstored-shim.so, else
 *              the build tree the harness was built in
 *   XS_HARNESS_KEEP=1 keeps the directory (daemon log, socket) at stop
 *
 * Use from Check:
 *   per test binary: tcase_add_unchecked_fixture(tc, xs_harness_setup,
 *                    xs_harness_teardown)   (one daemon, tests fork from it)
 *   per test:        tcase_add_checked_fixture(tc, xs_harness_setup,
 *                    xs_harness_teardown)   (fresh empty daemon each test)
 * Both abort the test with a clear message when the daemon cannot start.
 *
 * Functions return 0 or a negative errno and, on failure, leave a one-line
 * message in xs_harness_error(); they are not thread-safe.
 */
#ifndef XS_HARNESS_H
#define XS_HARNESS_H

#include <stdbool.h>
#include <sys/types.h>

typedef struct xs_harness xs_harness;

struct xs_harness_opts {
    /*
     * Which domains the pretend hypervisor reports as existing (see
     * xenstored-shim.c): NULL = the list in <dir>/domains, which starts as
     * "0" and is changed with xs_harness_set_domains(); "all" = every
     * domid; or a fixed list such as "0,3,7".
     */
    const char *domains;
    /* Extra daemon arguments (e.g. "--entry-nb=100"), NULL-terminated. */
    const char *const *extra_args;
    /* Seconds to wait for the pid line; 0 = 10. */
    unsigned timeout_s;
};

/*
 * Start a private daemon.
 * @param[out] ret  the running harness, stopped with xs_harness_stop()
 * @param opts      NULL for defaults
 * @return 0; -ENOENT when the daemon or the shim is missing (the message
 *         says what to install or build); -ETIMEDOUT; -ECHILD when the
 *         daemon exited early (the message has its stderr)
 */
int xs_harness_start(xs_harness **ret, const struct xs_harness_opts *opts);

/*
 * Stop the daemon (SIGKILL: it has no SIGTERM handler and keeps nothing on
 * disk), reap it and remove its directory.  Accepts NULL; returns NULL.
 */
xs_harness *xs_harness_stop(xs_harness *h);

/*
 * Kill the daemon but keep the directory and XENSTORED_PATH, to test what
 * clients do when xenstored is gone.  The stale socket file stays, as it
 * does when a real xenstored dies.
 */
int xs_harness_kill(xs_harness *h);

/* Start a new, empty daemon in the same directory after xs_harness_kill(). */
int xs_harness_restart(xs_harness *h);

/*
 * Replace the list of existing domains (only when started with
 * opts->domains NULL), e.g. "0 5" before xs_introduce_domain(h, 5, ...).
 * Written atomically; the daemon sees it on its next query.
 */
int xs_harness_set_domains(xs_harness *h, const char *domids);

const char *xs_harness_socket(const xs_harness *h);  /* <dir>/socket */
const char *xs_harness_dir(const xs_harness *h);     /* private directory */
pid_t xs_harness_pid(const xs_harness *h);           /* daemon, or -1 */
/* Whether the daemon still runs, said for a failure message: "xenstored
 * runs", or how it ended and the end of its log (a client's "Connection
 * reset by peer" then was the daemon's death, not a dropped connection). */
const char *xs_harness_health(xs_harness *h);

/* Last failure of any xs_harness_* call in this process ("" if none). */
const char *xs_harness_error(void);

/*
 * Check fixtures over one harness per process (see above).  Setup starts
 * a daemon with default options and fails the test (ck_abort_msg) if it
 * cannot; teardown stops it.  xs_harness_current() returns it.
 */
void xs_harness_setup(void);
void xs_harness_teardown(void);
xs_harness *xs_harness_current(void);

#endif
