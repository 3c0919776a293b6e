/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The device model of the simulated host: PCI functions, drivers, network
 * interfaces, IOMMU groups and VFs, laid out as the kernel does in sysfs
 * (drivers/pci/pci-sysfs.c, drivers/pci/iov.c, drivers/base/, net-sysfs).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/helpers/sim-internal.h"

#define CONFIG_SIZE 4096             /* PCIe extended config space */
#define SRIOV_CAP 0x100              /* where we put the SR-IOV capability */

static int dev_path(char *out, size_t size, const char *root,
                    const char *bdf, const char *attr)
{
    char dir[PATH_MAX];
    int r;

    r = sim_function_dir(root, bdf, dir, sizeof(dir));
    if (r < 0)
        return r;
    return attr ? simfs_path(out, size, root, "%s/%s", dir, attr)
                : simfs_path(out, size, root, "%s", dir);
}

int sim_function_dir(const char *root, const char *bdf, char *out,
                     size_t size)
{
    char rel[64];

    snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", bdf);
    return simfs_resolve(root, rel, out, size);
}

int sim_read_attr(const char *root, const char *bdf, const char *attr,
                  char *buf, size_t size)
{
    char path[PATH_MAX];
    int r;

    r = dev_path(path, sizeof(path), root, bdf, attr);
    if (r < 0)
        return r;
    return simfs_read(path, buf, size);
}

int sim_write_attr(const char *root, const char *bdf, const char *attr,
                   const char *value)
{
    char path[PATH_MAX];
    int r;

    r = dev_path(path, sizeof(path), root, bdf, attr);
    if (r < 0)
        return r;
    return simfs_write(path, value, strlen(value));
}

static unsigned attr_uint(const char *root, const char *bdf, const char *attr,
                          int base)
{
    char buf[64];

    if (sim_read_attr(root, bdf, attr, buf, sizeof(buf)) < 0)
        return 0;
    return (unsigned)strtoul(buf, NULL, base);
}

static void put16(uint8_t *c, unsigned off, unsigned v)
{
    c[off] = v & 0xff;
    c[off + 1] = (v >> 8) & 0xff;
}

static void put32(uint8_t *c, unsigned off, uint32_t v)
{
    put16(c, off, v & 0xffff);
    put16(c, off + 2, v >> 16);
}

/*
 * Config space as lspci reads it: type 0 or 1 header, a PCI Express
 * capability at 0x40, and for PFs the SR-IOV extended capability at 0x100
 * (PCIe base spec 9.3.3).  A VF reads 0xffff as vendor and device id
 * (SR-IOV spec 3.4.1.1/3.4.1.2): lspci takes them from sysfs instead.
 */
static void build_config(uint8_t *c, const struct sim_function *f)
{
    memset(c, 0, CONFIG_SIZE);
    put16(c, 0x00, f->is_vf ? 0xffff : f->vendor);
    put16(c, 0x02, f->is_vf ? 0xffff : f->device);
    put16(c, 0x04, 0x0406);                   /* memory, master, no INTx */
    put16(c, 0x06, 0x0010);                   /* capabilities list */
    c[0x08] = f->revision;
    c[0x09] = f->class & 0xff;
    c[0x0a] = (f->class >> 8) & 0xff;
    c[0x0b] = (f->class >> 16) & 0xff;
    c[0x0e] = (f->bridge ? 1 : 0) | (f->multifunction ? 0x80 : 0);
    if (f->bridge) {
        c[0x18] = f->bdf.bus & 0xff;
        c[0x19] = f->secondary & 0xff;
        c[0x1a] = f->subordinate & 0xff;
    } else {
        put16(c, 0x2c, f->subsystem_vendor);
        put16(c, 0x2e, f->subsystem_device);
    }
    c[0x34] = 0x40;
    c[0x3d] = f->is_vf ? 0 : 1;               /* INTA# */
    c[0x40] = 0x10;                           /* PCI Express capability */
    put16(c, 0x42, 0x0002 | ((f->bridge ? 4u : 0u) << 4));
    if (f->sriov) {
        put32(c, SRIOV_CAP, 0x0010 | (1u << 16));  /* SR-IOV, version 1 */
        put16(c, SRIOV_CAP + 0x0c, f->totalvfs);   /* InitialVFs */
        put16(c, SRIOV_CAP + 0x0e, f->totalvfs);   /* TotalVFs */
        put16(c, SRIOV_CAP + 0x10, 0);             /* NumVFs */
        c[SRIOV_CAP + 0x12] = (f->bdf.dev << 3 | f->bdf.fn) & 0xff;
        put16(c, SRIOV_CAP + 0x14, f->offset);
        put16(c, SRIOV_CAP + 0x16, f->stride);
        put16(c, SRIOV_CAP + 0x1a, f->vf_device);
        put32(c, SRIOV_CAP + 0x1c, 0x553);          /* supported pages */
        put32(c, SRIOV_CAP + 0x20, 0x1);            /* 4 KiB */
    }
}

