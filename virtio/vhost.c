// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost kernel-backend plumbing (vhost.h). The order of the ring setup is
 * drivers/vhost/vhost.c's: features and the memory table first (the rings'
 * addresses are checked against it), then per ring NUM, BASE, ADDR, KICK,
 * CALL; the device's own "go" ioctl comes after vhost_start().
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../vmm/log.h"
#include "../vmm/sandbox.h"
#include "vhost.h"

static int vhost_sys_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg);
}

/* -errno of one ioctl through v's ioctl function. */
static int vhost_call(struct vhost *v, unsigned long req, void *arg)
{
	return v->ioctl(v->fd, req, arg) < 0 ? -errno : 0;
}

int vhost_init_fd(struct vhost *v, int fd, const char *name, vhost_ioctl_fn ioctl_fn, char *err,
		  size_t errlen)
{
	int ret;

	memset(v, 0, sizeof(*v));
	v->fd = fd;
	v->name = name;
	v->ioctl = ioctl_fn ? ioctl_fn : vhost_sys_ioctl;
	v->stop_fd = -1;
	for (unsigned i = 0; i < VHOST_MAX_RINGS; i++)
		v->relay_fd[i] = -1;
	ret = vhost_call(v, VHOST_SET_OWNER, NULL);
	if (ret) {
		err_set(err, errlen, ret, "%s: VHOST_SET_OWNER: %s", name, strerror(-ret));
		goto fail;
	}
	ret = vhost_call(v, VHOST_GET_FEATURES, &v->features);
	if (ret) {
		err_set(err, errlen, ret, "%s: VHOST_GET_FEATURES: %s", name, strerror(-ret));
		goto fail;
	}
	v->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (v->stop_fd < 0) {
		ret = -errno;
		err_set(err, errlen, ret, "%s: cannot create an eventfd: %s", name, strerror(-ret));
		goto fail;
	}
	return 0;
fail:
	vhost_close(v);
	return ret;
}

/* "/dev/vhost-vsock" -> "vhost_vsock", for the hint of a missing device. */
static void vhost_module_name(const char *path, char *out, size_t len)
{
	const char *base = strrchr(path, '/');

	snprintf(out, len, "%s", base ? base + 1 : path);
	for (char *c = out; *c; c++)
		if (*c == '-')
			*c = '_';
}

int vhost_open(struct vhost *v, const char *path, const char *name, vhost_ioctl_fn ioctl_fn,
	       char *err, size_t errlen)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	char module[64];
	int ret;

	if (fd >= 0)
		return vhost_init_fd(v, fd, name, ioctl_fn, err, errlen);
	ret = -errno;
	memset(v, 0, sizeof(*v));
	v->fd = v->stop_fd = -1;
	if (ret != -ENOENT)
		return err_set(err, errlen, ret,
			       "%s: cannot open %s: %s (armlet needs read and "
			       "write access to it)",
			       name, path, strerror(-ret));
	vhost_module_name(path, module, sizeof(module));
	return err_set(err, errlen, ret, "%s: cannot open %s: %s (load the module: modprobe %s)",
		       name, path, strerror(-ret), module);
}

/* One region: guest RAM (VHOST_PAGE_SIZE-aligned, as guest_mem_map() maps it). */
static int vhost_set_mem(struct vhost *v, const struct guest_mem *mem)
{
	/* struct vhost_memory ends in a flexible array: room for one region behind it. */
	union {
		struct vhost_memory hdr;
		uint8_t raw[sizeof(struct vhost_memory) + sizeof(struct vhost_memory_region)];
	} table;

	memset(&table, 0, sizeof(table));
	table.hdr.nregions = 1;
	table.hdr.regions[0] = (struct vhost_memory_region){
		.guest_phys_addr = mem->gpa,
		.memory_size = mem->size,
		.userspace_addr = (uintptr_t)mem->hva,
	};
	return vhost_call(v, VHOST_SET_MEM_TABLE, &table);
}

/* Our own call eventfd for ring i, read by the relay thread. */
static int vhost_relay_fd(struct vhost *v, unsigned i)
{
	v->relay_fd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return v->relay_fd[i] < 0 ? -errno : v->relay_fd[i];
}

static int vhost_ring_start(struct vhost *v, unsigned i)
{
	struct virtio_queue *q = &v->dev->queues[v->queue[i]];
	struct vhost_vring_state num = { .index = i, .num = q->vq.num };
	/* The kernel continues where the ring is: 0 after a reset. */
	struct vhost_vring_state base = { .index = i, .num = q->vq.last_avail_idx };
	struct vhost_vring_addr addr = {
		.index = i,
		.desc_user_addr = (uintptr_t)q->vq.desc,
		.avail_user_addr = (uintptr_t)q->vq.avail,
		.used_user_addr = (uintptr_t)q->vq.used,
	};
	struct vhost_vring_file kick = { .index = i, .fd = q->kick_fd };
	struct vhost_vring_file call = { .index = i };
	int ret;

	call.fd = virtio_queue_irqfd(v->dev, v->queue[i]);
	if (call.fd < 0)
		call.fd = vhost_relay_fd(v, i);
	if (call.fd < 0)
		return call.fd;
	ret = vhost_call(v, VHOST_SET_VRING_NUM, &num);
	ret = ret ?: vhost_call(v, VHOST_SET_VRING_BASE, &base);
	ret = ret ?: vhost_call(v, VHOST_SET_VRING_ADDR, &addr);
	ret = ret ?: vhost_call(v, VHOST_SET_VRING_KICK, &kick);
	ret = ret ?: vhost_call(v, VHOST_SET_VRING_CALL, &call);
	return ret;
}

