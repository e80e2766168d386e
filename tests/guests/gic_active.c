/*
 * GICv2 active state (IHI 0048B §3.2.4, §4.4): set and cleared by
 * GICD_ISACTIVER/ICACTIVER (banked for SGIs and PPIs), taken on by an
 * acknowledge and dropped by an end-of-interrupt; an active interrupt is
 * not signalled again until it is deactivated; the running priority
 * (GICC_RPR) follows acknowledges and EOIs, with preemption by a higher
 * priority only; and with GICC_CTLR.EOImode set, GICC_EOIR only drops the
 * priority while GICC_DIR deactivates. Acknowledges are polled from
 * GICC_IAR with IRQs masked at the CPU, except where the exception path
 * itself is what is checked. Run with 1 to 8 CPUs; banking needs 2.
 */
#include "gicv2.h"

#define WAIT_MS	  5000
#define SETTLE_MS 50
#define MAX_CPUS  8
#define TEST_SPI  GIC_SPI(9) /* INTID 41: nothing in a bare VM drives it */
#define TEST_PPI  20	     /* a PPI no device of armlet's drives */
#define SGI_A	  1
#define SGI_B	  2
#define SGI_C	  3
#define PRIO_HIGH 0x40
#define PRIO_MID  0x80
#define PRIO_LOW  0xc0

enum {
	ERR_NR_CPUS = 1,
	ERR_START,
	ERR_CALL,
	ERR_SET_ACTIVE,
	ERR_BANKED,
	ERR_ACTIVE_BLOCKS,
	ERR_ACK,
	ERR_RPR,
	ERR_EOI,
	ERR_PREEMPT,
	ERR_HANDLER,
	ERR_EOIMODE,
	ERR_DIR,
};

static unsigned nr_cpus;
static volatile uint32_t taken, taken_iar;
static volatile uint32_t active_in_handler, pending_in_handler;

static void spi_handler(uint32_t iar)
{
	unsigned intid = GICC_IAR_INTID(iar);

	active_in_handler = gic_irq_active(intid);
	pending_in_handler = gic_irq_pending(intid);
	taken_iar = iar;
	taken = taken + 1;
}

/* Waits up to WAIT_MS for taken to reach n. */
static void wait_taken(uint32_t n)
{
	uint64_t deadline = deadline_ms(WAIT_MS);

	while (taken < n && !deadline_passed(deadline))
		cpu_relax();
}

/* GICC_IAR until it names something other than the spurious INTID, or WAIT_MS. */
static uint32_t ack_poll(void)
{
	uint64_t deadline = deadline_ms(WAIT_MS);
	uint32_t iar;

	do
		iar = gic_ack();
	while (GICC_IAR_INTID(iar) == GIC_INTID_SPURIOUS && !deadline_passed(deadline));
	return iar;
}

/* The running priority when idle is the lowest there is: 0xff, or its implemented bits. */
static bool rpr_idle(void)
{
	return gicc_read(GICC_RPR) >= 0xf0;
}

static void check_set_clear(unsigned intid)
{
	uint32_t set = GICD_BIT_REG(GICD_ISACTIVER, intid);
	uint32_t clr = GICD_BIT_REG(GICD_ICACTIVER, intid);
	uint32_t bit = GICD_BIT(intid);

	gicd_write(set, bit);
	TEST_ASSERT((gicd_read(set) & bit) && (gicd_read(clr) & bit), ERR_SET_ACTIVE,
		    "INTID %u: ISACTIVER 0x%x ICACTIVER 0x%x after setting active", intid,
		    gicd_read(set), gicd_read(clr));
	gicd_write(clr, bit);
	TEST_ASSERT(!(gicd_read(set) & bit) && !(gicd_read(clr) & bit), ERR_SET_ACTIVE,
		    "INTID %u: ISACTIVER 0x%x ICACTIVER 0x%x after clearing", intid, gicd_read(set),
		    gicd_read(clr));
}

static volatile uint32_t remote_active;

static void read_active(unsigned long arg)
{
	(void)arg;
	remote_active = gicd_read(GICD_ISACTIVER);
}

