// SPDX-License-Identifier: GPL-2.0-only
/*
 * 16550A register model (National Semiconductor PC16550D data sheet). The
 * transmitter is infinitely fast: THR is always empty, so LSR always reports
 * THRE|TEMT and every write to THR re-arms the THR-empty interrupt.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../../fdt/fdt.h"
#include "../layout.h"
#include "../timeline.h"
#include "uart.h"

enum {
	UART_RBR_THR = 0, /* DLL when LCR.DLAB */
	UART_IER = 1,	  /* DLM when LCR.DLAB */
	UART_IIR_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
	UART_SCR = 7,
};

#define IER_RDI	     0x01 /* received data available */
#define IER_THRI     0x02 /* THR empty */
#define IIR_NO_INT   0x01
#define IIR_THRI     0x02
#define IIR_RDI	     0x04
#define IIR_FIFO_ON  0xc0
#define FCR_FIFO_EN  0x01
#define FCR_CLEAR_RX 0x02
#define LCR_DLAB     0x80
#define MCR_LOOP     0x10
#define LSR_DR	     0x01
#define LSR_THRE     0x20
#define LSR_TEMT     0x40
#define MSR_CTS	     0x10
#define MSR_DSR	     0x20
#define MSR_DCD	     0x80

void uart_init(struct uart *u, int out_fd, struct irq_handle irq)
{
	memset(u, 0, sizeof(*u));
	pthread_mutex_init(&u->lock, NULL);
	u->out_fd = out_fd;
	u->log_fd = -1;
	u->irq = irq;
}

void uart_destroy(struct uart *u)
{
	pthread_mutex_destroy(&u->lock);
}

/* Lock held. */
static void uart_update_irq(struct uart *u)
{
	bool level =
	    ((u->ier & IER_RDI) && u->rx_count) || ((u->ier & IER_THRI) && u->thre_pending);

	if (level != u->irq_level) {
		u->irq_level = level;
		irq_set(&u->irq, level);
	}
}

void uart_reset(struct uart *u)
{
	pthread_mutex_lock(&u->lock);
	u->ier = u->lcr = u->mcr = u->scr = u->dll = u->dlm = u->fcr = 0;
	u->thre_pending = false;
	u->rx_head = u->rx_count = 0;
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

/* Lock held. */
static void uart_rx_put(struct uart *u, uint8_t c)
{
	if (u->rx_count == UART_RX_FIFO)
		return; /* overrun: the byte is lost, as on hardware */
	u->rx[(u->rx_head + u->rx_count) % UART_RX_FIFO] = c;
	u->rx_count++;
	u->rx_bytes++;
}

void uart_set_log_fd(struct uart *u, int fd)
{
	u->log_fd = fd;
}

/* Lock held. */
static void uart_tx(struct uart *u, uint8_t c)
{
	u->tx_bytes++;
	if (u->mcr & MCR_LOOP) {
		uart_rx_put(u, c);
	} else {
		timeline_mark_once(u->first_output);
		/* A closed stdout must not stop the guest: drop the byte. */
		while (write(u->out_fd, &c, 1) < 0 && errno == EINTR)
			;
		while (u->log_fd >= 0 && write(u->log_fd, &c, 1) < 0 && errno == EINTR)
			;
	}
	u->thre_pending = true;
}

static uint8_t uart_iir(struct uart *u)
{
	uint8_t fifo = (u->fcr & FCR_FIFO_EN) ? IIR_FIFO_ON : 0;

	if ((u->ier & IER_RDI) && u->rx_count)
		return fifo | IIR_RDI;
	if ((u->ier & IER_THRI) && u->thre_pending) {
		u->thre_pending = false; /* reading IIR acknowledges THRE */
		return fifo | IIR_THRI;
	}
	return fifo | IIR_NO_INT;
}

static uint8_t uart_read_reg(struct uart *u, unsigned reg)
{
	uint8_t c;

	switch (reg) {
	case UART_RBR_THR:
		if (u->lcr & LCR_DLAB)
			return u->dll;
		if (!u->rx_count)
			return 0;
		c = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % UART_RX_FIFO;
		u->rx_count--;
		return c;
	case UART_IER: return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case UART_IIR_FCR: return uart_iir(u);
	case UART_LCR: return u->lcr;
	case UART_MCR: return u->mcr;
	case UART_LSR: return LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0);
	case UART_MSR:
		/*
		 * In loopback the outputs feed the inputs (PC16550D, MCR bit 4):
		 * RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. Linux's 8250 probe
		 * checks this with LOOP|OUT2|RTS, expecting DCD|CTS.
		 */
		if (u->mcr & MCR_LOOP)
			return (uint8_t)(((u->mcr & 0x0c) << 4) | (u->mcr & 0x02 ? MSR_CTS : 0) |
					 (u->mcr & 0x01 ? MSR_DSR : 0));
		return MSR_DCD | MSR_DSR | MSR_CTS;
	default: return u->scr;
	}
}

static void uart_write_reg(struct uart *u, unsigned reg, uint8_t v)
{
	switch (reg) {
	case UART_RBR_THR:
		if (u->lcr & LCR_DLAB)
			u->dll = v;
		else
			uart_tx(u, v);
		break;
	case UART_IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = v;
		} else {
			/* Enabling THRI with THR empty raises it at once. */
			if ((v & IER_THRI) && !(u->ier & IER_THRI))
				u->thre_pending = true;
			u->ier = v & 0x0f;
		}
		break;
	case UART_IIR_FCR:
		u->fcr = v & (FCR_FIFO_EN | 0xc0);
		if (v & FCR_CLEAR_RX)
			u->rx_count = 0;
		break;
	case UART_LCR: u->lcr = v; break;
	case UART_MCR: u->mcr = v & 0x1f; break;
	case UART_SCR: u->scr = v; break;
	default: break; /* LSR and MSR are read-only */
	}
}

static void uart_mmio_read(struct mmio_region *r, uint64_t off, unsigned len, uint64_t *val)
{
	struct uart *u = r->opaque;

	(void)len;
	if (off >= UART_REG_SPAN) {
		*val = 0;
		return;
	}
	pthread_mutex_lock(&u->lock);
	*val = uart_read_reg(u, (unsigned)off);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

static void uart_mmio_write(struct mmio_region *r, uint64_t off, unsigned len, uint64_t val)
{
	struct uart *u = r->opaque;

	(void)len;
	if (off >= UART_REG_SPAN)
		return;
	pthread_mutex_lock(&u->lock);
	uart_write_reg(u, (unsigned)off, (uint8_t)val);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

unsigned uart_rx_space(struct uart *u)
{
	unsigned space;

	pthread_mutex_lock(&u->lock);
	space = UART_RX_FIFO - u->rx_count;
	pthread_mutex_unlock(&u->lock);
	return space;
}

size_t uart_rx_push(struct uart *u, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	pthread_mutex_lock(&u->lock);
	while (n < len && u->rx_count < UART_RX_FIFO)
		uart_rx_put(u, buf[n++]);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return n;
}

static int uart_fdt_node(const struct mmio_region *r, const struct fdt_ctx *ctx)
{
	return fdt_add_device_node(ctx, "uart", "ns16550a", r->base, UART_REG_SPAN, LAYOUT_SPI_UART,
				   true, 1843200);
}

const struct mmio_ops uart_mmio_ops = {
	.name = "uart",
	.read = uart_mmio_read,
	.write = uart_mmio_write,
	.fdt_node = uart_fdt_node,
};
