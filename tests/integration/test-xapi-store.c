/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The store-backed XenAPI classes (api/classes) against a real
 * xenstored and a simulated host (x710-2pf + plain-nic, kernel-sim.so):
 *
 * - golden request/reply files of both protocols
 *   (tests/data/xapi-store/{xmlrpc,jsonrpc}/NN-name.{request,response}),
 *   run in name order on a fresh store each: records of every class, the
 *   SR-IOV life cycle, VIFs, setters, and every error clients meet.  New
 *   objects get pinned uuids (ops_test_pinned_uuid), the host is "dom0",
 *   "@SESSION@" stands for the session.  XAPI_GOLDEN_UPDATE=1 writes the
 *   replies instead (review the diff);
 * - get_record equals the get_all_records entry for every object;
 * - the event feed: a change made by the real xe binary (another
 *   process) and the SR-IOV life cycle arrive through event.from, and a
 *   restore (the tree rewritten) shows every object modified;
 * - concurrent network_sriov.create calls on one PIF: one wins.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libxml/parser.h>
#include <xenstore.h>

#include "tests/helpers/fixture.h"
#include "tests/helpers/http-client.h"
#include "tests/helpers/xs-harness.h"
#include "api/auth.h"
#include "api/classes/xapi-store.h"

/* Pinned uuids of the objects the golden files name. */
#define HOST "OpaqueRef:00000000-0000-4000-8000-000000000001"
#define PIF_SRIOV "OpaqueRef:00000000-0000-4000-8000-00000000000f"

static char *root;
static char uuid_file[4200];
static struct xapi *api;
static struct xapi_store *xs;
static char session[XAPI_REF_MAX];

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

/* What xe does before a client connects: scan the host (as xe pif-scan,
 * on a store connection of its own). */
static void scan_host(void)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct store_opts o = { .root = root };
    struct ops_ctx ops = { .caller = "test", .hostname = "dom0",
                           .new_uuid = ops_test_pinned_uuid,
                           .uuid_userdata = uuid_file };
    char msg[512], host[37];
    store *st = NULL;
    sriov_ctx *ctx = NULL;

    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
    ck_assert_int_eq(sriov_ctx_set_root(ctx, root), 0);
    ck_assert_msg(store_open(&st, &o, msg, sizeof(msg)) == 0, "%s", msg);
    ops.sriov = ctx;
    ops.st = st;
    ck_assert_int_eq(ops_host_ensure(&ops, host, &err), 0);
    ck_assert_str_eq(host, HOST + strlen(OPS_REF_PREFIX));
    ck_assert_msg(ops_pif_scan(&ops, host, &err) == 0, "%s", err.code);
    store_close(st);
    sriov_ctx_free(ctx);
}

static void setup(void)
{
    struct xs_handle *h = xs_open(0);
    struct xapi_config cfg = { 0 };
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xapi_store_options so = { .hostname = "dom0",
                                     .new_uuid = ops_test_pinned_uuid };
    char users[4200], line[256], *hash = NULL;

    ck_assert_ptr_nonnull(h);
    xs_rm(h, XBT_NULL, SCHEMA_ROOT);
    xs_close(h);
    root = fixture_new("x710-2pf", "plain-nic", NULL);
    fixture_xl_config(root, "vm1", "11111111-2222-4333-8444-555555555501");
    fixture_xl_config(root, "vm2", "11111111-2222-4333-8444-555555555502");
    snprintf(uuid_file, sizeof(uuid_file), "%s/uuids", root);
    ck_assert_int_eq(xapi_auth_hash("secret", &hash), 0);
    snprintf(users, sizeof(users), "%s/users", root);
    snprintf(line, sizeof(line), "alice:%s\n", hash);
    free(hash);
    write_file(users, line, 0600);
    cfg.users_file = users;
    ck_assert_int_eq(xapi_new(&api, &cfg), 0);
    so.root = root;
    so.uuid_userdata = uuid_file;
    ck_assert_int_eq(xapi_store_new(&xs, api, &so), 0);
    scan_host();
    ck_assert_int_eq(xapi_store_feed_start(xs), 0);
    ck_assert_int_eq(xapi_sessions_login(xapi_get_sessions(api), "alice",
                                         "secret", "test", "test", session,
                                         &err), 0);
}

