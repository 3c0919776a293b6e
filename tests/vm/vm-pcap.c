/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Print the Ethernet frames of a pcap file (QEMU's filter-dump), one line
 * each, for the host-side checks of the igb VM tests:
 *
 *   src=02:5a:00:00:19:b1 vlan=100 type=arp ip=169.254.100.1
 *
 * vlan is the 802.1Q VID ("-" untagged), ip the ARP sender or IPv4
 * source ("-" for other frames).  Exit 2 if the file is not a pcap. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t get32(const unsigned char *b, int swap)
{
    return swap ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
                      (uint32_t)b[2] << 8 | b[3]
                : (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 |
                      (uint32_t)b[1] << 8 | b[0];
}

static unsigned get16be(const unsigned char *b)
{
    return (unsigned)b[0] << 8 | b[1];
}

static void frame(const unsigned char *f, size_t len)
{
    char vlan[8] = "-", type[8], ip[16] = "-";
    const unsigned char *p = f + 12;
    unsigned et;

    if (len < 14)
        return;
    et = get16be(p);
    if (et == 0x8100 && len >= 18) {
        snprintf(vlan, sizeof(vlan), "%u", get16be(p + 2) & 0xfff);
        p += 4;
        et = get16be(p);
    }
    p += 2;                                     /* the payload */
    len -= (size_t)(p - f);
    if (et == 0x0806 && len >= 18) {            /* ARP: sender at 14 */
        snprintf(type, sizeof(type), "arp");
        snprintf(ip, sizeof(ip), "%u.%u.%u.%u", p[14], p[15], p[16], p[17]);
    } else if (et == 0x0800 && len >= 20) {     /* IPv4: source at 12 */
        snprintf(type, sizeof(type), "ipv4");
        snprintf(ip, sizeof(ip), "%u.%u.%u.%u", p[12], p[13], p[14], p[15]);
    } else {
        snprintf(type, sizeof(type), "0x%04x", et);
    }
    printf("src=%02x:%02x:%02x:%02x:%02x:%02x vlan=%s type=%s ip=%s\n",
           f[6], f[7], f[8], f[9], f[10], f[11], vlan, type, ip);
}

int main(int argc, char **argv)
{
    static unsigned char buf[65536];
    unsigned char hdr[24];
    uint32_t magic;
    int swap;
    FILE *in;

    if (argc != 2) {
        fprintf(stderr, "usage: vm-pcap FILE.pcap\n");
        return 2;
    }
    in = fopen(argv[1], "rb");
    if (!in) {
        fprintf(stderr, "vm-pcap: cannot open '%s': %s\n", argv[1],
                strerror(errno));
        return 2;
    }
    if (fread(hdr, 1, sizeof(hdr), in) != sizeof(hdr)) {
        fprintf(stderr, "vm-pcap: '%s' has no pcap header\n", argv[1]);
        fclose(in);
        return 2;
    }
    magic = get32(hdr, 0);
    if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
        swap = 0;
    else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
        swap = 1;
    else {
        fprintf(stderr, "vm-pcap: '%s' is not a pcap file (magic %08x)\n",
                argv[1], (unsigned)magic);
        fclose(in);
        return 2;
    }
    if (get32(hdr + 20, swap) != 1) {           /* LINKTYPE_ETHERNET */
        fprintf(stderr, "vm-pcap: '%s' does not hold Ethernet frames\n",
                argv[1]);
        fclose(in);
        return 2;
    }
    for (;;) {
        unsigned char rec[16];
        uint32_t incl;

        if (fread(rec, 1, sizeof(rec), in) != sizeof(rec))
            break;
        incl = get32(rec + 8, swap);
        if (incl > sizeof(buf) || fread(buf, 1, incl, in) != incl)
            break;                              /* cut short: stop there */
        frame(buf, incl);
    }
    fclose(in);
    return 0;
}
