/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sriov-info: shared by its command parser and its two output formats. */
#ifndef SRIOV_INFO_H
#define SRIOV_INFO_H

#include <stdbool.h>
#include <stdio.h>

#include <sriov/sriov.h>

struct info_opts {
    bool names;          /* --names: pci.ids names */
    bool json;           /* --json */
    bool quiet;          /* --quiet: scan, print nothing (bench, checks) */
    unsigned flags;      /* sriov_host_scan() flags */
};

/* text.c: the human-readable listing */
void info_print_text(FILE *out, sriov_host *host, const struct info_opts *o);
/* json.c: the same as one JSON document */
int info_print_json(FILE *out, sriov_host *host, const char *root,
                    const struct info_opts *o);

#endif
