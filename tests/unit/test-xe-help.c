/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The command table (static and generated commands) and xe help. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xe/cmdtable.h"
#include "xe/help.h"

static struct xe_cmdtable *t;

static void setup(void)
{
    ck_assert_int_eq(xe_cmdtable_new(&t, NULL, NULL), 0);
}

static void teardown(void)
{
    t = xe_cmdtable_free(t);
}

/* "a, b" of a NULL-terminated list. */
static char *joined(char **v)
{
    static char buf[1024];

    buf[0] = '\0';
    for (size_t i = 0; v[i]; i++) {
        if (i)
            strcat(buf, ", ");
        strcat(buf, v[i]);
    }
    return buf;
}

static const struct xe_command *cmd(const char *name)
{
    const struct xe_command *c = xe_cmdtable_find(t, name);

    ck_assert_msg(c, "%s is missing", name);
    return c;
}

START_TEST(test_cmdtable_has_the_commands)
{
    static const char *const names[] = {
        "pif-scan", "pif-list", "pif-param-list", "pif-param-get",
        "pci-list", "pci-param-list", "network-create", "network-list",
        "network-param-list", "network-param-get", "network-param-set",
        "network-destroy", "network-sriov-create", "network-sriov-destroy",
        "network-sriov-list", "network-sriov-param-list",
        "network-sriov-param-get", "vif-create", "vif-destroy", "vif-list",
        "vif-param-list", "vif-param-get", "vif-param-set", "vif-plug",
        "vif-unplug",
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        cmd(names[i]);
    for (size_t i = 1; i < t->n; i++)
        ck_assert(strcmp(t->cmds[i - 1].name, t->cmds[i].name) < 0);
    /* network-sriov has nothing settable: no param-set/add/clear */
    ck_assert_ptr_null(xe_cmdtable_find(t, "network-sriov-param-set"));
    ck_assert_ptr_null(xe_cmdtable_find(t, "network-sriov-param-add"));
    ck_assert_ptr_null(xe_cmdtable_find(t, "network-sriov-param-clear"));
    ck_assert_ptr_null(xe_cmdtable_find(t, "help"));
    ck_assert_ptr_null(xe_cmdtable_find(t, NULL));
}
END_TEST

START_TEST(test_cmdtable_params_as_xe)
{
    static const struct {
        const char *name, *reqd, *optn;
    } cases[] = {
        { "network-sriov-create", "pif-uuid, network-uuid", "num-vfs" },
        { "network-sriov-destroy", "uuid", "" },
        { "network-create", "name-label",
          "name-description, MTU, bridge, managed" },
        { "vif-create", "device, network-uuid, vm-uuid", "mac" },
        { "vif-unplug", "uuid", "force" },
        { "pif-scan", "host-uuid", "" },
        { "network-sriov-list", "",
          "params, uuid, physical-PIF, logical-PIF, requires-reboot, "
          "remaining-capacity, configuration-mode" },
        { "network-sriov-param-get", "uuid, param-name", "param-key" },
        { "network-param-set", "uuid",
          "name-label, name-description, MTU, default-locking-mode, other-config:" },
        { "vif-param-set", "uuid",
          "qos_algorithm_type, locking-mode, qos_algorithm_params:, "
          "other-config:" },
        { "vif-param-remove", "uuid, param-name, param-key", "" },
        { "pci-param-list", "uuid", "" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct xe_command *c = cmd(cases[i].name);

        ck_assert_str_eq(joined(c->reqd), cases[i].reqd);
        ck_assert_str_eq(joined(c->optn), cases[i].optn);
    }
    ck_assert_ptr_nonnull(strstr(joined(cmd("pif-list")->optn),
                                 ", capabilities:contains"));
    ck_assert_str_eq(cmd("network-param-clear")->help,
                     "Clears the specified parameter (param-name can be "
                     "name-label,name-description,VIF-uuids,PIF-uuids,MTU,"
                     "other-config,tags,default-locking-mode,purpose).");
    ck_assert_str_eq(cmd("pif-list")->help,
                     "Lists all the pifs, filtering on the optional "
                     "arguments. To filter on map parameters, use the "
                     "syntax 'map-param:key=value'");
}
END_TEST

START_TEST(test_cmdtable_flags)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct xe_command *c = &t->cmds[i];
        bool reads = c->op == XE_OP_LIST || c->op == XE_OP_PARAM_LIST ||
                     c->op == XE_OP_PARAM_GET ||
                     !strcmp(c->name, "network-sriov-diagnose");

        /* only reading commands may run without root */
        ck_assert_msg(!(c->flags & XE_CMD_CHANGES_STATE) == reads, "%s",
                      c->name);
        ck_assert_msg(!(c->flags & XE_CMD_STANDARD) ||
                      !strcmp(c->name, "network-list") ||
                      !strcmp(c->name, "vm-list"), "%s", c->name);
        ck_assert_ptr_null(c->handler);
    }
}
END_TEST

