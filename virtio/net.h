/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-net (virtio 1.2 §5.1): one receive and one transmit queue, no
 * control queue, no multiqueue. The device half (net.c) moves frames
 * between the rings and a backend chosen at run time through a static ops
 * table (struct net_backend_ops):
 *
 *   mode=tap   net_tap.c: a Linux tap with IFF_VNET_HDR, so the virtio-net
 *              header and its offloads (CSUM, TSO) pass through unchanged;
 *              served by one device thread (net_fd_loop() in net.c).
 *   mode=user  net_user.c: libslirp, in its own thread with its own poll loop.
 *
 * Usage: net_spec_parse() each -n/--network argument, then virtio_net_init()
 * with the backend's ops, then hand n->vdev to the transport.
 *
 * Frames on the wire between device and backend always carry the 12-byte
 * struct virtio_net_hdr first (VERSION_1 makes num_buffers part of it,
 * virtio 1.2 §5.1.6), which is also what a tap with TUNSETVNETHDRSZ 12 reads
 * and writes.
 */
#ifndef ARMLET_VIRTIO_NET_H
#define ARMLET_VIRTIO_NET_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../vmm/mem.h"
#include "vhost.h"
#include "virtio.h"

/* Feature bits (virtio 1.2 §5.1.3). */
#define VIRTIO_NET_F_CSUM	0
#define VIRTIO_NET_F_GUEST_CSUM 1
#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_GUEST_TSO4 7
#define VIRTIO_NET_F_GUEST_TSO6 8
#define VIRTIO_NET_F_GUEST_ECN	9
#define VIRTIO_NET_F_GUEST_UFO	10
#define VIRTIO_NET_F_HOST_TSO4	11
#define VIRTIO_NET_F_HOST_TSO6	12
#define VIRTIO_NET_F_HOST_ECN	13
#define VIRTIO_NET_F_HOST_UFO	14
#define VIRTIO_NET_F_MRG_RXBUF	15
#define VIRTIO_NET_F_STATUS	16

#define VIRTIO_NET_S_LINK_UP 1

#define VIRTIO_NET_RXQ	      0
#define VIRTIO_NET_TXQ	      1
#define VIRTIO_NET_QUEUE_SIZE 256

/* struct virtio_net_hdr (virtio 1.2 §5.1.6), little-endian. */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
};

#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_F_DATA_VALID 2
#define VIRTIO_NET_HDR_GSO_NONE	    0
#define VIRTIO_NET_HDR_GSO_TCPV4    1
#define VIRTIO_NET_HDR_GSO_UDP	    3
#define VIRTIO_NET_HDR_GSO_TCPV6    4
#define VIRTIO_NET_HDR_GSO_ECN	    0x80

/* Device configuration (virtio 1.2 §5.1.4), little-endian. */
struct virtio_net_config {
	uint8_t mac[6];
	uint16_t status;
	uint16_t max_virtqueue_pairs; /* only with F_MQ: 1 */
};

/*
 * The largest frame either way: a 64 KiB GSO packet plus its Ethernet
 * header (and a VLAN tag), after the virtio-net header.
 */
#define NET_FRAME_MAX (sizeof(struct virtio_net_hdr) + 65536 + 18)

/* --- -n/--network ----------------------------------------------------------- */

enum net_mode { NET_MODE_USER, NET_MODE_TAP, NET_MODE_NONE };

#define NET_MAX_HOSTFWD 8
#define NET_IFNAME_MAX	16 /* IFNAMSIZ, with its NUL */

struct net_hostfwd {
	bool udp;
	uint16_t host_port;  /* on 127.0.0.1 of the host */
	uint16_t guest_port; /* on the guest's DHCP address */
};

struct net_spec {
	enum net_mode mode;
	char tapif[NET_IFNAME_MAX]; /* "" when armlet names the tap */
	bool vhost;
	bool guest_mac_set, host_mac_set;
	uint8_t guest_mac[6], host_mac[6];
	unsigned nr_hostfwd;
	struct net_hostfwd hostfwd[NET_MAX_HOSTFWD];
};

