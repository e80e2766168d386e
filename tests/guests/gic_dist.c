/*
 * GICv2 distributor register semantics (IHI 0048B §4.3), as the
 * architecture guarantees them rather than as one implementation chose:
 * GICD_TYPER's counts; GICD_CTLR gating forwarding; set/clear-enable pairs,
 * banked per CPU for SGIs and PPIs; GICD_IPRIORITYR by byte and by word,
 * with as many implemented bits as it reports (at least 4, the top ones);
 * GICD_ITARGETSR0-7 read-only, each CPU reading its own bit; SPI targets
 * limited to the CPU interfaces that exist; GICD_ICFGR0 (SGIs) edge and
 * read-only, SPIs configurable; pending state through ISPENDR/ICPENDR and
 * for SGIs through SPENDSGIR/CPENDSGIR only; reserved offsets and
 * interrupts past ITLinesNumber RAZ/WI. Run with 1 to 8 CPUs; the banking
 * checks need 2.
 */
#include "gicv2.h"

#define WAIT_MS	  5000
#define SETTLE_MS 50
#define MAX_CPUS  8
#define TEST_SPI  GIC_SPI(8) /* INTID 40: nothing in a bare VM drives it */
#define TEST_SGI  7
#define TEST_PPI  GIC_PPI_VIRT_TIMER /* a PPI every GIC here implements */

enum {
	ERR_NR_CPUS = 1,
	ERR_START,
	ERR_CALL,
	ERR_TYPER,
	ERR_CTLR,
	ERR_FORWARD,
	ERR_ENABLE,
	ERR_ENABLE_BANKED,
	ERR_RAZ_WI,
	ERR_PRIO_BITS,
	ERR_PRIO_BYTES,
	ERR_PRIO_BANKED,
	ERR_PMR,
	ERR_TARGETS_PRIV,
	ERR_TARGETS_SPI,
	ERR_ICFGR,
	ERR_PENDING,
	ERR_SGI_PENDING,
	ERR_RESERVED,
};

static unsigned nr_cpus, nr_irqs;
static uint8_t prio_mask;
static volatile uint32_t spi_taken;

static uint8_t all_cpus(void)
{
	return (uint8_t)((1u << nr_cpus) - 1);
}

static void on_cpu(unsigned cpu, smp_call_fn fn, unsigned long arg)
{
	if (cpu == 0) {
		fn(arg);
		return;
	}
	TEST_ASSERT(smp_call(cpu, fn, arg, WAIT_MS), ERR_CALL, "cpu %u did not finish a call", cpu);
}

/* A priority-style mask: the top n bits set, n >= 4 (IHI 0048B §3.3: at least 16 levels). */
static bool top_bits_mask(uint8_t m)
{
	return m >= 0xf0 && (uint8_t)(m | (m - 1)) == 0xff;
}

static unsigned bit_count(uint8_t m)
{
	unsigned n = 0;

	for (; m; m &= (uint8_t)(m - 1))
		n++;
	return n;
}

static void check_typer(void)
{
	uint32_t typer = gicd_read(GICD_TYPER);

	TEST_ASSERT(gic_nr_cpus() == nr_cpus, ERR_TYPER,
		    "GICD_TYPER 0x%x: CPUNumber says %u CPUs, the VM has %u", typer, gic_nr_cpus(),
		    nr_cpus);
	/* The UART's SPI and PCI's INTA-D (INTIDs 32-36) at least. */
	TEST_ASSERT(nr_irqs >= 64, ERR_TYPER, "GICD_TYPER 0x%x: ITLinesNumber gives %u interrupts",
		    typer, nr_irqs);
	gicd_write(GICD_TYPER, ~typer);
	TEST_ASSERT(gicd_read(GICD_TYPER) == typer, ERR_TYPER,
		    "GICD_TYPER is writable: 0x%x -> 0x%x", typer, gicd_read(GICD_TYPER));
	printf("gic_dist: TYPER 0x%x: %u CPUs, %u interrupts; IIDR 0x%x\n", typer, nr_cpus, nr_irqs,
	       gicd_read(GICD_IIDR));
}

