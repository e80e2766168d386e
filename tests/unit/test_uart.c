// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 16550A model, driven through its mmio_ops as the bus would, with a
 * pipe as the console and a recorder as the interrupt line.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "../../vmm/dev/uart.h"
#include "suites.h"

/* Register offsets and bits (PC16550D data sheet). */
#define RBR 0
#define THR 0
#define DLL 0
#define IER 1
#define DLM 1
#define IIR 2
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7

#define IER_RDI	 0x01
#define IER_THRI 0x02
#define IIR_NONE 0x01
#define IIR_THRI 0x02
#define IIR_RDI	 0x04
#define IIR_FIFO 0xc0
#define LSR_DR	 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LCR_DLAB 0x80
#define MCR_DTR	 0x01
#define MCR_RTS	 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MSR_CTS	 0x10
#define MSR_DSR	 0x20
#define MSR_RI	 0x40
#define MSR_DCD	 0x80

#define UART_LINE 5

struct irq_recorder {
	unsigned calls;
	bool level;
	unsigned line;
};

static struct uart u;
static struct irq_recorder irq;
static struct mmio_region region;
static int out[2]; /* out[0]: what the guest printed */

static int irq_record(void *ctx, unsigned line, bool level)
{
	struct irq_recorder *rec = ctx;

	rec->calls++;
	rec->level = level;
	rec->line = line;
	return 0;
}

static void uart_setup(void)
{
	ck_assert_int_eq(pipe2(out, O_NONBLOCK | O_CLOEXEC), 0);
	memset(&irq, 0, sizeof(irq));
	uart_init(&u, out[1],
		  (struct irq_handle){ .set = irq_record, .ctx = &irq, .line = UART_LINE });
	region = (struct mmio_region){
		.base = 0x1000000, .size = 0x1000, .ops = &uart_mmio_ops, .opaque = &u
	};
}

static void uart_teardown(void)
{
	uart_destroy(&u);
	if (out[0] >= 0)
		close(out[0]);
	close(out[1]);
}

static uint8_t rd(uint64_t off)
{
	uint64_t val = 0xdeadbeef;

	uart_mmio_ops.read(&region, off, 1, &val);
	ck_assert_uint_le(val, 0xff);
	return (uint8_t)val;
}

static void wr(uint64_t off, uint8_t val)
{
	uart_mmio_ops.write(&region, off, 1, val);
}

/* Everything the guest has written to the console so far. */
static size_t drain_output(char *buf, size_t len)
{
	ssize_t n = read(out[0], buf, len);

	if (n < 0) {
		ck_assert_int_eq(errno, EAGAIN);
		return 0;
	}
	return (size_t)n;
}

static void push(const char *s)
{
	ck_assert_uint_eq(uart_rx_push(&u, (const uint8_t *)s, strlen(s)), strlen(s));
}

START_TEST(test_tx_to_fd)
{
	char buf[16];

	wr(THR, 'h');
	wr(THR, 'i');
	wr(THR, '\n');
	ck_assert_uint_eq(drain_output(buf, sizeof(buf)), 3);
	ck_assert_mem_eq(buf, "hi\n", 3);
	ck_assert_uint_eq(u.tx_bytes, 3);
	ck_assert_uint_eq(irq.calls, 0); /* IER is 0 */
}
END_TEST

/* --console-log: every byte also goes to the log, even when stdout is gone. */
START_TEST(test_tx_log_copy)
{
	int log[2];
	char buf[16];

	ck_assert_int_eq(pipe2(log, O_NONBLOCK | O_CLOEXEC), 0);
	uart_set_log_fd(&u, log[1]);
	wr(THR, 'o');
	wr(THR, 'k');
	ck_assert_int_eq(read(log[0], buf, sizeof(buf)), 2);
	ck_assert_mem_eq(buf, "ok", 2);
	ck_assert_uint_eq(drain_output(buf, sizeof(buf)), 2);
	signal(SIGPIPE, SIG_IGN); /* as armlet runs (loop_block_signals()) */
	close(out[0]);		  /* the reader of stdout goes away: writes there fail with EPIPE */
	out[0] = -1;
	wr(THR, '!');
	ck_assert_int_eq(read(log[0], buf, sizeof(buf)), 1);
	ck_assert_int_eq(buf[0], '!');
	/* In loopback mode nothing goes out, to stdout or to the log. */
	wr(MCR, MCR_LOOP);
	wr(THR, 'x');
	ck_assert_int_eq(read(log[0], buf, sizeof(buf)), -1);
	close(log[0]);
	close(log[1]);
}
END_TEST

