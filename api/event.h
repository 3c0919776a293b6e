/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The event engine behind event.from / event.inject, with XAPI's semantics
 * (xapi_event.ml):
 *
 * - Input: a producer (the store's xenstore watches) calls
 *   xapi_events_notify(events, class, ref, op) after each committed change.
 *   That is all it does; records are read when a client asks, through the
 *   class's get() callback (class.h), so events carry the current state.
 * - Every change takes the next generation number.  A token names a
 *   generation ("%020d,%020d" as XAPI; "" = from the beginning, which
 *   returns every current object of the subscribed classes as "add").
 * - event.from(s, classes, token, timeout) returns the objects changed
 *   after token: "add" (created after it) and "mod" with snapshot = the
 *   record now, "del" without one; an object created and deleted in
 *   between is not reported.  It blocks until there is at least one such
 *   event or timeout seconds (int or double) pass, then returns events: [].
 *   Classes match case-insensitively; "*" is every class; "cls/ref" one
 *   object.  valid_ref_counts has every registered class (lower-case) with
 *   its object count, as <i4>.
 * - event.inject(s, class, ref) marks ref modified and returns a token
 *   from which event.from reports that "mod".
 * - Deleted objects are remembered (max_tombstones); a token older than a
 *   forgotten deletion gives EVENTS_LOST [], after which clients start
 *   again from "".
 * Errors: EVENT_FROM_TOKEN_PARSE_FAILURE [token],
 * EVENT_SUBSCRIPTION_PARSE_FAILURE [subscription], EVENTS_LOST [],
 * HANDLE_INVALID [class, ref] (inject).
 */
#ifndef XEN_SRIOV_API_EVENT_H
#define XEN_SRIOV_API_EVENT_H

#include <stdint.h>

#include "api/class.h"
#include "api/dispatch.h"

enum xapi_event_op {
    XAPI_EVENT_ADD,
    XAPI_EVENT_MOD,
    XAPI_EVENT_DEL,
};

#define XAPI_EVENTS_MAX_CLASSES 64

struct xapi_events_options {
    unsigned max_tombstones;       /* 0: 10000 */
    double max_timeout;            /* seconds an event.from may wait;
                                      0: 86400 */
};

struct xapi_events;

int xapi_events_new(struct xapi_events **ret,
                    const struct xapi_events_options *opts);

/* Wakes and finishes pending event.from calls first.  NULL-safe. */
struct xapi_events *xapi_events_free(struct xapi_events *ev);

/* Make pending and future event.from calls return at once (shutdown). */
void xapi_events_shutdown(struct xapi_events *ev);

/*
 * Register a class (copied; see class.h).  -EEXIST for a name already
 * there (case-insensitive), -ENOSPC past XAPI_EVENTS_MAX_CLASSES.
 */
int xapi_events_add_class(struct xapi_events *ev, const struct xapi_class *c);

/*
 * The feed: object ref of class cls was created / changed / deleted.
 * Thread-safe, does not block on clients, never calls back into the store.
 * -ENOENT for an unknown class, -ENOMEM.
 */
int xapi_events_notify(struct xapi_events *ev, const char *cls,
                       const char *ref, enum xapi_event_op op);

/* Current generation (the newest change's number). */
uint64_t xapi_events_generation(struct xapi_events *ev);

/*
 * event.from: classes is an XV_ARRAY of strings.  On success *ret is the
 * {events, valid_ref_counts, token} struct.
 */
int xapi_events_from(struct xapi_events *ev, const struct xv *classes,
                     const char *token, double timeout, struct xv **ret,
                     struct xapi_error *err);

/* event.inject: *ret is the token (caller frees). */
int xapi_events_inject(struct xapi_events *ev, const char *cls,
                       const char *ref, char **ret, struct xapi_error *err);

/*
 * XAPI's older interface (xapi_event.ml's Next), over the same changes:
 * event.register(classes) adds classes to the session's subscription
 * (made at the first call: events from then on), event.unregister
 * removes them, event.next blocks until there are events of them since
 * its last call and returns their array (the records as event.from's).
 * event.next without a subscription: SESSION_NOT_REGISTERED [session];
 * changes forgotten meanwhile: EVENTS_LOST [] (the next call goes on from
 * now); the session ended while it waited: SESSION_INVALID [session].
 */
int xapi_events_register_classes(struct xapi_events *ev,
                                 const char *session,
                                 const struct xv *classes,
                                 struct xapi_error *err);
int xapi_events_unregister_classes(struct xapi_events *ev,
                                   const char *session,
                                   const struct xv *classes,
                                   struct xapi_error *err);
int xapi_events_next(struct xapi_events *ev, const char *session,
                     struct xv **ret, struct xapi_error *err);
/* The session ended: its subscription goes (a waiting next returns). */
void xapi_events_session_ended(struct xapi_events *ev, const char *session);

/* Register event.from, event.inject, event.register, event.unregister
 * and event.next in reg. */
int xapi_events_register(struct xapi_events *ev, struct xapi_registry *reg);

#endif
