/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The XenAPI endpoint without its transport: methods, sessions and events,
 * and the two protocol entry points that turn a request body into a reply
 * body.  http.h serves it over HTTP; tests and embedders may call the entry
 * points directly.
 *
 * How the rest of the project plugs in (e.g. the store, once it lands):
 *   xapi_add_class(api, &(struct xapi_class){ "network_sriov", fields,
 *                                             list, get, store });
 *   xapi_add_method(api, &(struct xapi_method){ "network_sriov.create",
 *                                               2, 2, 0, create, store });
 *   ... and from the store's xenstore watch:
 *   xapi_notify(api, "network_sriov", ref, XAPI_EVENT_ADD);
 * Register before xapi_server_start() (registering later is safe, but a
 * client that already called system.listMethods will not see it).
 */
#ifndef XEN_SRIOV_API_API_H
#define XEN_SRIOV_API_API_H

#include <stddef.h>

#include "api/class.h"
#include "api/dispatch.h"
#include "api/event.h"
#include "api/log.h"
#include "api/session.h"
#include "api/task.h"

struct xapi_config {
    const char *pam_service;       /* NULL: "xen-sriov" */
    const char *pam_confdir;       /* NULL: /etc/pam.d */
    const char *users_file;        /* set: this file instead of PAM */
    struct xapi_session_options sessions;
    struct xapi_events_options events;
    struct xapi_tasks_options tasks;
    struct xapi_logger log;
};

struct xapi;

int xapi_new(struct xapi **ret, const struct xapi_config *cfg);
/* Stops pending event.from calls first.  NULL-safe; returns NULL. */
struct xapi *xapi_free(struct xapi *api);

/*
 * Finish the Async calls (task.h: xapi_tasks_stop): call once the server
 * stopped serving and before the methods' userdata goes away.  xapi_free()
 * does it too.
 */
void xapi_stop_tasks(struct xapi *api);

struct xapi_registry *xapi_get_registry(struct xapi *api);
struct xapi_tasks *xapi_get_tasks(struct xapi *api);
struct xapi_events *xapi_get_events(struct xapi *api);
struct xapi_sessions *xapi_get_sessions(struct xapi *api);
const struct xapi_logger *xapi_get_logger(struct xapi *api);

/* xapi_registry_add() on the endpoint's registry. */
int xapi_add_method(struct xapi *api, const struct xapi_method *m);
/* xapi_class_register() on the endpoint's registry and event engine. */
int xapi_add_class(struct xapi *api, const struct xapi_class *cls);
/* xapi_events_notify() on the endpoint's event engine (the feed). */
int xapi_notify(struct xapi *api, const char *cls, const char *ref,
                enum xapi_event_op op);

/* Largest session.login_with_password request body: 413 past it. */
#define XAPI_LOGIN_MAX_BODY 16384

/* A reply to send: HTTP status, exact content type, body (caller frees). */
struct xapi_reply {
    unsigned status;               /* 200, 400 for a malformed request,
                                      413 for an oversized login */
    const char *content_type;      /* "text/xml", "application/json", ... */
    char *body;
    size_t len;
};

/*
 * One XML-RPC request body -> reply.  XAPI-level failures are 200 with
 * {Status: Failure, ErrorDescription: [...]}; a body that is not XML-RPC is
 * 400 text/plain with one line saying what is wrong.  client names the
 * peer for logs and the login rate limit.  -ENOMEM only.
 */
int xapi_handle_xmlrpc(struct xapi *api, const char *body, size_t len,
                       const char *client, struct xapi_reply *ret);

/* The same for JSON-RPC (v1 and v2 envelopes, see jsonrpc.h). */
int xapi_handle_jsonrpc(struct xapi *api, const char *body, size_t len,
                        const char *client, struct xapi_reply *ret);

#endif
