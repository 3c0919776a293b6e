/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * XAPI's static roles and permissions as the `role` class (role.c):
 * role.get_all, get_all_records, get_record, get_by_uuid, get_<field> and
 * get_by_name_label.  Permissions are the methods of the registry at the
 * time of the call; uuids are made as XAPI makes them.
 */
#ifndef XEN_SRIOV_API_ROLE_H
#define XEN_SRIOV_API_ROLE_H

#include "api/class.h"

/* XAPI's uuid of a role or permission name (MD5 of the name; pool-admin's
 * is a constant).  -EIO if MD5 is unavailable. */
int xapi_role_uuid(const char *name, char ret[static 37]);

int xapi_roles_register(struct xapi_registry *reg);

#endif