static void check_registers(void)
{
	check_set_clear(SGI_A);
	check_set_clear(TEST_PPI);
	check_set_clear(TEST_SPI);
	if (nr_cpus >= 2) {
		gic_irq_set_active(SGI_A);
		gic_irq_set_active(TEST_PPI);
		TEST_ASSERT(smp_call(1, read_active, 0, WAIT_MS), ERR_CALL, "cpu 1 did not answer");
		TEST_ASSERT(!(remote_active & (GICD_BIT(SGI_A) | GICD_BIT(TEST_PPI))), ERR_BANKED,
			    "cpu 1 sees GICD_ISACTIVER0 0x%x: cpu 0's SGI %u and PPI %u leaked",
			    remote_active, SGI_A, TEST_PPI);
		gic_irq_clear_active(SGI_A);
		gic_irq_clear_active(TEST_PPI);
	}
	printf("gic_active: ISACTIVER/ICACTIVER for an SGI, a PPI and an SPI%s\n",
	       nr_cpus >= 2 ? ", banked" : "");
}

/*
 * Active and pending: not signalled until deactivated, then taken once.
 * Edge-triggered, so that the acknowledge consumes the pending state
 * without question (for a level-sensitive interrupt pended through
 * GICD_ISPENDR, KVM's vGIC keeps it pending until the EOI).
 */
static void check_active_blocks(void)
{
	gic_irq_set_edge(TEST_SPI, true);
	gic_irq_set_targets(TEST_SPI, 1);
	gic_irq_enable(TEST_SPI);
	gic_irq_set_active(TEST_SPI);
	gic_irq_set_pending(TEST_SPI);
	local_irq_enable();
	delay_us(SETTLE_MS * 1000);
	TEST_ASSERT(taken == 0, ERR_ACTIVE_BLOCKS, "INTID %u taken while active", TEST_SPI);
	TEST_ASSERT(gic_irq_pending(TEST_SPI) && gic_irq_active(TEST_SPI), ERR_ACTIVE_BLOCKS,
		    "INTID %u: pending %d active %d, want both", TEST_SPI,
		    gic_irq_pending(TEST_SPI), gic_irq_active(TEST_SPI));
	gic_irq_clear_active(TEST_SPI);
	wait_taken(1);
	local_irq_disable();
	TEST_ASSERT(taken == 1, ERR_ACTIVE_BLOCKS, "INTID %u taken %u times once deactivated",
		    TEST_SPI, taken);
	/* The exception path: active, no longer pending, in the handler; inactive after EOI. */
	TEST_ASSERT(active_in_handler && !pending_in_handler, ERR_HANDLER,
		    "in its handler INTID %u was active %u pending %u, want 1 0", TEST_SPI,
		    active_in_handler, pending_in_handler);
	TEST_ASSERT(!gic_irq_active(TEST_SPI) && !gic_irq_pending(TEST_SPI), ERR_HANDLER,
		    "after its EOI INTID %u is active %d pending %d", TEST_SPI,
		    gic_irq_active(TEST_SPI), gic_irq_pending(TEST_SPI));
	gic_irq_disable(TEST_SPI);
	gic_irq_set_edge(TEST_SPI, false);
	printf("gic_active: active and pending is held until deactivated, then taken once\n");
}

