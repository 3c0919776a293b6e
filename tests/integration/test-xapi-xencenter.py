# SPDX-License-Identifier: LGPL-2.1-or-later
"""XenCenter's connect sequence, call by call as xenserver/xenadmin makes
it (the list with file:line is in docs/xenapi.md, "XenCenter's connect
sequence"), against the real xen-sriovd: over JSON-RPC v2 on /jsonrpc as
XenCenter's JsonRpcClient speaks it, and over XML-RPC in XenAPI.py's
idiom.  Then the heartbeat, the empty classes, XAPI's class_message
spelling, and what the records say.

Usage: test-xapi-xencenter.py URL SOCKET SRIOV_ROOT USER PASSWORD
"""
import datetime
import hashlib
import http.client
import json
import os
import re
import sys
import urllib.parse

from xapi_client import Checks, Failure, Session, UnixTransport

URL, SOCK, ROOT, USER, PASSWORD = sys.argv[1:6]
check = Checks()

# gen_rbac.ml: Constants.rbac_pool_admin_uuid, the others MD5 of the name.
POOL_ADMIN_UUID = "0165f154-ba3e-034e-6b27-5d271af109ba"
ROLES = ["pool-admin", "pool-operator", "vm-power-admin", "vm-admin",
         "vm-operator", "read-only"]
EMPTY = ["SR", "PBD", "message", "Bond", "VLAN", "tunnel"]


def role_uuid(name):
    if name == "pool-admin":
        return POOL_ADMIN_UUID
    h = hashlib.md5(name.encode()).hexdigest()
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


class JsonRpcV2:
    """XenCenter's JsonRpcClient (XenModel/XenAPI/JsonRpc.cs): POST
    <url>/jsonrpc, {"jsonrpc": "2.0", "method", "params", "id"}, keep-alive;
    a failure is error.message + error.data."""

    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port,
                                               timeout=120)
        self.id = 0
        self.session = None

    def rpc(self, method, *params):
        self.id += 1
        body = json.dumps({"jsonrpc": "2.0", "method": method,
                           "params": list(params), "id": self.id})
        self.conn.request("POST", "/jsonrpc", body,
                          {"Content-Type": "application/json",
                           "User-Agent": "XenCenter/2024.1.0"})
        resp = self.conn.getresponse()
        data = resp.read()
        check("%s: HTTP 200" % method, resp.status == 200)
        check("%s: application/json" % method,
              resp.getheader("Content-Type") == "application/json")
        reply = json.loads(data)
        check("%s: v2 reply" % method, reply.get("jsonrpc") == "2.0" and
              reply.get("id") == self.id)
        if "error" in reply:
            raise Failure([reply["error"]["message"]] +
                          reply["error"].get("data", []))
        return reply["result"]

    def call(self, method, *params):
        return self.rpc(method, self.session, *params)

    def login(self, user, password, version, originator):
        self.session = self.rpc("session.login_with_password", user,
                                password, version, originator)
        return self.session


class XmlRpc:
    """The same calls in XenAPI.py's idiom (session.xenapi.*)."""

    def __init__(self, url):
        self.s = Session(url)

    def call(self, method, *params):
        return self.s.call(method, *params)

    def login(self, user, password, version, originator):
        return self.s.xenapi.login_with_password(user, password, version,
                                                 originator)


def as_text(v):
    """A dateTime: xmlrpc.client gives a DateTime, JSON a string."""
    return v.value if hasattr(v, "value") else v


def version_ge(v, floor):
    """Helpers.ProductVersionCompare on dotted numbers."""
    a = [int(x) for x in v.split(".")]
    b = [int(x) for x in floor.split(".")]
    return a >= b


expect_failure = check.failure


def sysfs(dev, attr):
    try:
        with open(os.path.join(ROOT, "sys/class/net", dev, attr)) as f:
            return f.read().strip()
    except OSError:
        return ""


