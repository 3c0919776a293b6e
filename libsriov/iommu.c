/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IOMMU groups: members read from /sys/kernel/iommu_groups on demand. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/host-internal.h"

int sriov__iommu_group_from_link(const char *target)
{
    unsigned n;

    /* ".../kernel/iommu_groups/12" */
    if (sriov__parse_uint(sriov__basename(target), 10, &n) < 0 ||
        n > 0x7fffffff)
        return -1;
    return (int)n;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

const struct sriov__iommu_group *sriov__iommu_group_get(sriov_host *host,
                                                        int number)
{
    _cleanup_close_ int fd = -1;
    _cleanup_free_ char *path = NULL, *rel = NULL;
    struct sriov__iommu_group *v;
    char **members = NULL;
    unsigned n = 0;

    for (unsigned i = 0; i < host->n_groups; i++)
        if (host->groups[i].number == number)
            return &host->groups[i];
    if (asprintf(&rel, "sys/kernel/iommu_groups/%d", number) < 0)
        return NULL;
    if (sriov__dir_open(host->ctx, rel, &fd, &path) < 0 ||
        sriov__list_at(host->ctx, fd, path, "devices", &members, &n) < 0) {
        sriov__clear_error(host->ctx);
        return NULL;
    }
    qsort(members, n, sizeof(char *), cmp_str);
    v = realloc(host->groups, (host->n_groups + 1) * sizeof(*v));
    if (!v) {
        strv_free(members);
        return NULL;
    }
    host->groups = v;
    v[host->n_groups] = (struct sriov__iommu_group) {
        .number = number, .members = members, .n_members = n,
    };
    return &host->groups[host->n_groups++];
}

void sriov__iommu_groups_free(sriov_host *host)
{
    for (unsigned i = 0; i < host->n_groups; i++)
        strv_free(host->groups[i].members);
    free(host->groups);
    host->groups = NULL;
    host->n_groups = 0;
}
