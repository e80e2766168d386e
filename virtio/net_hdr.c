// SPDX-License-Identifier: GPL-2.0-only
/* virtio-net header offloads (virtio 1.2 §5.1.6.2) that need no device state. */
#include <errno.h>
#include <linux/if_tun.h>
#include <string.h>

#include "net.h"

int net_csum_complete(uint8_t *frame, size_t len, uint16_t csum_start, uint16_t csum_offset)
{
	uint32_t sum = 0;
	size_t i, at = (size_t)csum_start + csum_offset;

	/* The 16-bit field must lie inside the summed range, which lies inside the frame. */
	if (csum_start >= len || at + 2 > len)
		return -EINVAL;
	/*
	 * The driver seeded the field with the pseudo-header sum; the result
	 * is the complement of the ones' complement sum of everything from
	 * csum_start (RFC 1071), big-endian 16-bit words, odd byte padded.
	 */
	for (i = csum_start; i + 1 < len; i += 2)
		sum += (uint32_t)frame[i] << 8 | frame[i + 1];
	if (i < len)
		sum += (uint32_t)frame[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	/* UDP sends 0 as 0xffff (RFC 768); the same word is valid for TCP too. */
	if (sum == 0)
		sum = 0xffff;
	frame[at] = (uint8_t)(sum >> 8);
	frame[at + 1] = (uint8_t)sum;
	return 0;
}

unsigned net_tun_offloads(uint64_t features)
{
	unsigned f = 0;

	/* The tap may only hand us what the guest said it can receive (§5.1.6.4). */
	if (!(features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM)))
		return 0;
	f |= TUN_F_CSUM;
	if (features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4))
		f |= TUN_F_TSO4;
	if (features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6))
		f |= TUN_F_TSO6;
	if ((f & (TUN_F_TSO4 | TUN_F_TSO6)) && (features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_ECN)))
		f |= TUN_F_TSO_ECN;
	return f;
}