static void teardown(void)
{
    xapi_store_feed_stop(xs);
    api = xapi_free(api);
    xs = xapi_store_free(xs);
    fixture_free(root);
    root = NULL;
}

/* One request body -> reply body (session put in and taken out). */
static char *call_body(bool json, const char *request)
{
    struct xapi_reply rep = { 0 };
    char *body = strdup(request), *reply;

    ck_assert_ptr_nonnull(body);
    ck_assert_int_eq(http_replace_all(&body, "@SESSION@", session), 0);
    ck_assert_int_eq(json ? xapi_handle_jsonrpc(api, body, strlen(body),
                                                "test", &rep)
                          : xapi_handle_xmlrpc(api, body, strlen(body),
                                               "test", &rep), 0);
    free(body);
    ck_assert_uint_eq(rep.status, 200);
    reply = malloc(rep.len + 1);
    ck_assert_ptr_nonnull(reply);
    memcpy(reply, rep.body, rep.len);
    reply[rep.len] = '\0';
    free(rep.body);
    ck_assert_int_eq(http_replace_all(&reply, session, "@SESSION@"), 0);
    return reply;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void run_golden(const char *proto)
{
    const char *src = getenv("top_srcdir");
    bool update = getenv("XAPI_GOLDEN_UPDATE") &&
                  strcmp(getenv("XAPI_GOLDEN_UPDATE"), "1") == 0;
    struct dirent **names = NULL;
    char dir[4096];
    int n, runs = 0;

    snprintf(dir, sizeof(dir), "%s/tests/data/xapi-store/%s",
             src ? src : ".", proto);
    n = scandir(dir, &names, NULL, by_name);
    ck_assert_msg(n > 0, "no golden files in %s", dir);
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        size_t len = strlen(name);
        char path[8192], *request, *want, *got;

        if (len < 9 || strcmp(name + len - 8, ".request") != 0) {
            free(names[i]);
            continue;
        }
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        request = http_read_file(path, NULL);
        ck_assert_ptr_nonnull(request);
        got = call_body(strcmp(proto, "jsonrpc") == 0, request);
        snprintf(path + strlen(path) - 8, 10, ".response");
        if (update) {
            write_file(path, got, 0644);
        } else {
            want = http_read_file(path, NULL);
            ck_assert_msg(want, "%s is missing", path);
            ck_assert_msg(strcmp(got, want) == 0,
                          "%s: got\n%s\nwant\n%s", path, got, want);
            free(want);
        }
        free(request);
        free(got);
        free(names[i]);
        runs++;
    }
    free(names);
    ck_assert_int_gt(runs, 10);
}

START_TEST(test_golden_xmlrpc)
{
    run_golden("xmlrpc");
}
END_TEST

START_TEST(test_golden_jsonrpc)
{
    run_golden("jsonrpc");
}
END_TEST

/* A JSON-RPC v2 call: the "result" (taken), or fails the test. */
static json_object *jcall(const char *method, const char *params)
{
    char req[8192], *reply;
    json_object *o, *res;

    snprintf(req, sizeof(req),
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\","
             "\"params\":[\"@SESSION@\"%s%s]}", method, *params ? "," : "",
             params);
    reply = call_body(true, req);
    o = json_tokener_parse(reply);
    ck_assert_msg(o && json_object_object_get_ex(o, "result", &res),
                  "%s: %s", method, reply);
    free(reply);
    json_object_get(res);
    json_object_put(o);
    return res;
}

/* A whole network.create record, as XenCenter and Xen Orchestra send
 * it (XAPI requires other_config). */
static const char *network_record(char *buf, size_t size, const char *label)
{
    snprintf(buf, size,
             "{\"name_label\":\"%s\",\"name_description\":\"\","
             "\"MTU\":1500,\"other_config\":{},\"tags\":[]}", label);
    return buf;
}

