#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""make check-crash: SIGKILLs at random points, on a simulated host.

xe commands (network, network-sriov, VIF and pif-scan changes, vif-plug
reserving VFs), xen-sriovd --reconcile (releasing the VFs of dead domains)
and xenstored itself are killed at random points: at the named kill
points of the test hooks (XEN_SRIOV_TEST_KILL_AT, ./configure
--enable-test-hooks) or after a random delay.  Every few kills the host is
rebooted (xenstored starts empty, the sysfs tree is rebuilt without VFs,
the domains are gone) and xen-sriov-restore brings the store back.  After
each step, once the next xe command and a full reconcile ran:
  - xen-sriov-store check and verify pass;
  - the command happened entirely or not at all (an object is there whole
    or not at all; a network-sriov is there with its VFs enabled, all with
    PCI records, remaining-capacity true, or it is gone with its VFs);
  - no VF is reserved twice, none is reserved for a domain that is gone.
The seed is printed; CRASH_SEED=<seed> replays the same choices (the timed
kills land where the machine's speed puts them).  CRASH_KILLS sets how
many kills (default 60), CRASH_BUDGET the seconds after which no new step
starts (default 480: a loaded machine ends early, saying so).  Waits are for processes and files, never for a
guessed time; a command that runs over 120 s fails the campaign.
"""
import ctypes
import ctypes.util
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SRCDIR = os.environ["top_srcdir"]
BUILDDIR = os.environ["top_builddir"]
XENSTORED = os.environ.get("XENSTORED") or "/usr/sbin/xenstored"
XE = os.path.join(BUILDDIR, "xe/xe")
STORE_TOOL = os.path.join(BUILDDIR, "store/xen-sriov-store")
SRIOVD = os.path.join(BUILDDIR, "daemon/xen-sriovd")
RESTORE = os.path.join(BUILDDIR, "boot/xen-sriov-restore")
SIM = os.path.join(BUILDDIR, "tests/helpers/make-sim-host")
SHIM = os.path.join(BUILDDIR, "tests/helpers/.libs/xenstored-shim.so")
KSIM = os.path.join(BUILDDIR, "tests/helpers/.libs/kernel-sim.so")
PF = "0000:3b:00.1"
PF_DEV = "enp59s0f1"
NUM_VFS = 4
VMS = ["7d3c6a51-8a38-4bb1-9cf1-3a6b4e0a0c0%d" % i for i in range(1, 5)]
CEILING = 120.0
ROOT_PATH = "/tool/xen-sriov"

seed = int(os.environ.get("CRASH_SEED") or
           random.SystemRandom().randrange(1 << 32))
KILLS = int(os.environ.get("CRASH_KILLS") or 60)
REBOOT_EVERY = 5
# Past this many seconds no new step starts (the level stays under 10
# minutes on a loaded machine); every step started is checked.
BUDGET = int(os.environ.get("CRASH_BUDGET") or 480)
rng = random.Random(seed)
counts = {}
refusals = {}                           # the last refusal of each command


def count(what, n=1):
    counts[what] = counts.get(what, 0) + n


def fail(msg):
    print("FAIL (seed %d, CRASH_SEED=%d replays it): %s" % (seed, seed, msg))
    sys.exit(1)


class Xenstored:
    """A private, real xenstored, as tests/helpers/xs-run starts it."""

    def __init__(self, run_dir):
        self.dir = run_dir
        self.proc = None
        self.ready_fd = None
        with open(os.path.join(run_dir, "domains"), "w") as f:
            f.write("0\n")

    @property
    def socket(self):
        return os.path.join(self.dir, "socket")

    def start(self):
        fifo = os.path.join(self.dir, "ready")
        if os.path.exists(fifo):
            os.unlink(fifo)
        if os.path.exists(self.socket):
            os.unlink(self.socket)
        os.mkfifo(fifo)
        self.ready_fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        env = dict(os.environ, XENSTORED_RUNDIR=self.dir,
                   XENSTORED_PATH=self.socket, LD_PRELOAD=SHIM,
                   XS_SHIM_DOMAINS="@" + os.path.join(self.dir, "domains"))
        out = open(fifo, "w")
        log = open(os.path.join(self.dir, "xenstored.log"), "a")
        self.proc = subprocess.Popen([XENSTORED, "-N", "-P"], stdout=out,
                                     stderr=log, env=env)
        out.close()
        log.close()
        line = b""
        deadline = time.monotonic() + CEILING
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                fail("xenstored did not start")
            r, _, _ = select.select([self.ready_fd], [], [], left)
            if r:
                line += os.read(self.ready_fd, 64)
        if int(line) != self.proc.pid:
            fail("xenstored announced pid %s, not %d" % (line, self.proc.pid))

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        if self.ready_fd is not None:
            os.close(self.ready_fd)
            self.ready_fd = None


class Host:
    def __init__(self, root, xs):
        self.root = root
        self.xs = xs
        self.domains = {}               # domid -> VM uuid
        self.next_domid = 1

    def env(self, **extra):
        env = dict(os.environ, SRIOV_ROOT=self.root,
                   XENSTORED_PATH=self.xs.socket, LD_PRELOAD=KSIM,
                   XEN_SRIOV_TEST_DRY_RUN="1")
        asan = env.get("ASAN_OPTIONS", "")
        env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + \
            "verify_asan_link_order=0"
        env.pop("XEN_SRIOV_TEST_KILL_AT", None)
        env.update(extra)
        return env

    def run(self, argv, kill_at=None, kill_after=None, kill_xenstored=None):
        """Run argv; SIGKILL it at a kill point or after a delay, or kill
        xenstored after a delay.  (status, stdout, stderr, killed)."""
        extra = {"XEN_SRIOV_TEST_KILL_AT": kill_at} if kill_at else {}
        p = subprocess.Popen(argv, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=self.env(**extra),
                             text=True)
        killed = False
        delay = kill_after if kill_after is not None else kill_xenstored
        if delay is not None:
            try:
                p.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                if kill_after is not None:
                    p.send_signal(signal.SIGKILL)
                else:
                    self.xs.kill()
                killed = True
        try:
            out, err = p.communicate(timeout=CEILING)
        except subprocess.TimeoutExpired:
            p.kill()
            fail("%s ran over %d s" % (" ".join(argv), CEILING))
        if p.returncode == -signal.SIGKILL:
            killed = True
        return p.returncode, out, err, killed

    def xe(self, *args, ok=True):
        st, out, err, _ = self.run([XE] + list(args))
        if ok and st != 0:
            fail("xe %s: exit %s: %s%s" % (" ".join(args), st, out, err))
        return out.strip()

    def numvfs(self):
        with open("%s/sys/bus/pci/devices/%s/sriov_numvfs" %
                  (self.root, PF)) as f:
            return int(f.read())

    def xs_write(self, path, value):
        subprocess.run(["xenstore-write", path, value], check=True,
                       env=self.env())

    def set_domains(self):
        with open(os.path.join(self.xs.dir, "domains"), "w") as f:
            f.write(" ".join(["0"] + [str(d) for d in self.domains]) + "\n")

    def introduce(self, domid, release=False):
        """xs_introduce_domain / xs_release_domain, as libxl does."""
        lib = ctypes.CDLL(ctypes.util.find_library("xenstore") or
                          "libxenstore.so.4")
        lib.xs_open.restype = ctypes.c_void_p
        lib.xs_close.argtypes = [ctypes.c_void_p]
        os.environ["XENSTORED_PATH"] = self.xs.socket
        h = lib.xs_open(0)
        if not h:
            fail("cannot connect to xenstored at %s" % self.xs.socket)
        if release:
            ok = lib.xs_release_domain(ctypes.c_void_p(h),
                                       ctypes.c_uint(domid))
        else:
            ok = lib.xs_introduce_domain(ctypes.c_void_p(h),
                                         ctypes.c_uint(domid),
                                         ctypes.c_ulong(1), ctypes.c_uint(1))
        lib.xs_close(h)
        if not ok:
            fail("xenstored refused to %s domain %d" %
                 ("release" if release else "introduce", domid))

    def domain_start(self, vm):
        d = self.next_domid
        self.next_domid += 1
        self.xs_write("/vm/%s/uuid" % vm, vm)
        self.xs_write("/local/domain/%d/vm" % d, "/vm/%s" % vm)
        self.domains[d] = vm
        self.set_domains()
        self.introduce(d)
        return d

    def domain_die(self, d):
        del self.domains[d]
        self.introduce(d, release=True)
        self.set_domains()
        subprocess.run(["xenstore-rm", "/local/domain/%d" % d],
                       env=self.env())

    def boot_hardware(self):
        # The VMs' xl configs (a VIF's VM must exist: docs/xe.md "VMs").
        os.makedirs(os.path.join(self.root, "etc/xen"), exist_ok=True)
        for i, vm in enumerate(VMS):
            with open(os.path.join(self.root, "etc/xen/vm%d.cfg" % i),
                      "w") as f:
                f.write('name = "vm%d"\nuuid = "%s"\n' % (i, vm))
        shutil.rmtree(os.path.join(self.root, "sys"), ignore_errors=True)
        shutil.rmtree(os.path.join(self.root, ".kernel-sim"),
                      ignore_errors=True)
        subprocess.run([SIM, "--fixtures",
                        os.path.join(SRCDIR, "tests/fixtures/sysfs"),
                        "x710-2pf", self.root], check=True)

    def store(self):
        """Every object of the store: {class: {uuid: {field: value}}}."""
        p = subprocess.run(["xenstore-ls", "-f", ROOT_PATH],
                           capture_output=True, text=True, env=self.env())
        objs = {}
        for line in p.stdout.splitlines():
            m = re.match(r'^%s/([A-Za-z_]+)/([0-9a-f-]{36})/([^/ ]+)'
                         r'(?:/([^ ]+))? = "(.*)"$' % ROOT_PATH, line)
            if not m:
                continue
            cls, uuid, field, member, value = m.groups()
            o = objs.setdefault(cls, {}).setdefault(uuid, {})
            if member:
                if not isinstance(o.get(field), list):
                    o[field] = []
                o[field].append(member)
            elif field not in o:
                o[field] = value
        return objs


# ---- the steps -----------------------------------------------------------

def pick(host, cls, **match):
    objs = host.store().get(cls, {})
    uuids = sorted(u for u, o in objs.items()
                   if all(o.get(k) == v for k, v in match.items()))
    return rng.choice(uuids) if uuids else None


def how_to_kill(points):
    """A named kill point, or a timed SIGKILL, or none (the control)."""
    r = rng.random()
    if points and r < 0.45:
        return {"kill_at": rng.choice(points)}
    if r < 0.9:
        return {"kill_after": rng.uniform(0.0, 0.25)}
    return {}


class Campaign:
    def __init__(self, host):
        self.h = host
        self.kills = 0
        self.since_reboot = 0
        self.labels = 0
        self.host_uuid = None

    def label(self):
        self.labels += 1
        return "crash-%d" % self.labels

    def killed(self, target, how):
        self.kills += 1
        self.since_reboot += 1
        count("killed " + target)
        if how.get("kill_at"):
            count("kill point " + how["kill_at"])

    def xe_step(self, what, args, points, check):
        how = how_to_kill(points)
        if rng.random() < 0.08:
            how = {"kill_xenstored": rng.uniform(0.0, 0.2)}
        st, out, err, killed = self.h.run([XE] + args, **how)
        count("ran " + what)
        if "kill_xenstored" in how and killed:
            self.killed("xenstored", how)
            self.xenstored_back()
        elif killed:
            self.killed("xe", how)
        elif st != 0:
            count("refused " + what)
            refusals[what] = (out + err).strip().replace("\n", " | ")
        self.check(what, lambda: check(st == 0 and not killed, out))

    # -- each command and what "all or nothing" means for it --

    def network_create(self):
        label = self.label()

        def check(ok, out):
            n = [u for u, o in self.h.store().get("network", {}).items()
                 if o.get("name_label") == label]
            if len(n) > 1 or (ok and len(n) != 1):
                fail("network-create %s: %d networks (ok=%s)" %
                     (label, len(n), ok))
        self.xe_step("network-create", ["network-create",
                                        "name-label=" + label], [], check)

    def sriov_create(self):
        objs = self.h.store()
        pif = next((u for u, o in objs.get("PIF", {}).items()
                    if o.get("device") == PF_DEV and
                    o.get("physical") == "true"), None)
        if not pif or objs["PIF"][pif].get("sriov_physical_PIF_of"):
            return self.sriov_destroy()
        net = self.h.xe("network-create", "name-label=" + self.label())

        def check(ok, out):
            ns = self.sriov_of(pif)
            if ok and not ns:
                fail("network-sriov-create succeeded but left nothing")
            if ns:
                self.usable(ns)
            elif self.h.numvfs() != 0:
                fail("no network-sriov but %d VFs" % self.h.numvfs())
        self.xe_step("network-sriov-create",
                     ["network-sriov-create", "pif-uuid=" + pif,
                      "network-uuid=" + net, "num-vfs=%d" % NUM_VFS],
                     ["sriov-create:records", "sriov-create:enabled"], check)

    def sriov_destroy(self):
        ns = pick(self.h, "network_sriov")
        if not ns:
            return self.sriov_create()
        phys = self.h.store()["network_sriov"][ns]["physical_PIF"]

        def check(ok, out):
            left = self.sriov_of(phys)
            if ok and left:
                fail("network-sriov-destroy succeeded, %s is there" % left)
            if left:
                self.usable(left)
            elif self.h.numvfs() != 0:
                fail("network-sriov %s gone, %d VFs left" %
                     (ns, self.h.numvfs()))
        self.xe_step("network-sriov-destroy",
                     ["network-sriov-destroy", "uuid=" + ns],
                     ["sriov-destroy:disabled"], check)

    def vif_create(self):
        objs = self.h.store()
        ns = pick(self.h, "network_sriov")
        if not ns:
            return self.sriov_create()
        lp = objs["network_sriov"][ns]["logical_PIF"]
        net = objs["PIF"][lp]["network"]
        vm = rng.choice(VMS)
        device = str(rng.randrange(0, 7))

        def check(ok, out):
            v = [u for u, o in self.h.store().get("VIF", {}).items()
                 if o.get("VM") == vm and o.get("device") == device]
            if len(v) > 1 or (ok and len(v) != 1):
                fail("vif-create %s/%s: %d VIFs" % (vm, device, len(v)))
        self.xe_step("vif-create", ["vif-create", "vm-uuid=" + vm,
                                    "network-uuid=" + net,
                                    "device=" + device], [], check)

    def vif_destroy(self):
        vif = pick(self.h, "VIF", reserved_pci="")
        if not vif:
            return self.vif_create()

        def check(ok, out):
            there = vif in self.h.store().get("VIF", {})
            if ok and there:
                fail("vif-destroy succeeded, VIF %s is there" % vif)
        self.xe_step("vif-destroy", ["vif-destroy", "uuid=" + vif], [],
                     check)

    def domain_start(self):
        """A domain of a VM with VIFs; xe vif-plug reserves their VFs."""
        objs = self.h.store()
        nets = set(objs.get("PIF", {}).get(o.get("logical_PIF"), {})
                   .get("network") for o in objs.get("network_sriov",
                                                      {}).values())
        vifs = sorted(u for u, o in objs.get("VIF", {}).items()
                      if not o.get("reserved_pci") and o.get("network") in nets)
        if not vifs:
            return self.vif_create()
        vif = rng.choice(vifs)
        vm = objs["VIF"][vif]["VM"]
        if vm not in self.h.domains.values():
            self.h.domain_start(vm)

        def check(ok, out):
            o = self.h.store().get("VIF", {}).get(vif, {})
            if ok and not o.get("reserved_pci"):
                fail("vif-plug %s succeeded without a VF" % vif)
        self.xe_step("vif-plug", ["vif-plug", "uuid=" + vif], [], check)

    def domain_die(self):
        """A domain dies; xen-sriovd --reconcile gives its VFs back."""
        if not self.h.domains:
            return self.domain_start()
        self.h.domain_die(rng.choice(sorted(self.h.domains)))
        how = how_to_kill(["released", "restored", "unassigned",
                           "detached"])
        st, out, err, killed = self.h.run(
            [SRIOVD, "--dry-run", "--reconcile"], **how)
        count("ran xen-sriovd --reconcile")
        if killed:
            self.killed("xen-sriovd", how)
        self.check("xen-sriovd --reconcile", lambda: None)

    def pif_scan(self):
        def check(ok, out):
            pass
        self.xe_step("pif-scan", ["pif-scan", "host-uuid=" + self.host_uuid],
                     ["pif-scan:batch"], check)

    # -- state checks --

    def sriov_of(self, pif):
        for u, o in self.h.store().get("network_sriov", {}).items():
            if o.get("physical_PIF") == pif:
                return u
        return None

    def usable(self, ns):
        """A network-sriov that is there is whole: its VFs enabled, all
        with PCI records, remaining-capacity = the free ones."""
        if self.h.numvfs() != NUM_VFS:
            fail("network-sriov %s with %d VFs, not %d" %
                 (ns, self.h.numvfs(), NUM_VFS))
        objs = self.h.store()
        pf = next((u for u, o in objs.get("PCI", {}).items()
                   if o.get("pci_id") == PF), None)
        vfs = [o for o in objs.get("PCI", {}).values()
               if o.get("physical_function") == pf]
        if len(vfs) != NUM_VFS:
            fail("network-sriov %s: %d VF PCI records for %d VFs" %
                 (ns, len(vfs), NUM_VFS))
        lp = objs["network_sriov"][ns]["logical_PIF"]
        if objs["PIF"][lp].get("currently_attached") != "true":
            fail("network-sriov %s: its logical PIF is not attached" % ns)
        free = sum(1 for o in vfs if not o.get("reserved_by"))
        cap = self.h.xe("network-sriov-param-get", "uuid=" + ns,
                        "param-name=remaining-capacity")
        if int(cap) != free:
            fail("network-sriov %s: remaining-capacity %s, %d VFs free" %
                 (ns, cap, free))

    def reservations(self):
        """No VF twice, none for a domain that is gone."""
        objs = self.h.store()
        held = {}
        for u, o in objs.get("VIF", {}).items():
            pci = o.get("reserved_pci")
            if not pci:
                continue
            if pci in held:
                fail("VF %s reserved by VIFs %s and %s" % (pci, held[pci], u))
            held[pci] = u
            if objs.get("PCI", {}).get(pci, {}).get("reserved_by") != u:
                fail("VIF %s holds PCI %s, which names %s" %
                     (u, pci, objs.get("PCI", {}).get(pci, {})
                      .get("reserved_by")))
            domid = int(o.get("domid") or -1)
            if self.h.domains.get(domid) != o.get("VM"):
                fail("VIF %s holds a VF for domain %d, which is gone" %
                     (u, domid))
        for u, o in objs.get("PCI", {}).items():
            if o.get("reserved_by") and o["reserved_by"] not in held.values():
                fail("PCI %s reserved by %s, which does not hold it" %
                     (u, o["reserved_by"]))
        count("VFs reserved at a check", len(held))

    def check(self, what, specific):
        # The next xe command finishes what was cut short, a whole
        # reconcile releases what dead domains held.
        self.h.xe("network-sriov-list", "--minimal")
        st, out, err, _ = self.h.run([SRIOVD, "--dry-run", "--reconcile"])
        if st not in (0, 1):
            fail("xen-sriovd --reconcile after %s: %s%s" % (what, out, err))
        for args in (["check"], ["verify"]):
            st, out, err, _ = self.h.run([STORE_TOOL] + args)
            if st != 0:
                fail("xen-sriov-store %s after %s: %s%s" %
                     (args[0], what, out, err))
        specific()
        self.reservations()
        count("checks passed")

    # -- xenstored gone, reboots --

    def xenstored_back(self):
        """xenstored died: started again empty, the restore loads the
        snapshot (what its unit does when xenstored is restarted).  A
        xenstored started again knows no guest domain (only a live update
        keeps them): the domains are gone for the toolstack and for
        xen-sriov, whose next reconcile releases their VFs; a domain_die
        must not release them from a xenstored that never had them."""
        self.h.xs.kill()
        if self.h.domains:
            count("domains lost with xenstored", len(self.h.domains))
        self.h.domains.clear()
        self.h.set_domains()
        self.h.xs.start()
        self.restore("after xenstored was killed")

    def reboot(self):
        self.h.xs.kill()
        self.h.domains.clear()
        self.h.boot_hardware()
        self.h.xs.start()
        self.h.set_domains()
        self.restore("after a reboot")
        count("reboots")
        self.since_reboot = 0

    def restore(self, when):
        st, out, err, _ = self.h.run([RESTORE])
        if st != 0:
            fail("xen-sriov-restore %s: exit %d: %s%s" % (when, st, out, err))
        count("restores")
        self.check("xen-sriov-restore " + when, lambda: None)
        ns = pick(self.h, "network_sriov")
        if ns:
            self.usable(ns)

    def run(self):
        self.host_uuid = self.h.xe("host-list", "--minimal")
        self.h.xe("pif-scan", "host-uuid=" + self.host_uuid)
        steps = [(self.network_create, 1), (self.sriov_create, 3),
                 (self.sriov_destroy, 2), (self.vif_create, 3),
                 (self.vif_destroy, 1), (self.domain_start, 3),
                 (self.domain_die, 3), (self.pif_scan, 1)]
        fns = [f for f, w in steps for _ in range(w)]
        t0 = time.monotonic()
        shown = 0
        while self.kills < KILLS:
            rng.choice(fns)()
            if self.since_reboot >= REBOOT_EVERY:
                self.reboot()
            if self.kills >= shown + 10:
                shown = self.kills
                print("  %d kills, %d checks passed, %.0f s" %
                      (self.kills, counts.get("checks passed", 0),
                       time.monotonic() - t0), flush=True)
            if time.monotonic() - t0 > BUDGET:
                print("  slow machine: stopped at the time budget (%d s, "
                      "CRASH_BUDGET) after %d kills" % (BUDGET, self.kills),
                      flush=True)
                break
        return time.monotonic() - t0


def main():
    for f in (XE, STORE_TOOL, SRIOVD, RESTORE, SIM, SHIM, KSIM):
        if not os.path.exists(f):
            fail("%s is not built: run make" % f)
    if os.geteuid() != 0:
        print("SKIP: the crash campaign changes the simulated host as root "
              "(run as root)")
        return 77
    print("crash campaign: seed %d (CRASH_SEED=%d replays it), %d kills, a "
          "reboot every %d" % (seed, seed, KILLS, REBOOT_EVERY), flush=True)
    tmp = tempfile.mkdtemp(prefix="crash.", dir=os.environ.get("TMPDIR",
                                                                 "/tmp"))
    run_dir = os.path.join(tmp, "xs")
    os.mkdir(run_dir)
    root = os.path.join(tmp, "root")
    os.mkdir(root)
    xs = Xenstored(run_dir)
    host = Host(root, xs)
    try:
        host.boot_hardware()
        xs.start()
        secs = Campaign(host).run()
    finally:
        xs.kill()
        if not os.environ.get("CRASH_KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)
    for k in sorted(counts):
        print("  %-40s %d" % (k, counts[k]))
    for k in sorted(refusals):
        print("  last refusal of %s: %s" % (k, refusals[k][:300]))
    print("PASS: crash campaign, seed %d: %d kills, %d reboots, %d checks "
          "in %.0f s" % (seed, sum(v for k, v in counts.items()
                                   if k.startswith("killed ")),
                         counts.get("reboots", 0),
                         counts.get("checks passed", 0), secs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