def connect(c, proto):
    # XenConnection.cs:450 -> Session.cs:379: the 4-argument login.
    c.login(USER, PASSWORD, "2.21", "XenCenter/2024.1.0")
    # Session.cs:381 SetupSessionDetails -> SetAPIVersion (Session.cs:193,
    # 198): the pool, then its master's record for the API version.
    pools = c.call("pool.get_all_records")
    check(proto + ": one pool", len(pools) == 1)
    pool_ref, pool = list(pools.items())[0]
    master = pool["master"]
    host = c.call("host.get_record", master)
    check(proto + ": API >= 2.6 (XenConnection.cs:1146)",
          (int(host["API_version_major"]), int(host["API_version_minor"]))
          >= (2, 6))
    # SetADDetails (Session.cs:223) and SetRbacPermissions (245, 246).
    check(proto + ": local superuser",
          c.call("session.get_is_local_superuser", c.session
                 if proto == "json" else c.s._session) is True)
    me = c.session if proto == "json" else c.s._session
    perms = c.call("session.get_rbac_permissions", me)
    check(proto + ": permissions", isinstance(perms, list) and
          "role.get_all_records" in perms)
    roles = c.call("role.get_all_records")
    check_roles(proto, roles)
    # XenConnection.cs:1175 -> XenObjectDownloader.cs:73, 99: the roles
    # again, then every object through event.from("*", "", 30).
    c.call("role.get_all_records")
    batch = c.call("event.from", ["*"], "", 30.0)
    events = batch["events"]
    check(proto + ": events", isinstance(events, list) and
          all(e["operation"] == "add" for e in events))
    by_class = {}
    for e in events:
        by_class.setdefault(e["class"], {})[e["ref"]] = e["snapshot"]
    for cls in ("pool", "host", "pif", "pif_metrics", "host_metrics",
                "pci"):
        check(proto + ": event.from has " + cls, cls in by_class)
    counts = batch["valid_ref_counts"]
    for cls in EMPTY + ["VM", "PIF_metrics", "host_metrics"]:
        check(proto + ": valid_ref_counts." + cls.lower(),
              cls.lower() in counts)
    # XenConnection.cs:1258 -> 1447: the coordinator's clock.
    t = as_text(c.call("host.get_servertime", master))
    check(proto + ": servertime format " + t,
          re.fullmatch(r"\d{8}T\d\d:\d\d:\d\dZ", t) is not None)
    skew = abs((datetime.datetime.strptime(t, "%Y%m%dT%H:%M:%SZ") -
                datetime.datetime.utcnow()).total_seconds())
    check(proto + ": servertime is now (skew %.0f s)" % skew, skew < 300)
    # MainWindow.cs:903: the brand; MainWindow.cs:675: the tasks.
    snap_host = by_class["host"][master]
    check(proto + ": brand is ours",
          snap_host["software_version"].get("product_brand") == "xen-sriov")
    c.call("task.get_all_records")
    # The event loop (XenConnection.cs:1184 -> XenObjectDownloader.cs:99)
    # on a duplicate session (the same ref), then the heartbeat
    # (Heartbeat.cs:125, 182): host.get_servertime after event.from.
    batch2 = c.call("event.from", ["*"], batch["token"], 1.0)
    check(proto + ": second event.from", isinstance(batch2["events"], list))
    t2 = as_text(c.call("host.get_servertime", master))
    check(proto + ": heartbeat servertime", t2 >= t)
    return master, by_class