START_TEST(test_record_equals_get_all_records_entry)
{
    static const char *const classes[] = {
        "host", "pool", "network", "PIF", "PCI", "network_sriov", "VIF",
    };

    char arg[160], body[128];
    json_object *net = jcall("network.create",
                             network_record(body, sizeof(body), "n"));

    snprintf(arg, sizeof(arg), "\"%s\",\"%s\"", PIF_SRIOV,
             json_object_get_string(net));
    json_object_put(net);
    json_object_put(jcall("network_sriov.create", arg));
    for (size_t i = 0; i < sizeof(classes) / sizeof(*classes); i++) {
        char method[64];
        json_object *all;
        size_t seen = 0;

        snprintf(method, sizeof(method), "%s.get_all_records", classes[i]);
        all = jcall(method, "");
        json_object_object_foreach(all, ref, rec) {
            char quoted[160];
            json_object *one;

            snprintf(method, sizeof(method), "%s.get_record", classes[i]);
            snprintf(quoted, sizeof(quoted), "\"%s\"", ref);
            one = jcall(method, quoted);
            ck_assert_msg(json_object_equal(one, rec), "%s %s", classes[i],
                          ref);
            json_object_put(one);
            seen++;
        }
        /* Every class but VIF has objects by now. */
        ck_assert_msg(seen > 0 || strcmp(classes[i], "VIF") == 0, "%s",
                      classes[i]);
        json_object_put(all);
    }
}
END_TEST

/* Events event.from returned that no wait_event() took yet. */
static json_object *pending;

/* Take the first pending event on ref with op: its snapshot, the string
 * "no snapshot" (json-c's null is NULL) for one without, NULL if there is
 * none. */
static json_object *take_event(const char *ref, const char *op)
{
    for (size_t i = 0; i < json_object_array_length(pending); i++) {
        json_object *e = json_object_array_get_idx(pending, i), *v, *ret;

        if (!json_object_object_get_ex(e, "ref", &v) ||
            strcmp(json_object_get_string(v), ref) != 0 ||
            !json_object_object_get_ex(e, "operation", &v) ||
            strcmp(json_object_get_string(v), op) != 0)
            continue;
        ret = json_object_object_get_ex(e, "snapshot", &v)
              ? json_object_get(v) : json_object_new_string("no snapshot");
        json_object_array_del_idx(pending, i, 1);
        return ret;
    }
    return NULL;
}

/* Wait (10 s at most) for an event on ref with op; *token moves on. */
static json_object *wait_event(char **token, const char *ref, const char *op)
{
    if (!pending)
        pending = json_object_new_array();
    for (int round = 0; round < 20; round++) {
        char params[512];
        json_object *res, *events, *tok, *found = take_event(ref, op);

        if (found)
            return found;
        snprintf(params, sizeof(params), "[\"*\"],\"%s\",0.5", *token);
        res = jcall("event.from", params);
        ck_assert(json_object_object_get_ex(res, "events", &events));
        ck_assert(json_object_object_get_ex(res, "token", &tok));
        free(*token);
        *token = strdup(json_object_get_string(tok));
        for (size_t i = 0; i < json_object_array_length(events); i++)
            json_object_array_add(pending, json_object_get(
                                      json_object_array_get_idx(events, i)));
        json_object_put(res);
    }
    for (size_t i = 0; i < json_object_array_length(pending); i++) {
        json_object *e = json_object_array_get_idx(pending, i), *c, *r, *o;

        json_object_object_get_ex(e, "class", &c);
        json_object_object_get_ex(e, "ref", &r);
        json_object_object_get_ex(e, "operation", &o);
        fprintf(stderr, "pending: %s %s %s\n", json_object_get_string(c),
                json_object_get_string(r), json_object_get_string(o));
    }
    ck_abort_msg("no %s event for %s", op, ref);
    return NULL;
}

