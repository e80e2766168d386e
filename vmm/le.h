/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Little-endian byte strings as numbers, whatever the host's byte order:
 * PCI config space (PCI 3.0 §6.1), virtio's register images (virtio 1.2
 * §4.1.3.1) and the arm64 Image header are all little-endian, and are
 * accessed 1 to 8 bytes at a time at any offset.
 */
#ifndef ARMLET_LE_H
#define ARMLET_LE_H

#include <stdint.h>

/* The len (0..8) bytes at p, least significant first. */
static inline uint64_t le_bytes_get(const uint8_t *p, unsigned len)
{
	uint64_t v = 0;

	for (unsigned i = len; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* Stores the low len (0..8) bytes of v at p, least significant first. */
static inline void le_bytes_set(uint8_t *p, unsigned len, uint64_t v)
{
	for (unsigned i = 0; i < len; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

#endif