/* GICC_IAR makes the interrupt active (and not pending), GICC_EOIR inactive. */
static void check_ack_eoi(void)
{
	uint32_t iar;

	TEST_ASSERT(GICC_IAR_INTID(gic_ack()) == GIC_INTID_SPURIOUS, ERR_ACK,
		    "GICC_IAR with nothing pending did not return 1023");
	gic_irq_set_priority(SGI_A, PRIO_MID);
	gic_irq_enable(SGI_A);
	gic_send_sgi(SGI_A, GICD_SGIR_FILTER_SELF);
	iar = ack_poll();
	TEST_ASSERT(GICC_IAR_INTID(iar) == SGI_A && GICC_IAR_CPUID(iar) == 0, ERR_ACK,
		    "GICC_IAR 0x%x, want SGI %u from cpu 0", iar, SGI_A);
	TEST_ASSERT(gic_irq_active(SGI_A) && !gic_irq_pending(SGI_A), ERR_ACK,
		    "acknowledged SGI %u: active %d pending %d, want 1 0", SGI_A,
		    gic_irq_active(SGI_A), gic_irq_pending(SGI_A));
	TEST_ASSERT(gicc_read(GICC_RPR) == PRIO_MID, ERR_RPR,
		    "GICC_RPR 0x%x with SGI %u (priority 0x%x) active", gicc_read(GICC_RPR), SGI_A,
		    PRIO_MID);
	gic_eoi(iar);
	TEST_ASSERT(!gic_irq_active(SGI_A) && rpr_idle(), ERR_EOI,
		    "after EOI SGI %u is active %d, GICC_RPR 0x%x", SGI_A, gic_irq_active(SGI_A),
		    gicc_read(GICC_RPR));

	/* An SPI made pending by GICD_ISPENDR, edge-triggered: the same. */
	gic_irq_set_edge(TEST_SPI, true);
	gic_irq_enable(TEST_SPI);
	gic_irq_set_pending(TEST_SPI);
	iar = ack_poll();
	TEST_ASSERT(iar == TEST_SPI, ERR_ACK, "GICC_IAR 0x%x, want INTID %u", iar, TEST_SPI);
	TEST_ASSERT(gic_irq_active(TEST_SPI) && !gic_irq_pending(TEST_SPI), ERR_ACK,
		    "acknowledged INTID %u: active %d pending %d, want 1 0", TEST_SPI,
		    gic_irq_active(TEST_SPI), gic_irq_pending(TEST_SPI));
	gic_eoi(iar);
	TEST_ASSERT(!gic_irq_active(TEST_SPI) && rpr_idle(), ERR_EOI,
		    "after EOI INTID %u is active %d, GICC_RPR 0x%x", TEST_SPI,
		    gic_irq_active(TEST_SPI), gicc_read(GICC_RPR));
	gic_irq_disable(TEST_SPI);
	gic_irq_set_edge(TEST_SPI, false);
	printf("gic_active: IAR makes active, EOIR inactive; RPR follows\n");
}

/*
 * While SGI_A (PRIO_MID) is active, SGI_B (PRIO_LOW) is not signalled but
 * SGI_C (PRIO_HIGH) preempts; EOIs in reverse order bring each back.
 */
static void check_preemption(void)
{
	uint32_t a, b, c;

	gic_irq_set_priority(SGI_A, PRIO_MID);
	gic_irq_set_priority(SGI_B, PRIO_LOW);
	gic_irq_set_priority(SGI_C, PRIO_HIGH);
	gicd_write(GICD_ISENABLER, GICD_BIT(SGI_A) | GICD_BIT(SGI_B) | GICD_BIT(SGI_C));
	gic_send_sgi(SGI_A, GICD_SGIR_FILTER_SELF);
	a = ack_poll();
	TEST_ASSERT(GICC_IAR_INTID(a) == SGI_A, ERR_ACK, "GICC_IAR 0x%x, want SGI %u", a, SGI_A);
	gic_send_sgi(SGI_B, GICD_SGIR_FILTER_SELF);
	delay_us(SETTLE_MS * 1000);
	b = gic_ack();
	TEST_ASSERT(GICC_IAR_INTID(b) == GIC_INTID_SPURIOUS, ERR_PREEMPT,
		    "GICC_IAR 0x%x: lower-priority SGI %u signalled while SGI %u is active", b,
		    SGI_B, SGI_A);
	TEST_ASSERT(GICC_IAR_INTID(gicc_read(GICC_HPPIR)) == SGI_B, ERR_PREEMPT,
		    "GICC_HPPIR 0x%x, want the pending SGI %u", gicc_read(GICC_HPPIR), SGI_B);
	gic_send_sgi(SGI_C, GICD_SGIR_FILTER_SELF);
	c = ack_poll();
	TEST_ASSERT(GICC_IAR_INTID(c) == SGI_C, ERR_PREEMPT,
		    "GICC_IAR 0x%x: higher-priority SGI %u did not preempt", c, SGI_C);
	TEST_ASSERT(gicc_read(GICC_RPR) == PRIO_HIGH, ERR_RPR, "GICC_RPR 0x%x, want 0x%x",
		    gicc_read(GICC_RPR), PRIO_HIGH);
	gic_eoi(c);
	TEST_ASSERT(gicc_read(GICC_RPR) == PRIO_MID, ERR_RPR,
		    "GICC_RPR 0x%x after the nested EOI, want 0x%x", gicc_read(GICC_RPR), PRIO_MID);
	gic_eoi(a);
	b = ack_poll();
	TEST_ASSERT(GICC_IAR_INTID(b) == SGI_B, ERR_PREEMPT,
		    "GICC_IAR 0x%x once SGI %u ended, want SGI %u", b, SGI_A, SGI_B);
	gic_eoi(b);
	TEST_ASSERT(rpr_idle() && !(gicd_read(GICD_ISACTIVER) & 0xffff), ERR_EOI,
		    "GICC_RPR 0x%x, SGIs active 0x%x after the last EOI", gicc_read(GICC_RPR),
		    gicd_read(GICD_ISACTIVER) & 0xffff);
	printf("gic_active: lower priority waits, higher priority preempts\n");
}