static void spi_handler(uint32_t iar)
{
	(void)iar;
	spi_taken = spi_taken + 1;
}

/*
 * A pending, enabled SPI is not forwarded while GICD_CTLR.Enable is clear,
 * though it is recorded as pending; with Enable set it is. The interrupt is
 * pended again after enabling: KVM's vGIC does not forward one that became
 * pending while its distributor was off until that interrupt's state
 * changes again (vgic_target_oracle() skips it and enabling only kicks the
 * vCPUs), which the architecture would, so the test does not depend on it.
 */
static void check_ctlr(void)
{
	uint64_t deadline;

	gic_handler_set(TEST_SPI, spi_handler);
	gicd_write(GICD_CTLR, 0);
	TEST_ASSERT(gicd_read(GICD_CTLR) == 0, ERR_CTLR, "GICD_CTLR reads 0x%x after writing 0",
		    gicd_read(GICD_CTLR));
	gic_irq_set_targets(TEST_SPI, 1);
	gic_irq_enable(TEST_SPI);
	gic_irq_set_pending(TEST_SPI);
	local_irq_enable();
	delay_us(SETTLE_MS * 1000);
	TEST_ASSERT(spi_taken == 0, ERR_FORWARD, "INTID %u taken with the distributor disabled",
		    TEST_SPI);
	TEST_ASSERT(gic_irq_pending(TEST_SPI), ERR_PENDING,
		    "INTID %u not pending after GICD_ISPENDR (distributor off)", TEST_SPI);
	gic_irq_clear_pending(TEST_SPI);
	gicd_write(GICD_CTLR, GICD_CTLR_ENABLE);
	TEST_ASSERT(gicd_read(GICD_CTLR) & GICD_CTLR_ENABLE, ERR_CTLR,
		    "GICD_CTLR reads 0x%x after writing 1", gicd_read(GICD_CTLR));
	gic_irq_set_pending(TEST_SPI);
	deadline = deadline_ms(WAIT_MS);
	while (spi_taken == 0 && !deadline_passed(deadline))
		cpu_relax();
	local_irq_disable();
	TEST_ASSERT(spi_taken == 1, ERR_FORWARD,
		    "INTID %u taken %u times once the distributor was enabled, want 1", TEST_SPI,
		    spi_taken);
	TEST_ASSERT(!gic_irq_pending(TEST_SPI), ERR_PENDING, "INTID %u still pending once taken",
		    TEST_SPI);
	gic_irq_disable(TEST_SPI);
	printf("gic_dist: CTLR.Enable gates forwarding\n");
}

/* ISENABLER/ICENABLER both read the enable state; writing 1 sets or clears one bit only. */
static void check_enable_one(unsigned intid)
{
	uint32_t set = GICD_BIT_REG(GICD_ISENABLER, intid);
	uint32_t clr = GICD_BIT_REG(GICD_ICENABLER, intid);
	uint32_t bit = GICD_BIT(intid);
	uint32_t before = gicd_read(set) & ~bit;

	gicd_write(set, bit);
	TEST_ASSERT(gicd_read(set) == (before | bit) && gicd_read(clr) == (before | bit),
		    ERR_ENABLE, "INTID %u: ISENABLER 0x%x ICENABLER 0x%x after enabling, want 0x%x",
		    intid, gicd_read(set), gicd_read(clr), before | bit);
	gicd_write(set, 0);
	gicd_write(clr, 0);
	TEST_ASSERT(gicd_read(set) == (before | bit), ERR_ENABLE,
		    "INTID %u: writing zeros changed the enables to 0x%x", intid, gicd_read(set));
	gicd_write(clr, bit);
	TEST_ASSERT(gicd_read(set) == before && gicd_read(clr) == before, ERR_ENABLE,
		    "INTID %u: ISENABLER 0x%x ICENABLER 0x%x after disabling, want 0x%x", intid,
		    gicd_read(set), gicd_read(clr), before);
}