/* Record NumVFs and VF Enable/VF MSE in the PF's config space. */
static int config_set_numvfs(const char *root, const char *bdf, unsigned n)
{
    uint8_t c[CONFIG_SIZE];
    char path[PATH_MAX];
    FILE *f;
    size_t got;
    int r;

    r = dev_path(path, sizeof(path), root, bdf, "config");
    if (r < 0)
        return r;
    f = fopen(path, "re");
    if (!f)
        return -errno;
    got = fread(c, 1, sizeof(c), f);
    fclose(f);
    if (got != sizeof(c))
        return 0;                     /* no extended space: nothing to do */
    put16(c, SRIOV_CAP + 0x10, n);
    put16(c, SRIOV_CAP + 0x08, n ? 0x0009 : 0);
    return simfs_write(path, c, sizeof(c));
}

static int put_attr(const char *root, const char *dir, const char *name,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int put_attr(const char *root, const char *dir, const char *name,
                    const char *fmt, ...)
{
    char path[PATH_MAX], buf[1024];
    va_list ap;
    int r, n;

    r = simfs_path(path, sizeof(path), root, "%s/%s", dir, name);
    if (r < 0)
        return r;
    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(buf))
        return -EOVERFLOW;
    return simfs_write(path, buf, (size_t)n);
}

int sim_function_create(const char *root, const struct sim_function *f)
{
    char bdf[16], dir[PATH_MAX], path[PATH_MAX], link[128], res[2048];
    uint8_t config[CONFIG_SIZE];
    size_t len = 0;
    int r;

    sim_bdf_format(&f->bdf, bdf);
    if (snprintf(dir, sizeof(dir), "%s/%s", f->parent, bdf) >=
        (int)sizeof(dir))
        return -ENAMETOOLONG;
    r = simfs_path(path, sizeof(path), root, "%s/power", dir);
    if (r < 0 || (r = simfs_mkdir_p(path)) < 0)
        return r;
    if ((r = put_attr(root, dir, "power/control", "on\n")) < 0 ||
        (r = put_attr(root, dir, "vendor", "0x%04x\n", f->vendor)) < 0 ||
        (r = put_attr(root, dir, "device", "0x%04x\n", f->device)) < 0 ||
        (r = put_attr(root, dir, "subsystem_vendor", "0x%04x\n",
                      f->subsystem_vendor)) < 0 ||
        (r = put_attr(root, dir, "subsystem_device", "0x%04x\n",
                      f->subsystem_device)) < 0 ||
        (r = put_attr(root, dir, "class", "0x%06x\n", f->class)) < 0 ||
        (r = put_attr(root, dir, "revision", "0x%02x\n", f->revision)) < 0 ||
        (r = put_attr(root, dir, "irq", "%u\n",
                      f->is_vf ? 0 : 16 + f->bdf.fn)) < 0 ||
        (r = put_attr(root, dir, "numa_node", "%d\n", f->numa_node)) < 0 ||
        (r = put_attr(root, dir, "local_cpulist", "0-15\n")) < 0 ||
        (r = put_attr(root, dir, "enable", "0\n")) < 0 ||
        (r = put_attr(root, dir, "msi_bus", "1\n")) < 0 ||
        (r = put_attr(root, dir, "d3cold_allowed", "1\n")) < 0 ||
        (r = put_attr(root, dir, "broken_parity_status", "0\n")) < 0 ||
        (r = put_attr(root, dir, "driver_override", "(null)\n")) < 0 ||
        (r = put_attr(root, dir, "modalias",
                      "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n",
                      f->vendor, f->device, f->subsystem_vendor,
                      f->subsystem_device, f->class >> 16,
                      (f->class >> 8) & 0xff, f->class & 0xff)) < 0 ||
        (r = put_attr(root, dir, "uevent",
                      "PCI_CLASS=%X\nPCI_ID=%04X:%04X\n"
                      "PCI_SUBSYS_ID=%04X:%04X\nPCI_SLOT_NAME=%s\n",
                      f->class, f->vendor, f->device, f->subsystem_vendor,
                      f->subsystem_device, bdf)) < 0)
        return r;
    /* 'resource': one "start end flags" line per resource, as
     * resource_show() prints PCI_NUM_RESOURCES (17 on x86). */
    for (int i = 0; i < 17; i++)
        len += (size_t)snprintf(res + len, sizeof(res) - len,
                                "0x%016x 0x%016x 0x%016x\n", 0, 0, 0);
    if ((r = put_attr(root, dir, "resource", "%s", res)) < 0)
        return r;
    build_config(config, f);
    r = simfs_path(path, sizeof(path), root, "%s/config", dir);
    if (r < 0 || (r = simfs_write(path, config, sizeof(config))) < 0)
        return r;
    if (f->bridge &&
        ((r = put_attr(root, dir, "secondary_bus_number", "%u\n",
                       f->secondary)) < 0 ||
         (r = put_attr(root, dir, "subordinate_bus_number", "%u\n",
                       f->subordinate)) < 0))
        return r;
    if (f->sriov &&
        ((r = put_attr(root, dir, "sriov_totalvfs", "%u\n", f->totalvfs)) < 0 ||
         (r = put_attr(root, dir, "sriov_numvfs", "0\n")) < 0 ||
         (r = put_attr(root, dir, "sriov_offset", "%u\n", f->offset)) < 0 ||
         (r = put_attr(root, dir, "sriov_stride", "%u\n", f->stride)) < 0 ||
         (r = put_attr(root, dir, "sriov_vf_device", "%x\n",
                       f->vf_device)) < 0 ||
         (r = put_attr(root, dir, "sriov_drivers_autoprobe", "1\n")) < 0))
        return r;
    snprintf(link, sizeof(link), "%s/subsystem", dir);
    if (strlen(dir) + 16 > sizeof(link))
        return -ENAMETOOLONG;
    if ((r = simfs_link(root, link, "sys/bus/pci")) < 0)
        return r;
    snprintf(link, sizeof(link), "sys/bus/pci/devices/%s", bdf);
    return simfs_link(root, link, dir);
}

