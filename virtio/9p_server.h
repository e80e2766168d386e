/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A 9P2000.L file server for one shared host directory: one request
 * message in, one reply out, no KVM, no virtio (virtio/9p.c carries the
 * messages). Unit-tested on a temporary directory and fuzzed.
 *
 * Containment. Every fid holds an O_PATH fd of a file beneath the share's
 * root. Names from the guest are single components, checked (no '/', no
 * NUL, not "." or "..") and resolved one at a time relative to a fid's fd
 * with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS): a symlink is never followed on the host (the
 * guest reads it with Treadlink and resolves it in its own namespace), so
 * neither "..", nor an absolute or relative symlink, nor one planted by the
 * host can lead outside. Twalk's ".." is answered by the server itself,
 * checked to stay beneath the root. Guest names are never concatenated into
 * host paths; the only paths armlet builds are /proc/self/fd/N of its own
 * fds, to reopen a fid (O_PATH fds cannot be read or written).
 *
 * Files are created with armlet's own uid and gid (no privileges, no
 * mapping), device nodes are refused (EPERM), and a read-only share answers
 * EROFS to everything that would change it.
 */
#ifndef ARMLET_VIRTIO_9P_SERVER_H
#define ARMLET_VIRTIO_9P_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "9p_fid.h"

/* The largest message either side may send (Tversion msize is capped to it). */
#define P9_MAX_MSIZE (256U << 10)
#define P9_MIN_MSIZE 4096

struct p9_server {
	int root_fd; /* O_PATH | O_DIRECTORY */
	dev_t root_dev;
	ino_t root_ino;
	bool ro;
	uint32_t msize; /* negotiated by Tversion */
	struct p9_fids fids;
};

/*
 * Opens dir as the share's root. Returns 0, or -errno with a one-line
 * reason in err: dir missing or not a directory, or a host without
 * openat2() (Linux < 5.6) or /proc.
 */
int p9_server_init(struct p9_server *s, const char *dir, bool ro, char *err, size_t errlen);

/* Clunks every fid (a new session: Tversion, or a device reset). */
void p9_server_reset(struct p9_server *s);

/* Resets, then closes the root. */
void p9_server_destroy(struct p9_server *s);

/*
 * Serves one request of req_len bytes (a whole message, hostile) and
 * writes the reply into resp, which has room for resp_max bytes. Returns
 * the reply's length: an R-message, or Rlerror with a Linux errno for
 * anything refused or malformed; 0 only when resp_max cannot hold even an
 * Rlerror (11 bytes).
 */
uint32_t p9_server_handle(struct p9_server *s, const uint8_t *req, uint32_t req_len, uint8_t *resp,
			  uint32_t resp_max);

#endif
