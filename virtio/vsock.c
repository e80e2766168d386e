// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-vsock through vhost-vsock (vsock.h). armlet only negotiates,
 * hands the rx and tx rings to the kernel at DRIVER_OK, and takes them back
 * at reset; the data path never enters armlet.
 */
#include <errno.h>
#include <linux/vhost.h>
#include <string.h>

#include "../vmm/le.h"
#include "../vmm/log.h"
#include "vsock.h"

static const unsigned vsock_rings[] = { VSOCK_Q_RX, VSOCK_Q_TX };

static int vsock_set_running(struct virtio_vsock *vs, int on)
{
	struct vhost *v = &vs->vhost;

	return v->ioctl(v->fd, VHOST_VSOCK_SET_RUNNING, &on) < 0 ? -errno : 0;
}

/* The kernel must accept everything negotiated, transport bits included. */
static bool vsock_features_ok(struct virtio_dev *dev, uint64_t features)
{
	struct virtio_vsock *vs = dev->priv;

	return vhost_features(&vs->vhost, features) == features;
}

static int vsock_activate(struct virtio_dev *dev)
{
	struct virtio_vsock *vs = dev->priv;
	int ret;

	if (vs->running)
		return -EBUSY; /* activate() twice without a reset: a transport bug */
	ret = vhost_start(&vs->vhost, dev, vsock_rings, 2);
	if (ret)
		return ret;
	ret = vsock_set_running(vs, 1);
	if (ret) {
		log_error("%s: VHOST_VSOCK_SET_RUNNING: %s", dev->name, strerror(-ret));
		vhost_stop(&vs->vhost);
		return ret;
	}
	vs->running = true;
	return 0;
}

/* Not running first: the kernel then drops its connections' use of the rings. */
static void vsock_reset(struct virtio_dev *dev)
{
	struct virtio_vsock *vs = dev->priv;

	if (vs->running)
		vsock_set_running(vs, 0);
	vs->running = false;
	vhost_stop(&vs->vhost);
}

static void vsock_destroy(struct virtio_dev *dev)
{
	struct virtio_vsock *vs = dev->priv;

	vhost_close(&vs->vhost);
}

static const struct virtio_dev_ops vsock_ops = {
	.features_ok = vsock_features_ok,
	.activate = vsock_activate,
	.reset = vsock_reset,
	.destroy = vsock_destroy,
};

int virtio_vsock_init(struct virtio_vsock *vs, uint64_t cid, const struct guest_mem *mem,
		      const char *path, vhost_ioctl_fn ioctl_fn, char *err, size_t len)
{
	struct virtio_dev *dev = &vs->vdev;
	int ret;

	memset(vs, 0, sizeof(*vs));
	if (cid < 3 || cid > 0xfffffffeULL)
		return err_set(err, len, -EINVAL, "--vsock: CID %llu is reserved",
			       (unsigned long long)cid);
	ret = vhost_open(&vs->vhost, path, "virtio-vsock", ioctl_fn, err, len);
	if (ret)
		return ret;
	if (vs->vhost.ioctl(vs->vhost.fd, VHOST_VSOCK_SET_GUEST_CID, &cid) < 0) {
		ret = -errno;
		vhost_close(&vs->vhost);
		return err_set(
		    err, len, ret, "--vsock %llu: %s%s", (unsigned long long)cid, strerror(-ret),
		    ret == -EADDRINUSE ? " (another VM has this CID: pick another)" : "");
	}
	vs->cid = cid;
	le_bytes_set(vs->config, sizeof(vs->config), cid);
	dev->ops = &vsock_ops;
	dev->priv = vs;
	dev->name = "virtio-vsock";
	dev->device_id = VIRTIO_ID_VSOCK;
	dev->mem = mem;
	dev->host_features = vhost_features(&vs->vhost, VIRTIO_BIT(VIRTIO_VSOCK_F_SEQPACKET));
	dev->config = vs->config;
	dev->config_size = sizeof(vs->config);
	dev->nr_queues = VSOCK_NR_Q;
	for (unsigned q = 0; q < VSOCK_NR_Q; q++) {
		dev->queues[q].size_max = VSOCK_QUEUE_SIZE;
		dev->queues[q].kick_fd = -1;
	}
	return 0;
}
