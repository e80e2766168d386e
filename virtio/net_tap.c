// SPDX-License-Identifier: GPL-2.0-only
/*
 * mode=tap: a Linux tap (Documentation/networking/tuntap.rst) with
 * IFF_VNET_HDR, so every frame carries the virtio-net header both ways and
 * the checksum and segmentation offloads pass through to the host stack:
 * TUNSETOFFLOAD says which of them the guest accepted. One thread serves
 * both queues (net_fd_loop()).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../vmm/log.h"
#include "net.h"

#define NET_TAP_FEATURES                                                                           \
	(VIRTIO_BIT(VIRTIO_NET_F_CSUM) | VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) |                     \
	 VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4) | VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6) |               \
	 VIRTIO_BIT(VIRTIO_NET_F_GUEST_ECN) | VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4) |                 \
	 VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO6) | VIRTIO_BIT(VIRTIO_NET_F_HOST_ECN) |                  \
	 VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF))

/* The offloads the guest accepted, for what the tap hands it. */
static int net_tap_offload(struct virtio_net *n)
{
	unsigned off = net_tun_offloads(n->vdev.features);
	int ret = 0;

	if (ioctl(n->fd, TUNSETOFFLOAD, off) < 0) {
		ret = -errno;
		log_error("%s: TUNSETOFFLOAD %#x: %s", n->name, off, strerror(-ret));
	}
	return ret;
}

static int net_tap_start(struct virtio_net *n)
{
	int ret = net_tap_offload(n);

	if (ret)
		return ret;
	return net_thread_start(n, net_fd_loop, "virtio-net");
}

const struct net_backend_ops net_tap_ops = {
	.name = "tap",
	.features = NET_TAP_FEATURES,
	.start = net_tap_start,
	.stop = net_thread_stop,
};

/* --- vhost=1: the kernel serves the rings, the tap carries the offloads ------------ */

static const unsigned net_vhost_rings[] = { VIRTIO_NET_RXQ, VIRTIO_NET_TXQ };

/* VHOST_NET_SET_BACKEND on both rings: fd the tap, or -1 to detach it. */
static int net_vhost_backend(struct virtio_net *n, int fd)
{
	int ret = 0;

	for (unsigned i = 0; i < 2; i++) {
		struct vhost_vring_file f = { .index = i, .fd = fd };

		if (n->vhost.ioctl(n->vhost.fd, VHOST_NET_SET_BACKEND, &f) < 0 && !ret)
			ret = -errno;
	}
	return ret;
}

static int net_vhost_start(struct virtio_net *n)
{
	int ret = net_tap_offload(n);

	ret = ret ?: vhost_start(&n->vhost, &n->vdev, net_vhost_rings, 2);
	if (ret)
		return ret;
	ret = net_vhost_backend(n, n->fd);
	if (ret) {
		log_error("%s: VHOST_NET_SET_BACKEND: %s", n->name, strerror(-ret));
		net_vhost_backend(n, -1);
		vhost_stop(&n->vhost);
	}
	return ret;
}

/* Backend off first: after that the kernel no longer touches the rings (vhost.h). */
static void net_vhost_stop(struct virtio_net *n)
{
	net_vhost_backend(n, -1);
	vhost_stop(&n->vhost);
}

const struct net_backend_ops net_vhost_ops = {
	.name = "tap+vhost",
	.features = NET_TAP_FEATURES,
	.start = net_vhost_start,
	.stop = net_vhost_stop,
};

/*
 * The kernel's vhost-net only knows ring features (and MRG_RXBUF); the
 * offloads, MAC and STATUS stay with armlet and the tap.
 */
static int net_vhost_open(struct virtio_net *n, char *err, size_t len)
{
	uint64_t ring = VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF);
	int ret = vhost_open(&n->vhost, "/dev/vhost-net", n->name, NULL, err, len);

	if (ret)
		return ret;
	if (!vhost_features(&n->vhost, ring))
		n->vdev.host_features &= ~ring;
	n->vhost.device_features = n->vdev.host_features & ~ring;
	return 0;
}

/* Brings a tap armlet created up, with host_mac, as kvmtool does without a script. */
static int net_tap_up(struct virtio_net *n, const char *ifname)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (s < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, n->spec.host_mac, 6);
	if (ioctl(s, SIOCSIFHWADDR, &ifr) < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		ret = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!ret && ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		ret = -errno;
	close(s);
	return ret;
}

static int net_tap_error(struct virtio_net *n, int ret, const char *what, char *err, size_t len)
{
	const char *hint = "";

	if (ret == -EPERM || ret == -EACCES)
		hint = n->spec.tapif[0]
			   ? " (the tap belongs to another user: create it with "
			     "'ip tuntap add NAME mode tap user $USER')"
			   : " (creating a tap needs CAP_NET_ADMIN: run as root, or "
			     "create one with 'ip tuntap add NAME mode tap user $USER' "
			     "and pass tapif=NAME)";
	else if (ret == -ENOENT || ret == -ENODEV)
		hint = " (load the tun module: modprobe tun)";
	return err_set(err, len, ret, "%s: %s: %s%s", n->name, what, strerror(-ret), hint);
}

int net_tap_open(struct virtio_net *n, char *err, size_t len)
{
	struct ifreq ifr = { 0 };
	int hdr_len = sizeof(struct virtio_net_hdr), ret;

	n->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (n->fd < 0)
		return net_tap_error(n, -errno, "cannot open /dev/net/tun", err, len);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	/* An empty name lets the kernel pick tapN. */
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", n->spec.tapif);
	if (ioctl(n->fd, TUNSETIFF, &ifr) < 0)
		return net_tap_error(n, -errno,
				     n->spec.tapif[0] ? "cannot attach to the tap"
						      : "cannot create a tap",
				     err, len);
	/* VERSION_1: the header always has num_buffers (virtio 1.2 §5.1.6). */
	if (ioctl(n->fd, TUNSETVNETHDRSZ, &hdr_len) < 0)
		return net_tap_error(n, -errno, "TUNSETVNETHDRSZ", err, len);
	/* No offload until the guest negotiated it: net_tap_start() sets them. */
	if (ioctl(n->fd, TUNSETOFFLOAD, 0) < 0)
		return net_tap_error(n, -errno, "TUNSETOFFLOAD", err, len);
	if (!n->spec.tapif[0] || n->spec.host_mac_set) {
		ret = net_tap_up(n, ifr.ifr_name);
		if (ret)
			return net_tap_error(n, ret, "cannot set the tap's MAC or bring it up", err,
					     len);
	}
	snprintf(n->spec.tapif, sizeof(n->spec.tapif), "%s", ifr.ifr_name);
	log_info("%s: tap %s%s", n->name, n->spec.tapif, n->spec.vhost ? " with vhost-net" : "");
	return n->spec.vhost ? net_vhost_open(n, err, len) : 0;
}
