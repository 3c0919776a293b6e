/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * On the host, after a VM test: the Ethernet frames of a pcap file (QEMU's
 * filter-dump of the igb NIC, run-vm.sh --wire-pcap), one line each:
 *
 *   src 02:11:22:33:44:55 dst ff:ff:ff:ff:ff:ff vlan 100 type 0x0806 len 46
 *       ip 169.254.1.1
 *
 * ("vlan -" for an untagged frame; the VLAN is the 802.1Q tag's VID, "type"
 * the EtherType after the tag, "ip" the sender of an ARP frame or the
 * source of an IPv4 packet, absent for others).  A host check greps these
 * lines.
 *
 *   wire-frames FILE.pcap
 *
 * Exit 0 with the frames; 1 with one line on stderr when the file is not a
 * pcap of Ethernet frames (a truncated last frame is reported, not fatal:
 * QEMU may be killed while writing).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t le32(const unsigned char *p, int swap)
{
    return swap ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
                  (uint32_t)p[2] << 8 | p[3]
                : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
                  (uint32_t)p[1] << 8 | p[0];
}

static void mac(const unsigned char *p, char *out)
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2],
             p[3], p[4], p[5]);
}

int main(int argc, char **argv)
{
    unsigned char gh[24], rh[16], f[65536];
    char src[18], dst[18], vlan[8];
    unsigned long n = 0;
    uint32_t magic;
    int swap;
    FILE *in;

    if (argc != 2) {
        fprintf(stderr, "usage: wire-frames FILE.pcap\n");
        return 2;
    }
    in = fopen(argv[1], "rb");
    if (!in) {
        fprintf(stderr, "wire-frames: cannot open %s: %s (did the VM run "
                "with run-vm.sh --wire-pcap?)\n", argv[1], strerror(errno));
        return 1;
    }
    if (fread(gh, 1, sizeof(gh), in) != sizeof(gh)) {
        fprintf(stderr, "wire-frames: %s: no pcap header (empty file)\n",
                argv[1]);
        fclose(in);
        return 1;
    }
    magic = le32(gh, 0);
    if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du)
        swap = 0;
    else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u)
        swap = 1;
    else {
        fprintf(stderr, "wire-frames: %s is not a pcap file (magic %08x)\n",
                argv[1], (unsigned)magic);
        fclose(in);
        return 1;
    }
    if (le32(gh + 20, swap) != 1) {
        fprintf(stderr, "wire-frames: %s: link type %u, not Ethernet\n",
                argv[1], (unsigned)le32(gh + 20, swap));
        fclose(in);
        return 1;
    }
    while (fread(rh, 1, sizeof(rh), in) == sizeof(rh)) {
        uint32_t cap = le32(rh + 8, swap), len = le32(rh + 12, swap);
        unsigned type, off = 12;

        if (cap > sizeof(f) || fread(f, 1, cap, in) != cap) {
            printf("# frame %lu truncated (%u bytes announced)\n", n + 1,
                   (unsigned)cap);
            break;
        }
        n++;
        if (cap < 14)
            continue;
        mac(f, dst);
        mac(f + 6, src);
        type = (unsigned)f[12] << 8 | f[13];
        strcpy(vlan, "-");
        if ((type == 0x8100 || type == 0x88a8) && cap >= 18) {
            snprintf(vlan, sizeof(vlan), "%u",
                     ((unsigned)f[14] << 8 | f[15]) & 0xfffu);
            off = 16;
            type = (unsigned)f[off] << 8 | f[off + 1];
        }
        printf("src %s dst %s vlan %s type 0x%04x len %u", src, dst, vlan,
               type, (unsigned)len);
        off += 2;                               /* the payload */
        if (type == 0x0806 && cap >= off + 18)  /* ARP: sender at 14 */
            printf(" ip %u.%u.%u.%u", f[off + 14], f[off + 15], f[off + 16],
                   f[off + 17]);
        else if (type == 0x0800 && cap >= off + 20)     /* IPv4: src at 12 */
            printf(" ip %u.%u.%u.%u", f[off + 12], f[off + 13], f[off + 14],
                   f[off + 15]);
        printf("\n");
    }
    fclose(in);
    return 0;
}