START_TEST(test_events_follow_xe_and_the_sriov_life_cycle)
{
    const char *b = getenv("top_builddir");
    json_object *res, *tok, *snap, *v;
    char *token, cmd[8192], ref[128], arg[320], rec[128];

    res = jcall("event.from", "[\"*\"],\"\",0");
    ck_assert(json_object_object_get_ex(res, "token", &tok));
    token = strdup(json_object_get_string(tok));
    json_object_put(res);

    /* A network made by this endpoint, renamed by the xe binary. */
    res = jcall("network.create",
                network_record(rec, sizeof(rec), "before"));
    snprintf(ref, sizeof(ref), "%s", json_object_get_string(res));
    json_object_put(res);
    json_object_put(wait_event(&token, ref, "add"));
    /* xe changes state as uid 0 only: a user namespace gives it. */
    snprintf(cmd, sizeof(cmd), "%sSRIOV_ROOT='%s' '%s/xe/xe' "
             "network-param-set uuid=%s name-label=after",
             geteuid() ? "unshare --map-root-user env " : "", root,
             b ? b : ".", ref + strlen(OPS_REF_PREFIX));
    ck_assert_int_eq(system(cmd), 0);
    snap = wait_event(&token, ref, "mod");
    ck_assert(json_object_object_get_ex(snap, "name_label", &v));
    ck_assert_str_eq(json_object_get_string(v), "after");
    json_object_put(snap);

    /* SR-IOV on enp59s0f1: add, and the PIF's back-link as a mod. */
    snprintf(arg, sizeof(arg), "\"%s\",\"%s\"", PIF_SRIOV, ref);
    res = jcall("network_sriov.create", arg);
    snprintf(ref, sizeof(ref), "%s", json_object_get_string(res));
    json_object_put(res);
    snap = wait_event(&token, ref, "add");
    ck_assert(json_object_object_get_ex(snap, "configuration_mode", &v));
    ck_assert_str_eq(json_object_get_string(v), "sysfs");
    json_object_put(snap);
    snap = wait_event(&token, PIF_SRIOV, "mod");
    ck_assert(json_object_object_get_ex(snap, "sriov_physical_PIF_of", &v));
    ck_assert_int_eq(json_object_array_length(v), 1);
    ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(v, 0)),
                     ref);
    json_object_put(snap);

    snprintf(arg, sizeof(arg), "\"%s\"", ref);
    json_object_put(jcall("network_sriov.destroy", arg));
    snap = wait_event(&token, ref, "del");
    ck_assert_str_eq(json_object_get_string(snap), "no snapshot");
    json_object_put(snap);
    free(token);
    json_object_put(pending);
    pending = NULL;
}
END_TEST

/* Concurrent creates on one PIF through the endpoint's threads: each call
 * has a store connection of its own, the operation's transaction lets one
 * win, the others get XAPI's error. */
#define RACERS 8

struct racer {
    pthread_t t;
    char net[128];
    char *reply;
};

static void *race(void *p)
{
    struct racer *rc = p;
    struct xapi_reply rep = { 0 };
    char req[1024];

    snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
             "\"network_sriov.create\",\"params\":[\"%s\",\"%s\",\"%s\"]}",
             session, PIF_SRIOV, rc->net);
    if (xapi_handle_jsonrpc(api, req, strlen(req), "racer", &rep) == 0)
        rc->reply = strndup(rep.body, rep.len);
    free(rep.body);
    return NULL;
}

START_TEST(test_concurrent_creates_one_wins)
{
    struct racer rc[RACERS];
    json_object *all;
    int won = 0, refused = 0;

    memset(rc, 0, sizeof(rc));
    for (int i = 0; i < RACERS; i++) {
        char rec[128], label[16];
        json_object *net;

        snprintf(label, sizeof(label), "race-%d", i);
        net = jcall("network.create",
                    network_record(rec, sizeof(rec), label));
        snprintf(rc[i].net, sizeof(rc[i].net), "%s",
                 json_object_get_string(net));
        json_object_put(net);
    }
    for (int i = 0; i < RACERS; i++)
        ck_assert_int_eq(pthread_create(&rc[i].t, NULL, race, &rc[i]), 0);
    for (int i = 0; i < RACERS; i++) {
        pthread_join(rc[i].t, NULL);
        ck_assert_ptr_nonnull(rc[i].reply);
        if (strstr(rc[i].reply, "\"result\":\"OpaqueRef:"))
            won++;
        else if (strstr(rc[i].reply, "NETWORK_SRIOV_ALREADY_ENABLED"))
            refused++;
        else
            ck_abort_msg("racer %d: %s", i, rc[i].reply);
        free(rc[i].reply);
    }
    ck_assert_int_eq(won, 1);
    ck_assert_int_eq(refused, RACERS - 1);
    all = jcall("network_sriov.get_all", "");
    ck_assert_int_eq(json_object_array_length(all), 1);
    json_object_put(all);
}
END_TEST

