/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fid table of a 9P server: the guest's 32-bit fid numbers mapped to
 * slots of a fixed pool (P9_MAX_FIDS), so a guest that never clunks runs
 * out of fids (-ENFILE), not host memory. Pure bookkeeping: what a slot's
 * fds mean is the server's business (9p_server.c). Portable, unit-tested.
 */
#ifndef ARMLET_VIRTIO_9P_FID_H
#define ARMLET_VIRTIO_9P_FID_H

#include <stdbool.h>
#include <stdint.h>

#define P9_MAX_FIDS    4096
#define P9_FID_BUCKETS 1024 /* a power of 2 */

struct p9_fid {
	uint32_t fid;
	int fd;	      /* O_PATH fd of the file, beneath the share's root */
	int open_fd;  /* after Tlopen/Tlcreate: the open file, else -1 */
	uint32_t uid; /* the user it was attached as (Tattach n_uname), walks keep it */
	uint8_t qtype;
	bool in_use;
	int32_t next; /* next slot in the bucket or the free list, -1 at the end */
};

struct p9_fids {
	struct p9_fid slot[P9_MAX_FIDS];
	int32_t bucket[P9_FID_BUCKETS];
	int32_t free; /* head of the free list */
	unsigned used;
};

/* Every slot free. */
void p9_fids_init(struct p9_fids *t);

/* The fid's slot, or NULL. */
struct p9_fid *p9_fid_find(struct p9_fids *t, uint32_t fid);

/*
 * A new slot for fid with fd = open_fd = -1 and uid = P9_NONUNAME
 * (0xffffffff): -EEXIST if fid is in use,
 * -EBADF for P9_NOFID, -ENFILE when the pool is exhausted.
 */
int p9_fid_add(struct p9_fids *t, uint32_t fid, struct p9_fid **out);

/* Frees fid's slot (the caller closed its fds); nothing if unknown. */
void p9_fid_remove(struct p9_fids *t, uint32_t fid);

#endif