static void enable_ppi(unsigned long intid)
{
	gic_irq_enable((unsigned)intid);
}

static void disable_ppi(unsigned long intid)
{
	gic_irq_disable((unsigned)intid);
}

static volatile uint32_t remote_enables;

static void read_enables(unsigned long arg)
{
	(void)arg;
	remote_enables = gicd_read(GICD_ISENABLER);
}

static void check_enable(void)
{
	check_enable_one(TEST_PPI);
	check_enable_one(TEST_SPI);
	check_enable_one(nr_irqs - 1);
	if (nr_cpus >= 2) {
		/* CPU 1 enables its PPI: CPU 0's stays off, and CPU 1 sees only its own. */
		on_cpu(1, enable_ppi, TEST_PPI);
		TEST_ASSERT(!gic_irq_enabled(TEST_PPI), ERR_ENABLE_BANKED,
			    "cpu 1 enabling PPI %u enabled cpu 0's", TEST_PPI);
		gic_irq_enable(TEST_PPI - 1);
		on_cpu(1, read_enables, 0);
		TEST_ASSERT((remote_enables & GICD_BIT(TEST_PPI)) &&
				!(remote_enables & GICD_BIT(TEST_PPI - 1)),
			    ERR_ENABLE_BANKED, "cpu 1 reads GICD_ISENABLER0 0x%x: not its own",
			    remote_enables);
		on_cpu(1, disable_ppi, TEST_PPI);
		gic_irq_disable(TEST_PPI - 1);
	}
	printf("gic_dist: ISENABLER/ICENABLER%s\n", nr_cpus >= 2 ? ", banked for PPIs" : "");
}

/* Registers of interrupts past ITLinesNumber, and so not implemented, are RAZ/WI. */
static void check_unimplemented(void)
{
	if (nr_irqs >= GIC_MAX_INTID - 4)
		return; /* nothing is left unimplemented */
	gicd_write(GICD_BIT_REG(GICD_ISENABLER, nr_irqs), ~0u);
	gicd_write(GICD_BIT_REG(GICD_ISPENDR, nr_irqs), ~0u);
	gicd_write8(GICD_IPRIORITYR + nr_irqs, 0xff);
	gicd_write8(GICD_ITARGETSR + nr_irqs, 0x01);
	TEST_ASSERT(gicd_read(GICD_BIT_REG(GICD_ISENABLER, nr_irqs)) == 0 &&
			gicd_read(GICD_BIT_REG(GICD_ISPENDR, nr_irqs)) == 0 &&
			gicd_read8(GICD_IPRIORITYR + nr_irqs) == 0 &&
			gicd_read8(GICD_ITARGETSR + nr_irqs) == 0,
		    ERR_RAZ_WI, "INTID %u (past ITLinesNumber) is not RAZ/WI", nr_irqs);
	printf("gic_dist: INTIDs from %u are RAZ/WI\n", nr_irqs);
}

static volatile uint8_t remote_prio;

static void set_prio(unsigned long arg)
{
	gic_irq_set_priority((unsigned)(arg >> 8), (uint8_t)arg);
}

static void read_prio(unsigned long intid)
{
	remote_prio = gic_irq_priority((unsigned)intid);
}

/* CPU 1 and CPU 0 give intid different priorities; each reads back its own. */
static void check_prio_banked(unsigned intid)
{
	on_cpu(1, set_prio, intid << 8 | (0x40 & prio_mask));
	gic_irq_set_priority(intid, 0x80 & prio_mask);
	on_cpu(1, read_prio, intid);
	TEST_ASSERT(remote_prio == (0x40 & prio_mask) && gic_irq_priority(intid) == 0x80,
		    ERR_PRIO_BANKED,
		    "INTID %u: cpu 1 reads priority 0x%x, cpu 0 0x%x; want 0x40, 0x80", intid,
		    remote_prio, gic_irq_priority(intid));
}