/* A restore rewrites the whole tree: every object is reported modified. */
/* A JSON-RPC v2 call that fails: "CODE|param|param..." (taken). */
static char *jerror(const char *method, const char *params)
{
    char req[8192], *reply, *out;
    json_object *o, *e, *msg, *data;
    size_t len;

    snprintf(req, sizeof(req),
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\","
             "\"params\":[\"@SESSION@\",%s]}", method, params);
    reply = call_body(true, req);
    o = json_tokener_parse(reply);
    ck_assert_msg(o && json_object_object_get_ex(o, "error", &e) &&
                  json_object_object_get_ex(e, "message", &msg) &&
                  json_object_object_get_ex(e, "data", &data),
                  "%s did not fail: %s", method, reply);
    free(reply);
    out = strdup(json_object_get_string(msg));
    for (size_t i = 0; out && i < json_object_array_length(data); i++) {
        const char *p = json_object_get_string(
            json_object_array_get_idx(data, i));

        len = strlen(out);
        out = realloc(out, len + strlen(p) + 2);
        ck_assert_ptr_nonnull(out);
        out[len] = '|';
        strcpy(out + len + 1, p);
    }
    ck_assert_ptr_nonnull(out);
    json_object_put(o);
    return out;
}

static size_t count_all(const char *cls)
{
    char method[64];
    json_object *all;
    size_t n;

    snprintf(method, sizeof(method), "%s.get_all", cls);
    all = jcall(method, "");
    n = json_object_array_length(all);
    json_object_put(all);
    return n;
}

