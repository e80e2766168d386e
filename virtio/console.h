/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-console (virtio 1.2 §5.3): one port, no MULTIPORT, which Linux
 * makes hvc0. Queue 0 (receiveq) carries input to the guest, queue 1
 * (transmitq) the guest's output.
 *
 * Output. A device thread, started by activate() and stopped by reset(),
 * writes each transmit chain's readable bytes to out_fd (and log_fd) before
 * it completes the chain, so nothing is lost when the guest powers off right
 * after printing. A closed reader (EPIPE) drops output but requests still
 * complete, so the guest never stalls on its console.
 *
 * Input. The main loop offers bytes with virtio_console_input() from its own
 * thread, as it does with the UART: the device takes what fits in the
 * guest's receive buffers and the loop offers the rest again later.
 *
 * EMERG_WRITE (virtio 1.2 §5.3.4): the driver may write one character to
 * the emerg_wr config field at any time, even before DRIVER_OK; it goes to
 * out_fd (and log_fd) from the writing vCPU thread.
 */
#ifndef ARMLET_VIRTIO_CONSOLE_H
#define ARMLET_VIRTIO_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../vmm/mem.h"
#include "virtio.h"

/* Feature bits (virtio 1.2 §5.3.3). */
#define VIRTIO_CONSOLE_F_SIZE	     0
#define VIRTIO_CONSOLE_F_MULTIPORT   1
#define VIRTIO_CONSOLE_F_EMERG_WRITE 2

#define VIRTIO_CONSOLE_RXQ	  0 /* receiveq: host to guest */
#define VIRTIO_CONSOLE_TXQ	  1 /* transmitq: guest to host */
#define VIRTIO_CONSOLE_QUEUE_SIZE 128

/* Device configuration layout (virtio 1.2 §5.3.4), little-endian. */
struct virtio_console_config {
	uint16_t cols;	       /* only with F_SIZE: 0 */
	uint16_t rows;	       /* only with F_SIZE: 0 */
	uint32_t max_nr_ports; /* only with F_MULTIPORT: 1 */
	uint32_t emerg_wr;     /* write-only: reads 0 */
};

struct virtio_console {
	struct virtio_dev vdev; /* what the transport takes */
	struct virtio_console_config config;
	int out_fd;		/* the guest's output; -1 to discard it */
	int log_fd;		/* a copy of the output, -1 for none */
	uint64_t *first_output; /* timeline: marked at the first byte out, NULL for none */

	/* The transmit thread. */
	int stop_fd;   /* eventfd: reset() wakes the thread to stop */
	bool stopping; /* atomic: the thread must not start another chain */
	bool tx_running;
	pthread_t tx_thread;
	struct virtq_chain tx_chain;

	/* The receive queue, used by the main loop's thread. */
	pthread_mutex_t rx_lock; /* rx_active, the rx virtq and rx_chain */
	bool rx_active;		 /* between activate() and reset() */
	struct virtq_chain rx_chain;
};

/*
 * Fills c for the transport (virtio_pci_init(&c->vdev, ...)): guest output
 * goes to out_fd and, when log_fd >= 0, to log_fd too. The device does not
 * own either fd. mem must outlive the device. Returns 0, or -errno with a
 * message in err (len bytes). Free with c->vdev.ops->destroy(&c->vdev),
 * which the transport calls at teardown once it took the device.
 */
int virtio_console_init(struct virtio_console *c, int out_fd, int log_fd,
			const struct guest_mem *mem, char *err, size_t len);

/*
 * Delivers up to n bytes of input to the guest's receive buffers; returns
 * how many it took: 0 before DRIVER_OK, after a reset, or while the driver
 * has no receive buffer posted (offer the rest again later, as with a full
 * UART FIFO). Call from one thread (the main loop); safe against a vCPU
 * thread resetting the device at the same time. Never blocks on I/O.
 */
size_t virtio_console_input(struct virtio_console *c, const uint8_t *buf, size_t n);

#endif