/* ---- drivers ---- */

bool sim_driver_exists(const char *root, const char *name)
{
    char path[PATH_MAX];

    return simfs_path(path, sizeof(path), root, "sys/bus/pci/drivers/%s",
                      name) == 0 && simfs_exists(path);
}

int sim_driver_define(const char *root, const char *name, const char *ids,
                      bool sriov_configure, bool net, const char *module)
{
    static const char *const files[] = {
        "bind", "unbind", "new_id", "remove_id", "uevent",
    };
    static const char *const pciback_files[] = {
        "new_slot", "remove_slot", "slots", "quirks", "permissive",
        "irq_handlers",
    };
    char path[PATH_MAX], state[PATH_MAX], rel[PATH_MAX];
    bool pciback = strcmp(name, "pciback") == 0;
    int r;

    r = simfs_path(path, sizeof(path), root, "sys/bus/pci/drivers/%s", name);
    if (r < 0 || (r = simfs_mkdir_p(path)) < 0)
        return r;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        r = simfs_path(path, sizeof(path), root,
                       "sys/bus/pci/drivers/%s/%s", name, files[i]);
        if (r < 0 || (!simfs_exists(path) &&
                      (r = simfs_write(path, "", 0)) < 0))
            return r;
    }
    for (size_t i = 0; pciback && i < sizeof(pciback_files) /
                                      sizeof(pciback_files[0]); i++) {
        r = simfs_path(path, sizeof(path), root,
                       "sys/bus/pci/drivers/%s/%s", name, pciback_files[i]);
        if (r < 0 || (!simfs_exists(path) &&
                      (r = simfs_write(path, "", 0)) < 0))
            return r;
    }
    if (module && *module) {
        r = simfs_path(path, sizeof(path), root, "sys/module/%s/drivers",
                       module);
        if (r < 0 || (r = simfs_mkdir_p(path)) < 0)
            return r;
        r = simfs_path(path, sizeof(path), root, "sys/module/%s/parameters",
                       module);
        if (r < 0 || (r = simfs_mkdir_p(path)) < 0)
            return r;
        snprintf(rel, sizeof(rel), "sys/module/%s", module);
        snprintf(path, sizeof(path), "sys/bus/pci/drivers/%s/module", name);
        if ((r = simfs_link(root, path, rel)) < 0)
            return r;
        snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s", name);
        snprintf(path, sizeof(path), "sys/module/%s/drivers/pci:%s", module,
                 name);
        if ((r = simfs_link(root, path, rel)) < 0)
            return r;
    }
    snprintf(state, sizeof(state), "drivers/%s", name);
    if ((r = sim_state_set(root, state, "ids", ids ? ids : "")) < 0 ||
        (r = sim_state_set(root, state, "sriov_configure",
                           sriov_configure ? "1" : "0")) < 0 ||
        (r = sim_state_set(root, state, "net", net ? "1" : "0")) < 0)
        return r;
    return 0;
}

int sim_driver_of(const char *root, const char *bdf, char *out, size_t size)
{
    char path[PATH_MAX], target[PATH_MAX];
    const char *base;
    ssize_t n;
    int r;

    out[0] = '\0';
    r = dev_path(path, sizeof(path), root, bdf, "driver");
    if (r < 0)
        return r;
    n = readlink(path, target, sizeof(target) - 1);
    if (n < 0)
        return errno == ENOENT ? 0 : -errno;
    target[n] = '\0';
    base = strrchr(target, '/');
    snprintf(out, size, "%s", base ? base + 1 : target);
    return 0;
}

