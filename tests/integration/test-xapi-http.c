/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The endpoint over real HTTP connections: golden request/reply files of
 * both protocols (tests/data/xmlrpc, tests/data/jsonrpc), keep-alive,
 * concurrency (a pending event.from does not hold up other calls), routing,
 * status codes and content types.
 *
 * Golden files: NAME.request is POSTed (to NAME.path if present, else "/"
 * or "/jsonrpc") after "@SESSION@" is replaced by a fresh session; the
 * reply must equal NAME.response after the session is put back as
 * "@SESSION@" and any other non-fixture ref as "OpaqueRef:@NEW@"; the
 * status must be NAME.status if present, else 200.  With
 * XAPI_GOLDEN_UPDATE=1 the replies are written instead (review the diff).
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "tests/helpers/http-client.h"
#include "tests/helpers/xapi-fixture.h"
#include "api/auth.h"
#include "api/http.h"

static char tmpdir[256];
static char sock_path[300];
static struct xapi *api;
static struct xapi_server *srv;
static struct xapi_fixture fixture;

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void setup(void)
{
    struct xapi_config cfg = { 0 };
    struct xapi_server_options so = { 0 };
    char users[300], line[256], *hash = NULL, *error = NULL;
    const char *t = getenv("TMPDIR");

    snprintf(tmpdir, sizeof(tmpdir), "%s/xapi-http-XXXXXX", t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    ck_assert_int_eq(xapi_auth_hash("secret", &hash), 0);
    snprintf(users, sizeof(users), "%s/users", tmpdir);
    snprintf(line, sizeof(line), "# test users\nalice:%s\n", hash);
    free(hash);
    write_file(users, line, 0600);
    cfg.users_file = users;
    ck_assert_int_eq(xapi_new(&api, &cfg), 0);
    memset(&fixture, 0, sizeof(fixture));
    ck_assert_int_eq(xapi_fixture_setup(api, &fixture), 0);
    snprintf(sock_path, sizeof(sock_path), "%s/run/xapi.sock", tmpdir);
    so.unix_path = sock_path;
    so.listen = "127.0.0.1:0";
    so.max_body = 64 * 1024;
    ck_assert_int_eq(xapi_server_start(&srv, api, &so, &error), 0);
    free(error);
}

static void teardown(void)
{
    char cmd[400];

    srv = xapi_server_stop(srv);
    api = xapi_free(api);
    xapi_fixture_dispose(&fixture);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static void new_session(char ref[XAPI_REF_MAX])
{
    struct xapi_error err = XAPI_ERROR_INIT;

    ck_assert_int_eq(xapi_sessions_login(xapi_get_sessions(api), "alice",
                                         "secret", "test", "test", ref,
                                         &err), 0);
}

/* New refs (not the fixture's 00000000- ones) become OpaqueRef:@NEW@. */
static void normalize_refs(char *s)
{
    char *p;

    for (p = s; (p = strstr(p, "OpaqueRef:")); p += 10) {
        char *u = p + 10;

        if (strlen(u) >= 36 && strncmp(u, "00000000-", 9) != 0) {
            char uuid[37];

            memcpy(uuid, u, 36);
            uuid[36] = '\0';
            if (xapi_uuid_valid(uuid)) {
                memcpy(u, "@NEW@", 5);
                memmove(u + 5, u + 36, strlen(u + 36) + 1);
            }
        }
    }
}

static int run_golden(const char *proto, const char *default_path,
                      const char *content_type)
{
    char dir[512], path[1024], sess[XAPI_REF_MAX];
    const char *top = getenv("top_srcdir");
    bool update = getenv("XAPI_GOLDEN_UPDATE") != NULL;
    struct dirent **names;
    int n, k, cases = 0;

    ck_assert_ptr_nonnull(top);
    snprintf(dir, sizeof(dir), "%s/tests/data/%s", top, proto);
    n = scandir(dir, &names, NULL, alphasort);
    ck_assert_int_gt(n, 0);
    for (k = 0; k < n; k++) {
        char *name = names[k]->d_name, *dot = strrchr(name, '.');
        char *req, *want, *urlp, *status_s;
        struct http_reply rep;
        size_t len;
        int fd, status;

        if (!dot || strcmp(dot, ".request") != 0) {
            free(names[k]);
            continue;
        }
        *dot = '\0';
        snprintf(path, sizeof(path), "%s/%s.request", dir, name);
        req = http_read_file(path, &len);
        ck_assert_ptr_nonnull(req);
        new_session(sess);
        ck_assert_int_eq(http_replace_all(&req, "@SESSION@", sess), 0);
        snprintf(path, sizeof(path), "%s/%s.path", dir, name);
        urlp = http_read_file(path, NULL);
        snprintf(path, sizeof(path), "%s/%s.status", dir, name);
        status_s = http_read_file(path, NULL);
        status = status_s ? atoi(status_s) : 200;

        fd = http_connect_unix(sock_path);
        ck_assert_int_ge(fd, 0);
        ck_assert_msg(http_request(fd, "POST", urlp ? urlp : default_path,
                                   "Content-Type: text/xml\r\n", req,
                                   strlen(req), &rep) == 0,
                      "%s/%s: no reply", proto, name);
        close(fd);
        ck_assert_int_eq(http_replace_all(&rep.body, sess, "@SESSION@"), 0);
        normalize_refs(rep.body);
        snprintf(path, sizeof(path), "%s/%s.response", dir, name);
        if (update) {
            char *t = NULL;

            ck_assert_int_ge(asprintf(&t, "%s\n", rep.body), 0);
            write_file(path, t, 0644);
            free(t);
        }
        want = http_read_file(path, &len);
        ck_assert_msg(want != NULL, "%s/%s.response is missing", proto,
                      name);
        if (len && want[len - 1] == '\n')
            want[len - 1] = '\0';
        ck_assert_msg(rep.status == status, "%s/%s: status %d, want %d",
                      proto, name, rep.status, status);
        ck_assert_msg(strcmp(rep.content_type, status == 200 ? content_type
                             : strcmp(proto, "jsonrpc") == 0
                                 ? "application/json" : "text/plain") == 0,
                      "%s/%s: content type '%s'", proto, name,
                      rep.content_type);
        ck_assert_msg(strcmp(rep.body, want) == 0,
                      "%s/%s: reply differs\n got: %s\nwant: %s", proto,
                      name, rep.body, want);
        http_reply_dispose(&rep);
        free(want);
        free(req);
        free(urlp);
        free(status_s);
        free(names[k]);
        cases++;
    }
    free(names);
    return cases;
}

START_TEST(test_xapi_http_golden_xmlrpc)
{
    ck_assert_int_ge(run_golden("xmlrpc", "/", "text/xml"), 30);
}
END_TEST

START_TEST(test_xapi_http_golden_jsonrpc)
{
    ck_assert_int_ge(run_golden("jsonrpc", "/jsonrpc", "application/json"),
                     25);
}
END_TEST

static const char list_call[] =
    "<?xml version=\"1.0\"?><methodCall><methodName>system.listMethods"
    "</methodName><params></params></methodCall>";

START_TEST(test_xapi_http_keepalive_and_routing)
{
    static const char *const xml_paths[] = { "/", "/RPC2", "/xmlrpc",
                                             "/json", "/any/path" };
    struct http_reply rep;
    size_t k;
    int fd;

    /* Many requests over one connection, every path but /jsonrpc XML. */
    fd = http_connect_unix(sock_path);
    ck_assert_int_ge(fd, 0);
    for (k = 0; k < ELEMENTSOF(xml_paths); k++) {
        ck_assert_int_eq(http_request(fd, "POST", xml_paths[k], NULL,
                                      list_call, strlen(list_call), &rep),
                         0);
        ck_assert_int_eq(rep.status, 200);
        ck_assert_str_eq(rep.content_type, "text/xml");
        ck_assert_str_ne(rep.connection, "close");
        ck_assert_ptr_nonnull(strstr(rep.body, "<value>event.from</value>"));
        ck_assert(strncmp(rep.body, "<?xml version=\"1.0\"?><methodResponse>",
                          37) == 0);
        http_reply_dispose(&rep);
    }
    /* GET is refused with 405 and says what to do. */
    ck_assert_int_eq(http_request(fd, "GET", "/", NULL, NULL, 0, &rep), 0);
    ck_assert_int_eq(rep.status, 405);
    ck_assert_ptr_nonnull(strstr(rep.body, "POST"));
    http_reply_dispose(&rep);
    close(fd);

    /* The TCP listener serves the same. */
    fd = http_connect_tcp("127.0.0.1", xapi_server_tcp_port(srv));
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(http_request(fd, "POST", "/jsonrpc", NULL,
                                  "{\"id\":1,\"method\":\"system.listMethods"
                                  "\",\"params\":[]}", 50, &rep), 0);
    ck_assert_int_eq(rep.status, 200);
    ck_assert_str_eq(rep.content_type, "application/json");
    ck_assert_ptr_nonnull(strstr(rep.body, "\"error\":null"));
    http_reply_dispose(&rep);
    close(fd);
}
END_TEST

START_TEST(test_xapi_http_body_limit)
{
    size_t big = 65 * 1024;
    char *body = malloc(big);
    struct http_reply rep;
    int fd;

    ck_assert_ptr_nonnull(body);
    memset(body, ' ', big);
    fd = http_connect_unix(sock_path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(http_request(fd, "POST", "/", NULL, body, big, &rep),
                     0);
    ck_assert_int_eq(rep.status, 413);
    ck_assert_ptr_nonnull(strstr(rep.body, "limit"));
    http_reply_dispose(&rep);
    close(fd);
    free(body);
    /* The server still answers. */
    fd = http_connect_unix(sock_path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(http_request(fd, "POST", "/", NULL, list_call,
                                  strlen(list_call), &rep), 0);
    ck_assert_int_eq(rep.status, 200);
    http_reply_dispose(&rep);
    close(fd);
}
END_TEST

static bool readable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };

    return poll(&p, 1, 0) > 0;
}

START_TEST(test_xapi_http_pending_event_from_blocks_nobody)
{
    char sess[XAPI_REF_MAX], body[1024], tok[64];
    struct http_reply rep;
    int waiter, other, k;
    char head[512];
    ssize_t w;

    new_session(sess);
    snprintf(tok, sizeof(tok), "%020llu,%020d",
             (unsigned long long)xapi_events_generation(
                 xapi_get_events(api)), 0);
    /* A client waits for pool changes (up to 30 s)... */
    snprintf(body, sizeof(body),
             "{\"id\":0,\"jsonrpc\":\"2.0\",\"method\":\"event.from\","
             "\"params\":[\"%s\",[\"POOL\"],\"%s\",30]}", sess, tok);
    waiter = http_connect_unix(sock_path);
    ck_assert_int_ge(waiter, 0);
    snprintf(head, sizeof(head), "POST /jsonrpc HTTP/1.1\r\nHost: x\r\n"
             "Content-Length: %zu\r\n\r\n", strlen(body));
    w = write(waiter, head, strlen(head));
    ck_assert_int_eq(w, (ssize_t)strlen(head));
    w = write(waiter, body, strlen(body));
    ck_assert_int_eq(w, (ssize_t)strlen(body));

    /* ...while others are served, over several connections. */
    for (k = 0; k < 5; k++) {
        other = http_connect_unix(sock_path);
        ck_assert_int_ge(other, 0);
        ck_assert_int_eq(http_request(other, "POST", "/", NULL, list_call,
                                      strlen(list_call), &rep), 0);
        ck_assert_int_eq(rep.status, 200);
        http_reply_dispose(&rep);
        close(other);
    }
    ck_assert(!readable(waiter));

    /* A change to the pool ends the wait with that change. */
    snprintf(body, sizeof(body),
             "{\"id\":0,\"jsonrpc\":\"2.0\",\"method\":\"pool.set_name_label"
             "\",\"params\":[\"%s\",\"%s\",\"renamed\"]}", sess,
             FIXTURE_POOL);
    other = http_connect_unix(sock_path);
    ck_assert_int_ge(other, 0);
    ck_assert_int_eq(http_request(other, "POST", "/jsonrpc", NULL, body,
                                  strlen(body), &rep), 0);
    ck_assert_str_eq(rep.body, "{\"jsonrpc\":\"2.0\",\"result\":\"\","
                               "\"id\":0}");
    http_reply_dispose(&rep);
    close(other);

    ck_assert_int_eq(http_read_reply(waiter, &rep), 0);
    ck_assert_int_eq(rep.status, 200);
    ck_assert_ptr_nonnull(strstr(rep.body, "\"class\":\"pool\""));
    ck_assert_ptr_nonnull(strstr(rep.body, "\"operation\":\"mod\""));
    ck_assert_ptr_nonnull(strstr(rep.body, "\"name_label\":\"renamed\""));
    ck_assert_ptr_nonnull(strstr(rep.body, "\"valid_ref_counts\":{"));
    http_reply_dispose(&rep);
    close(waiter);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xapi-http");
    TCase *tc = tcase_create("http");
    SRunner *sr;
    int failed;

    xmlInitParser();
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_xapi_http_golden_xmlrpc);
    tcase_add_test(tc, test_xapi_http_golden_jsonrpc);
    tcase_add_test(tc, test_xapi_http_keepalive_and_routing);
    tcase_add_test(tc, test_xapi_http_body_limit);
    tcase_add_test(tc, test_xapi_http_pending_event_from_blocks_nobody);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    xmlCleanupParser();
    return failed ? 1 : 0;
}