START_TEST(test_lsr)
{
	ck_assert_uint_eq(rd(LSR), LSR_THRE | LSR_TEMT);
	push("x");
	ck_assert_uint_eq(rd(LSR), LSR_THRE | LSR_TEMT | LSR_DR);
	wr(LSR, 0); /* read-only */
	ck_assert_uint_eq(rd(LSR), LSR_THRE | LSR_TEMT | LSR_DR);
	rd(RBR);
	ck_assert_uint_eq(rd(LSR), LSR_THRE | LSR_TEMT);
}
END_TEST

START_TEST(test_ier_readback)
{
	wr(IER, 0xff);
	ck_assert_uint_eq(rd(IER), 0x0f);
	wr(IER, 0);
	ck_assert_uint_eq(rd(IER), 0);
}
END_TEST

START_TEST(test_thri)
{
	ck_assert_uint_eq(rd(IIR), IIR_NONE);
	wr(IER, IER_THRI);
	ck_assert_uint_eq(irq.calls, 1);
	ck_assert(irq.level);
	ck_assert_uint_eq(irq.line, UART_LINE);

	/* Reading IIR acknowledges THRE and lowers the line. */
	ck_assert_uint_eq(rd(IIR), IIR_THRI);
	ck_assert(!irq.level);
	ck_assert_uint_eq(rd(IIR), IIR_NONE);

	/* Each byte sent empties THR again. */
	wr(THR, 'x');
	ck_assert(irq.level);
	ck_assert_uint_eq(rd(IIR), IIR_THRI);
	ck_assert(!irq.level);

	/* Masking the source lowers the line too. */
	wr(THR, 'y');
	ck_assert(irq.level);
	wr(IER, 0);
	ck_assert(!irq.level);
	ck_assert_uint_eq(irq.calls, 6);
}
END_TEST

START_TEST(test_thri_with_fifo)
{
	wr(FCR, 0x01);
	ck_assert_uint_eq(rd(IIR), IIR_FIFO | IIR_NONE);
	wr(IER, IER_THRI);
	ck_assert_uint_eq(rd(IIR), IIR_FIFO | IIR_THRI);
	ck_assert_uint_eq(rd(IIR), IIR_FIFO | IIR_NONE);
	wr(FCR, 0x00);
	ck_assert_uint_eq(rd(IIR), IIR_NONE);
}
END_TEST

START_TEST(test_rx)
{
	push("abc");
	ck_assert_uint_eq(irq.calls, 0); /* not enabled */
	ck_assert_uint_eq(rd(LSR) & LSR_DR, LSR_DR);

	wr(IER, IER_RDI);
	ck_assert(irq.level);
	ck_assert_uint_eq(rd(IIR), IIR_RDI);
	ck_assert(irq.level); /* IIR does not acknowledge RDI; reading the data does */
	ck_assert_uint_eq(rd(RBR), 'a');
	ck_assert_uint_eq(rd(RBR), 'b');
	ck_assert(irq.level);
	ck_assert_uint_eq(rd(RBR), 'c');
	ck_assert(!irq.level);
	ck_assert_uint_eq(rd(LSR) & LSR_DR, 0);
	ck_assert_uint_eq(rd(RBR), 0); /* empty */
	ck_assert_uint_eq(rd(IIR), IIR_NONE);
	ck_assert_uint_eq(u.rx_bytes, 3);

	push("d");
	ck_assert(irq.level);
	ck_assert_uint_eq(rd(RBR), 'd');
	ck_assert(!irq.level);
}
END_TEST

START_TEST(test_rdi_before_thri)
{
	wr(IER, IER_RDI | IER_THRI);
	push("z");
	ck_assert_uint_eq(rd(IIR), IIR_RDI);
	ck_assert_uint_eq(rd(RBR), 'z');
	ck_assert(irq.level); /* THRE still pending */
	ck_assert_uint_eq(rd(IIR), IIR_THRI);
	ck_assert(!irq.level);
}
END_TEST

START_TEST(test_rx_fifo_capacity)
{
	uint8_t in[UART_RX_FIFO + 36];

	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i + 1);
	ck_assert_uint_eq(uart_rx_space(&u), UART_RX_FIFO);
	ck_assert_uint_eq(uart_rx_push(&u, in, sizeof(in)), UART_RX_FIFO);
	ck_assert_uint_eq(uart_rx_space(&u), 0);
	ck_assert_uint_eq(uart_rx_push(&u, in, 1), 0);

	/* Make room for one, offer two: the FIFO takes one and wraps around. */
	ck_assert_uint_eq(rd(RBR), 1);
	ck_assert_uint_eq(uart_rx_space(&u), 1);
	ck_assert_uint_eq(uart_rx_push(&u, (const uint8_t *)"\xaa\xbb", 2), 1);
	for (unsigned i = 1; i < UART_RX_FIFO; i++)
		ck_assert_uint_eq(rd(RBR), i + 1);
	ck_assert_uint_eq(rd(RBR), 0xaa);
	ck_assert_uint_eq(rd(LSR) & LSR_DR, 0);
	ck_assert_uint_eq(uart_rx_space(&u), UART_RX_FIFO);
}
END_TEST

