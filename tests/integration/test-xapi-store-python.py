# SPDX-License-Identifier: LGPL-2.1-or-later
"""Python's standard xmlrpc.client, used as XenAPI.py uses it, against the
real xen-sriovd serving the store: the records clients cache, an SR-IOV
network created and destroyed, a change made by the xe binary arriving as
a "mod" event, a VIF created, plugged, unplugged and destroyed, XAPI's errors, and Async
calls polled as XenCenter polls its tasks.

Usage: test-xapi-store-python.py URL SOCKET XE USER PASSWORD
"""
import ctypes
import os
import subprocess
import sys
import time
import xmlrpc.client

from xapi_client import Checks, Session, UnixTransport, unwrap

URL, SOCK, XE, USER, PASSWORD = sys.argv[1:6]
VM = "OpaqueRef:11111111-2222-4333-8444-555555555501"


def network_record(label, **more):
    """A whole network.create record, as XenCenter and Xen Orchestra send
    it: XAPI requires other_config (no default in its datamodel)."""
    rec = {"name_label": label, "name_description": "", "MTU": "1500",
           "other_config": {}, "tags": []}
    rec.update(more)
    return rec

check = Checks()


expect_failure = check.failure


def expect_refusal(what, details, fn, *args):
    """fn(*args) fails with these details, then a reason (any text)."""
    try:
        fn(*args)
    except Exception as f:  # xapi_client.Failure
        got = getattr(f, "details", None) or []
        check("%s: %s starts %s" % (what, got, details),
              got[:len(details)] == details and len(got) == len(details) + 1
              and got[-1] != "")
        return
    check("%s: no failure" % what, False)


# Waits end with the event they wait for; the ceiling is for a machine that
# is busy, and a wait past SLOW seconds says so.
WAIT_MAX = 120.0
SLOW = 5.0


def slow(what, start):
    took = time.monotonic() - start
    if took > SLOW:
        print("# slow: %.1f s for %s" % (took, what), flush=True)


class Events:
    """event.from as clients loop on it: every event seen, by ref/op."""

    def __init__(self, s):
        self.s = s
        self.token = s.call("event.from", ["*"], "", 0.0)["token"]
        self.seen = []

    def wait(self, ref, op, pred=lambda snapshot: True, timeout=WAIT_MAX):
        start = time.monotonic()
        end = start + timeout
        while True:
            for e in self.seen:
                if e["ref"] == ref and e["operation"] == op and \
                        pred(e.get("snapshot")):
                    self.seen.remove(e)
                    slow("event %s of %s" % (op, ref), start)
                    return e
            if time.monotonic() > end:
                slow("event %s of %s (never came)" % (op, ref), start)
                return None
            res = self.s.call("event.from", ["*"], self.token, 1.0)
            check("valid_ref_counts", isinstance(res["valid_ref_counts"],
                                                 dict))
            self.token = res["token"]
            self.seen.extend(res["events"])


def set_domains(domids):
    """The domains the test's xenstored says exist (tests/helpers/xs-run)."""
    path = os.path.join(os.environ["XS_RUN_DIR"], "domains")
    with open(path + ".tmp", "w") as f:
        f.write(domids + "\n")
    os.rename(path + ".tmp", path)


def xs_domain(domid, introduce):
    """xs_introduce_domain / xs_release_domain (libxenstore, by ctypes)."""
    lib = ctypes.CDLL("libxenstore.so.4")
    lib.xs_open.restype = ctypes.c_void_p
    lib.xs_close.argtypes = [ctypes.c_void_p]
    h = lib.xs_open(0)
    if introduce:
        lib.xs_introduce_domain.argtypes = [ctypes.c_void_p, ctypes.c_uint,
                                            ctypes.c_ulong, ctypes.c_uint]
        ok = lib.xs_introduce_domain(h, domid, 1, 1)
    else:
        lib.xs_release_domain.argtypes = [ctypes.c_void_p, ctypes.c_uint]
        ok = lib.xs_release_domain(h, domid)
    lib.xs_close(h)
    check("xs %s domain %d" % ("introduce" if introduce else "release",
                               domid), bool(h) and ok)