/*
 * Parses "mode=tap|user|none[,tapif=NAME][,vhost=1][,guest_mac=MAC]
 * [,host_mac=MAC][,hostfwd=tcp|udp:HOSTPORT:GUESTPORT]..." (kvmtool's
 * spellings; mode defaults to user). Options that do not fit the mode
 * (tapif or vhost with user, hostfwd with tap) are errors, not ignored.
 * Returns 0 or -EINVAL with a message in err (len bytes).
 */
int net_spec_parse(const char *arg, struct net_spec *out, char *err, size_t len);

/* "02:15:15:15:15:15" (':' or '-'); rejects multicast addresses. Returns 0 or -EINVAL. */
int net_mac_parse(const char *s, uint8_t mac[6]);

/*
 * The MAC a NIC gets when the option gives none: locally administered and
 * unicast, stable across runs. With a VM name it is derived from the name
 * (so two named VMs on one bridge differ); without, kvmtool's defaults
 * (02:15:15:15:15:15 guest, 02:01:01:01:01:01 host) with the NIC index
 * added to the last byte.
 */
void net_mac_default(const char *vm_name, unsigned index, bool host, uint8_t mac[6]);

/* --- offloads (net_hdr.c) ------------------------------------------------------ */

/*
 * Completes a checksum the driver left partial (VIRTIO_NET_HDR_F_NEEDS_CSUM,
 * virtio 1.2 §5.1.6.2): folds the ones' complement sum of frame[csum_start..]
 * into the 16 bits at csum_start + csum_offset. For backends that cannot
 * take partial checksums (slirp). Returns 0, or -EINVAL when the offsets
 * the guest wrote do not fit in the frame.
 */
int net_csum_complete(uint8_t *frame, size_t len, uint16_t csum_start, uint16_t csum_offset);

/*
 * The tap's TUNSETOFFLOAD flags for the negotiated features: what the guest
 * agreed to receive (GUEST_CSUM, GUEST_TSO4/6, GUEST_ECN).
 */
unsigned net_tun_offloads(uint64_t features);

/* --- the device ---------------------------------------------------------------- */

struct virtio_net;

struct net_backend_ops {
	const char *name;
	/* Device feature bits (VIRTIO_NET_F_*) the backend carries. */
	uint64_t features;
	/*
	 * DRIVER_OK: start serving both queues (features negotiated, queues
	 * ready). Returns -errno.
	 */
	int (*start)(struct virtio_net *n);
	/* Stop serving: no thread touches the rings when it returns. */
	void (*stop)(struct virtio_net *n);
	/* Frees the backend's state, at teardown. */
	void (*destroy)(struct virtio_net *n);
};

extern const struct net_backend_ops net_tap_ops;
extern const struct net_backend_ops net_vhost_ops; /* tap with vhost=1 */
extern const struct net_backend_ops net_user_ops;

/* Frames waiting for receive buffers in the user backend (slirp's ACKs, ARP...). */
#define NET_RX_PENDING_MAX 64

struct net_stats {
	uint64_t tx_frames, rx_frames;
	uint64_t tx_dropped; /* malformed or refused by the backend */
	uint64_t rx_dropped; /* no room in the guest, or too big */
};

struct virtio_net {
	struct virtio_dev vdev; /* what the transport takes */
	struct virtio_net_config config;
	struct net_spec spec;
	char name[24]; /* "virtio-net0" */
	unsigned index;

	const struct net_backend_ops *be_ops;
	void *be;	    /* the backend's own state */
	int fd;		    /* tap: the tap; -1 otherwise */
	struct vhost vhost; /* vhost=1: /dev/vhost-net; fd -1 otherwise */
	int stop_fd;	    /* eventfd: stop() wakes the thread */
	bool stopping;
	bool running;
	pthread_t thread;
	void (*loop)(struct virtio_net *n); /* what the thread runs */
	char thread_name[16];		    /* TASK_COMM_LEN, with its NUL */