START_TEST(test_fcr_clear_rx)
{
	wr(IER, IER_RDI);
	push("0123456789");
	ck_assert(irq.level);
	wr(FCR, 0x01 | 0x02);
	ck_assert(!irq.level);
	ck_assert_uint_eq(rd(LSR) & LSR_DR, 0);
	ck_assert_uint_eq(uart_rx_space(&u), UART_RX_FIFO);
	ck_assert_uint_eq(rd(IIR), IIR_FIFO | IIR_NONE);
	push("xy");
	ck_assert_uint_eq(rd(RBR), 'x');
	ck_assert_uint_eq(rd(RBR), 'y');
}
END_TEST

START_TEST(test_dlab)
{
	char buf[4];

	wr(LCR, LCR_DLAB | 0x03);
	ck_assert_uint_eq(rd(LCR), LCR_DLAB | 0x03);
	wr(DLL, 0x0c);
	wr(DLM, 0x01);
	ck_assert_uint_eq(rd(DLL), 0x0c);
	ck_assert_uint_eq(rd(DLM), 0x01);
	/* Neither transmitted nor an IER write. */
	ck_assert_uint_eq(drain_output(buf, sizeof(buf)), 0);
	ck_assert_uint_eq(u.tx_bytes, 0);
	ck_assert_uint_eq(irq.calls, 0);

	wr(LCR, 0x03);
	ck_assert_uint_eq(rd(IER), 0);
	ck_assert_uint_eq(rd(RBR), 0);
	wr(THR, 'q');
	ck_assert_uint_eq(drain_output(buf, sizeof(buf)), 1);
	ck_assert_uint_eq(buf[0], 'q');

	/* The divisor survives DLAB going off and on. */
	wr(LCR, LCR_DLAB);
	ck_assert_uint_eq(rd(DLL), 0x0c);
	ck_assert_uint_eq(rd(DLM), 0x01);
}
END_TEST

START_TEST(test_dlab_hides_rx)
{
	push("r");
	wr(LCR, LCR_DLAB);
	wr(DLL, 0x55);
	ck_assert_uint_eq(rd(RBR), 0x55); /* DLL, not the received byte */
	wr(LCR, 0);
	ck_assert_uint_eq(rd(RBR), 'r');
}
END_TEST

START_TEST(test_loopback)
{
	char buf[4];

	wr(MCR, MCR_LOOP);
	ck_assert_uint_eq(rd(MCR), MCR_LOOP);
	wr(THR, 'L');
	wr(THR, 'B');
	ck_assert_uint_eq(drain_output(buf, sizeof(buf)), 0);
	ck_assert_uint_eq(rd(LSR) & LSR_DR, LSR_DR);
	ck_assert_uint_eq(rd(RBR), 'L');
	ck_assert_uint_eq(rd(RBR), 'B');
	ck_assert_uint_eq(rd(LSR) & LSR_DR, 0);

	wr(MCR, 0);
	wr(THR, 'o');
	ck_assert_uint_eq(drain_output(buf, sizeof(buf)), 1);
	ck_assert_uint_eq(rd(LSR) & LSR_DR, 0);
}
END_TEST

START_TEST(test_msr)
{
	/* Not in loopback: a modem that is always there and ready. */
	ck_assert_uint_eq(rd(MSR) & 0xf0, MSR_DCD | MSR_DSR | MSR_CTS);
	wr(MCR, MCR_LOOP);
	ck_assert_uint_eq(rd(MSR) & 0xf0, 0);
	wr(MCR, MCR_LOOP | MCR_OUT1);
	ck_assert_uint_eq(rd(MSR) & 0xf0, MSR_RI);
	wr(MCR, MCR_LOOP | MCR_OUT2);
	ck_assert_uint_eq(rd(MSR) & 0xf0, MSR_DCD);
}
END_TEST

/*
 * Regression: in loopback the data sheet wires RTS to CTS and DTR to DSR;
 * an earlier (mcr & 0x0f) << 4 crossed them.
 * Linux's 8250 autoconfig loopback test writes MCR = LOOP|OUT2|RTS and
 * expects MSR & 0xf0 == 0x90 (DCD|CTS).
 */
