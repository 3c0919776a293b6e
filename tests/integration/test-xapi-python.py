# SPDX-License-Identifier: LGPL-2.1-or-later
"""Python's standard xmlrpc.client, used as XenAPI.py uses it, against the
endpoint: the local unix socket (xapi_local style), TCP with keep-alive,
HTTPS, JSON-RPC with urllib, event.from with a float timeout, the users
file refused when others can read it.

Usage: test-xapi-python.py TEST_SERVER XEN_SRIOV_API
"""
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from xapi_client import Failure, Session, UnixTransport

POOL = "OpaqueRef:00000000-0000-4000-8000-000000000001"
SERVER, API = sys.argv[1], sys.argv[2]


passed = failed = 0


def check(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
    except Exception as e:  # report and go on with the next check
        failed += 1
        print("FAIL: %s: %r" % (name, e))


def expect_failure(code, fn, *params):
    try:
        fn()
    except Failure as f:
        assert f.details[0] == code, f.details
        assert list(f.details[1:1 + len(params)]) == list(params), f.details
        return f.details
    raise AssertionError("no %s" % code)


tmp = tempfile.mkdtemp(prefix="xapi-python-", dir=os.environ.get("TMPDIR"))
procs = []


def start(name, *args, users=None):
    root = os.path.join(tmp, name)
    log = open(os.path.join(tmp, name + ".log"), "w+")
    env = dict(os.environ, SRIOV_ROOT=root)
    p = subprocess.Popen([SERVER, "--users", users or USERS,
                          "--listen", "127.0.0.1:0"] + list(args),
                         env=env, stdout=subprocess.DEVNULL, stderr=log)
    procs.append(p)
    start = time.monotonic()
    while time.monotonic() < start + 120:
        log.seek(0)
        text = log.read()
        if "listening on http" in text:
            if time.monotonic() - start > 5:
                print("# slow: %.1f s for the server to start"
                      % (time.monotonic() - start), flush=True)
            port = int(text.split("listening on http")[1]
                       .split(":")[2].split("/")[0])
            return root + "/var/run/xen-sriov/xapi.sock", port, log
        time.sleep(0.1)
    raise RuntimeError("server did not start: " + text)


try:
    os.umask(0o077)
    digest = subprocess.run([API, "--hash-password"], input=b"py-secret\n",
                            capture_output=True, check=True).stdout.decode()
    USERS = os.path.join(tmp, "users")
    with open(USERS, "w") as f:
        f.write("py:" + digest)
    sock, port, log = start("plain")

    def local_session():
        return Session("http://_var_run_xen-sriov_xapi.sock/",
                       transport=UnixTransport(sock))

    def t_login_local():
        s = local_session()
        ref = s.xenapi.login_with_password("py", "py-secret", "1.0",
                                           "xen-sriov-tests")
        assert ref.startswith("OpaqueRef:"), ref
        pools = s.xenapi.pool.get_all_records()
        assert list(pools) == [POOL], pools
        assert pools[POOL]["other_config"] == {}
        assert s.xenapi.session.get_is_local_superuser(ref) is True
        s.xenapi.session.logout()
    check("login over the unix socket, 4 params", t_login_local)

    def t_list_methods():
        s = local_session()
        methods = s.system.listMethods()
        assert isinstance(methods, list)
        for m in ("session.login_with_password", "event.from",
                  "pool.get_all_records", "network.get_record"):
            assert m in methods, m
    check("system.listMethods, no session, unwrapped", t_list_methods)

    def t_logout_then_invalid():
        s = local_session()
        ref = s.xenapi.login_with_password("py", "py-secret")
        s.xenapi.session.logout()
        s._session = ref
        expect_failure("SESSION_INVALID",
                       lambda: s.xenapi.pool.get_all_records(), ref)
    check("session invalid after logout", t_logout_then_invalid)

    def t_bad_session_unknown_method():
        s = local_session()
        s._session = "OpaqueRef:bogus"
        expect_failure("SESSION_INVALID",
                       lambda: s.xenapi.network.get_all(), "OpaqueRef:bogus")
        s.xenapi.login_with_password("py", "py-secret", "1.0")
        expect_failure("MESSAGE_METHOD_UNKNOWN",
                       lambda: s.xenapi.network_sriov.frobnicate(),
                       "network_sriov.frobnicate")
        expect_failure("MESSAGE_PARAMETER_COUNT_MISMATCH",
                       lambda: s.xenapi.network.get_record(),
                       "network.get_record", "1", "0")
        expect_failure("HANDLE_INVALID",
                       lambda: s.xenapi.network.get_record("OpaqueRef:x"),
                       "network", "OpaqueRef:x")
        s.xenapi.session.logout()
    check("bad session, unknown method, count, handle",
          t_bad_session_unknown_method)

    def t_wrong_password():
        s = local_session()
        expect_failure("SESSION_AUTHENTICATION_FAILED",
                       lambda: s.xenapi.login_with_password("py", "nope"),
                       "py")
    check("wrong password", t_wrong_password)

    def t_tcp_keepalive_and_events():
        s = Session("http://127.0.0.1:%d/" % port)
        s.xenapi.login_with_password("py", "py-secret")
        token = s.xenapi.event.inject("pool", POOL)
        r = getattr(s.xenapi.event, "from")(["pool"], token, 60.1)
        assert [e["operation"] for e in r["events"]] == ["mod"], r
        assert r["events"][0]["snapshot"]["uuid"]
        assert r["valid_ref_counts"]["pool"] == 1
        token = r["token"]
        # A second connection changes the pool while this one waits.
        other = Session("http://127.0.0.1:%d/RPC2" % port)
        other.xenapi.login_with_password("py", "py-secret")
        t = threading.Timer(0.2, lambda: other.xenapi.pool.set_name_label(
            POOL, "from python"))
        t.start()
        r = getattr(s.xenapi.event, "from")(["POOL"], token, 60)
        t.join()
        assert r["events"][0]["snapshot"]["name_label"] == "from python", r
        # Nothing new: returns empty after the timeout (an int works too).
        r = getattr(s.xenapi.event, "from")(["pool"], r["token"], 1)
        assert r["events"] == [], r
        other.xenapi.session.logout()
        s.xenapi.session.logout()
    check("TCP keep-alive, event.inject/from", t_tcp_keepalive_and_events)

    def t_jsonrpc():
        def post(body):
            req = urllib.request.Request(
                "http://127.0.0.1:%d/jsonrpc" % port,
                data=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req) as r:
                assert r.headers["Content-Type"] == "application/json"
                return json.loads(r.read())
        r = post({"jsonrpc": "2.0", "id": 4, "method":
                  "session.login_with_password", "params": ["py", "py-secret"]})
        assert "error" not in r and r["id"] == 4, r
        r = post({"id": 5, "method": "pool.get_all", "params": [r["result"]]})
        assert r == {"result": [POOL], "error": None, "id": 5}, r
    check("JSON-RPC v1 and v2 with urllib", t_jsonrpc)

    def t_https():
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-days", "2", "-subj", "/CN=localhost",
                        "-keyout", tmp + "/key.pem", "-out",
                        tmp + "/cert.pem"], capture_output=True, check=True)
        _, tls_port, _ = start("tls", "--no-socket", "--tls-cert",
                               tmp + "/cert.pem", "--tls-key",
                               tmp + "/key.pem")
        s = Session("https://127.0.0.1:%d/" % tls_port,
                    context=ssl._create_unverified_context())
        s.xenapi.login_with_password("py", "py-secret")
        assert s.xenapi.pool.get_all() == [POOL]
        s.xenapi.session.logout()
    if shutil.which("openssl"):
        check("HTTPS", t_https)
    else:
        print("note: openssl is not installed: HTTPS not tried")

    def t_unsafe_users_file():
        loose = os.path.join(tmp, "loose-users")
        with open(loose, "w") as f:
            f.write("py:" + digest)
        os.chmod(loose, 0o644)
        lsock, _, llog = start("loose", users=loose)
        s = Session("http://x/", transport=UnixTransport(lsock))
        expect_failure("SESSION_AUTHENTICATION_FAILED",
                       lambda: s.xenapi.login_with_password("py", "py-secret"),
                       "py")
        llog.seek(0)
        assert "chmod 600" in llog.read()
    check("users file others can read is refused", t_unsafe_users_file)

    def t_socket_mode():
        st = os.stat(sock)
        assert st.st_mode & 0o777 == 0o600, oct(st.st_mode)
    check("unix socket is 0600", t_socket_mode)
finally:
    for p in procs:
        p.terminate()
        p.wait(timeout=120)
    shutil.rmtree(tmp, ignore_errors=True)

print("python xmlrpc.client: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
