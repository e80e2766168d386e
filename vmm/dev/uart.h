/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A 16550A UART: the guest's serial console. Output is written straight to
 * out_fd (no buffering in armlet, so nothing is lost when the guest powers
 * off); input is pushed in by the main loop.
 */
#ifndef ARMLET_UART_H
#define ARMLET_UART_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bus.h"
#include "../irq.h"

#define UART_RX_FIFO  64
#define UART_REG_SPAN 8 /* registers 0..7, byte stride */

struct uart {
	pthread_mutex_t lock;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_pending; /* THR-empty interrupt not yet acknowledged */
	bool irq_level;	   /* what we last drove the line to */
	uint8_t rx[UART_RX_FIFO];
	unsigned rx_head, rx_count;
	int out_fd;
	int log_fd;		/* a copy of the output (--console-log), -1 for none */
	uint64_t *first_output; /* timeline: marked at the first byte out, NULL for none */
	struct irq_handle irq;
	uint64_t tx_bytes, rx_bytes;
};

extern const struct mmio_ops uart_mmio_ops;

/* Initializes the UART writing guest output to out_fd and raising irq. */
void uart_init(struct uart *u, int out_fd, struct irq_handle irq);
void uart_destroy(struct uart *u);

/*
 * Back to power-on for a guest reset: registers, the receive FIFO and the
 * interrupt line (lowered if it was up). Where output goes (out_fd, log_fd,
 * first_output) and the byte counters stay. While no vCPU runs.
 */
void uart_reset(struct uart *u);

/* Also copies every output byte to fd (-1: stop). Before the guest runs. */
void uart_set_log_fd(struct uart *u, int fd);

/* Free space in the receive FIFO. */
unsigned uart_rx_space(struct uart *u);

/*
 * Queues up to len bytes of input for the guest; returns how many it took
 * (the rest must be offered again once the guest has read some).
 */
size_t uart_rx_push(struct uart *u, const uint8_t *buf, size_t len);

#endif