	/* Used by the serving thread only. */
	bool rx_room;  /* the receive ring had buffers at the last look */
	size_t rx_len; /* a frame in rx_buf waiting for buffers, 0 for none */
	struct virtq_chain tx_chain;
	struct virtq_chain rx_chain[2]; /* the first buffer of a frame, and the others */
	uint8_t tx_buf[NET_FRAME_MAX];
	uint8_t rx_buf[NET_FRAME_MAX];

	struct net_stats stats;
};

/*
 * Fills n for the transport: NIC number index of the VM named vm_name
 * (NULL for none) with the parsed spec, backed by ops (whose init, e.g.
 * net_tap_open(), sets n->be / n->fd afterwards). mem must outlive the
 * device. Returns 0 or -errno with a message in err.
 */
int virtio_net_init(struct virtio_net *n, const struct net_spec *spec, unsigned index,
		    const char *vm_name, const struct net_backend_ops *ops,
		    const struct guest_mem *mem, char *err, size_t len);

/*
 * Opens the tap (spec.tapif, or a new one) with IFF_VNET_HDR and sets
 * n->fd; with vhost=1 also /dev/vhost-net (n->vhost), and the offered
 * features shrink to what it can carry. A new tap needs CAP_NET_ADMIN.
 * Returns 0 or -errno with a message.
 */
int net_tap_open(struct virtio_net *n, char *err, size_t len);

/* Creates the slirp instance of mode=user. Returns 0 or -errno with a message. */
int net_user_open(struct virtio_net *n, char *err, size_t len);

/*
 * Transmit completions are signalled at least every NET_TX_BATCH frames
 * during a long drain (if the driver asks for them), as vhost-net does every
 * VHOST_NET_BATCH, not only once the ring is empty.
 */
#define NET_TX_BATCH 64

/*
 * Serving, for the backends (from their one thread):
 *
 * net_tx_drain() pops every transmit chain, hands each frame (header first)
 * to send(n, iov, nr_iov) and completes it, signalling completions every
 * NET_TX_BATCH frames and at the end. Returns false when the ring broke.
 *
 * net_rx_put() copies one frame (header first, len bytes) into receive
 * buffers, merging buffers with MRG_RXBUF; fills num_buffers itself. Returns
 * 1 when delivered, 0 when the ring lacks room (nothing consumed; kicks are
 * re-enabled, so wait for the next one), -EMSGSIZE when the frame can never
 * fit the buffers the guest posts (dropped and counted), or -errno when the
 * ring broke. Does not interrupt: net_rx_done() after a batch.
 *
 * net_rx_done() ends a batch of net_rx_put() that started with used index
 * old_used and whose last answer was ret: notifies the driver if it wants
 * it, and marks the device broken (returning false) when ret says the
 * ring broke.
 */
struct iovec;
typedef int (*net_send_fn)(struct virtio_net *n, const struct iovec *iov, unsigned nr_iov);
bool net_tx_drain(struct virtio_net *n, net_send_fn send);
int net_rx_put(struct virtio_net *n, const uint8_t *frame, size_t len);
bool net_rx_done(struct virtio_net *n, uint16_t old_used, int ret);

/*
 * Runs loop(n) in the device's thread (n->thread, all signals blocked),
 * named name; net_thread_stop() joins it once stop_fd told it to end.
 * For the backends' start() and stop(). Returns 0 or -errno.
 */
int net_thread_start(struct virtio_net *n, void (*loop)(struct virtio_net *n), const char *name);
void net_thread_stop(struct virtio_net *n);

/*
 * The tap's serving loop: polls stop_fd, both kick eventfds and n->fd (for
 * reads only while the receive ring has room); frames are read and written
 * with the header, one per read()/writev(). Returns when stop() signals.
 */
void net_fd_loop(struct virtio_net *n);

/* Marks the device broken after a ring error (DEVICE_NEEDS_RESET). */
void net_broken(struct virtio_net *n, int err);

#endif
