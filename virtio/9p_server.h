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
 * Ownership (enum p9_owner_model): armlet with CAP_CHOWN (root) gives what
 * the guest creates the guest's ids, as QEMU's security_model=passthrough;
 * without it, armlet's own, as security_model=none. Device nodes are
 * refused (EPERM) either way, and a read-only share answers EROFS to
 * everything that would change it.
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

/*
 * Whose a file the guest creates (Tlcreate, Tmkdir, Tsymlink, Tmknod) is.
 * 9P2000.L names the owner by the fid's user (Tattach's n_uname: Linux
 * attaches once per uid, access=user and access=client alike) and the
 * group by the request's gid (Linux already applied a setgid directory's).
 */
enum p9_owner_model {
	/* armlet's uid and gid, no chown tried (QEMU's security_model=none). */
	P9_OWNER_ARMLET,
	/* The guest's ids, set right after the create; if that fails, the new
	 * entry is removed and the request fails (security_model=passthrough). */
	P9_OWNER_GUEST,
};

/* The ids to give a new file ((uint32_t)-1: keep armlet's), for p9_owner_model. */
struct p9_owner {
	uint32_t uid, gid;
};

/*
 * What a file created through a fid attached as fid_uid (P9_NONUNAME when
 * the client named none), with the request's gid, gets under model.
 */
struct p9_owner p9_owner_of(enum p9_owner_model model, uint32_t fid_uid, uint32_t gid);

/* The model armlet can serve: P9_OWNER_GUEST when it has CAP_CHOWN (effective). */
enum p9_owner_model p9_owner_model_host(void);

struct p9_server {
	int root_fd; /* O_PATH | O_DIRECTORY */
	dev_t root_dev;
	ino_t root_ino;
	bool ro;
	enum p9_owner_model owner; /* p9_owner_model_host() at init */
	uint32_t msize;		   /* negotiated by Tversion */
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
