// SPDX-License-Identifier: GPL-2.0-only
/* The 9P wire format's bounds-checked readers and writers (9p_wire.h). */
#include <errno.h>
#include <string.h>

#include "../vmm/le.h"
#include "9p_wire.h"

/* n bytes at the cursor, or NULL (and err) when fewer are left. */
static uint8_t *p9_take(struct p9_buf *b, uint32_t n)
{
	uint8_t *p;

	if (b->err || n > b->size - b->pos) {
		b->err = true;
		return NULL;
	}
	p = b->data + b->pos;
	b->pos += n;
	return p;
}

static uint64_t p9_get_le(struct p9_buf *b, unsigned n)
{
	const uint8_t *p = p9_take(b, n);

	return p ? le_bytes_get(p, n) : 0;
}

uint8_t p9_get8(struct p9_buf *b)
{
	return (uint8_t)p9_get_le(b, 1);
}

uint16_t p9_get16(struct p9_buf *b)
{
	return (uint16_t)p9_get_le(b, 2);
}

uint32_t p9_get32(struct p9_buf *b)
{
	return (uint32_t)p9_get_le(b, 4);
}

uint64_t p9_get64(struct p9_buf *b)
{
	return p9_get_le(b, 8);
}

struct p9_str p9_get_str(struct p9_buf *b)
{
	struct p9_str s = { .len = p9_get16(b) };

	s.s = (const char *)p9_take(b, s.len);
	if (!s.s)
		s.len = 0;
	return s;
}

const uint8_t *p9_get_bytes(struct p9_buf *b, uint32_t len)
{
	return p9_take(b, len);
}

static void p9_put_le(struct p9_buf *b, unsigned n, uint64_t v)
{
	uint8_t *p = p9_take(b, n);

	if (p)
		le_bytes_set(p, n, v);
}

void p9_put8(struct p9_buf *b, uint8_t v)
{
	p9_put_le(b, 1, v);
}

void p9_put16(struct p9_buf *b, uint16_t v)
{
	p9_put_le(b, 2, v);
}

void p9_put32(struct p9_buf *b, uint32_t v)
{
	p9_put_le(b, 4, v);
}

void p9_put64(struct p9_buf *b, uint64_t v)
{
	p9_put_le(b, 8, v);
}

void p9_put_str(struct p9_buf *b, const char *s, size_t len)
{
	uint8_t *p;

	if (len > UINT16_MAX) {
		b->err = true;
		return;
	}
	p9_put16(b, (uint16_t)len);
	p = p9_take(b, (uint32_t)len);
	if (p && len)
		memcpy(p, s, len);
}

void p9_put_qid(struct p9_buf *b, const struct p9_qid *q)
{
	p9_put8(b, q->type);
	p9_put32(b, q->version);
	p9_put64(b, q->path);
}

uint8_t *p9_put_space(struct p9_buf *b, uint32_t len)
{
	return p9_take(b, len);
}

int p9_name_check(struct p9_str s)
{
	if (!s.s || s.len == 0)
		return -EINVAL;
	if (s.len > P9_NAME_MAX)
		return -ENAMETOOLONG;
	if (memchr(s.s, '\0', s.len) || memchr(s.s, '/', s.len))
		return -EINVAL;
	if ((s.len == 1 && s.s[0] == '.') || (s.len == 2 && s.s[0] == '.' && s.s[1] == '.'))
		return -EINVAL;
	return 0;
}

int p9_str_copy(struct p9_str s, char *out, size_t len)
{
	if (s.len >= len || (s.len && memchr(s.s, '\0', s.len)))
		return s.len >= len ? -ENAMETOOLONG : -EINVAL;
	if (s.len)
		memcpy(out, s.s, s.len);
	out[s.len] = '\0';
	return 0;
}
