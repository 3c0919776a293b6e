# SPDX-License-Identifier: LGPL-2.1-or-later
"""The endpoint's limits, probed as a client on the network would, against
the real xen-sriovd started with --max-body 65536 --max-per-address 4
--header-timeout 2 (loopback only, every loop bounded):

- 4 half-open connections from 127.0.0.1 are all it may hold: a 5th is
  closed at once, the unix socket still serves, and the half-open ones are
  closed once the header timeout passes;
- a chunked body that never ends is cut off (413 or close) long before
  64 MiB; a Content-Length over the limit is 413;
- a login body over 16 KiB is 413;
- a newline in a user name or a network's name_label forges no log line;
- 100 parallel logins with a wrong password from one client check 5
  passwords; the right one is then refused too (last: it locks the
  client out).

Usage: test-xapi-harden.py URL SOCKET LOG USER PASSWORD
"""
import socket
import sys
import threading
import time
import urllib.parse
import xmlrpc.client

from xapi_client import Checks, Failure, Session, UnixTransport

URL, SOCK, LOG, USER, PASSWORD = sys.argv[1:6]
PORT = urllib.parse.urlsplit(URL).port
CEILING = 60.0

check = Checks()


def tcp():
    return socket.create_connection(("127.0.0.1", PORT), timeout=CEILING)


def closed(s):
    """Has the server closed s (EOF or reset), waiting up to CEILING?"""
    s.settimeout(CEILING)
    start = time.monotonic()
    try:
        data = s.recv(4096)
    except ConnectionResetError:
        data = b""
    except socket.timeout:
        return False
    took = time.monotonic() - start
    if took > 10:
        print("note: the server took %.1f s to close" % took)
    return data == b""


def unix_login():
    s = Session("http://localhost/", transport=UnixTransport(SOCK))
    s.xenapi.login_with_password(USER, PASSWORD, "1.0", "harden")
    return s


def log_text():
    with open(LOG, encoding="utf-8", errors="replace") as f:
        return f.read()


# Half-open connections: the per-address limit and the header timeout.
half = []
for _ in range(4):
    c = tcp()
    c.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")    # headers never end
    half.append(c)
extra = tcp()
extra.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
check("a 5th connection from one address is closed", closed(extra))
s = unix_login()
check("the unix socket serves meanwhile",
      isinstance(s.xenapi.pool.get_all(), list))
for c in half:
    check("a half-open connection is closed after the header timeout",
          closed(c))
    c.close()
t = Session(URL)
t.xenapi.login_with_password(USER, PASSWORD, "1.0", "harden")
check("TCP serves again", isinstance(t.xenapi.pool.get_all(), list))

# A chunked body that never ends.
c = tcp()
c.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"
sent, stopped = 0, False
while sent < 64 << 20:
    try:
        c.sendall(chunk)
    except OSError:
        stopped = True
        break
    sent += len(chunk)
    c.setblocking(False)
    try:
        stopped = c.recv(4096)[:12] in (b"", b"HTTP/1.1 413")
    except BlockingIOError:
        pass
    except OSError:
        stopped = True
    c.setblocking(True)
    if stopped:
        break
check("an endless chunked body is cut off (%d bytes sent)" % sent, stopped)
c.close()

# Content-Length over the limit: 413 before the body.
c = tcp()
c.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
check("Content-Length over --max-body is 413",
      c.recv(4096).startswith(b"HTTP/1.1 413"))
c.close()

# A login body over 16 KiB (under --max-body).
body = xmlrpc.client.dumps((USER, PASSWORD + "x" * 20000),
                           "session.login_with_password").encode()
c = tcp()
c.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
          b"Content-Length: %d\r\n\r\n" % len(body) + body)
check("a login body over 16 KiB is 413",
      c.recv(4096).startswith(b"HTTP/1.1 413"))
c.close()

# Forged log lines: a login user name and a network's name_label.
forged = "x\nxen-sriovd: session opened for user 'root' from 10.6.6.6"
try:
    Session(URL).xenapi.login_with_password(forged, "pw", "1.0", "t")
    check("login with a forged name failed", False)
except Failure:
    pass
net = s.xenapi.network.create({"name_label": forged, "name_description": "",
                                "MTU": "1500", "other_config": {}})
s.xenapi.network.destroy(net)
text = log_text()
check("no forged line in the log",
      "\nxen-sriovd: session opened for user 'root' from 10.6.6.6" not in text)
check("the names are logged escaped", text.count("x\\x0axen-sriovd") >= 2)

# 100 parallel wrong logins from one client (the unix socket's uid 0).
before = log_text().count("login failed for user '%s'" % USER)
results = []
go = threading.Barrier(100)


def wrong_login():
    p = Session("http://localhost/", transport=UnixTransport(SOCK))
    go.wait()
    try:
        p.xenapi.login_with_password(USER, "wrong", "1.0", "t")
        results.append("in")
    except Failure as f:
        results.append(f.details[0])


threads = [threading.Thread(target=wrong_login) for _ in range(100)]
for th in threads:
    th.start()
for th in threads:
    th.join(CEILING)
check("100 attempts answered", len(results) == 100)
check("all refused", set(results) == {"SESSION_AUTHENTICATION_FAILED"})
checked = log_text().count("login failed for user '%s'" % USER) - before
check("5 passwords checked, not %d" % checked, checked == 5)
try:
    unix_login()
    check("the right password after the lockout is refused", False)
except Failure as f:
    check("locked out: %s" % f.details, "Too many" in f.details[2]
          if len(f.details) > 2 else "Too many" in str(f.details))

print("PASS: %d checks" % check.passed)
