/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-9p, device ID 9 (virtio 1.2 §5 lists it; the layout is Linux's
 * net/9p/trans_virtio.c): one request queue whose chains carry a 9P2000.L
 * request (readable part) and room for its reply (writable part). A device
 * thread serves them in order through virtio/9p_server.h; the mount tag is
 * in device config.
 *
 * In the guest: mount -t 9p -o trans=virtio,version=9p2000.L TAG /mnt
 */
#ifndef ARMLET_VIRTIO_9P_H
#define ARMLET_VIRTIO_9P_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../vmm/mem.h"
#include "9p_server.h"
#include "virtio.h"

#define VIRTIO_ID_9P	     9
#define VIRTIO_9P_MOUNT_TAG  0 /* feature: config holds the mount tag */
#define VIRTIO_9P_QUEUE_SIZE 128
#define VIRTIO_9P_TAG_MAX    64

/* --9p DIR,TAG[,ro] */
struct p9_spec {
	char dir[4096];
	char tag[VIRTIO_9P_TAG_MAX + 1];
	bool ro;
};

/*
 * Parses arg into spec. Returns 0, or -EINVAL with the reason in why:
 * no tag, an empty or too long one, an unknown option.
 */
int p9_spec_parse(const char *arg, struct p9_spec *spec, char *why, size_t len);

struct virtio_9p {
	struct virtio_dev vdev; /* what the transport takes */
	struct p9_server srv;
	char name[24];			       /* "virtio-9p0" */
	uint8_t config[2 + VIRTIO_9P_TAG_MAX]; /* le16 tag_len, tag (no NUL) */
	int stop_fd;			       /* eventfd: reset() wakes the thread to stop */
	bool stopping;			       /* atomic */
	bool running;
	pthread_t thread;
	uint8_t *req, *resp; /* P9_MAX_MSIZE each */
	struct virtq_chain chain;
};

/*
 * Fills p for the transport from spec (index numbers the name). mem must
 * outlive the device. Returns 0, or -errno with a one-line reason in err.
 * Free with p->vdev.ops->destroy(), as the transport does at teardown.
 */
int virtio_9p_init(struct virtio_9p *p, const struct p9_spec *spec, unsigned index,
		   const struct guest_mem *mem, char *err, size_t len);

#endif
