/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Password checks for session.login_with_password: PAM (the default,
 * service "xen-sriov") or a users file of "user:crypt(3)-hash" lines, so
 * that API users need not be system users.
 *
 * The users file is read at each login (edits apply at once).  It is
 * refused when group or others may read or write it, or when it is not
 * owned by the server's user: "chmod 600 FILE" is the fix the error names.
 * Blank lines and lines starting with '#' are ignored.  Hashes are checked
 * with libcrypt's crypt_r (yescrypt, sha512crypt, ... whatever it
 * supports); `xen-sriov-api --hash-password` prints one.
 */
#ifndef XEN_SRIOV_API_AUTH_H
#define XEN_SRIOV_API_AUTH_H

struct xapi_auth;

/*
 * PAM with service name (e.g. "xen-sriov"); confdir, when not NULL, is
 * read instead of /etc/pam.d (pam_start_confdir; tests use it).
 */
int xapi_auth_new_pam(struct xapi_auth **ret, const char *service,
                      const char *confdir);

/* The users file at path (checked at each login, not here). */
int xapi_auth_new_users(struct xapi_auth **ret, const char *path);

struct xapi_auth *xapi_auth_free(struct xapi_auth *a);

/*
 * Check user/password.  0 when accepted; -EACCES when refused (wrong
 * password, unknown user); another negative errno when the check could not
 * be made (unreadable or unsafe users file, PAM failure).  *ret_msg
 * (caller frees) gets one line for the log in every failure case, saying
 * what to do when it is the server's fault.
 */
int xapi_auth_check(struct xapi_auth *a, const char *user,
                    const char *password, char **ret_msg);

/* A crypt(3) hash of password with a fresh salt (libcrypt's default). */
int xapi_auth_hash(const char *password, char **ret);

#endif