static bool driver_flag(const char *root, const char *driver,
                        const char *key)
{
    char state[PATH_MAX], v[16];

    snprintf(state, sizeof(state), "drivers/%s", driver);
    return sim_state_get(root, state, key, v, sizeof(v)) == 0 &&
           strcmp(v, "1") == 0;
}

static bool is_vf(const char *root, const char *bdf, char pf[16])
{
    char path[PATH_MAX], target[PATH_MAX];
    const char *base;
    ssize_t n;

    if (dev_path(path, sizeof(path), root, bdf, "physfn") < 0)
        return false;
    n = readlink(path, target, sizeof(target) - 1);
    if (n < 0)
        return false;
    target[n] = '\0';
    base = strrchr(target, '/');
    if (pf)
        snprintf(pf, 16, "%s", base ? base + 1 : target);
    return true;
}

/* ---- network interfaces ---- */

static int next_ifindex(const char *root)
{
    char v[32];
    int n;

    sim_state_get(root, "host", "ifindex", v, sizeof(v));
    n = v[0] ? atoi(v) : 2;               /* 1 is lo */
    snprintf(v, sizeof(v), "%d", n + 1);
    sim_state_set(root, "host", "ifindex", v);
    return n;
}

/* spec: "NAME [mac=M] [operstate=S] [speed=N] [up=0|1] [port=P]" */
int sim_netdev_add(const char *root, const char *bdf, const char *spec)
{
    char name[64] = "", mac[32] = "00:00:00:00:00:00", operstate[16] = "down";
    char port[32] = "", speed[16] = "-1", up[4] = "";
    char copy[512], dir[PATH_MAX], nd[PATH_MAX], link[PATH_MAX];
    char *save = NULL;
    int r, ifindex;
    bool is_up;

    snprintf(copy, sizeof(copy), "%s", spec);
    for (char *t = strtok_r(copy, " \t", &save); t;
         t = strtok_r(NULL, " \t", &save)) {
        char *eq = strchr(t, '=');
        if (!eq) {
            snprintf(name, sizeof(name), "%s", t);
            continue;
        }
        *eq++ = '\0';
        if (strcmp(t, "mac") == 0)
            snprintf(mac, sizeof(mac), "%s", eq);
        else if (strcmp(t, "operstate") == 0)
            snprintf(operstate, sizeof(operstate), "%s", eq);
        else if (strcmp(t, "speed") == 0)
            snprintf(speed, sizeof(speed), "%s", eq);
        else if (strcmp(t, "up") == 0)
            snprintf(up, sizeof(up), "%s", eq);
        else if (strcmp(t, "port") == 0)
            snprintf(port, sizeof(port), "%s", eq);
        else
            return -EINVAL;
    }
    if (!name[0])
        return -EINVAL;
    /* An interface that is operationally up is administratively up. */
    is_up = up[0] ? strcmp(up, "1") == 0 : strcmp(operstate, "up") == 0;
    r = sim_function_dir(root, bdf, dir, sizeof(dir));
    if (r < 0)
        return r;
    snprintf(nd, sizeof(nd), "%s/net/%s", dir, name);
    r = simfs_path(link, sizeof(link), root, "%s", nd);
    if (r < 0 || (r = simfs_mkdir_p(link)) < 0)
        return r;
    ifindex = next_ifindex(root);
    if ((r = put_attr(root, nd, "address", "%s\n", mac)) < 0 ||
        (r = put_attr(root, nd, "addr_len", "6\n")) < 0 ||
        (r = put_attr(root, nd, "broadcast", "ff:ff:ff:ff:ff:ff\n")) < 0 ||
        (r = put_attr(root, nd, "operstate", "%s\n", operstate)) < 0 ||
        (r = put_attr(root, nd, "carrier", "%d\n",
                      strcmp(operstate, "up") == 0)) < 0 ||
        (r = put_attr(root, nd, "speed", "%s\n", speed)) < 0 ||
        (r = put_attr(root, nd, "duplex", "%s\n",
                      strcmp(speed, "-1") ? "full" : "unknown")) < 0 ||
        (r = put_attr(root, nd, "flags", "0x%x\n",
                      is_up ? 0x1003 : 0x1002)) < 0 ||
        (r = put_attr(root, nd, "mtu", "1500\n")) < 0 ||
        (r = put_attr(root, nd, "ifindex", "%d\n", ifindex)) < 0 ||
        (r = put_attr(root, nd, "iflink", "%d\n", ifindex)) < 0 ||
        (r = put_attr(root, nd, "type", "1\n")) < 0 ||
        (r = put_attr(root, nd, "dev_id", "0x0\n")) < 0 ||
        (r = put_attr(root, nd, "tx_queue_len", "1000\n")) < 0)
        return r;
    if (port[0] && (r = put_attr(root, nd, "phys_port_name", "%s\n",
                                 port)) < 0)
        return r;
    snprintf(link, sizeof(link), "%s/device", nd);
    if ((r = simfs_link(root, link, dir)) < 0)
        return r;
    snprintf(link, sizeof(link), "%s/subsystem", nd);
    if ((r = simfs_link(root, link, "sys/class/net")) < 0)
        return r;
    snprintf(link, sizeof(link), "sys/class/net/%s", name);
    return simfs_link(root, link, nd);
}

