// SPDX-License-Identifier: GPL-2.0-only
/* The 9P fid table (9p_fid.h): hashed buckets over a fixed pool. */
#include <errno.h>
#include <stddef.h>

#include "9p_fid.h"
#include "9p_wire.h"

static unsigned p9_fid_hash(uint32_t fid)
{
	/* Guests allocate fids densely from 0; a multiplicative hash spreads any pattern. */
	return (fid * 2654435761U) >> 22 & (P9_FID_BUCKETS - 1);
}

void p9_fids_init(struct p9_fids *t)
{
	for (unsigned i = 0; i < P9_FID_BUCKETS; i++)
		t->bucket[i] = -1;
	for (int32_t i = 0; i < P9_MAX_FIDS; i++) {
		t->slot[i] = (struct p9_fid){ .fd = -1, .open_fd = -1, .next = i + 1 };
	}
	t->slot[P9_MAX_FIDS - 1].next = -1;
	t->free = 0;
	t->used = 0;
}

struct p9_fid *p9_fid_find(struct p9_fids *t, uint32_t fid)
{
	for (int32_t i = t->bucket[p9_fid_hash(fid)]; i >= 0; i = t->slot[i].next)
		if (t->slot[i].fid == fid)
			return &t->slot[i];
	return NULL;
}

int p9_fid_add(struct p9_fids *t, uint32_t fid, struct p9_fid **out)
{
	unsigned h = p9_fid_hash(fid);
	int32_t i;

	if (fid == P9_NOFID)
		return -EBADF;
	if (p9_fid_find(t, fid))
		return -EEXIST;
	if (t->free < 0)
		return -ENFILE;
	i = t->free;
	t->free = t->slot[i].next;
	t->slot[i] = (struct p9_fid){ .fid = fid,
				      .fd = -1,
				      .open_fd = -1,
				      .uid = P9_NONUNAME,
				      .in_use = true,
				      .next = t->bucket[h] };
	t->bucket[h] = i;
	t->used++;
	*out = &t->slot[i];
	return 0;
}

void p9_fid_remove(struct p9_fids *t, uint32_t fid)
{
	int32_t *link = &t->bucket[p9_fid_hash(fid)];

	for (int32_t i = *link; i >= 0; link = &t->slot[i].next, i = *link) {
		if (t->slot[i].fid != fid)
			continue;
		*link = t->slot[i].next;
		t->slot[i] = (struct p9_fid){ .fd = -1, .open_fd = -1, .next = t->free };
		t->free = i;
		t->used--;
		return;
	}
}
