/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 9P2000.L wire format: little-endian integers, strings as le16 length
 * plus bytes, every message size[4] type[1] tag[2] body. A struct p9_buf
 * reads a guest's message or writes a reply with bounds checks on every
 * step: a read past the end, a string longer than what is left, or a
 * reply that outgrows its buffer sets err, after which every get returns
 * zero and every put does nothing, so a handler checks once at the end.
 * No syscalls, no allocation: portable and fuzzed (tests/fuzz/fuzz_9p.c).
 */
#ifndef ARMLET_VIRTIO_9P_WIRE_H
#define ARMLET_VIRTIO_9P_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Message types of 9P2000.L (Linux include/net/9p/9p.h); R = T + 1. */
enum p9_type {
	P9_TLERROR = 6,
	P9_RLERROR = 7,
	P9_TSTATFS = 8,
	P9_TLOPEN = 12,
	P9_TLCREATE = 14,
	P9_TSYMLINK = 16,
	P9_TMKNOD = 18,
	P9_TRENAME = 20,
	P9_TREADLINK = 22,
	P9_TGETATTR = 24,
	P9_TSETATTR = 26,
	P9_TXATTRWALK = 30,
	P9_TXATTRCREATE = 32,
	P9_TREADDIR = 40,
	P9_TFSYNC = 50,
	P9_TLOCK = 52,
	P9_TGETLOCK = 54,
	P9_TLINK = 70,
	P9_TMKDIR = 72,
	P9_TRENAMEAT = 74,
	P9_TUNLINKAT = 76,
	P9_TVERSION = 100,
	P9_TAUTH = 102,
	P9_TATTACH = 104,
	P9_TFLUSH = 108,
	P9_TWALK = 110,
	P9_TREAD = 116,
	P9_TWRITE = 118,
	P9_TCLUNK = 120,
	P9_TREMOVE = 122,
};

#define P9_HDR_SIZE 7 /* size[4] type[1] tag[2] */
#define P9_NOTAG    0xffff
#define P9_NOFID    0xffffffffU
#define P9_NONUNAME 0xffffffffU /* Tattach: no numeric user */
#define P9_MAXWELEM 16		/* names in one Twalk */
#define P9_QID_SIZE 13		/* type[1] version[4] path[8] */
#define P9_NAME_MAX 255

/* qid types. */
#define P9_QTDIR     0x80
#define P9_QTSYMLINK 0x02
#define P9_QTFILE    0x00

struct p9_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};

/* A string inside a message: not NUL-terminated, len bytes at s. */
struct p9_str {
	const char *s;
	uint16_t len;
};

struct p9_buf {
	uint8_t *data;
	uint32_t size; /* bytes valid (reading) or available (writing) */
	uint32_t pos;
	bool err;
};

static inline void p9_buf_init(struct p9_buf *b, void *data, uint32_t size)
{
	b->data = data;
	b->size = size;
	b->pos = 0;
	b->err = false;
}

uint8_t p9_get8(struct p9_buf *b);
uint16_t p9_get16(struct p9_buf *b);
uint32_t p9_get32(struct p9_buf *b);
uint64_t p9_get64(struct p9_buf *b);
/* A string: its bytes stay in the message. */
struct p9_str p9_get_str(struct p9_buf *b);
/* len raw bytes (Twrite's data); NULL and err set when fewer are left. */
const uint8_t *p9_get_bytes(struct p9_buf *b, uint32_t len);

void p9_put8(struct p9_buf *b, uint8_t v);
void p9_put16(struct p9_buf *b, uint16_t v);
void p9_put32(struct p9_buf *b, uint32_t v);
void p9_put64(struct p9_buf *b, uint64_t v);
void p9_put_str(struct p9_buf *b, const char *s, size_t len);
void p9_put_qid(struct p9_buf *b, const struct p9_qid *q);
/* Room for len bytes the caller fills itself (Rread's data); NULL on overflow. */
uint8_t *p9_put_space(struct p9_buf *b, uint32_t len);

/*
 * Whether s is acceptable as one path component: 1..P9_NAME_MAX bytes, no
 * NUL, no '/', not "." or "..". Returns 0 or -errno (-EINVAL, -ENAMETOOLONG).
 * ".." is handled by Twalk itself, never by a syscall.
 */
int p9_name_check(struct p9_str s);

/* Copies a checked string into out (NUL-terminated, out has len bytes); -ENAMETOOLONG. */
int p9_str_copy(struct p9_str s, char *out, size_t len);

#endif
