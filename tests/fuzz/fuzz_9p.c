// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the 9P2000.L server (virtio/9p_server.c) fed hostile
 * messages, on a scratch share created once under /tmp ($ARMLET_FUZZ_TMP
 * picks another directory) that holds a file, a directory, a symlink to /
 * and one to a file next to the share. Each input starts a new session
 * (Tversion, Tattach of fid 0, done here), then sends its messages; at its
 * end every fid is clunked, as a device reset does.
 *
 * Invariants beyond the sanitizers: every reply fits its buffer and its
 * size field says its length, its tag is the request's (or NOTAG), the
 * file next to the share never changes, nothing appears next to the share
 * nor in the directory the share's root symlink points at (/tmp/... is
 * the fuzzer's own), and no fd outlives the session.
 *
 * Input: u8 cfg (bit 0: read-only share), then messages, each u16 len and
 * len bytes of type[1] tag[2] body; the size field is prepended here
 * (len + 4) unless cfg bit 1 asks to take the first 4 bytes as the size.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../virtio/9p_server.h"
#include "../../virtio/9p_wire.h"
#include "../../vmm/le.h"
#include "fuzz_input.h"

static char base[256], share[300], secret[300];
static struct p9_server srv[2];
static uint8_t req[P9_MAX_MSIZE], resp[P9_MAX_MSIZE];
static unsigned base_entries;

static unsigned count_dir(const char *path)
{
	DIR *d = opendir(path);
	unsigned n = 0;

	if (!d)
		return 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void setup_once(void)
{
	const char *tmp = getenv("ARMLET_FUZZ_TMP");
	char path[400], err[200];
	FILE *f;

	snprintf(base, sizeof(base), "%s/fuzz9p.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(base))
		abort();
	snprintf(share, sizeof(share), "%s/share", base);
	snprintf(secret, sizeof(secret), "%s/secret", base);
	mkdir(share, 0755);
	f = fopen(secret, "w");
	fputs("SECRET", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/file", share);
	f = fopen(path, "w");
	fputs("hello", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/dir", share);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/root", share);
	symlink("/", path);
	snprintf(path, sizeof(path), "%s/up", share);
	symlink("../secret", path);
	base_entries = count_dir(base);
	for (int ro = 0; ro < 2; ro++)
		if (p9_server_init(&srv[ro], share, ro, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			abort();
		}
}

static unsigned count_fds(void)
{
	return count_dir("/proc/self/fd");
}

static void check_reply(const uint8_t *msg, uint32_t len, uint32_t n, uint32_t max)
{
	FUZZ_CHECK(n <= max);
	FUZZ_CHECK(n >= P9_HDR_SIZE || (n == 0 && max < P9_HDR_SIZE + 4));
	if (n == 0)
		return;
	FUZZ_CHECK(le_bytes_get(resp, 4) == n);
	FUZZ_CHECK(resp[4] % 2 == 1);
	if (len >= P9_HDR_SIZE)
		FUZZ_CHECK(le_bytes_get(resp + 5, 2) == le_bytes_get(msg + 5, 2) ||
			   le_bytes_get(resp + 5, 2) == P9_NOTAG);
}

static void send(struct p9_server *s, const uint8_t *msg, uint32_t len, uint32_t max)
{
	check_reply(msg, len, p9_server_handle(s, msg, len, resp, max), max);
}

/* Tversion and Tattach of fid 0, as a client starts. */
static void session(struct p9_server *s)
{
	struct p9_buf b;

	p9_buf_init(&b, req, sizeof(req));
	p9_put32(&b, 19), p9_put8(&b, P9_TVERSION), p9_put16(&b, P9_NOTAG);
	p9_put32(&b, 65536), p9_put_str(&b, "9P2000.L", 8);
	send(s, req, b.pos, sizeof(resp));
	p9_buf_init(&b, req, sizeof(req));
	p9_put32(&b, 23), p9_put8(&b, P9_TATTACH), p9_put16(&b, 1);
	p9_put32(&b, 0), p9_put32(&b, P9_NOFID), p9_put_str(&b, "u", 1), p9_put_str(&b, "", 0);
	p9_put32(&b, 0);
	send(s, req, b.pos, sizeof(resp));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t cfg;
	struct p9_server *s;
	unsigned fds;
	char buf[16] = { 0 };
	int fd;

	if (!base[0])
		setup_once();
	cfg = fuzz_u8(&in);
	s = &srv[cfg & 1];
	fds = count_fds();
	session(s);
	while (fuzz_left(&in)) {
		size_t len = fuzz_u16(&in), got;
		const uint8_t *body = fuzz_bytes(&in, len, &got);
		uint32_t n = (uint32_t)got;

		if (cfg & 2) {
			memcpy(req, body, got);
		} else {
			le_bytes_set(req, 4, got + 4);
			memcpy(req + 4, body, got);
			n += 4;
		}
		/* Now and then a reply buffer smaller than msize, as a short chain gives. */
		send(s, req, n, cfg & 4 ? 64 + got : sizeof(resp));
	}
	p9_server_reset(s);
	FUZZ_CHECK(count_fds() == fds);
	fd = open(secret, O_RDONLY);
	FUZZ_CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 6 && !memcmp(buf, "SECRET", 6));
	close(fd);
	FUZZ_CHECK(count_dir(base) == base_entries);
	return 0;
}
