/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Async.<method> calls and the in-memory XenAPI task class behind them.
 *
 * Async.<cls>.<msg>(s, args...) is checked as <cls>.<msg> (dispatch.h),
 * then returns a task ref at once; a worker runs the call later.  At most
 * max_workers calls run at a time; further tasks wait, pending, in order.
 *
 * A task (XAPI's field names): uuid, name_label (the Async method name),
 * name_description, allowed_operations, current_operations, created,
 * finished (dateTime; finished is 19700101T00:00:00Z until the task ends),
 * status (pending | success | failure | cancelling | cancelled), progress
 * (0.0, then 1.0 at the end), type, result (the value as the XML-RPC
 * <value> element, e.g. "<value>OpaqueRef:...</value>", "" for a void
 * call), error_info ([code, params...] as the sync call raises it),
 * other_config, resident_on (the host set with xapi_tasks_set_host, else
 * OpaqueRef:NULL), subtask_of, subtasks, backtrace.
 *
 * Calls: the class's generated ones (get_all, get_record, get_<field>...;
 * HANDLE_INVALID [task, ref]), task.create(label, description) (a task that
 * stays pending), task.add_to_other_config / remove_from_other_config /
 * set_other_config (clients tag tasks; MAP_DUPLICATE_KEY as XAPI),
 * task.destroy(self), task.cancel(self): a task still
 * waiting for a worker is cancelled at once (error_info [TASK_CANCELLED,
 * ref]); a running one becomes cancelling and ends with the call's own
 * outcome (calls cannot be interrupted); a finished one is
 * OPERATION_NOT_ALLOWED.  Tasks go through event.from (add, a mod per
 * status change, del) and valid_ref_counts.
 *
 * Lifetime: a task stays until task.destroy, until its session logs out
 * (all tasks of the session), or until more than max_finished tasks have
 * finished, when the oldest finished one is dropped.
 *
 * Bounds: label, description and each other_config key and value hold at
 * most 1024 bytes, a whole other_config 4096 (VALUE_NOT_SUPPORTED [field,
 * "N bytes", why]); see max_per_session and max_tasks.
 */
#ifndef XEN_SRIOV_API_TASK_H
#define XEN_SRIOV_API_TASK_H

#include "api/dispatch.h"
#include "api/event.h"

struct xapi_tasks_options {
    unsigned max_workers;          /* calls running at once; 0: 4 */
    unsigned max_finished;         /* finished tasks kept; 0: 1000 */
    unsigned max_pending;          /* tasks waiting; 0: 1000; past it
                                      Async calls fail TOO_BUSY */
    unsigned max_per_session;      /* tasks of one session; 0: 100; past
                                      it its oldest finished one goes, or
                                      TOO_BUSY when none has finished */
    unsigned max_tasks;            /* tasks held; 0: 5000; TOO_BUSY */
};

struct xapi_tasks;

int xapi_tasks_new(struct xapi_tasks **ret, struct xapi *api,
                   const struct xapi_tasks_options *opts);

/*
 * Cancel the tasks still waiting, wait for the running calls, stop the
 * workers.  Async calls after it fail.  Idempotent; call before the
 * userdata of the methods goes away (xapi_stop_tasks()).
 */
void xapi_tasks_stop(struct xapi_tasks *t);

/* Stops first.  NULL-safe; returns NULL. */
struct xapi_tasks *xapi_tasks_free(struct xapi_tasks *t);

/*
 * Register the task class (events + generated getters), task.create,
 * task.destroy, task.cancel, and the Async.* hook in reg.
 */
int xapi_tasks_register(struct xapi_tasks *t, struct xapi_registry *reg,
                        struct xapi_events *ev);

/* resident_on of tasks made from now on (copied). */
int xapi_tasks_set_host(struct xapi_tasks *t, const char *host_ref);

/* Drop every task of session (its logout). */
void xapi_tasks_session_ended(struct xapi_tasks *t, const char *session);

/* Number of tasks held. */
unsigned xapi_tasks_count(struct xapi_tasks *t);

#endif
