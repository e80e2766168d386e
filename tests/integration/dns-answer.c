// SPDX-License-Identifier: GPL-2.0-only
/*
 * dns-answer: a DNS server that knows one name, for the slirp DNS test
 * (t-48). L1's busybox has no dnsd, so this answers instead: built static
 * for arm64, it runs in L1 next to armlet.
 *
 *   dns-answer ADDR PORT NAME IPV4   serve UDP on ADDR:PORT until killed:
 *                                    an A query for NAME (any case) gets
 *                                    IPV4, any other query for NAME an empty
 *                                    answer, any other name NXDOMAIN
 *
 * Prints "dns-answer: ready" once bound, then one line per query it
 * answered ("dns-answer: A NAME", "dns-answer: NXDOMAIN NAME"), so
 * the test can tell the guest's query reached this server. Only a query
 * with one question is answered (RFC 1035 §4.1); anything else is dropped.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define DNS_HDR	       12
#define DNS_TYPE_A     1
#define DNS_CLASS_IN   1
#define DNS_FLAG_QR    0x8000
#define DNS_FLAG_AA    0x0400
#define DNS_FLAG_RD    0x0100
#define DNS_RCODE_NXDO 3

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * The question's name as dotted text into name (size bytes); returns the
 * offset just past it, or 0 when it is malformed (compression is not
 * allowed in a question, RFC 1035 §4.1.4 only lets it point backwards).
 */
static size_t qname_parse(const uint8_t *m, size_t len, char *name, size_t size)
{
	size_t pos = DNS_HDR, out = 0;

	while (pos < len && m[pos]) {
		size_t l = m[pos++];

		if (l > 63 || pos + l > len || out + l + 2 > size)
			return 0;
		if (out)
			name[out++] = '.';
		memcpy(name + out, m + pos, l);
		out += l;
		pos += l;
	}
	if (pos >= len)
		return 0;
	name[out] = '\0';
	return pos + 1;
}

/* The reply to query m (len bytes) in r; returns its length, or 0 to drop the query. */
static size_t answer(const uint8_t *m, size_t len, uint8_t *r, const char *known, uint32_t ip)
{
	char name[256];
	size_t q_end = len >= DNS_HDR ? qname_parse(m, len, name, sizeof(name)) : 0;
	unsigned type;
	bool hit;

	if (!q_end || q_end + 4 > len || get16(m + 4) != 1 || (get16(m + 2) & DNS_FLAG_QR))
		return 0;
	type = get16(m + q_end);
	hit = strcasecmp(name, known) == 0;
	q_end += 4;
	memcpy(r, m, q_end); /* id and the question as asked */
	put16(r + 2, DNS_FLAG_QR | DNS_FLAG_AA | (get16(m + 2) & DNS_FLAG_RD) |
			 (hit ? 0 : DNS_RCODE_NXDO));
	put16(r + 6, hit && type == DNS_TYPE_A); /* ANCOUNT */
	put16(r + 8, 0);
	put16(r + 10, 0);
	printf("dns-answer: %s %s\n",
	       !hit		    ? "NXDOMAIN"
	       : type == DNS_TYPE_A ? "A"
				    : "no-data",
	       name);
	fflush(stdout);
	if (!hit || type != DNS_TYPE_A)
		return q_end;
	put16(r + q_end, 0xc000 | DNS_HDR); /* the name: a pointer to the question's */
	put16(r + q_end + 2, DNS_TYPE_A);
	put16(r + q_end + 4, DNS_CLASS_IN);
	put16(r + q_end + 6, 0);
	put16(r + q_end + 8, 60); /* TTL */
	put16(r + q_end + 10, 4);
	memcpy(r + q_end + 12, &ip, 4); /* already in network order */
	return q_end + 16;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	uint8_t m[512], r[512 + 16];
	struct in_addr ip;
	int fd;

	if (argc != 5 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[4], &ip) != 1 || atoi(argv[2]) <= 0 || atoi(argv[2]) > 65535) {
		fprintf(stderr, "usage: dns-answer ADDR PORT NAME IPV4\n");
		return 2;
	}
	sa.sin_port = htons((uint16_t)atoi(argv[2]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("dns-answer: bind");
		return 1;
	}
	printf("dns-answer: ready\n");
	fflush(stdout);
	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, m, sizeof(m), 0, (struct sockaddr *)&from, &fl);
		size_t rl;

		if (n < 0)
			continue;
		rl = answer(m, (size_t)n, r, argv[3], ip.s_addr);
		if (rl)
			sendto(fd, r, rl, 0, (struct sockaddr *)&from, fl);
	}
}
