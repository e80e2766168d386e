// SPDX-License-Identifier: GPL-2.0-only
/*
 * runas: run a command as another user, by number, with no user database.
 * L1's and L2's busybox can only switch users by name (su), and neither
 * initramfs has /etc/passwd, so the tests that need an unprivileged
 * armlet (t-44) or a non-root guest user (t-46) use this instead. Built
 * static for arm64: it runs in L1 and in the L2 initramfs.
 *
 *   runas UID GID CMD [ARG...]   drop every supplementary group, set the
 *                                real, effective and saved gid to GID and
 *                                uid to UID, then exec CMD (PATH searched)
 *
 * Exits 125 when it cannot become UID:GID (and says why), 127 when CMD
 * cannot be run; otherwise CMD's own status.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse_id(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v >= 0xffffffffUL)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned uid, gid;

	if (argc < 4 || parse_id(argv[1], &uid) || parse_id(argv[2], &gid)) {
		fprintf(stderr, "usage: runas UID GID CMD [ARG...]\n");
		return 125;
	}
	/* Groups first: after setuid() we could no longer drop them. */
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid)) {
		fprintf(stderr, "runas: cannot become %u:%u: %s (run it as root)\n", uid, gid,
			strerror(errno));
		return 125;
	}
	/* Make sure it took: no way back to root. */
	if (uid != 0 && (setresuid(0, 0, 0) == 0 || geteuid() != uid || getegid() != gid)) {
		fprintf(stderr, "runas: still privileged after dropping to %u:%u\n", uid, gid);
		return 125;
	}
	execvp(argv[3], argv + 3);
	fprintf(stderr, "runas: cannot run %s: %s\n", argv[3], strerror(errno));
	return 127;
}