static int netdevs_remove(const char *root, const char *bdf)
{
    char path[PATH_MAX], link[PATH_MAX];
    struct dirent *de;
    DIR *d;
    int r;

    r = dev_path(path, sizeof(path), root, bdf, "net");
    if (r < 0)
        return r;
    d = opendir(path);
    if (!d)
        return 0;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.' &&
            simfs_path(link, sizeof(link), root, "sys/class/net/%s",
                       de->d_name) == 0)
            unlink(link);
    closedir(d);
    return sim_rm_rf(path);
}

/* Interfaces a network driver registers on probe. */
static int netdevs_create(const char *root, const char *bdf)
{
    char state[64], specs[2048], pf[16], pfspecs[2048], spec[512];
    char *save = NULL;
    struct sim_bdf b;
    int r;

    snprintf(state, sizeof(state), "devices/%s", bdf);
    r = sim_state_get(root, state, "net", specs, sizeof(specs));
    if (r < 0)
        return r;
    if (specs[0]) {
        for (char *s = strtok_r(specs, ";", &save); s;
             s = strtok_r(NULL, ";", &save))
            if ((r = sim_netdev_add(root, bdf, s)) < 0)
                return r;
        return 0;
    }
    /* A VF gets a name as udev's "v<index>" suffix of its PF's, and a MAC
     * derived from its address (iavf would pick a random one). */
    sim_bdf_parse(bdf, &b);
    if (is_vf(root, bdf, pf)) {
        char pfname[64] = "";
        struct sim_bdf p;
        unsigned off = attr_uint(root, pf, "sriov_offset", 10);
        unsigned stride = attr_uint(root, pf, "sriov_stride", 10);
        unsigned idx = 0, prid, vrid;

        snprintf(state, sizeof(state), "devices/%s", pf);
        sim_state_get(root, state, "net", pfspecs, sizeof(pfspecs));
        sscanf(pfspecs, "%63[^ ;]", pfname);
        sim_bdf_parse(pf, &p);
        prid = p.bus << 8 | p.dev << 3 | p.fn;
        vrid = b.bus << 8 | b.dev << 3 | b.fn;
        if (stride)
            idx = (vrid - prid - off) / stride;
        if (pfname[0])
            snprintf(spec, sizeof(spec), "%sv%u", pfname, idx);
        else
            snprintf(spec, sizeof(spec), "eth%d", next_ifindex(root));
        snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec),
                 " mac=02:%02x:%02x:%02x:%02x:%02x operstate=down",
                 b.domain & 0xff, b.bus, b.dev, b.fn, idx & 0xff);
    } else
        snprintf(spec, sizeof(spec), "eth%d", next_ifindex(root));
    return sim_netdev_add(root, bdf, spec);
}

/* ---- binding ---- */

int sim_attach(const char *root, const char *bdf, const char *driver)
{
    char dir[PATH_MAX], link[PATH_MAX], rel[PATH_MAX];
    int r;

    r = sim_function_dir(root, bdf, dir, sizeof(dir));
    if (r < 0)
        return r;
    snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s", driver);
    snprintf(link, sizeof(link), "%s/driver", dir);
    if ((r = simfs_link(root, link, rel)) < 0)
        return r;
    snprintf(link, sizeof(link), "sys/bus/pci/drivers/%s/%s", driver, bdf);
    if ((r = simfs_link(root, link, dir)) < 0)
        return r;
    if ((r = sim_write_attr(root, bdf, "enable", "1\n")) < 0)
        return r;
    if (driver_flag(root, driver, "net"))
        return netdevs_create(root, bdf);
    return 0;
}

int sim_detach(const char *root, const char *bdf)
{
    char driver[64], path[PATH_MAX], num[32];
    int r;

    r = sim_driver_of(root, bdf, driver, sizeof(driver));
    if (r < 0 || !driver[0])
        return r;
    /* A PF driver's remove() disables SR-IOV (pci_disable_sriov). */
    if (sim_read_attr(root, bdf, "sriov_numvfs", num, sizeof(num)) > 0 &&
        atoi(num) > 0 && (r = sim_vfs_remove(root, bdf)) < 0)
        return r;
    if ((r = netdevs_remove(root, bdf)) < 0)
        return r;
    r = dev_path(path, sizeof(path), root, bdf, "driver");
    if (r < 0)
        return r;
    unlink(path);
    r = simfs_path(path, sizeof(path), root, "sys/bus/pci/drivers/%s/%s",
                   driver, bdf);
    if (r < 0)
        return r;
    unlink(path);
    return sim_write_attr(root, bdf, "enable", "0\n");
}