def check_roles(proto, roles):
    by_name = {r["name_label"]: (ref, r) for ref, r in roles.items()}
    for name in ROLES:
        check(proto + ": role " + name, name in by_name)
        ref, r = by_name[name]
        check(proto + ": role uuid " + name,
              r["uuid"] == role_uuid(name) and ref == "OpaqueRef:" + r["uuid"])
        check(proto + ": role has subroles " + name,
              len(r["subroles"]) > 0 and
              all(s in roles and roles[s]["subroles"] == []
                  for s in r["subroles"]))
        check(proto + ": role not internal", r["is_internal"] is False)
    # Each role holds what the less privileged ones hold.
    for hi, lo in zip(ROLES, ROLES[1:]):
        check(proto + ": %s >= %s" % (hi, lo),
              set(by_name[lo][1]["subroles"]) <=
              set(by_name[hi][1]["subroles"]))
    p = by_name["host.get_servertime"][1]
    check(proto + ": permission host.get_servertime",
          p["uuid"] == role_uuid("host.get_servertime") and
          p["subroles"] == [] and p["is_internal"] is True and
          p["name_description"] == "A basic permission")
    check(proto + ": permission names lower case",
          "pif.get_all_records" in by_name and
          by_name["pif.get_all_records"][1]["uuid"] ==
          role_uuid("PIF.get_all_records"))
    check(proto + ": read-only may not create networks",
          roles_has(by_name, "read-only", "network_sriov.create") is False and
          roles_has(by_name, "pool-operator", "network_sriov.create"))


def roles_has(by_name, role, perm):
    return "OpaqueRef:" + role_uuid(perm) in by_name[role][1]["subroles"]


def records(c, proto, master, by_class):
    host = c.call("host.get_record", master)
    sv = host["software_version"]
    check(proto + ": platform_version >= 2.5.50 (Helpers.KolkataOrGreater)",
          version_ge(sv["platform_version"], "2.5.50"))
    check(proto + ": build_number", sv["build_number"] != "")
    check(proto + ": product_version", sv["product_version"] != "")
    # create_misc.ml make_software_version: "(unknown)" without Xen.
    check(proto + ": xen (unknown) in a dry run",
          sv.get("xen") == "(unknown)")
    check(proto + ": restrict_network_sriov false",
          host["license_params"]["restrict_network_sriov"] == "false")
    hm = c.call("host_metrics.get_record", host["metrics"])
    check(proto + ": host.metrics", hm ==
          c.call("host_metrics.get_all_records")[host["metrics"]] or
          hm["uuid"] == c.call("host_metrics.get_uuid", host["metrics"]))
    check(proto + ": memory", int(hm["memory_total"]) > 0 and
          0 <= int(hm["memory_free"]) <= int(hm["memory_total"]) and
          hm["live"] is True)
    check(proto + ": host.get_metrics",
          c.call("host.get_metrics", master) == host["metrics"])
    local = as_text(c.call("host.get_server_localtime", master))
    check(proto + ": localtime without zone " + local,
          re.fullmatch(r"\d{8}T\d\d:\d\d:\d\d", local) is not None)
    expect_failure(proto + ": servertime of no host",
                   ["HANDLE_INVALID", "host",
                    "OpaqueRef:00000000-0000-4000-8000-000000000000"],
                   c.call, "host.get_servertime",
                   "OpaqueRef:00000000-0000-4000-8000-000000000000")
    pifs = c.call("PIF.get_all_records")
    pm = c.call("PIF_metrics.get_all_records")
    check(proto + ": a PIF_metrics per PIF", len(pm) == len(pifs))
    for ref, p in pifs.items():
        m = pm.get(p["metrics"])
        check(proto + ": PIF.metrics of " + p["device"], m is not None)
        check(proto + ": PIF_metrics snapshot " + p["device"],
              by_class["pif_metrics"][p["metrics"]]["uuid"] == m["uuid"])
        if not p["physical"]:
            continue
        pci = c.call("PCI.get_record", p["PCI"])
        check(proto + ": NIC names " + p["device"],
              m["vendor_name"] == pci["vendor_name"] and
              m["device_name"] == pci["device_name"] and
              m["vendor_name"] != "" and m["pci_bus_path"] == pci["pci_id"])
        check(proto + ": carrier " + p["device"],
              m["carrier"] is (sysfs(p["device"], "carrier") == "1"))
        speed = sysfs(p["device"], "speed")
        check(proto + ": speed " + p["device"],
              int(m["speed"]) == (int(speed) if speed.isdigit() else 0))
    # The session itself.
    me = c.session if proto == "json" else c.s._session
    check(proto + ": get_this_host",
          c.call("session.get_this_host", me) == master)
    check(proto + ": get_this_user",
          c.call("session.get_this_user", me) == "OpaqueRef:NULL")
    srec = c.call("session.get_record", me)
    check(proto + ": session record", srec["this_host"] == master and
          srec["auth_user_name"] == USER and
          srec["originator"] == "XenCenter/2024.1.0" and
          srec["is_local_superuser"] is True and
          srec["uuid"] == c.call("session.get_uuid", me))
    # Classes with nothing here: empty sets, never MESSAGE_METHOD_UNKNOWN.
    for cls in EMPTY:
        check(proto + ": %s.get_all_records" % cls,
              c.call(cls + ".get_all_records") == {})
        check(proto + ": %s.get_all" % cls, c.call(cls + ".get_all") == [])
    # XAPI's alternative wire names (gen_server.ml name_pattern_match).
    # The VM class is read from Xen: dom0 is the control domain.
    vms = c.call("VM.get_all_records")
    check(proto + ": VM.get_all_records has the control domain",
          any(v["is_control_domain"] for v in vms.values()))
    check(proto + ": VM_get_all_records",
          c.call("VM_get_all_records") == vms)
    check(proto + ": PIF_metrics_get_all",
          sorted(c.call("PIF_metrics_get_all")) == sorted(pm))
    check(proto + ": network_sriov_get_all_records",
          c.call("network_sriov_get_all_records") ==
          c.call("network_sriov.get_all_records"))
    check(proto + ": event_from", "token" in
          c.call("event_from", ["pool"], "", 0.0))
    expect_failure(proto + ": unknown alternative", ["MESSAGE_METHOD_UNKNOWN",
                                                     "VM_frobnicate"],
                   c.call, "VM_frobnicate")
    expect_failure(proto + ": arity named as called",
                   ["MESSAGE_PARAMETER_COUNT_MISMATCH", "host_get_record",
                    "1", "0"], c.call, "host_get_record")
    expect_failure(proto + ": no Async alternative",
                   ["MESSAGE_METHOD_UNKNOWN", "Async.network_create"],
                   c.call, "Async.network_create", {})