START_TEST(test_cmdtable_declares)
{
    const struct xe_command *c = cmd("network-param-set");

    ck_assert(xe_command_declares(c, "uuid"));
    ck_assert(xe_command_declares(c, "other-config:vlan"));
    ck_assert(!xe_command_declares(c, "other-config:"));
    ck_assert(!xe_command_declares(c, "other-config"));
    ck_assert(!xe_command_declares(c, "bridge"));
    ck_assert(xe_is_std_param("minimal"));
    ck_assert(xe_is_std_param("report-ignored-params"));
    ck_assert(!xe_is_std_param("uuid"));
}
END_TEST

static int fake(struct xe_call *call)
{
    return 0;
}

START_TEST(test_cmdtable_handlers_wired)
{
    static const struct xe_handler_entry h[] = {
        { "vif-plug", fake }, { NULL, NULL },
    };
    xe_handler_fn generic[XE_OP_N] = { NULL };
    struct xe_cmdtable *w;

    generic[XE_OP_PARAM_GET] = fake;
    ck_assert_int_eq(xe_cmdtable_new(&w, h, generic), 0);
    ck_assert_ptr_eq(xe_cmdtable_find(w, "vif-plug")->handler, fake);
    ck_assert_ptr_null(xe_cmdtable_find(w, "vif-unplug")->handler);
    ck_assert_ptr_eq(xe_cmdtable_find(w, "pci-param-get")->handler, fake);
    ck_assert_ptr_null(xe_cmdtable_find(w, "pci-param-list")->handler);
    xe_cmdtable_free(w);
}
END_TEST

/* Two NULL-terminated lists are the same, in the same order. */
static void same_strv(const char *what, char **a, char **b)
{
    size_t i;

    for (i = 0; a[i] && b[i]; i++)
        ck_assert_msg(strcmp(a[i], b[i]) == 0, "%s: %s, not %s", what, b[i],
                      a[i]);
    ck_assert_msg(!a[i] && !b[i], "%s: lists of different lengths", what);
}

/* One command's table has that command as the whole table has it, and
 * nothing it does not need. */
START_TEST(test_cmdtable_for_one_command)
{
    static const struct xe_handler_entry h[] = {
        { "vif-plug", fake }, { NULL, NULL },
    };
    xe_handler_fn generic[XE_OP_N] = { NULL };
    struct xe_cmdtable *one;

    generic[XE_OP_PARAM_GET] = fake;
    for (size_t i = 0; i < t->n; i++) {
        const struct xe_command *a = &t->cmds[i], *b;

        ck_assert_int_eq(xe_cmdtable_new_for(&one, h, generic, a->name), 0);
        ck_assert_msg(one->n == 1, "%s: %zu commands", a->name, one->n);
        b = xe_cmdtable_find(one, a->name);
        ck_assert_msg(b, "%s is missing from its own table", a->name);
        ck_assert_str_eq(b->help, a->help);
        ck_assert_uint_eq(b->flags, a->flags);
        ck_assert_int_eq(b->op, a->op);
        ck_assert_ptr_eq(b->cls, a->cls);
        same_strv(a->name, a->reqd, b->reqd);
        same_strv(a->name, a->optn, b->optn);
        ck_assert_ptr_eq(b->handler,
                         a->op == XE_OP_PARAM_GET ||
                         strcmp(a->name, "vif-plug") == 0 ? fake : NULL);
        xe_cmdtable_free(one);
    }
    /* network-sriov-param-get is not network's "sriov-param-get". */
    ck_assert_int_eq(xe_cmdtable_new_for(&one, NULL, NULL,
                                         "network-sriov-param-get"), 0);
    ck_assert_uint_eq(one->n, 1);
    xe_cmdtable_free(one);
    ck_assert_int_eq(xe_cmdtable_new_for(&one, NULL, NULL, "pif-frobnicate"),
                     0);
    ck_assert_uint_eq(one->n, 0);
    ck_assert_ptr_null(xe_cmdtable_find(one, "pif-frobnicate"));
    xe_cmdtable_free(one);
    ck_assert_int_eq(xe_cmdtable_new_for(&one, NULL, NULL, NULL), 0);
    ck_assert_uint_eq(one->n, t->n);
    xe_cmdtable_free(one);
}
END_TEST