static void check_priority(void)
{
	static const uint8_t bytes[4] = { 0x80, 0x40, 0xc0, 0x20 };
	uint32_t word = 0, got;
	uint8_t pmr;

	gic_irq_set_priority(TEST_SPI, 0xff);
	prio_mask = gic_irq_priority(TEST_SPI);
	TEST_ASSERT(top_bits_mask(prio_mask), ERR_PRIO_BITS,
		    "writing priority 0xff reads back 0x%x: not 4 or more top bits", prio_mask);
	gic_irq_set_priority(TEST_SPI, 0);
	TEST_ASSERT(gic_irq_priority(TEST_SPI) == 0, ERR_PRIO_BITS, "priority 0 reads back 0x%x",
		    gic_irq_priority(TEST_SPI));

	/* TEST_SPI is a multiple of 4: four byte lanes of one word. */
	for (unsigned i = 0; i < 4; i++) {
		gic_irq_set_priority(TEST_SPI + i, bytes[i]);
		word |= (uint32_t)(bytes[i] & prio_mask) << (8 * i);
	}
	got = gicd_read(GICD_IPRIORITYR + TEST_SPI);
	TEST_ASSERT(got == word, ERR_PRIO_BYTES, "byte writes 80 40 c0 20 read as word 0x%08x",
		    got);
	gicd_write(GICD_IPRIORITYR + TEST_SPI, 0x11223344);
	for (unsigned i = 0; i < 4; i++) {
		uint8_t want = (uint8_t)(0x11223344 >> (8 * i)) & prio_mask;

		TEST_ASSERT(gic_irq_priority(TEST_SPI + i) == want, ERR_PRIO_BYTES,
			    "word 0x11223344: byte %u reads 0x%x, want 0x%x", i,
			    gic_irq_priority(TEST_SPI + i), want);
	}
	gicd_write(GICD_IPRIORITYR + TEST_SPI, 0x01010101u * GIC_PRIO_DEFAULT);

	if (nr_cpus >= 2) {
		check_prio_banked(TEST_SGI);
		check_prio_banked(TEST_PPI);
	}

	gicc_write(GICC_PMR, 0xff);
	pmr = (uint8_t)gicc_read(GICC_PMR);
	TEST_ASSERT(top_bits_mask(pmr), ERR_PMR, "GICC_PMR 0xff reads back 0x%x", pmr);
	printf("gic_dist: %u priority bits (0x%x), GICC_PMR %u bits; byte and word access%s\n",
	       bit_count(prio_mask), prio_mask, bit_count(pmr), nr_cpus >= 2 ? ", banked" : "");
}

static volatile uint32_t priv_targets_bad; /* cpu + 1 of one whose check failed, + what */
static volatile uint32_t priv_targets_seen;

/* On each CPU: ITARGETSR0-7 read its own bit in every byte, and ignore writes. */
static void check_priv_targets(unsigned long arg)
{
	unsigned cpu = this_cpu();
	uint32_t want = 0x01010101u << cpu;

	(void)arg;
	for (unsigned off = 0; off < GIC_NR_PRIVATE; off += 4) {
		gicd_write(GICD_ITARGETSR + off, off & 4 ? 0 : ~0u);
		priv_targets_seen = gicd_read(GICD_ITARGETSR + off);
		if (priv_targets_seen != want) {
			priv_targets_bad = (cpu + 1) << 16 | off;
			return;
		}
	}
	gicd_write8(GICD_ITARGETSR + TEST_SGI, 0xff);
	priv_targets_seen = gicd_read8(GICD_ITARGETSR + TEST_SGI);
	if (priv_targets_seen != 1u << cpu)
		priv_targets_bad = (cpu + 1) << 16 | TEST_SGI;
}

