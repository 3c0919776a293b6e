/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Check every node under a xenstore path against the machine-readable
 * lines of xenstore-schema/paths.md ("#### PATH = VALUES [TAGS]"), walking
 * the tree with plain libxenstore calls: an oracle independent of the
 * store's own code.  Used by the store's tests after a workload; other
 * parts may call it after theirs.
 */
#ifndef XS_PATHS_WALK_H
#define XS_PATHS_WALK_H

#include <stddef.h>

/*
 * Walk everything under root (e.g. "/tool/xen-sriov") on the xenstored of
 * $XENSTORED_PATH and match each node's path and value against the
 * patterns of paths_md (a file).  Problems are written, one per line, to
 * problems (up to size bytes).  Returns the number of problems, or a
 * negative errno when the file or xenstored cannot be read; *n_nodes gets
 * the number of nodes checked.
 */
int paths_walk_check(const char *paths_md, const char *root,
                     char *problems, size_t size, size_t *n_nodes);

#endif