def xapi_local():
    """XenAPI.py's xapi_local(): root on the unix socket, no password."""
    local = Session("http://_var_run_xen-sriov/", UnixTransport(SOCK))
    local.xenapi.login_with_password("root", "", "2.21", "xapi_local")
    me = local._session
    check("xapi_local: superuser",
          local.xenapi.session.get_is_local_superuser(me) is True and
          local.xenapi.session.get_auth_user_name(me) == "root")
    check("xapi_local: pool", len(local.xenapi.pool.get_all()) == 1)
    local.xenapi.session.logout()
    # Over TCP the same empty password is a failed login.
    expect_failure("no password over TCP", ["SESSION_AUTHENTICATION_FAILED",
                                            "root", "Authentication failure"],
                   Session(URL).xenapi.login_with_password, "root", "",
                   "2.21", "tcp")


def main():
    if len(sys.argv) > 6 and sys.argv[6] == "--not-root":
        # Run by a uid other than 0: the socket names it, no way in.
        s = Session("http://_var_run_xen-sriov/", UnixTransport(SOCK))
        expect_failure("not root on the socket",
                       ["SESSION_AUTHENTICATION_FAILED", "root",
                        "Authentication failure"],
                       s.xenapi.login_with_password, "root", "", "2.21", "x")
        print("%d checks passed" % check.passed)
        return
    xapi_local()
    for proto, client in (("json", JsonRpcV2(URL)), ("xml", XmlRpc(URL))):
        master, by_class = connect(client, proto)
        records(client, proto, master, by_class)
        client.call("session.logout")
    print("%d checks passed" % check.passed)


main()