/* EOImode 1: GICC_EOIR drops the priority only; the SGI stays active until GICC_DIR. */
static void check_eoimode(void)
{
	uint32_t iar, again;

	gicc_write(GICC_CTLR, GICC_CTLR_ENABLE | GICC_CTLR_EOIMODE);
	TEST_ASSERT(gicc_read(GICC_CTLR) & GICC_CTLR_EOIMODE, ERR_EOIMODE,
		    "GICC_CTLR 0x%x: EOImode did not stick", gicc_read(GICC_CTLR));
	gic_send_sgi(SGI_A, GICD_SGIR_FILTER_SELF);
	iar = ack_poll();
	TEST_ASSERT(GICC_IAR_INTID(iar) == SGI_A, ERR_ACK, "GICC_IAR 0x%x, want SGI %u", iar,
		    SGI_A);
	gic_eoi(iar);
	TEST_ASSERT(rpr_idle(), ERR_EOIMODE, "EOImode 1: GICC_RPR 0x%x after EOIR, want idle",
		    gicc_read(GICC_RPR));
	TEST_ASSERT(gic_irq_active(SGI_A), ERR_EOIMODE,
		    "EOImode 1: SGI %u no longer active after EOIR alone", SGI_A);
	/* Still active: the same SGI, sent again, waits. */
	gic_send_sgi(SGI_A, GICD_SGIR_FILTER_SELF);
	delay_us(SETTLE_MS * 1000);
	again = gic_ack();
	TEST_ASSERT(GICC_IAR_INTID(again) == GIC_INTID_SPURIOUS, ERR_EOIMODE,
		    "EOImode 1: GICC_IAR 0x%x while SGI %u is active", again, SGI_A);
	gic_deactivate(iar);
	TEST_ASSERT(!gic_irq_active(SGI_A), ERR_DIR, "SGI %u still active after GICC_DIR", SGI_A);
	again = ack_poll();
	TEST_ASSERT(GICC_IAR_INTID(again) == SGI_A, ERR_DIR,
		    "GICC_IAR 0x%x after GICC_DIR, want the pending SGI %u", again, SGI_A);
	gic_eoi(again);
	gic_deactivate(again);
	TEST_ASSERT(!gic_irq_active(SGI_A) && rpr_idle(), ERR_DIR,
		    "after EOIR and DIR SGI %u active %d, GICC_RPR 0x%x", SGI_A,
		    gic_irq_active(SGI_A), gicc_read(GICC_RPR));
	gicc_write(GICC_CTLR, GICC_CTLR_ENABLE);
	printf("gic_active: EOImode 1: EOIR drops priority, DIR deactivates\n");
}

int test_main(void)
{
	unsigned bad;

	nr_cpus = testdev_nr_cpus();
	printf("gic_active: GICv2 active state, %u CPUs\n", nr_cpus);
	TEST_ASSERT(nr_cpus >= 1 && nr_cpus <= MAX_CPUS, ERR_NR_CPUS, "%u CPUs: run with 1 to %u",
		    nr_cpus, MAX_CPUS);
	gic_handler_set(TEST_SPI, spi_handler);
	gic_dist_init();
	gic_cpu_init();
	bad = gic_start_cpus(nr_cpus, WAIT_MS);
	TEST_ASSERT(!bad, ERR_START, "cpu %u did not start", bad);

	check_registers();
	check_active_blocks();
	check_ack_eoi();
	check_preemption();
	check_eoimode();
	return 0;
}
