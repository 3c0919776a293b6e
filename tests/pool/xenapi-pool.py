#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# make check-pool's XenAPI calls on host 1 (tests/pool/test-pool.sh):
#   xenapi-pool.py URL MODE ARGS...
# Each mode asserts what it is given to check and prints what the shell
# checks next with xe on the other host.
import sys
import time
import xmlrpc.client

url, mode, args = sys.argv[1], sys.argv[2], sys.argv[3:]
s = xmlrpc.client.ServerProxy(url)
ses = s.session.login_with_password("u", "pw", "1.0", "test-pool")["Value"]


def ref(uuid):
    return "OpaqueRef:" + uuid


def ok(res, what):
    assert res["Status"] == "Success", (what, res)
    return res["Value"]


def failure(res, what):
    assert res["Status"] == "Failure", (what, res)
    return res["ErrorDescription"]


def call(name, *a):
    f = s
    for part in name.split("."):
        f = getattr(f, part)
    return f(ses, *a)


def wait_task(task, what):
    # Event waits, not time: a ceiling of 120 s, slow waits printed.
    start = time.monotonic()
    while True:
        status = ok(s.task.get_status(ses, task), "task status")
        if status != "pending":
            break
        assert time.monotonic() - start < 120, "task of %s pending" % what
        time.sleep(0.1)
    took = time.monotonic() - start
    if took > 10:
        print("# slow: %.0f s for %s" % (took, what), file=sys.stderr)
    return status


if mode == "forward":
    # net1, pif1: host 1's; net3, pif3: host 3's PIF without a
    # network-sriov and a network of host 3.
    net1, pif1, net3, pif3 = args
    # The local error, for comparing the forwarded one with.
    local = ok(call("network_sriov.create", ref(pif1), ref(net1)),
               "local network_sriov.create")
    local_err = failure(call("network_sriov.create", ref(pif1), ref(net1)),
                        "a second local network_sriov on the PIF")
    remote = ok(call("network_sriov.create", ref(pif3), ref(net3)),
                "network_sriov.create on host 3's PIF")
    remote_err = failure(call("network_sriov.create", ref(pif3), ref(net3)),
                         "a second network_sriov on host 3's PIF")
    # The other host's error as it is: same code, its params.
    assert remote_err[0] == local_err[0], (remote_err, local_err)
    assert remote_err[0] not in ("INTERNAL_ERROR", "HOST_OFFLINE"), remote_err
    assert len(remote_err) == len(local_err), (remote_err, local_err)
    # Setters on host 3's network.
    ok(call("network.set_name_label", ref(net3), "renamed-over-xenapi"),
       "network.set_name_label forwarded")
    ok(call("network.add_to_other_config", ref(net3), "from", "host1"),
       "network.add_to_other_config forwarded")
    err = failure(call("network.add_to_other_config", ref(net3), "from", "x"),
                  "a key added twice")
    assert err[0] == "MAP_DUPLICATE_KEY", err
    print(local.split(":", 1)[1], remote.split(":", 1)[1])

elif mode == "async-destroy":
    # Async.network_sriov.destroy of host 3's: the task is host 1's.
    sriov, = args
    task = ok(call("Async.network_sriov.destroy", ref(sriov)),
              "Async.network_sriov.destroy")
    status = wait_task(task, "the forwarded Async destroy")
    assert status == "success", (status, s.task.get_record(ses, task))
    err = failure(call("network_sriov.destroy", ref(sriov)), "destroyed twice")
    assert err[0] == "HANDLE_INVALID", err

elif mode == "capacity":
    sriov, = args
    print(ok(call("network_sriov.get_remaining_capacity", ref(sriov)),
             "get_remaining_capacity"))

elif mode == "offline":
    # host 3's daemon is dead: HOST_OFFLINE [its host], not a hang.
    # (its PIF: networks are pool-wide, each host holds a copy)
    pif3, host3 = args
    start = time.monotonic()
    err = failure(call("PIF.set_other_config", ref(pif3), {"x": "y"}),
                  "a change of a dead host's PIF")
    assert err == ["HOST_OFFLINE", ref(host3)], err
    assert time.monotonic() - start < 60, "HOST_OFFLINE took too long"
    task = ok(call("Async.PIF.set_other_config", ref(pif3), {"x": "y"}),
              "Async")
    assert wait_task(task, "an Async call to a dead host") == "failure"
    rec = ok(s.task.get_record(ses, task), "task record")
    assert rec["error_info"] == ["HOST_OFFLINE", ref(host3)], rec

elif mode == "too-big-call":
    # A forwarded call over etcd's request limit (the test's members take
    # 256 KiB): refused with what to do, not a hang.
    # (another host's PIF: networks are pool-wide, each host holds a copy)
    pif3, = args
    big = {"k%04d" % i: "v" * 2000 for i in range(150)}
    err = failure(call("PIF.set_other_config", ref(pif3), big),
                  "a 300 KB forwarded call")
    assert err[0] == "INTERNAL_ERROR" and "max-request-bytes" in err[1], err

