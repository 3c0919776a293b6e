/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * XenAPI sessions: login (through struct xapi_auth), logout, the check
 * every call makes, and the rate limit on failed logins.
 *
 * Refs are random OpaqueRef:<uuid>.  A session ends at logout, after
 * idle_timeout seconds without a call, or when a limit is reached and it is
 * the least recently used one (as XAPI evicts the oldest): past
 * max_sessions_per_originator sessions of one user and originator, or past
 * max_sessions_per_user of one user, that user's own; at max_sessions, one
 * of the user who holds most.  A user name or originator over 255 bytes
 * is refused before anything is kept or checked; a password over 1024
 * bytes is a failed login, never hashed.
 *
 * Failed logins are logged (user, client, reason) and counted per
 * client+user pair and per client; after max_failures failures of a pair
 * (4 * max_failures of a client) within lockout seconds, logins from there
 * are refused without checking the password until lockout seconds after
 * the last failure.  The decision is atomic: failures plus checks running
 * never pass those limits, so parallel attempts check no more passwords
 * than serial ones (an attempt over them waits for a running check to
 * end).  A successful login clears its pair's count.
 */
#ifndef XEN_SRIOV_API_SESSION_H
#define XEN_SRIOV_API_SESSION_H

#include "api/auth.h"
#include "api/dispatch.h"
#include "api/log.h"

struct xapi_session_options {
    unsigned max_sessions;         /* all users; 0: 1000 */
    unsigned max_sessions_per_user;        /* 0: 500 */
    unsigned max_sessions_per_originator;  /* of one user; 0: 100 */
    unsigned idle_timeout;         /* seconds; 0: 86400 (XAPI's 24 h) */
    unsigned max_failures;         /* 0: 5 */
    unsigned lockout;              /* seconds; 0: 60 */
};

struct xapi_sessions;

/* auth is owned by the sessions from here on (also on failure). */
int xapi_sessions_new(struct xapi_sessions **ret, struct xapi_auth *auth,
                      const struct xapi_session_options *opts,
                      const struct xapi_logger *log);
struct xapi_sessions *xapi_sessions_free(struct xapi_sessions *s);

/* 0 if ref is a live session (and marks it used), -ENOENT otherwise. */
int xapi_sessions_check(struct xapi_sessions *s, const char *ref);

/*
 * Authenticate and open a session; ret_ref gets its ref.  Failure:
 * SESSION_AUTHENTICATION_FAILED [user, message] in err.  client
 * "unix:uid=0" (root on the unix socket, by SO_PEERCRED) with an empty
 * password is let in unchecked, as XAPI lets in its local socket
 * (xapi_local()).
 */
int xapi_sessions_login(struct xapi_sessions *s, const char *user,
                        const char *password, const char *originator,
                        const char *client, char ret_ref[XAPI_REF_MAX],
                        struct xapi_error *err);

/* End a session; -ENOENT if there was none. */
int xapi_sessions_logout(struct xapi_sessions *s, const char *ref);

/*
 * fn(userdata, ref) when a session ends: logout, idle timeout (noticed at
 * its next use), eviction by a session limit.  Called with the sessions'
 * lock held: fn must not call back into the sessions.  The endpoint drops
 * the session's tasks there.
 */
void xapi_sessions_on_logout(struct xapi_sessions *s,
                             void (*fn)(void *userdata, const char *ref),
                             void *userdata);

/* Number of live sessions. */
unsigned xapi_sessions_count(struct xapi_sessions *s);

/*
 * Register session.login_with_password (2 to 4 args, no session),
 * session.logout, session.get_is_local_superuser,
 * session.get_rbac_permissions, session.get_auth_user_name,
 * session.get_originator, session.get_uuid, session.get_this_host,
 * session.get_this_user and session.get_record.
 */
int xapi_sessions_register(struct xapi_sessions *s,
                           struct xapi_registry *reg);

/* The host ref session.get_this_host and get_record answer (the null ref
 * until set; xapi_store_new sets it). */
void xapi_sessions_set_host(struct xapi_sessions *s, const char *host_ref);

/* The dispatcher's session check (userdata: the sessions). */
int xapi_sessions_check_cb(void *userdata, const char *ref);

#endif