static const char *field_str(json_object *rec, const char *name)
{
    json_object *v;

    ck_assert_msg(json_object_object_get_ex(rec, name, &v), "no %s", name);
    return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

/* cls.create(rec), then the new object's get_record (taken); its ref,
 * quoted, in ref. */
static json_object *create_then_get(const char *cls, const char *rec,
                                    char *ref, size_t size)
{
    char method[64];
    json_object *res;

    snprintf(method, sizeof(method), "%s.create", cls);
    res = jcall(method, rec);
    snprintf(ref, size, "\"%s\"", json_object_get_string(res));
    json_object_put(res);
    snprintf(method, sizeof(method), "%s.get_record", cls);
    return jcall(method, ref);
}

#define FIELD_NOT_FOUND(f) \
    "INTERNAL_ERROR|Server_helpers.Dispatcher_FieldNotFound(\"" f "\")"

/*
 * A create record without a field XAPI requires (a constructor field
 * with no default_value in datamodel.ml) is refused as XAPI's dispatcher
 * refuses it (gen_server.ml:115-135, server_helpers.ml:19-25,
 * exnHelper.ml:82): INTERNAL_ERROR naming the first missing field in the
 * datamodel's order, and nothing is created.  Fields with a default may
 * be left out; those given (tags, ipv4_allowed, locking_mode...) are kept.
 */
START_TEST(test_create_missing_field_refused)
{
    /* VIF's required fields in datamodel.ml's order, each with a value. */
    static const char *const vif[][2] = {
        { "device", "\"0\"" },
        { "network", NULL },
        { "VM", "\"OpaqueRef:11111111-2222-4333-8444-555555555501\"" },
        { "MAC", "\"\"" },
        { "MTU", "\"1500\"" },
        { "other_config", "{}" },
        { "qos_algorithm_type", "\"\"" },
        { "qos_algorithm_params", "{}" },
    };
    size_t nets = count_all("network");
    char rec[1024], net_ref[128], vif_ref[128], *got;
    json_object *r;

    /* network: other_config is the one field without a default. */
    got = jerror("network.create",
                 "{\"name_label\":\"x\",\"MTU\":1500,\"tags\":[\"a\"]}");
    ck_assert_str_eq(got, FIELD_NOT_FOUND("other_config"));
    free(got);
    ck_assert_uint_eq(count_all("network"), nets);
    r = create_then_get("network", "{\"other_config\":{},"
                        "\"tags\":[\"blue\"]}", net_ref, sizeof(net_ref));
    ck_assert_str_eq(field_str(r, "name_label"), "\"\"");
    ck_assert_str_eq(field_str(r, "MTU"), "1500");
    ck_assert_str_eq(field_str(r, "managed"), "true");
    ck_assert_str_eq(field_str(r, "tags"), "[\"blue\"]");
    json_object_put(r);

    /* VIF: each required field left out in turn is the one named. */
    for (size_t skip = 0; skip < ELEMENTSOF(vif); skip++) {
        size_t len = snprintf(rec, sizeof(rec), "{\"ipv4_allowed\":[]");
        char want[128];

        for (size_t i = 0; i < ELEMENTSOF(vif); i++)
            if (i != skip)
                len += snprintf(rec + len, sizeof(rec) - len, ",\"%s\":%s",
                                vif[i][0], vif[i][1] ? vif[i][1] : net_ref);
        snprintf(rec + len, sizeof(rec) - len, "}");
        got = jerror("VIF.create", rec);
        snprintf(want, sizeof(want), FIELD_NOT_FOUND("%s"), vif[skip][0]);
        ck_assert_str_eq(got, want);
        free(got);
        ck_assert_uint_eq(count_all("VIF"), 0);
    }
    /* Several missing: the first in the datamodel's order. */
    got = jerror("VIF.create", "{\"MTU\":\"1500\",\"other_config\":{}}");
    ck_assert_str_eq(got, FIELD_NOT_FOUND("device"));
    free(got);
    ck_assert_uint_eq(count_all("VIF"), 0);

    /* Complete: created, and the optional fields given are kept. */
    snprintf(rec, sizeof(rec),
             "{\"device\":\"0\",\"network\":%s,\"VM\":%s,\"MAC\":\"\","
             "\"MTU\":\"1500\",\"other_config\":{},"
             "\"qos_algorithm_type\":\"\",\"qos_algorithm_params\":{},"
             "\"locking_mode\":\"locked\",\"ipv4_allowed\":[\"10.0.0.5\"],"
             "\"ipv6_allowed\":[\"fd00::5\"],\"trunks\":[7]}",
             net_ref, vif[2][1]);
    r = create_then_get("VIF", rec, vif_ref, sizeof(vif_ref));
    ck_assert_str_eq(field_str(r, "locking_mode"), "\"locked\"");
    ck_assert_str_eq(field_str(r, "ipv4_allowed"), "[\"10.0.0.5\"]");
    ck_assert_str_eq(field_str(r, "ipv6_allowed"), "[\"fd00::5\"]");
    ck_assert_str_eq(field_str(r, "trunks"), "[7]");
    json_object_put(r);
    ck_assert_uint_eq(count_all("VIF"), 1);
}
END_TEST

START_TEST(test_events_after_a_restore)
{
    struct store_opts o = { .root = root };
    json_object *res, *tok, *snap;
    char *token, msg[512];
    store *st = NULL;

    res = jcall("event.from", "[\"*\"],\"\",0");
    ck_assert(json_object_object_get_ex(res, "token", &tok));
    token = strdup(json_object_get_string(tok));
    json_object_put(res);
    ck_assert_msg(store_open(&st, &o, msg, sizeof(msg)) == 0, "%s", msg);
    ck_assert_int_eq(store_snapshot_write(st), 0);
    ck_assert_int_ge(store_snapshot_load(st, NULL, STORE_LOAD_REPLACE), 1);
    store_close(st);
    snap = wait_event(&token, PIF_SRIOV, "mod");
    json_object_put(snap);
    snap = wait_event(&token, HOST, "mod");
    json_object_put(snap);
    json_object_put(pending);
    pending = NULL;
    free(token);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("xapi-store");
    TCase *tc = tcase_create("store");

    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, xs_harness_setup, xs_harness_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_golden_xmlrpc);
    tcase_add_test(tc, test_golden_jsonrpc);
    tcase_add_test(tc, test_record_equals_get_all_records_entry);
    tcase_add_test(tc, test_events_follow_xe_and_the_sriov_life_cycle);
    tcase_add_test(tc, test_events_after_a_restore);
    tcase_add_test(tc, test_create_missing_field_refused);
    tcase_add_test(tc, test_concurrent_creates_one_wins);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    SRunner *sr;
    int failed;

    (void)argc;
    fixture_preload_kernel_sim(argv);
    xmlInitParser();
    sr = srunner_create(suite());
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    xmlCleanupParser();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