static char *help(bool minimal, ...)
{
    static char *buf;
    size_t len;
    char *v[16] = { "xe", "help" };
    int n = 2;
    va_list ap;
    const char *s;
    struct xe_args a = XE_ARGS_INIT;
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xe_printer p;
    FILE *f;

    va_start(ap, minimal);
    while ((s = va_arg(ap, const char *)) != NULL)
        v[n++] = (char *)s;
    va_end(ap);
    ck_assert_int_eq(xe_args_parse(&a, n, v, NULL, &err), 0);
    free(buf);
    f = open_memstream(&buf, &len);
    xe_printer_init(&p, f, f, minimal);
    ck_assert_int_eq(xe_help(t, &a, &p), 0);
    xe_printer_flush(&p);
    xe_printer_done(&p);
    fclose(f);
    xe_args_done(&a);
    return buf;
}

START_TEST(test_help_command)
{
    ck_assert_str_eq(help(false, "network-sriov-destroy", NULL),
                     "command name            : network-sriov-destroy\n"
                     "        reqd params     : uuid\n"
                     "        optional params : \n"
                     "        description     : Destroy a network-sriov.\n"
                     "\n\n");
    ck_assert_str_eq(help(false, "nope", "--minimal", NULL),
                     "Unknown command 'nope'\n");
    /* --minimal: the first field of each table, xe's reversed chunks */
    ck_assert_str_eq(help(true, "vif-plug", "vif-unplug", NULL),
                     "vif-unplug,vif-plug\n");
}
END_TEST

START_TEST(test_help_listings)
{
    char *s;

    ck_assert_str_eq(help(true, NULL), "network-list,vm-list\n");
    s = help(true, "--all", NULL);
    ck_assert_ptr_nonnull(strstr(s, "network-sriov-create,"));
    ck_assert_ptr_nonnull(strstr(s, ",vif-unplug,vm-list,"));
    ck_assert_ptr_null(strstr(s, "help"));
    s = help(false, NULL);
    ck_assert_ptr_nonnull(strstr(s, "Common command list\n"
                                    "-------------------\n\n"
                                    "    network-list, vm-list\n"));
    s = help(false, "--all", NULL);
    /* host commands, a four-space line, the others; lines under 77 */
    ck_assert_ptr_nonnull(strstr(s, "-----------------\n\n    host-list, "));
    ck_assert_ptr_nonnull(strstr(s, "\n    \n    network-create, "));
    for (char *line = s, *nl; (nl = strchr(line, '\n')); line = nl + 1)
        ck_assert_int_le(nl - line, 76);
}
END_TEST

START_TEST(test_usage_text)
{
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);

    xe_usage(f, "xe");
    fclose(f);
    ck_assert_str_eq(buf,
        "Usage: xe <cmd> [-s server] [-p port] ([-u username] [-pw password] "
        "or [-pwf <password file>]) [--traceparent traceparent] <other "
        "arguments>\n"
        "\n"
        "A full list of commands can be obtained by running \n"
        "\txe help -s <server> -p <port>\n");
    free(buf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xe-help");
    TCase *tc = tcase_create("cmdtable");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_cmdtable_has_the_commands);
    tcase_add_test(tc, test_cmdtable_params_as_xe);
    tcase_add_test(tc, test_cmdtable_flags);
    tcase_add_test(tc, test_cmdtable_declares);
    tcase_add_test(tc, test_cmdtable_handlers_wired);
    tcase_add_test(tc, test_cmdtable_for_one_command);
    tcase_add_test(tc, test_help_command);
    tcase_add_test(tc, test_help_listings);
    tcase_add_test(tc, test_usage_text);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