/* Turns relayed calls into notifications until vhost_stop() writes stop_fd. */
static void *vhost_relay_thread(void *arg)
{
	struct vhost *v = arg;
	struct pollfd p[VHOST_MAX_RINGS + 1];
	unsigned ring[VHOST_MAX_RINGS + 1], n = 0;
	sigset_t all;

	/* Named from inside: see net_thread_main() (virtio/net.c). */
	pthread_setname_np(pthread_self(), "vhost-relay");
	/* Signals are for the main loop and the vCPUs. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	/* If this fails (logged), the filter it inherited still holds. */
	sandbox_thread_enter(SANDBOX_DEVICE);
	for (unsigned i = 0; i < v->nr_rings; i++) {
		if (v->relay_fd[i] < 0)
			continue;
		ring[n] = i;
		p[n++] = (struct pollfd){ .fd = v->relay_fd[i], .events = POLLIN };
	}
	p[n] = (struct pollfd){ .fd = v->stop_fd, .events = POLLIN };
	for (;;) {
		if (poll(p, n + 1, -1) < 0 && errno != EINTR) {
			log_error("%s: vhost relay: poll: %s", v->name, strerror(errno));
			return NULL;
		}
		if (p[n].revents)
			return NULL;
		for (unsigned k = 0; k < n; k++) {
			eventfd_t cnt;

			if (p[k].revents && !eventfd_read(p[k].fd, &cnt))
				virtio_queue_notify(v->dev, v->queue[ring[k]]);
		}
	}
}

static int vhost_relay_start(struct vhost *v)
{
	bool any = false;
	int ret;

	for (unsigned i = 0; i < v->nr_rings; i++)
		any |= v->relay_fd[i] >= 0;
	if (!any)
		return 0;
	ret = pthread_create(&v->relay, NULL, vhost_relay_thread, v);
	if (ret)
		return -ret;
	v->relay_running = true;
	return 0;
}

int vhost_start(struct vhost *v, struct virtio_dev *dev, const unsigned *queues, unsigned nr_rings)
{
	uint64_t features = dev->features & ~v->device_features;
	int ret;

	if (v->started || nr_rings > VHOST_MAX_RINGS)
		return -EINVAL;
	if (features & ~v->features)
		return -EOPNOTSUPP;
	for (unsigned i = 0; i < nr_rings; i++)
		if (queues[i] >= dev->nr_queues || !dev->queues[queues[i]].enabled)
			return -EINVAL;
	v->dev = dev;
	v->nr_rings = nr_rings;
	memcpy(v->queue, queues, nr_rings * sizeof(*queues));
	v->started = true;
	ret = vhost_call(v, VHOST_SET_FEATURES, &features);
	ret = ret ?: vhost_set_mem(v, dev->mem);
	for (unsigned i = 0; !ret && i < nr_rings; i++)
		ret = vhost_ring_start(v, i);
	ret = ret ?: vhost_relay_start(v);
	if (ret) {
		log_error("%s: cannot start the vhost rings: %s", v->name, strerror(-ret));
		vhost_stop(v);
	}
	return ret;
}

void vhost_stop(struct vhost *v)
{
	eventfd_t cnt;

	if (!v->started)
		return;
	for (unsigned i = 0; i < v->nr_rings; i++) {
		struct vhost_vring_state base = { .index = i };
		struct vhost_vring_file none = { .index = i, .fd = -1 };

		/* GET_VRING_BASE stops the ring (drivers/vhost: it waits for the worker). */
		vhost_call(v, VHOST_GET_VRING_BASE, &base);
		vhost_call(v, VHOST_SET_VRING_KICK, &none);
		vhost_call(v, VHOST_SET_VRING_CALL, &none);
	}
	if (v->relay_running) {
		eventfd_write(v->stop_fd, 1);
		pthread_join(v->relay, NULL);
		eventfd_read(v->stop_fd, &cnt); /* re-armed for the next start */
		v->relay_running = false;
	}
	for (unsigned i = 0; i < VHOST_MAX_RINGS; i++) {
		if (v->relay_fd[i] >= 0)
			close(v->relay_fd[i]);
		v->relay_fd[i] = -1;
	}
	v->started = false;
	v->dev = NULL;
}

void vhost_close(struct vhost *v)
{
	vhost_stop(v);
	if (v->stop_fd >= 0)
		close(v->stop_fd);
	if (v->fd >= 0)
		close(v->fd);
	v->fd = v->stop_fd = -1;
}
