# SPDX-License-Identifier: LGPL-2.1-or-later
# A XenAPI client's event loop (event.from with a timeout, as XenCenter
# and Xen Orchestra run it) on one member of the pool, waiting for one
# event of a change made on another host.
# Usage: pool-events.py URL READY-FILE CLASS OP KEY=VALUE
#   KEY=VALUE matches the event's ref (ref=OpaqueRef:...) or a field of
#   its snapshot (name_label=..., live=False); KEY!=VALUE a field that is
#   not VALUE (master!=OpaqueRef:...).  READY-FILE is made once the client
#   holds a token: changes made after it must be reported.
# Exits 0 when the event came (printing how long it took past 10 s), 1
# after 180 s; each event.from waits at most 60 s, blocking in the server.
# With EVENT_NEXT=1 in the environment, XAPI's older event.register and
# event.next (which blocks with no timeout: the socket gives up at 180 s).
import os
import socket
import sys
import time
import xmlrpc.client

url, ready, cls, op, match = sys.argv[1:6]
key, value = match.split("=", 1)
negate = key.endswith("!")
key = key.rstrip("!")
s = xmlrpc.client.ServerProxy(url)
ses = s.session.login_with_password("u", "pw", "1.0", "test-pool")["Value"]
classes = ["pool", "host", "host_metrics", "network", "PIF", "PCI",
           "network_sriov", "VIF", "VM"]
use_next = os.environ.get("EVENT_NEXT") == "1"
if use_next:
    socket.setdefaulttimeout(180)
    ans = s.event.register(ses, classes)
    token = ""
else:
    ans = getattr(s.event, "from")(ses, classes, "", 0.0)
    token = ans["Value"]["token"]
assert ans["Status"] == "Success", ans
open(ready, "w").close()
start = time.monotonic()
calls = 0
while time.monotonic() - start < 180:
    t0 = time.monotonic()
    if use_next:
        ans = s.event.next(ses)
        if ans["Status"] == "Success":
            ans["Value"] = {"events": ans["Value"], "token": token}
    else:
        ans = getattr(s.event, "from")(ses, classes, token, 60.0)
    calls += 1
    if ans["Status"] != "Success":
        # EVENTS_LOST: a client starts again from "" (XAPI's contract).
        assert ans["ErrorDescription"][0] == "EVENTS_LOST", ans
        token = ""
        continue
    v = ans["Value"]
    assert v["token"] > token or token == "", (v["token"], token)
    token = v["token"]
    if not v["events"] and not use_next:
        # The call returned with nothing: it must have waited its timeout
        # (no busy loop on the server's side).
        assert time.monotonic() - t0 >= 59, time.monotonic() - t0
    for e in v["events"]:
        if e["class"] != cls.lower() or e["operation"] != op:
            continue
        got = e["ref"] if key == "ref" else e.get("snapshot", {}).get(key)
        if got is not None and (str(got) == value) != negate:
            took = time.monotonic() - start
            for f in ("id", "timestamp", "class", "operation", "ref"):
                assert f in e, (f, e)
            assert op == "del" or e["snapshot"]["uuid"] == e["ref"][10:], e
            if took > 10:
                print("# slow: %.1f s for the %s %s event (%d calls)"
                      % (took, cls, op, calls))
            sys.exit(0)
print("FAIL: no %s %s event with %s in 180 s" % (cls, op, match))
sys.exit(1)
