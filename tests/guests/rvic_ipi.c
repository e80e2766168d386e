/*
 * IPIs through the rVIC between every pair of CPUs (run with 2 to 4): each
 * CPU SIGNALs every CPU (itself included) with its own INTID, 1 + cpu; the
 * receiver ACKNOWLEDGEs (the INTID tells the sender) and ends it with
 * CLEAR_MASKED. Every IPI arrives exactly once, with the right INTID. Then
 * the masking rules: an IPI SIGNALled while masked stays pending (IS_PENDING)
 * and arrives when unmasked.
 */
#include "rvic.h"

#define WAIT_MS	  5000
#define SETTLE_MS 50
#define MAX_CPUS  4

enum { ERR_NR_CPUS = 1, ERR_START, ERR_CALL, ERR_SIGNAL, ERR_COUNT, ERR_BAD, ERR_MASKED };

static unsigned nr_cpus;
/* got[r][s]: IPIs from CPU s taken by CPU r; row r written by CPU r only. */
static volatile uint32_t got[MAX_CPUS][MAX_CPUS], bad[MAX_CPUS];
static volatile uint32_t up[MAX_CPUS];
static volatile unsigned long signal_status[MAX_CPUS];

static void ipi_irq(struct exc_frame *frame)
{
	unsigned cpu = this_cpu();
	int intid = rvic_ack();

	(void)frame;
	if (intid < 1 || intid > (int)nr_cpus) {
		bad[cpu] = bad[cpu] + 1;
		return;
	}
	got[cpu][intid - 1] = got[cpu][intid - 1] + 1;
	rvic_call(RVIC_FN(RVIC_CLEAR_MASKED), rvic_self(), (unsigned long)intid, 0, NULL);
}

static void rvic_cpu_setup(void)
{
	rvic_call(RVIC_FN(RVIC_ENABLE), 0, 0, 0, NULL);
	for (unsigned i = 1; i <= nr_cpus; i++)
		rvic_call(RVIC_FN(RVIC_CLEAR_MASKED), rvic_self(), i, 0, NULL);
	local_irq_enable();
}

static void send_all(unsigned long arg)
{
	unsigned cpu = this_cpu();

	(void)arg;
	for (unsigned t = 0; t < nr_cpus; t++) {
		unsigned long s = rvic_call(RVIC_FN(RVIC_SIGNAL), cpu_mpidr(t) & MPIDR_AFF_MASK,
					    1 + cpu, 0, NULL);

		if (s)
			signal_status[cpu] = s;
	}
}

static void secondary(unsigned cpu)
{
	rvic_cpu_setup();
	smp_flag_set(&up[cpu], 1);
	smp_serve(cpu);
}

static uint32_t total(void)
{
	uint32_t n = 0;

	for (unsigned r = 0; r < nr_cpus; r++)
		for (unsigned s = 0; s < nr_cpus; s++)
			n += got[r][s];
	return n;
}

static void check_counts(void)
{
	uint64_t deadline = deadline_ms(WAIT_MS);

	while (total() < nr_cpus * nr_cpus && !deadline_passed(deadline))
		cpu_relax();
	delay_us(SETTLE_MS * 1000);
	for (unsigned r = 0; r < nr_cpus; r++) {
		TEST_ASSERT(!bad[r], ERR_BAD, "cpu %u acknowledged an unexpected INTID", r);
		for (unsigned s = 0; s < nr_cpus; s++)
			TEST_ASSERT(got[r][s] == 1, ERR_COUNT, "cpu %u took %u IPIs from cpu %u", r,
				    got[r][s], s);
	}
}

/* CPU 1 masks INTID 1 + 0 (CPU 0's), CPU 0 signals it: pending, then delivered on unmask. */
static void mask_own(unsigned long intid)
{
	rvic_call(RVIC_FN(RVIC_SET_MASKED), rvic_self(), intid, 0, NULL);
}

static void unmask_own(unsigned long intid)
{
	rvic_call(RVIC_FN(RVIC_CLEAR_MASKED), rvic_self(), intid, 0, NULL);
}

static void check_masked(void)
{
	unsigned long cpu1 = cpu_mpidr(1) & MPIDR_AFF_MASK, pending;

	TEST_ASSERT(smp_call(1, mask_own, 1, WAIT_MS), ERR_CALL, "cpu 1 does not answer");
	TEST_ASSERT(rvic_call(RVIC_FN(RVIC_SIGNAL), cpu1, 1, 0, NULL) == 0, ERR_SIGNAL,
		    "SIGNAL to a masked INTID");
	delay_us(SETTLE_MS * 1000);
	TEST_ASSERT(got[1][0] == 1, ERR_MASKED, "a masked IPI was delivered");
	rvic_call(RVIC_FN(RVIC_IS_PENDING), cpu1, 1, 0, &pending);
	TEST_ASSERT(pending == 1, ERR_MASKED, "a masked IPI is not pending");
	TEST_ASSERT(smp_call(1, unmask_own, 1, WAIT_MS), ERR_CALL, "cpu 1 does not answer");
	for (uint64_t end = deadline_ms(WAIT_MS); got[1][0] < 2 && !deadline_passed(end);)
		cpu_relax();
	delay_us(SETTLE_MS * 1000);
	TEST_ASSERT(got[1][0] == 2, ERR_MASKED, "unmasked, the pending IPI arrived %u times",
		    got[1][0] - 1);
}

int test_main(void)
{
	nr_cpus = testdev_nr_cpus();
	TEST_ASSERT(nr_cpus >= 2 && nr_cpus <= MAX_CPUS, ERR_NR_CPUS, "run with -c 2..%d (have %u)",
		    MAX_CPUS, nr_cpus);
	exception_handler_set(EXC_IRQ, ipi_irq);
	rvic_cpu_setup();
	for (unsigned c = 1; c < nr_cpus; c++) {
		TEST_ASSERT(cpu_on(c, secondary) == PSCI_RET_SUCCESS, ERR_START, "CPU_ON(%u)", c);
		TEST_ASSERT(smp_flag_wait(&up[c], 1, WAIT_MS), ERR_START, "cpu %u not up", c);
	}
	for (unsigned c = 1; c < nr_cpus; c++)
		smp_call_async(c, send_all, 0);
	send_all(0);
	for (unsigned c = 1; c < nr_cpus; c++)
		TEST_ASSERT(smp_call_wait(c, WAIT_MS), ERR_CALL, "cpu %u does not answer", c);
	for (unsigned c = 0; c < nr_cpus; c++)
		TEST_ASSERT(!signal_status[c], ERR_SIGNAL, "cpu %u: SIGNAL returned %s", c,
			    rvic_status_name(signal_status[c]));
	check_counts();
	printf("rvic_ipi: %u IPIs among %u CPUs, each once\n", total(), nr_cpus);
	check_masked();
	return 0;
}