START_TEST(test_msr_loopback_wiring)
{
	wr(MCR, MCR_LOOP | MCR_RTS);
	ck_assert_uint_eq(rd(MSR) & 0xf0, MSR_CTS);
	wr(MCR, MCR_LOOP | MCR_DTR);
	ck_assert_uint_eq(rd(MSR) & 0xf0, MSR_DSR);
	wr(MCR, MCR_LOOP | MCR_OUT2 | MCR_RTS);
	ck_assert_uint_eq(rd(MSR) & 0xf0, 0x90);
}
END_TEST

START_TEST(test_scr)
{
	wr(SCR, 0x5a);
	ck_assert_uint_eq(rd(SCR), 0x5a);
	wr(SCR, 0xa5);
	ck_assert_uint_eq(rd(SCR), 0xa5);
}
END_TEST

START_TEST(test_beyond_registers)
{
	char buf[4];

	wr(SCR, 0x5a);
	for (uint64_t off = UART_REG_SPAN; off < 0x1000; off += 0x1f) {
		wr(off, 0xff);
		ck_assert_uint_eq(rd(off), 0);
	}
	wr(0xfff, 'x');
	ck_assert_uint_eq(rd(0xfff), 0);
	ck_assert_uint_eq(rd(SCR), 0x5a);
	ck_assert_uint_eq(rd(IER), 0);
	ck_assert_uint_eq(rd(LCR), 0);
	ck_assert_uint_eq(drain_output(buf, sizeof(buf)), 0);
	ck_assert_uint_eq(irq.calls, 0);
}
END_TEST

/* A guest reset: registers, FIFO and the line as at power-on; output keeps its way out. */
START_TEST(test_reset)
{
	uint64_t first = 0;
	char buf[4];

	u.first_output = &first;
	wr(LCR, LCR_DLAB);
	wr(DLL, 0x0c);
	wr(LCR, 0x03);
	wr(SCR, 0x5a);
	wr(FCR, 0x01);
	wr(IER, IER_RDI);
	push("ab");
	ck_assert(irq.level);
	uart_reset(&u);
	ck_assert(!irq.level);
	ck_assert_uint_eq(irq.line, UART_LINE);
	ck_assert_uint_eq(rd(IER), 0);
	ck_assert_uint_eq(rd(LCR), 0);
	ck_assert_uint_eq(rd(SCR), 0);
	ck_assert_uint_eq(rd(IIR), IIR_NONE);
	ck_assert_uint_eq(rd(LSR), LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(rd(RBR), 0);
	wr(LCR, LCR_DLAB);
	ck_assert_uint_eq(rd(DLL), 0);
	wr(LCR, 0);
	ck_assert_uint_eq(u.rx_bytes, 2); /* counters are the run's */
	wr(THR, 'x');
	ck_assert_uint_eq(drain_output(buf, sizeof(buf)), 1);
	ck_assert_uint_ne(first, 0);
	ck_assert_ptr_eq(u.first_output, &first);
	u.first_output = NULL;
}
END_TEST

START_TEST(test_no_irq_handle)
{
	/* A UART without a line (no irqchip yet) must not crash when raising it. */
	struct uart bare;
	struct mmio_region r = {
		.base = 0, .size = 0x1000, .ops = &uart_mmio_ops, .opaque = &bare
	};
	uint64_t val;

	uart_init(&bare, out[1], (struct irq_handle){ 0 });
	uart_mmio_ops.write(&r, IER, 1, IER_THRI);
	uart_mmio_ops.read(&r, IIR, 1, &val);
	ck_assert_uint_eq(val, IIR_THRI);
	uart_destroy(&bare);
}
END_TEST

Suite *uart_suite(void)
{
	Suite *s = suite_create("uart");
	TCase *tc = tcase_create("16550");

	tcase_add_checked_fixture(tc, uart_setup, uart_teardown);
	tcase_add_test(tc, test_tx_to_fd);
	tcase_add_test(tc, test_tx_log_copy);
	tcase_add_test(tc, test_lsr);
	tcase_add_test(tc, test_ier_readback);
	tcase_add_test(tc, test_thri);
	tcase_add_test(tc, test_thri_with_fifo);
	tcase_add_test(tc, test_rx);
	tcase_add_test(tc, test_rdi_before_thri);
	tcase_add_test(tc, test_rx_fifo_capacity);
	tcase_add_test(tc, test_fcr_clear_rx);
	tcase_add_test(tc, test_dlab);
	tcase_add_test(tc, test_dlab_hides_rx);
	tcase_add_test(tc, test_loopback);
	tcase_add_test(tc, test_msr);
	tcase_add_test(tc, test_msr_loopback_wiring);
	tcase_add_test(tc, test_scr);
	tcase_add_test(tc, test_beyond_registers);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_no_irq_handle);
	suite_add_tcase(s, tc);
	return s;
}