static bool id_match(const char *ids, uint16_t vendor, uint16_t device)
{
    char want[16], copy[1024], *save = NULL;

    if (strcmp(ids, "any") == 0)
        return true;
    snprintf(want, sizeof(want), "%04x:%04x", vendor, device);
    snprintf(copy, sizeof(copy), "%s", ids);
    for (char *t = strtok_r(copy, ",", &save); t;
         t = strtok_r(NULL, ",", &save))
        if (strcasecmp(t, want) == 0)
            return true;
    return false;
}

static bool pciback_has_slot(const char *root, const char *bdf)
{
    char slots[8192];

    if (sim_state_get(root, "drivers/pciback", "slots", slots,
                      sizeof(slots)) < 0)
        return false;
    return strstr(slots, bdf) != NULL;
}

static void read_override(const char *root, const char *bdf, char *out,
                          size_t size)
{
    if (sim_read_attr(root, bdf, "driver_override", out, size) < 0 ||
        strcmp(out, "(null)") == 0)
        out[0] = '\0';
}

/*
 * pci_bus_match(): with driver_override set only that driver matches
 * (any id); otherwise the driver's id table decides.
 */
static bool matches(const char *root, const char *bdf, const char *driver,
                    const char *override)
{
    char state[PATH_MAX], ids[1024];

    if (override[0])
        return strcmp(override, driver) == 0;
    snprintf(state, sizeof(state), "drivers/%s", driver);
    if (sim_state_get(root, state, "ids", ids, sizeof(ids)) < 0)
        return false;
    return id_match(ids, (uint16_t)attr_uint(root, bdf, "vendor", 0),
                    (uint16_t)attr_uint(root, bdf, "device", 0));
}

