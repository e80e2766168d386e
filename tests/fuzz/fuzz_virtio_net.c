// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: virtio-net's queue handling (virtio/net.c) against a
 * hostile driver: a receive and a transmit ring in guest RAM, frames put
 * into the receive ring (merged with MRG_RXBUF or not) and the transmit
 * ring drained into a send function, with no thread, the way the serving
 * loops call them.
 *
 * Invariants beyond the sanitizers: the frames it sends are whole (header
 * included, at most NET_FRAME_MAX) and lie in guest RAM, what it publishes
 * in a used ring never runs ahead of what it popped, and net_rx_put()
 * answers only 1, 0 or -EMSGSIZE while the ring is sound.
 *
 * Input: u8 cfg (bit 0 MRG_RXBUF, bit 1 INDIRECT_DESC, bit 2 EVENT_IDX,
 * bits 4-7 log2 queue size, at most 8), u8 script length, the script (u8
 * op; bit 3 picks the transmit ring for ring ops; low 3 bits: 1 avail->idx
 * moves on by op >> 4, 2 a byte poke (u16 offset, u8 value), 3 a run of
 * descriptors, 4 an indirect table, 5 a published head (fuzz_ring.h), 6 a
 * frame of u16 length (plus 64 KiB when op bit 4; filled with its length's
 * low byte) into the receive ring, 7 a transmit drain), then the RAM image:
 * the receive ring's descriptor table at 0, its available ring at 0x1000,
 * used at 0x1400; the transmit ring's at 0x2000, 0x3000, 0x3400; buffers
 * anywhere (the rings included: a hostile driver may point there).
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "../../virtio/net.h"
#include "../../vmm/log.h"
#include "fuzz_input.h"
#include "fuzz_ring.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE 0x10000ULL

static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static const struct guest_mem mem = { .gpa = RAM_BASE, .size = RAM_SIZE, .hva = ram };
static const struct fuzz_ram fram = { ram, RAM_SIZE, RAM_BASE };
static struct virtio_net *net;
static uint8_t frame[NET_FRAME_MAX];

static const uint64_t ring_at[2][3] = {
	{ 0x0000, 0x1000, 0x1400 }, /* receive: desc, avail, used */
	{ 0x2000, 0x3000, 0x3400 }, /* transmit */
};

static void noop_notify(struct virtio_dev *dev, unsigned q)
{
	(void)dev, (void)q;
}

static void noop_dev(struct virtio_dev *dev)
{
	(void)dev;
}

static const struct virtio_transport_ops fuzz_transport = {
	.notify_queue = noop_notify,
	.notify_config = noop_dev,
	.needs_reset = noop_dev,
};

static int fuzz_send(struct virtio_net *n, const struct iovec *iov, unsigned nr_iov)
{
	size_t len = 0;

	(void)n;
	for (unsigned i = 0; i < nr_iov; i++) {
		FUZZ_CHECK((uint8_t *)iov[i].iov_base >= ram &&
			   (uint8_t *)iov[i].iov_base + iov[i].iov_len <= ram + RAM_SIZE);
		len += iov[i].iov_len;
	}
	FUZZ_CHECK(len >= sizeof(struct virtio_net_hdr) && len <= NET_FRAME_MAX);
	return 0;
}

static int fuzz_start(struct virtio_net *n)
{
	(void)n;
	return 0;
}

static void fuzz_stop(struct virtio_net *n)
{
	(void)n;
}

static const struct net_backend_ops fuzz_backend = {
	.name = "fuzz",
	.features = VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF),
	.start = fuzz_start,
	.stop = fuzz_stop,
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct net_spec spec = { .mode = NET_MODE_TAP };
	char err[256];

	(void)argc, (void)argv;
	log_set_level(LOG_ERROR); /* broken rings are the point: no warning per input */
	net = calloc(1, sizeof(*net));
	FUZZ_CHECK(net &&
		   !virtio_net_init(net, &spec, 0, NULL, &fuzz_backend, &mem, err, sizeof(err)));
	net->vdev.transport_ops = &fuzz_transport;
	return 0;
}

static void check_used(unsigned q)
{
	const struct virtq *vq = &net->vdev.queues[q].vq;

	if (vq->broken)
		return;
	FUZZ_CHECK((uint16_t)(vq->last_avail_idx - vq->used_idx) <= vq->num);
}

static void fuzz_op(struct fuzz_in *in, uint8_t op)
{
	unsigned q = op & 8 ? VIRTIO_NET_TXQ : VIRTIO_NET_RXQ, num = net->vdev.queues[q].vq.num;
	uint64_t desc = RAM_BASE + ring_at[q][0], avail = RAM_BASE + ring_at[q][1];

	switch (op & 7) {
	case 1: {
		uint16_t idx;

		memcpy(&idx, ram + ring_at[q][1] + 2, 2);
		idx = htole16((uint16_t)(le16toh(idx) + (op >> 4)));
		memcpy(ram + ring_at[q][1] + 2, &idx, 2);
		break;
	}
	case 2: {
		uint16_t off = fuzz_u16(in);

		ram[off] = fuzz_u8(in);
		break;
	}
	case 3: fuzz_desc_run(in, &fram, desc, num); break;
	case 4: fuzz_indirect_run(in, &fram, desc, num); break;
	case 5: fuzz_avail_offer(in, &fram, avail, num); break;
	case 6: {
		size_t len = fuzz_u16(in) + (op & 0x10 ? 65536 : 0);
		int ret;

		len = len < sizeof(frame) ? len : sizeof(frame);
		memset(frame, (int)(len & 0xff), len);
		ret = net_rx_put(net, frame, len);
		FUZZ_CHECK(ret == 1 || ret == 0 || ret == -EMSGSIZE ||
			   (ret < 0 && net->vdev.queues[VIRTIO_NET_RXQ].vq.broken));
		break;
	}
	case 7: net_tx_drain(net, fuzz_send); break;
	default: break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t cfg = fuzz_u8(&in), nops = fuzz_u8(&in);
	unsigned num = 1u << ((cfg >> 4) > 8 ? 8 : (cfg >> 4));
	uint64_t features = (cfg & 1 ? VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) : 0) |
			    (cfg & 2 ? VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) : 0) |
			    (cfg & 4 ? VIRTIO_BIT(VIRTIO_F_EVENT_IDX) : 0);
	size_t nscript, got;
	const uint8_t *script = fuzz_bytes(&in, nops, &nscript);
	const uint8_t *image = fuzz_bytes(&in, RAM_SIZE, &got);
	struct fuzz_in sin = { script, nscript };

	memset(ram, 0, sizeof(ram));
	memcpy(ram, image, got);
	net->vdev.features = features;
	net->stopping = false;
	for (unsigned q = 0; q < 2; q++) {
		net->vdev.queues[q].enabled = true;
		FUZZ_CHECK(!virtq_init(&net->vdev.queues[q].vq, &mem, num, RAM_BASE + ring_at[q][0],
				       RAM_BASE + ring_at[q][1], RAM_BASE + ring_at[q][2],
				       features));
	}
	while (fuzz_left(&sin)) {
		fuzz_op(&sin, fuzz_u8(&sin));
		check_used(VIRTIO_NET_RXQ);
		check_used(VIRTIO_NET_TXQ);
	}
	return 0;
}