static void check_targets(void)
{
	uint32_t word;

	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		on_cpu(cpu, check_priv_targets, 0);
		TEST_ASSERT(!priv_targets_bad, ERR_TARGETS_PRIV,
			    "cpu %u: GICD_ITARGETSR at +0x%x reads 0x%x after a write, want its "
			    "own bit 0x%x in each byte",
			    (priv_targets_bad >> 16) - 1, priv_targets_bad & 0xffff,
			    priv_targets_seen, 1u << ((priv_targets_bad >> 16) - 1));
	}
	/* Bits for CPU interfaces that do not exist are RAZ/WI. */
	gic_irq_set_targets(TEST_SPI, 0xff);
	TEST_ASSERT(gic_irq_targets(TEST_SPI) == all_cpus(), ERR_TARGETS_SPI,
		    "SPI targets 0xff read back 0x%x, want 0x%x", gic_irq_targets(TEST_SPI),
		    all_cpus());
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		gic_irq_set_targets(TEST_SPI, (uint8_t)(1u << cpu));
		TEST_ASSERT(gic_irq_targets(TEST_SPI) == 1u << cpu, ERR_TARGETS_SPI,
			    "SPI targets 0x%x read back 0x%x", 1u << cpu,
			    gic_irq_targets(TEST_SPI));
	}
	word = 0x00000201u & (0x01010101u * all_cpus());
	gicd_write(GICD_ITARGETSR + TEST_SPI, word | 0x80000000u);
	TEST_ASSERT(gicd_read(GICD_ITARGETSR + TEST_SPI) ==
			(word | (nr_cpus == 8 ? 0x80000000u : 0)),
		    ERR_TARGETS_SPI, "SPI targets word 0x%x read back 0x%x", word | 0x80000000u,
		    gicd_read(GICD_ITARGETSR + TEST_SPI));
	gicd_write(GICD_ITARGETSR + TEST_SPI, 0x01010101u);
	printf("gic_dist: ITARGETSR0-7 read-only, each CPU's own; SPI targets within 0x%x\n",
	       all_cpus());
}

static void check_icfgr(void)
{
	uint32_t sgis = gicd_read(GICD_ICFGR);
	uint32_t off = GICD_ICFGR + (TEST_SPI / 16) * 4;
	uint32_t bit = 2u << (2 * (TEST_SPI % 16));
	uint32_t before = gicd_read(off) & ~bit;

	/* SGIs are edge-triggered, and GICD_ICFGR0 is read-only (IHI 0048B §4.3.13). */
	TEST_ASSERT((sgis & 0xaaaaaaaa) == 0xaaaaaaaa, ERR_ICFGR,
		    "GICD_ICFGR0 0x%x: not every SGI edge-triggered", sgis);
	gicd_write(GICD_ICFGR, 0);
	TEST_ASSERT(gicd_read(GICD_ICFGR) == sgis, ERR_ICFGR, "GICD_ICFGR0 changed to 0x%x",
		    gicd_read(GICD_ICFGR));
	gic_irq_set_edge(TEST_SPI, true);
	TEST_ASSERT(gicd_read(off) == (before | bit), ERR_ICFGR,
		    "INTID %u set to edge: GICD_ICFGR reads 0x%x, want 0x%x", TEST_SPI,
		    gicd_read(off), before | bit);
	gic_irq_set_edge(TEST_SPI, false);
	TEST_ASSERT(gicd_read(off) == before, ERR_ICFGR,
		    "INTID %u set to level: GICD_ICFGR reads 0x%x, want 0x%x", TEST_SPI,
		    gicd_read(off), before);
	printf("gic_dist: ICFGR0 0x%x (SGIs edge, read-only), ICFGR1 0x%x, SPIs configurable\n",
	       sgis, gicd_read(GICD_ICFGR + 4));
}