/* pci_device_probe() and the driver's probe(): 0 when it binds. */
static int try_probe(const char *root, const char *bdf, const char *driver,
                     const char *override)
{
    char pf[16];

    /* pci_device_can_probe(): a VF of a PF with sriov_drivers_autoprobe 0
     * is probed only through driver_override. */
    if (!override[0] && is_vf(root, bdf, pf) &&
        attr_uint(root, pf, "sriov_drivers_autoprobe", 10) == 0)
        return -ENODEV;
    /* xen-pciback's pcistub_probe() seizes only listed slots or devices
     * whose driver_override is "pciback". */
    if (strcmp(driver, "pciback") == 0 && strcmp(override, "pciback") != 0 &&
        !pciback_has_slot(root, bdf))
        return -ENODEV;
    return sim_attach(root, bdf, driver);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int sim_probe(const char *root, const char *bdf, const char *driver)
{
    char current[64], override[256], path[PATH_MAX], state[PATH_MAX];
    char ids[1024], *names[256];
    unsigned n = 0;
    struct dirent *de;
    DIR *d;
    int r;

    r = sim_driver_of(root, bdf, current, sizeof(current));
    if (r < 0)
        return r;
    read_override(root, bdf, override, sizeof(override));
    if (driver) {
        /* bind_store(): no match is ENODEV, already bound is EBUSY
         * (__driver_probe_device), then the probe's own answer. */
        if (!matches(root, bdf, driver, override))
            return -ENODEV;
        if (current[0])
            return -EBUSY;
        return try_probe(root, bdf, driver, override);
    }
    if (current[0])
        return 0;
    /* device_attach(): every matching driver in turn until one binds;
     * catch-all tables (pciback) after specific ones. */
    r = simfs_path(path, sizeof(path), root, "sys/bus/pci/drivers");
    if (r < 0)
        return r;
    d = opendir(path);
    if (!d)
        return 0;
    while ((de = readdir(d)) && n < 256)
        if (de->d_name[0] != '.' && (names[n] = strdup(de->d_name)))
            n++;
    closedir(d);
    qsort(names, n, sizeof(char *), cmp_str);
    r = 0;
    for (int pass = 0; pass < 2 && !current[0]; pass++)
        for (unsigned i = 0; i < n; i++) {
            bool any;
            snprintf(state, sizeof(state), "drivers/%s", names[i]);
            sim_state_get(root, state, "ids", ids, sizeof(ids));
            any = strcmp(ids, "any") == 0;
            if ((pass == 0) == any || !matches(root, bdf, names[i], override))
                continue;
            if (try_probe(root, bdf, names[i], override) == 0) {
                snprintf(current, sizeof(current), "%s", names[i]);
                break;
            }
        }
    for (unsigned i = 0; i < n; i++)
        free(names[i]);
    return r;
}

/* ---- IOMMU groups ---- */

int sim_iommu_next(const char *root)
{
    char path[PATH_MAX];
    struct dirent *de;
    int max = -1;
    DIR *d;

    if (simfs_path(path, sizeof(path), root, "sys/kernel/iommu_groups") < 0)
        return -ENAMETOOLONG;
    d = opendir(path);
    if (!d)
        return 0;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.' && atoi(de->d_name) > max)
            max = atoi(de->d_name);
    closedir(d);
    return max + 1;
}

int sim_iommu_join(const char *root, const char *bdf, int group)
{
    char dir[PATH_MAX], grp[128], link[PATH_MAX], path[PATH_MAX];
    int r;

    r = sim_function_dir(root, bdf, dir, sizeof(dir));
    if (r < 0)
        return r;
    snprintf(grp, sizeof(grp), "sys/kernel/iommu_groups/%d", group);
    r = simfs_path(path, sizeof(path), root, "%s/devices", grp);
    if (r < 0 || (r = simfs_mkdir_p(path)) < 0)
        return r;
    r = simfs_path(path, sizeof(path), root, "%s/type", grp);
    if (r < 0 || (!simfs_exists(path) &&
                  (r = simfs_write(path, "DMA\n", 4)) < 0))
        return r;
    r = simfs_path(path, sizeof(path), root, "%s/reserved_regions", grp);
    if (r < 0 || (!simfs_exists(path) && (r = simfs_write(path, "", 0)) < 0))
        return r;
    snprintf(link, sizeof(link), "%s/devices/%s", grp, bdf);
    if ((r = simfs_link(root, link, dir)) < 0)
        return r;
    snprintf(link, sizeof(link), "%s/iommu_group", dir);
    return simfs_link(root, link, grp);
}

/* iommu_group_remove_device(): the group goes with its last member. */
static int iommu_leave(const char *root, const char *bdf)
{
    char path[PATH_MAX], target[PATH_MAX], grp[PATH_MAX];
    ssize_t n;
    int r;

    r = dev_path(path, sizeof(path), root, bdf, "iommu_group");
    if (r < 0)
        return r;
    n = readlink(path, target, sizeof(target) - 1);
    if (n < 0)
        return 0;
    target[n] = '\0';
    snprintf(grp, sizeof(grp), "sys/kernel/iommu_groups/%s",
             strrchr(target, '/') ? strrchr(target, '/') + 1 : target);
    unlink(path);
    r = simfs_path(path, sizeof(path), root, "%s/devices/%s", grp, bdf);
    if (r < 0)
        return r;
    unlink(path);
    r = simfs_path(path, sizeof(path), root, "%s/devices", grp);
    if (r < 0)
        return r;
    if (rmdir(path) == 0) {
        r = simfs_path(path, sizeof(path), root, "%s", grp);
        if (r < 0)
            return r;
        return sim_rm_rf(path);
    }
    return 0;
}

/* ---- VFs (drivers/pci/iov.c) ---- */

int sim_vfs_add(const char *root, const char *pf, unsigned n)
{
    char dir[PATH_MAX], state[64], v[64], vbdf[16], link[PATH_MAX];
    char vdir[PATH_MAX];
    struct sim_function f = { 0 };
    struct sim_bdf b;
    unsigned offset, stride, bus_end = 255, rid;
    int pf_group = -1, r;
    const char *slash;

    r = sim_bdf_parse(pf, &b);
    if (r < 0)
        return r;
    r = sim_function_dir(root, pf, dir, sizeof(dir));
    if (r < 0)
        return r;
    offset = attr_uint(root, pf, "sriov_offset", 10);
    stride = attr_uint(root, pf, "sriov_stride", 10);
    snprintf(state, sizeof(state), "devices/%s", pf);
    if (sim_state_get(root, state, "bus_end", v, sizeof(v)) == 0 && v[0])
        bus_end = (unsigned)strtoul(v, NULL, 0);
    /* sriov_enable(): VF BARs must have been assigned ... */
    if (sim_state_get(root, state, "vf_bars", v, sizeof(v)) == 0 &&
        strcmp(v, "unassigned") == 0)
        return -ENOMEM;             /* "not enough MMIO resources" */
    /* ... and the last VF's bus must be within the bridge's range. */
    rid = (b.bus << 8 | b.dev << 3 | b.fn) + offset + stride * (n - 1);
    if (!offset || (n > 1 && !stride))
        return -EIO;
    if ((rid >> 8) > bus_end)
        return -ENOMEM;             /* "SR-IOV: bus number out of range" */

    slash = strrchr(dir, '/');
    snprintf(f.parent, sizeof(f.parent), "%.*s", (int)(slash - dir), dir);
    f.vendor = (uint16_t)attr_uint(root, pf, "vendor", 0);
    f.device = (uint16_t)attr_uint(root, pf, "sriov_vf_device", 16);
    f.class = attr_uint(root, pf, "class", 0);
    f.revision = (uint8_t)attr_uint(root, pf, "revision", 0);
    f.subsystem_vendor = (uint16_t)attr_uint(root, pf, "subsystem_vendor", 0);
    f.subsystem_device = (uint16_t)attr_uint(root, pf, "subsystem_device", 0);
    f.is_vf = true;
    if (sim_read_attr(root, pf, "numa_node", v, sizeof(v)) >= 0)
        f.numa_node = atoi(v);
    sim_state_get(root, state, "vf_iommu", v, sizeof(v));
    if (strcmp(v, "pf") == 0) {
        char path[PATH_MAX], target[PATH_MAX];
        ssize_t len;
        if (dev_path(path, sizeof(path), root, pf, "iommu_group") == 0 &&
            (len = readlink(path, target, sizeof(target) - 1)) > 0) {
            target[len] = '\0';
            pf_group = atoi(strrchr(target, '/') + 1);
        }
    }

    for (unsigned i = 0; i < n; i++) {
        /* virtfn_bus()/virtfn_devfn(): routing-ID arithmetic, so VFs can
         * land on the buses after the PF's. */
        rid = (b.bus << 8 | b.dev << 3 | b.fn) + offset + stride * i;
        f.bdf = (struct sim_bdf) { b.domain, rid >> 8, (rid >> 3) & 0x1f,
                                   rid & 7 };
        sim_bdf_format(&f.bdf, vbdf);
        if ((r = sim_function_create(root, &f)) < 0)
            return r;
        snprintf(vdir, sizeof(vdir), "%s/%s", f.parent, vbdf);
        snprintf(link, sizeof(link), "%s/physfn", vdir);
        if ((r = simfs_link(root, link, dir)) < 0)
            return r;
        snprintf(link, sizeof(link), "%s/virtfn%u", dir, i);
        if ((r = simfs_link(root, link, vdir)) < 0)
            return r;
        if (strcmp(v, "none") != 0) {
            int group = pf_group >= 0 ? pf_group : sim_iommu_next(root);

            if ((r = sim_iommu_join(root, vbdf, group)) < 0)
                return r;
        }
    }
    snprintf(v, sizeof(v), "%u\n", n);
    if ((r = sim_write_attr(root, pf, "sriov_numvfs", v)) < 0 ||
        (r = config_set_numvfs(root, pf, n)) < 0)
        return r;
    /* pci_bus_add_device() -> device_attach() for each new VF. */
    for (unsigned i = 0; i < n; i++) {
        rid = (b.bus << 8 | b.dev << 3 | b.fn) + offset + stride * i;
        f.bdf = (struct sim_bdf) { b.domain, rid >> 8, (rid >> 3) & 0x1f,
                                   rid & 7 };
        sim_bdf_format(&f.bdf, vbdf);
        if ((r = sim_probe(root, vbdf, NULL)) < 0)
            return r;
    }
    return 0;
}

int sim_vfs_remove(const char *root, const char *pf)
{
    char dir[PATH_MAX], path[PATH_MAX], target[PATH_MAX], vbdf[16];
    char name[32];
    unsigned n;
    int r;

    n = attr_uint(root, pf, "sriov_numvfs", 10);
    r = sim_function_dir(root, pf, dir, sizeof(dir));
    if (r < 0)
        return r;
    /* sriov_disable() -> virtfn_remove() for each VF */
    for (unsigned i = n; i-- > 0;) {
        ssize_t len;

        snprintf(name, sizeof(name), "virtfn%u", i);
        r = simfs_path(path, sizeof(path), root, "%s/%s", dir, name);
        if (r < 0)
            return r;
        len = readlink(path, target, sizeof(target) - 1);
        if (len < 0)
            continue;
        target[len] = '\0';
        snprintf(vbdf, sizeof(vbdf), "%s",
                 strrchr(target, '/') ? strrchr(target, '/') + 1 : target);
        if ((r = sim_detach(root, vbdf)) < 0 ||
            (r = iommu_leave(root, vbdf)) < 0)
            return r;
        unlink(path);
        {
            char vdir[PATH_MAX];
            if ((r = sim_function_dir(root, vbdf, vdir, sizeof(vdir))) < 0)
                return r;
            r = simfs_path(path, sizeof(path), root,
                           "sys/bus/pci/devices/%s", vbdf);
            if (r < 0)
                return r;
            unlink(path);
            r = simfs_path(path, sizeof(path), root, "%s", vdir);
            if (r < 0 || (r = sim_rm_rf(path)) < 0)
                return r;
        }
    }
    if ((r = sim_write_attr(root, pf, "sriov_numvfs", "0\n")) < 0)
        return r;
    return config_set_numvfs(root, pf, 0);
}
