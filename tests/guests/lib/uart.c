/* Polled output on armlet's 16550 UART, or on a PL011 a guest names. */
#include "guest.h"

#define PL011_DR      0x00
#define PL011_FR      0x18
#define PL011_FR_TXFF (1u << 5)

/* 0: armlet's 16550 at UART_BASE; else a PL011 here (uart_use_pl011()). */
static uintptr_t pl011_base;

void uart_use_pl011(uintptr_t base)
{
	pl011_base = base;
}

/*
 * Bound the wait for THRE: a UART model that never reports ready must cost
 * some speed, not hang the test where only a harness timeout would see it.
 */
#define UART_TX_SPINS 100000

static void uart_tx(uint8_t byte)
{
	if (pl011_base) {
		for (unsigned i = 0; i < UART_TX_SPINS; i++) {
			if (!(mmio_read32(pl011_base + PL011_FR) & PL011_FR_TXFF))
				break;
			cpu_relax();
		}
		mmio_write32(pl011_base + PL011_DR, byte);
		return;
	}
	for (unsigned i = 0; i < UART_TX_SPINS; i++) {
		if (mmio_read8(UART_BASE + UART_LSR) & UART_LSR_THRE)
			break;
		cpu_relax();
	}
	mmio_write8(UART_BASE + UART_THR, byte);
}

void uart_putc(char c)
{
	if (c == '\n')
		uart_tx('\r');
	uart_tx((uint8_t)c);
}

void uart_puts(const char *s)
{
	while (*s)
		uart_putc(*s++);
}

static void uart_put_digits(uint64_t val, unsigned base)
{
	char buf[20]; /* 2^64 - 1 has 20 decimal digits */
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[val % base];
		val /= base;
	} while (val);
	while (n)
		uart_putc(buf[--n]);
}

void uart_put_hex(uint64_t val)
{
	uart_puts("0x");
	uart_put_digits(val, 16);
}

void uart_put_dec(uint64_t val)
{
	uart_put_digits(val, 10);
}