static void check_pending(void)
{
	uint32_t set = GICD_BIT_REG(GICD_ISPENDR, TEST_SPI);
	uint32_t clr = GICD_BIT_REG(GICD_ICPENDR, TEST_SPI);
	uint32_t bit = GICD_BIT(TEST_SPI);

	/* Disabled, so it stays pending rather than being taken. */
	gic_irq_set_pending(TEST_SPI);
	TEST_ASSERT((gicd_read(set) & bit) && (gicd_read(clr) & bit), ERR_PENDING,
		    "INTID %u: ISPENDR 0x%x ICPENDR 0x%x after setting pending", TEST_SPI,
		    gicd_read(set), gicd_read(clr));
	gic_irq_clear_pending(TEST_SPI);
	TEST_ASSERT(!(gicd_read(set) & bit) && !(gicd_read(clr) & bit), ERR_PENDING,
		    "INTID %u: ISPENDR 0x%x ICPENDR 0x%x after clearing", TEST_SPI, gicd_read(set),
		    gicd_read(clr));

	/* An SGI's pending state is per source: only GICD_S/CPENDSGIR name one. */
	gicd_write(GICD_ISPENDR, GICD_BIT(TEST_SGI));
	TEST_ASSERT(!gic_irq_pending(TEST_SGI), ERR_SGI_PENDING,
		    "GICD_ISPENDR0 made SGI %u pending (its SGI bits are read-only)", TEST_SGI);
	gicd_write8(GICD_SPENDSGIR + TEST_SGI, 0x01);
	TEST_ASSERT(gic_irq_pending(TEST_SGI) && gicd_read8(GICD_CPENDSGIR + TEST_SGI) == 0x01,
		    ERR_SGI_PENDING, "GICD_SPENDSGIR: SGI %u pending %d, sources 0x%x, want 1, 0x1",
		    TEST_SGI, gic_irq_pending(TEST_SGI), gicd_read8(GICD_CPENDSGIR + TEST_SGI));
	gicd_write(GICD_ICPENDR, GICD_BIT(TEST_SGI));
	TEST_ASSERT(gic_irq_pending(TEST_SGI), ERR_SGI_PENDING,
		    "GICD_ICPENDR0 cleared SGI %u (its SGI bits are read-only)", TEST_SGI);
	gicd_write8(GICD_CPENDSGIR + TEST_SGI, 0x01);
	TEST_ASSERT(!gic_irq_pending(TEST_SGI) && gicd_read8(GICD_SPENDSGIR + TEST_SGI) == 0,
		    ERR_SGI_PENDING, "GICD_CPENDSGIR: SGI %u still pending, sources 0x%x", TEST_SGI,
		    gicd_read8(GICD_SPENDSGIR + TEST_SGI));
	printf("gic_dist: ISPENDR/ICPENDR; SGIs through SPENDSGIR/CPENDSGIR only\n");
}

/* Reserved offsets (IHI 0048B Table 4-1) read as zero and ignore writes. */
static void check_reserved(void)
{
	static const uint32_t offs[] = { 0x00c, 0x01c, 0x040, 0x07c, 0xf04, 0xf0c };

	for (unsigned i = 0; i < ARRAY_SIZE(offs); i++) {
		gicd_write(offs[i], ~0u);
		TEST_ASSERT(gicd_read(offs[i]) == 0, ERR_RESERVED,
			    "reserved GICD offset 0x%x reads 0x%x", offs[i], gicd_read(offs[i]));
	}
	printf("gic_dist: reserved offsets RAZ/WI\n");
}

int test_main(void)
{
	unsigned bad;

	nr_cpus = testdev_nr_cpus();
	printf("gic_dist: GICv2 distributor registers, %u CPUs\n", nr_cpus);
	TEST_ASSERT(nr_cpus >= 1 && nr_cpus <= MAX_CPUS, ERR_NR_CPUS, "%u CPUs: run with 1 to %u",
		    nr_cpus, MAX_CPUS);
	gic_dist_init();
	gic_cpu_init();
	nr_irqs = gic_nr_irqs();
	bad = gic_start_cpus(nr_cpus, WAIT_MS);
	TEST_ASSERT(!bad, ERR_START, "cpu %u did not start", bad);

	check_typer();
	check_ctlr();
	check_enable();
	check_unimplemented();
	check_priority();
	check_targets();
	check_icfgr();
	check_pending();
	check_reserved();
	return 0;
}
