// SPDX-License-Identifier: GPL-2.0-only
/*
 * vsock-tool: both ends of the virtio-vsock integration test (t-45), built
 * static for arm64 so it runs in L1 (next to armlet) and in the L2 guest
 * (busybox has no AF_VSOCK).
 *
 *   vsock-tool serve PORT          accept one connection on PORT, echo every
 *                                  byte back until EOF, then exit 0
 *   vsock-tool send CID PORT BYTES connect to CID:PORT (retrying for up to
 *                                  RETRY_S seconds, while the peer boots),
 *                                  send BYTES of a pattern, read the echo back
 *                                  and compare; exit 0 only if it matches
 */
/* sys/socket.h first: linux/vm_sockets.h uses struct sockaddr. */
#include <sys/socket.h>

#include <errno.h>
#include <linux/vm_sockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RETRY_S 300

static unsigned char pattern_byte(size_t i)
{
	return (unsigned char)(i * 7 + i / 251);
}

static int serve(unsigned port)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK,
				 .svm_cid = VMADDR_CID_ANY,
				 .svm_port = port };
	char buf[65536];
	size_t total = 0;
	int s = socket(AF_VSOCK, SOCK_STREAM, 0), c;
	ssize_t n;

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1)) {
		perror("vsock-tool: serve");
		return 1;
	}
	c = accept(s, NULL, NULL);
	if (c < 0) {
		perror("vsock-tool: accept");
		return 1;
	}
	while ((n = read(c, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(c, buf + off, (size_t)(n - off));

			if (w <= 0) {
				perror("vsock-tool: write");
				return 1;
			}
			off += w;
		}
		total += (size_t)n;
	}
	printf("vsock-tool: served port %u: echoed %zu bytes\n", port, total);
	close(c);
	close(s);
	return n < 0;
}

static int connect_retry(unsigned cid, unsigned port)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_cid = cid, .svm_port = port };
	time_t end = time(NULL) + RETRY_S;

	for (;;) {
		int s = socket(AF_VSOCK, SOCK_STREAM, 0);

		if (s < 0) {
			perror("vsock-tool: socket");
			return -1;
		}
		if (!connect(s, (struct sockaddr *)&a, sizeof(a)))
			return s;
		close(s);
		if (time(NULL) > end) {
			fprintf(stderr, "vsock-tool: connect %u:%u: %s\n", cid, port,
				strerror(errno));
			return -1;
		}
		usleep(200000);
	}
}

/* Writes everything, then reads the echo back; sending and reading interleave. */
static int send_check(unsigned cid, unsigned port, size_t bytes)
{
	unsigned char buf[65536];
	size_t sent = 0, got = 0;
	int s = connect_retry(cid, port);

	if (s < 0)
		return 1;
	while (got < bytes) {
		size_t n = bytes - sent < sizeof(buf) ? bytes - sent : sizeof(buf);
		ssize_t r;

		if (sent < bytes && got + sizeof(buf) > sent) {
			ssize_t w;

			for (size_t i = 0; i < n; i++)
				buf[i] = pattern_byte(sent + i);
			w = write(s, buf, n);
			if (w <= 0) {
				perror("vsock-tool: write");
				return 1;
			}
			sent += (size_t)w;
			if (sent == bytes)
				shutdown(s, SHUT_WR);
			continue;
		}
		r = read(s, buf, sizeof(buf));
		if (r <= 0) {
			fprintf(stderr, "vsock-tool: echo ended after %zu of %zu bytes\n", got,
				bytes);
			return 1;
		}
		for (ssize_t i = 0; i < r; i++)
			if (buf[i] != pattern_byte(got + (size_t)i)) {
				fprintf(stderr, "vsock-tool: byte %zu differs\n", got + (size_t)i);
				return 1;
			}
		got += (size_t)r;
	}
	printf("vsock-tool: %zu bytes to %u:%u came back intact\n", bytes, cid, port);
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "serve"))
		return serve((unsigned)strtoul(argv[2], NULL, 0));
	if (argc == 5 && !strcmp(argv[1], "send"))
		return send_check((unsigned)strtoul(argv[2], NULL, 0),
				  (unsigned)strtoul(argv[3], NULL, 0), strtoul(argv[4], NULL, 0));
	fprintf(stderr, "usage: vsock-tool serve PORT | send CID PORT BYTES\n");
	return 2;
}
