/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the libFuzzer targets in tests/fuzz/ share: reading a fuzzer's input
 * as a stream of little-endian fields (zeroes once it runs out, so every
 * input is a complete script), and failing loudly on a broken invariant.
 * Header-only: each target is one .c file plus the portable sources.
 */
#ifndef ARMLET_FUZZ_INPUT_H
#define ARMLET_FUZZ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline bool fuzz_left(const struct fuzz_in *in)
{
	return in->n != 0;
}

/* The next len bytes (1..8) as a little-endian number; missing bytes read 0. */
static inline uint64_t fuzz_le(struct fuzz_in *in, unsigned len)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < len && in->n; i++, in->p++, in->n--)
		v |= (uint64_t)*in->p << (8 * i);
	return v;
}

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	return (uint8_t)fuzz_le(in, 1);
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	return (uint16_t)fuzz_le(in, 2);
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	return (uint32_t)fuzz_le(in, 4);
}

static inline uint64_t fuzz_u64(struct fuzz_in *in)
{
	return fuzz_le(in, 8);
}

/* Takes up to len bytes off the front; *got says how many there were. */
static inline const uint8_t *fuzz_bytes(struct fuzz_in *in, size_t len, size_t *got)
{
	const uint8_t *p = in->p;

	*got = len < in->n ? len : in->n;
	in->p += *got;
	in->n -= *got;
	return p;
}

/* The guest writes one byte of its RAM: u16 offset (modulo size), then u8 value. */
static inline void fuzz_poke(struct fuzz_in *in, uint8_t *ram, size_t size)
{
	size_t off = fuzz_u16(in) % size;

	ram[off] = fuzz_u8(in);
}

/* An invariant the code under test broke: abort, so libFuzzer saves the input. */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__,       \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#endif