def wait_task(s, task, timeout=WAIT_MAX):
    """Poll task.get_status as XenCenter does, with a bounded wait."""
    start = time.monotonic()
    end = start + timeout
    while True:
        status = s.call("task.get_status", task)
        if status not in ("pending", "cancelling") or \
                time.monotonic() > end:
            slow("task %s (%s)" % (task, status), start)
            return status
        time.sleep(0.02)


def by_device(pifs, device):
    return [r for r, p in pifs.items() if p["device"] == device][0]


def main():
    s = Session(URL)
    s.xenapi.login_with_password(USER, PASSWORD, "1.0", "test-xapi-store-python")

    # What a client caches when it connects.
    pools = s.call("pool.get_all_records")
    check("one pool", len(pools) == 1)
    pool = list(pools.values())[0]
    check("pool other_config is a map", pool["other_config"] == {})
    hosts = s.call("host.get_all_records")
    check("pool master is the host", pool["master"] in hosts)
    pifs = s.call("PIF.get_all_records")
    port1 = by_device(pifs, "enp59s0f1")
    eno1 = by_device(pifs, "eno1")
    check("capabilities", pifs[port1]["capabilities"] == ["sriov"] and
          pifs[eno1]["capabilities"] == [])
    check("PIF PCI", pifs[port1]["PCI"] in s.call("PCI.get_all_records"))
    check("no SR-IOV yet", s.call("network_sriov.get_all_records") == {})
    s.call("network.get_all_records")
    s.call("VIF.get_all_records")
    ev = Events(s)
    # XAPI's older event.register/event.next, on a session of its own.
    s2 = Session(URL)
    s2.xenapi.login_with_password(USER, PASSWORD, "1.0", "test-event-next")
    expect_refusal("event.next before event.register",
                   ["SESSION_NOT_REGISTERED"], s2.call, "event.next")
    s2.call("event.register", ["network"])

    # An SR-IOV network.
    net = s.call("network.create", network_record("py-sriov"))
    check("network add event", ev.wait(net, "add") is not None)
    got, start = [], time.monotonic()
    while (not any(e["ref"] == net and e["operation"] == "add" for e in got)
           and time.monotonic() - start < WAIT_MAX):
        got.extend(s2.call("event.next"))  # blocks until there are events
    slow("event.next", start)
    check("event.next: the network's add with its snapshot",
          any(e["ref"] == net and e["operation"] == "add" and
              e["snapshot"]["name_label"] == "py-sriov" for e in got))
    check("event.next: only the registered class",
          all(e["class"] == "network" for e in got))
    s2.call("event.unregister", ["network"])
    s2.xenapi.session.logout()
    sriov = s.call("network_sriov.create", port1, net)
    e = ev.wait(sriov, "add")
    check("network_sriov add event with snapshot",
          e is not None and e["class"] == "network_sriov" and
          e["snapshot"]["physical_PIF"] == port1)
    e = ev.wait(port1, "mod", lambda r: r["sriov_physical_PIF_of"] != [])
    check("PIF mod event: sriov_physical_PIF_of",
          e is not None and e["snapshot"]["sriov_physical_PIF_of"] ==
          [sriov])
    rec = s.call("network_sriov.get_record", sriov)
    check("record", rec["configuration_mode"] == "sysfs" and
          rec["requires_reboot"] is False and
          rec == s.call("network_sriov.get_all_records")[sriov])
    check("get_by_uuid", s.call("network_sriov.get_by_uuid", rec["uuid"])
          == sriov)
    check("remaining capacity",
          int(s.call("network_sriov.get_remaining_capacity", sriov)) == 64)
    logical = rec["logical_PIF"]
    lrec = s.call("PIF.get_record", logical)
    check("logical PIF", lrec["physical"] is False and
          lrec["sriov_logical_PIF_of"] == [sriov] and lrec["network"] == net)

    # A change made by the xe binary, another process.
    uuid = s.call("network.get_uuid", net)
    subprocess.run([XE, "network-param-set", "uuid=" + uuid,
                    "name-label=renamed by xe"], check=True)
    e = ev.wait(net, "mod", lambda r: r["name_label"] != "py-sriov")
    check("xe's change as a mod event",
          e is not None and e["snapshot"]["name_label"] == "renamed by xe")

    # A VIF.
    vif = s.call("VIF.create", {"VM": VM, "network": net, "device": "0",
                                "MAC": "", "MTU": "1500",
                                "other_config": {"vlan": "100"},
                                "qos_algorithm_type": "",
                                "qos_algorithm_params": {}})
    check("VIF add event", ev.wait(vif, "add") is not None)
    vrec = s.call("VIF.get_record", vif)
    check("VIF record", vrec["VM"] == VM and vrec["network"] == net and
          vrec["other_config"] == {"vlan": "100"})

    # The VM class: the VMs of Xen (xl configs vm1..vm4 and dom0).
    vms = s.call("VM.get_all_records")
    check("VM.get_all_records: dom0 and the 4 configs", len(vms) == 5)
    dom0 = [r for r, v in vms.items() if v["is_control_domain"]]
    check("one control domain, dom-id 0, running",
          len(dom0) == 1 and vms[dom0[0]]["domid"] in (0, "0") and
          vms[dom0[0]]["power_state"] == "Running")
    vm = vms.get(VM, {})
    check("VM record: XAPI's names and types",
          vm.get("uuid") == VM[len("OpaqueRef:"):] and
          vm.get("name_label") == "vm1" and
          vm.get("power_state") == "Halted" and
          vm.get("is_a_template") is False and
          vm.get("VIFs") == [vif] and
          vm.get("resident_on") == "OpaqueRef:NULL" and
          vm.get("other_config") == {})
    check("VM.get_all", sorted(s.call("VM.get_all")) == sorted(vms))
    check("VM.get_record", s.call("VM.get_record", VM) == vm)
    check("VM.get_by_uuid",
          s.call("VM.get_by_uuid", vm.get("uuid", "")) == VM)
    check("VM.get_by_name_label",
          s.call("VM.get_by_name_label", "vm1") == [VM] and
          s.call("VM.get_by_name_label", "nobody") == [])
    check("VM.get_name_label", s.call("VM.get_name_label", VM) == "vm1")
    check("VM.get_VIFs", s.call("VM.get_VIFs", VM) == [vif])
    check("VM.get_is_control_domain",
          s.call("VM.get_is_control_domain", dom0[0]) is True)
    # A domain starting and dying (written as libxl writes it: the test's
    # xenstored has no hypervisor) is a mod of its VM.
    vm2 = "OpaqueRef:11111111-2222-4333-8444-555555555502"
    u2 = vm2[len("OpaqueRef:"):]
    subprocess.run(["xenstore-write", "/local/domain/6/vm", "/vm/" + u2,
                    "/local/domain/6/name", "vm2", "/vm/" + u2 + "/name",
                    "vm2"], check=True)
    e = ev.wait(vm2, "mod", lambda r: r and r["power_state"] == "Running")
    check("domain start: mod of its VM, running as domain 6",
          e is not None and e["snapshot"]["domid"] in (6, "6") and
          e["snapshot"]["resident_on"] != "OpaqueRef:NULL")
    # The host links its VMs as XAPI does: control_domain is dom0's,
    # resident_VMs the running ones (records.ml:3374-3382, the same in xe).
    host = s.call("host.get_all")[0]
    hrec = s.call("host.get_record", host)
    check("host.control_domain is dom0's VM",
          hrec["control_domain"] == dom0[0] and
          s.call("host.get_control_domain", host) == dom0[0])
    check("host.resident_VMs: dom0 and the running vm2",
          sorted(hrec["resident_VMs"]) == sorted([dom0[0], vm2]) and
          sorted(s.call("host.get_resident_VMs", host)) ==
          sorted([dom0[0], vm2]))
    xe_res = subprocess.run(
        [XE, "host-param-get", "uuid=" + host[len("OpaqueRef:"):],
         "param-name=resident-vms"], capture_output=True, text=True)
    check("xe shows the same resident VMs",
          sorted(xe_res.stdout.strip().split("; ")) ==
          sorted(r[len("OpaqueRef:"):] for r in [dom0[0], vm2]))
    check("host.bios_strings: XAPI's keys (bios_strings.ml)",
          {"bios-vendor", "system-product-name", "baseboard-manufacturer",
           "oem-1", "oem-2", "hp-rombios"} <= set(hrec["bios_strings"]) and
          hrec["bios_strings"]["oem-1"] == "Xen")
    subprocess.run(["xenstore-rm", "/local/domain/6"], check=True)
    subprocess.run(["xenstore-rm", "/vm/" + u2], check=True)
    e = ev.wait(vm2, "mod", lambda r: r and r["power_state"] == "Halted")
    check("domain death: mod of its VM, halted",
          e is not None and e["snapshot"]["domid"] in (-1, "-1"))
    # other_config: XenServer 5.6's pci passthrough list, kept in the
    # store; a change is a mod of the VM; bad input changes nothing.
    dev = "0/0000:3b:02.2"
    s.call("VM.add_to_other_config", VM, "pci", dev)
    e = ev.wait(VM, "mod", lambda r: r and
                r["other_config"].get("pci") == dev)
    check("VM.add_to_other_config pci: a mod event", e is not None)
    check("VM.get_other_config",
          s.call("VM.get_other_config", VM) == {"pci": dev})
    expect_refusal("other_config:pci: a bad address",
                   ["VALUE_NOT_SUPPORTED", "other_config:pci",
                    "0/0000:3b:02"],
                   s.call, "VM.set_other_config", VM,
                   {"pci": "0/0000:3b:02", "x": "y"})
    expect_refusal("other_config:pci: no such device",
                   ["VALUE_NOT_SUPPORTED", "other_config:pci",
                    "0/0000:77:00.0"],
                   s.call, "VM.set_other_config", vm2,
                   {"pci": "0/0000:77:00.0"})
    expect_refusal("other_config:pci: another VM's",
                   ["VALUE_NOT_SUPPORTED", "other_config:pci", dev],
                   s.call, "VM.add_to_other_config", vm2, "pci", dev)
    expect_failure("add_to_other_config: the key is there",
                   ["MAP_DUPLICATE_KEY", "VM", "other_config",
                    VM[len("OpaqueRef:"):], "pci"],
                   s.call, "VM.add_to_other_config", VM, "pci", dev)
    check("bad input changed nothing",
          s.call("VM.get_other_config", VM) == {"pci": dev} and
          s.call("VM.get_other_config", vm2) == {})
    s.call("VM.set_other_config", VM, {"owner": "ops"})
    check("VM.set_other_config replaces the map",
          ev.wait(VM, "mod", lambda r: r and
                  r["other_config"] == {"owner": "ops"}) is not None)
    s.call("VM.remove_from_other_config", VM, "owner")
    check("VM.remove_from_other_config",
          ev.wait(VM, "mod", lambda r: r and r["other_config"] == {})
          is not None and s.call("VM.get_other_config", VM) == {})
    expect_failure("other_config of no VM",
                   ["HANDLE_INVALID", "VM",
                    "OpaqueRef:0e9d2c4a-1b3f-4a5e-8c7d-6f5e4d3c2b1a"],
                   s.call, "VM.add_to_other_config",
                   "OpaqueRef:0e9d2c4a-1b3f-4a5e-8c7d-6f5e4d3c2b1a", "a",
                   "b")

    # An xl config written, edited, removed: add, mod, del of its VM.
    cfg = os.path.join(os.environ["SRIOV_ROOT"], "etc/xen/vm5.cfg")
    vm5 = "OpaqueRef:11111111-2222-4333-8444-555555555505"
    with open(cfg, "w") as f:
        f.write('name = "vm5"\nuuid = "%s"\nmemory = 256\n'
                % vm5[len("OpaqueRef:"):])
    check("a new config: add of its VM", ev.wait(vm5, "add") is not None)
    with open(cfg + ".tmp", "w") as f:
        f.write('name = "vm5"\nuuid = "%s"\nmemory = 512\n'
                % vm5[len("OpaqueRef:"):])
    os.rename(cfg + ".tmp", cfg)
    e = ev.wait(vm5, "mod", lambda r: r and
                int(r["memory_static_max"]) == 512 << 20)
    check("an edited config: mod of its VM", e is not None)
    os.unlink(cfg)
    check("a removed config: del of its VM", ev.wait(vm5, "del") is not None)
    nobody = "OpaqueRef:0e9d2c4a-1b3f-4a5e-8c7d-6f5e4d3c2b1a"
    expect_failure("VM.get_record of no VM", ["HANDLE_INVALID", "VM", nobody],
                   s.call, "VM.get_record", nobody)
    expect_failure("VIF.create for no VM", ["HANDLE_INVALID", "VM", nobody],
                   s.call, "VIF.create",
                   {"VM": nobody, "network": net, "device": "1", "MAC": "",
                    "MTU": "1500", "other_config": {},
                    "qos_algorithm_type": "", "qos_algorithm_params": {}})
    # VIF.plug and VIF.unplug (XAPI's checks, then the plugin's VF attach
    # and release) and the VIF's allowed_operations.
    halted = ["VM_BAD_POWER_STATE", VM, "running", "halted"]
    check("allowed_operations of a halted VM's VIF",
          s.call("VIF.get_allowed_operations", vif) == ["attach"])
    expect_failure("VIF.plug of a halted VM", halted, s.call, "VIF.plug", vif)
    expect_failure("VIF.unplug of a halted VM", halted,
                   s.call, "VIF.unplug", vif)
    expect_failure("VIF.plug of no VIF", ["HANDLE_INVALID", "VIF", nobody],
                   s.call, "VIF.plug", nobody)
    u1 = VM[len("OpaqueRef:"):]
    subprocess.run(["xenstore-write", "/local/domain/7/vm", "/vm/" + u1,
                    "/local/domain/7/name", "vm1", "/local/domain/7/domid",
                    "7", "/vm/" + u1 + "/name", "vm1", "/vm/" + u1 + "/uuid",
                    u1, "/libxl/7/type", "pv"], check=True)
    # Domain 7 introduced to the test's xenstored (tests/helpers/xs-run),
    # as Xen's toolstack does: xen-sriovd's watcher gives the VIF its VF.
    set_domains("0 7")
    xs_domain(7, True)
    check("domain start: the VIF's VF attached",
          ev.wait(vif, "mod", lambda r: r and r["currently_attached"])
          is not None)
    expect_failure("VIF.plug of a plugged VIF",
                   ["DEVICE_ALREADY_ATTACHED", vif], s.call, "VIF.plug", vif)
    s.call("VIF.unplug", vif)
    check("domain start: VM running",
          ev.wait(VM, "mod", lambda r: r and r["power_state"] == "Running")
          is not None)
    check("allowed_operations of a running VM's VIF",
          s.call("VIF.get_allowed_operations", vif) == ["attach", "plug"])
    s.call("VIF.plug", vif)
    check("VIF.plug: the VF attached",
          s.call("VIF.get_currently_attached", vif) is True)
    check("allowed_operations of an attached VIF",
          s.call("VIF.get_allowed_operations", vif) == ["attach", "unplug"])
    expect_failure("VIF.plug of a plugged VIF",
                   ["DEVICE_ALREADY_ATTACHED", vif], s.call, "VIF.plug", vif)
    s.call("VIF.unplug", vif)
    check("VIF.unplug: detached",
          s.call("VIF.get_currently_attached", vif) is False and
          s.call("VIF.get_allowed_operations", vif) == ["attach", "plug"])
    expect_failure("VIF.unplug of an unplugged VIF",
                   ["DEVICE_ALREADY_DETACHED", vif],
                   s.call, "VIF.unplug", vif)
    task = s.call("Async.VIF.plug", vif)
    check("Async.VIF.plug: attached", wait_task(s, task) == "success" and
          s.call("VIF.get_currently_attached", vif) is True)
    s.call("task.destroy", task)
    s.call("VIF.unplug_force", vif)
    check("VIF.unplug_force: detached",
          s.call("VIF.get_currently_attached", vif) is False)
    xs_domain(7, False)
    set_domains("0")
    for path in ("/local/domain/7", "/vm/" + u1, "/libxl/7"):
        subprocess.run(["xenstore-rm", path], check=True)
    check("domain gone: VM halted",
          ev.wait(VM, "mod", lambda r: r and r["power_state"] == "Halted")
          is not None)
    s.call("VIF.destroy", vif)
    check("VIF del event", ev.wait(vif, "del") is not None)
    expect_failure("VIF gone", ["HANDLE_INVALID", "VIF", vif],
                   s.call, "VIF.get_record", vif)

    # The errors clients meet.
    expect_failure("bogus ref", ["HANDLE_INVALID", "network_sriov",
                                 "OpaqueRef:bogus"],
                   s.call, "network_sriov.get_record", "OpaqueRef:bogus")
    expect_failure("bogus uuid", ["UUID_INVALID", "network_sriov", "nope"],
                   s.call, "network_sriov.get_by_uuid", "nope")
    expect_failure("no SR-IOV", ["PIF_IS_NOT_SRIOV_CAPABLE", eno1],
                   s.call, "network_sriov.create", eno1, net)
    expect_failure("twice", ["NETWORK_SRIOV_ALREADY_ENABLED", port1],
                   s.call, "network_sriov.create", port1, net)
    expect_failure("count", ["MESSAGE_PARAMETER_COUNT_MISMATCH",
                             "network_sriov.create", "2", "1"],
                   s.call, "network_sriov.create", port1)

    # Destroyed: gone from records and events.
    s.call("network_sriov.destroy", sriov)
    check("network_sriov del event", ev.wait(sriov, "del") is not None)
    check("no SR-IOV left", s.call("network_sriov.get_all") == [])
    check("back-link gone",
          s.call("PIF.get_sriov_physical_PIF_of", port1) == [])
    s.call("network.destroy", net)

    # Async calls, polled as XenCenter does.
    net = s.call("network.create", network_record("py-async"))
    task = s.call("Async.network_sriov.create", port1, net)
    check("task ref", task.startswith("OpaqueRef:") and len(task) == 46)
    check("task done", wait_task(s, task) == "success")
    check("progress", s.call("task.get_progress", task) == 1.0)
    result = s.call("task.get_result", task)
    check("result is the XML-RPC value of the ref",
          result.startswith("<value>OpaqueRef:") and
          result.endswith("</value>"))
    sriov = result[len("<value>"):-len("</value>")]
    check("the new network_sriov",
          s.call("network_sriov.get_physical_PIF", sriov) == port1)
    # XenCenter tags the tasks it follows.
    s.call("task.add_to_other_config", task, "XenCenterUUID", "xc")
    trec = s.call("task.get_record", task)
    check("task record", trec["name_label"] == "Async.network_sriov.create"
          and trec["error_info"] == [] and
          trec["other_config"] == {"XenCenterUUID": "xc"} and
          trec["resident_on"] in hosts and trec["uuid"] in task and
          isinstance(trec["created"], xmlrpc.client.DateTime) and
          isinstance(trec["finished"], xmlrpc.client.DateTime))
    check("task in get_all_records",
          s.call("task.get_all_records")[task] == trec)
    check("task by uuid", s.call("task.get_by_uuid", trec["uuid"]) == task)
    e = ev.wait(task, "add")
    check("task add event", e is not None and e["class"] == "task")
    res = s.call("event.from", ["task"], "", 0.0)
    check("valid_ref_counts.task", res["valid_ref_counts"]["task"] == 1)
    bad = s.call("Async.network_sriov.create", eno1, net)
    check("failed task", wait_task(s, bad) == "failure")
    check("error_info as the sync call's",
          s.call("task.get_error_info", bad) ==
          ["PIF_IS_NOT_SRIOV_CAPABLE", eno1])
    check("failed task has no result", s.call("task.get_result", bad) == "")
    expect_failure("Async count", ["MESSAGE_PARAMETER_COUNT_MISMATCH",
                                   "Async.network_sriov.create", "2", "1"],
                   s.call, "Async.network_sriov.create", port1)
    expect_failure("no Async getter",
                   ["MESSAGE_METHOD_UNKNOWN", "Async.PIF.get_record"],
                   s.call, "Async.PIF.get_record", port1)
    expect_failure("bad task", ["HANDLE_INVALID", "task", "OpaqueRef:bad"],
                   s.call, "task.get_status", "OpaqueRef:bad")
    expect_failure("cancel a finished task",
                   ["OPERATION_NOT_ALLOWED", "the task is not pending"],
                   s.call, "task.cancel", task)
    for t in (task, bad):
        s.call("task.destroy", t)
    check("task del event", ev.wait(task, "del") is not None)
    expect_failure("destroyed task", ["HANDLE_INVALID", "task", task],
                   s.call, "task.get_record", task)
    done = s.call("Async.network_sriov.destroy", sriov)
    check("Async destroy", wait_task(s, done) == "success" and
          s.call("task.get_result", done) == "")
    check("SR-IOV gone", s.call("network_sriov.get_all") == [])
    s.call("network.destroy", net)
    check("one task left", s.call("task.get_all") == [done])

    # 8 Async creates on one PIF at once: the workers (at most 4 at a
    # time) run them all; one wins, as with 8 sync calls.
    nets = [s.call("network.create", network_record("race%d" % i))
            for i in range(8)]
    tasks = [s.call("Async.network_sriov.create", port1, n) for n in nets]
    ends = [wait_task(s, t) for t in tasks]
    check("8 racing tasks end: one success, 7 failures",
          sorted(ends) == ["failure"] * 7 + ["success"])
    check("the losers' error_info",
          all(s.call("task.get_error_info", t) ==
              ["NETWORK_SRIOV_ALREADY_ENABLED", port1]
              for t, st in zip(tasks, ends) if st == "failure"))
    won = [t for t, st in zip(tasks, ends) if st == "success"][0]
    s.call("network_sriov.destroy",
           s.call("task.get_result", won)[len("<value>"):-len("</value>")])
    for n in nets:
        s.call("network.destroy", n)
    check("nine tasks held", len(s.call("task.get_all")) == 9)
    old = s._session
    s.xenapi.session.logout()
    expect_failure("logged out", ["SESSION_INVALID", old],
                   lambda: unwrap(s.pool.get_all(old)))

    # xapi_local(): the unix socket.
    local = Session("http://_var_run_xen-sriov/", UnixTransport(SOCK))
    local.xenapi.login_with_password(USER, PASSWORD, "1.0", "local")
    check("local pool", len(local.call("pool.get_all")) == 1)
    check("logout dropped the session's tasks",
          local.call("task.get_all") == [])
    local.xenapi.session.logout()
    print("python xmlrpc.client against xen-sriovd: %d passed, 0 failed"
          % check.passed)


if __name__ == "__main__":
    main()