elif mode == "set-other-config":
    # Host 1's own network: nkeys keys of size bytes each.
    net, nkeys, size = args[0], int(args[1]), int(args[2])
    ok(call("network.set_other_config", ref(net),
            {"k%05d" % i: "v" * size for i in range(nkeys)}),
       "set_other_config of %d keys" % nkeys)

elif mode == "vm-plug":
    # vm3 runs on host 3 (resident_on it), vm3h is halted there; net3 is
    # host 3's SR-IOV network.  A VIF of each made over host 1's XenAPI
    # (VIF.create goes where its VM is), then VIF.plug forwarded to host 3.
    vm3, vm3h, host3, net3 = args
    vms = ok(call("VM.get_all_records"), "VM.get_all_records")
    rec = vms.get(ref(vm3), {})
    assert rec.get("resident_on") == ref(host3) and \
        rec.get("power_state") == "Running", rec
    assert vms.get(ref(vm3h), {}).get("power_state") == "Halted", vms
    assert ok(call("VM.get_record", ref(vm3)), "VM.get_record") == rec
    assert ref(vm3) in ok(call("VM.get_all"), "VM.get_all")
    assert ok(call("VM.get_other_config", ref(vm3)), "other_config") == \
        {"owner": "pool-test"}

    def vif_record(vm):
        return {"VM": ref(vm), "network": ref(net3), "device": "0",
                "MAC": "", "MTU": "1500", "other_config": {},
                "qos_algorithm_type": "", "qos_algorithm_params": {}}
    vif = ok(call("VIF.create", vif_record(vm3)), "VIF.create of vm3")
    vifh = ok(call("VIF.create", vif_record(vm3h)), "VIF.create of vm3h")
    # Host 3's new VIFs reach host 1's view when host 3's daemon mirrors.
    start = time.monotonic()
    while call("VIF.get_record", vifh)["Status"] != "Success":
        assert time.monotonic() - start < 120, "VIFs never mirrored"
        time.sleep(0.1)
    if time.monotonic() - start > 10:
        print("# slow: %.0f s for the VIFs' mirror" % (time.monotonic() -
                                                    start), file=sys.stderr)
    ok(call("VIF.plug", vif), "VIF.plug forwarded to host 3")
    err = failure(call("VIF.plug", vif), "VIF.plug twice")
    assert err == ["DEVICE_ALREADY_ATTACHED", vif], err
    err = failure(call("VIF.plug", vifh), "VIF.plug of a halted VM's VIF")
    assert err == ["VM_BAD_POWER_STATE", ref(vm3h), "running", "halted"], err
    print(vif.split(":", 1)[1])

elif mode == "vm-unplug":
    vif, = args
    ok(call("VIF.unplug", ref(vif)), "VIF.unplug forwarded to host 3")
    err = failure(call("VIF.unplug", ref(vif)), "VIF.unplug twice")
    assert err == ["DEVICE_ALREADY_DETACHED", ref(vif)], err
    task = ok(call("Async.VIF.plug", ref(vif)), "Async.VIF.plug")
    assert wait_task(task, "the forwarded Async.VIF.plug") == "success"
    ok(call("VIF.unplug_force", ref(vif)), "VIF.unplug_force")

elif mode == "plug-offline":
    vif, host3 = args
    start = time.monotonic()
    err = failure(call("VIF.plug", ref(vif)), "VIF.plug on a dead host")
    assert err == ["HOST_OFFLINE", ref(host3)], err
    assert time.monotonic() - start < 60, "HOST_OFFLINE took too long"

elif mode == "pool-network":
    # network.create on host 1: one object for the pool (get_all once,
    # get_record with its bridge); with another host's PIF on it,
    # network.destroy refused with XAPI's NETWORK_CONTAINS_PIF.
    used, = args
    net = ok(call("network.create", {"name_label": "over-xenapi",
                                     "name_description": "", "MTU": "1500",
                                     "other_config": {}}), "network.create")
    refs = ok(call("network.get_all"), "network.get_all")
    assert refs.count(net) == 1 and len(refs) == len(set(refs)), refs
    rec = ok(call("network.get_record", net), "network.get_record")
    assert rec["bridge"].startswith("xapi"), rec
    recs = ok(call("network.get_all_records"), "get_all_records")
    assert len(recs[ref(used)]["PIFs"]) >= 1, recs[ref(used)]
    err = failure(call("network.destroy", ref(used)), "destroy while used")
    assert err[0] == "NETWORK_CONTAINS_PIF", err
    ok(call("network.destroy", net), "network.destroy")
    print(net[10:])

else:
    sys.exit("unknown mode " + mode)
