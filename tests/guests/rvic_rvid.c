/*
 * An untrusted interrupt from a device through the rVID: MAP input IN to
 * (CPU 1, INTID 40) and (CPU 0, INTID 41) in turn, write IN to the MSI
 * doorbell as a device's MSI would, and the mapped CPU takes the mapped
 * INTID, once. After UNMAP the same write raises nothing (armlet drops
 * and counts it).
 */
#include "rvic.h"

#define WAIT_MS	  5000
#define SETTLE_MS 50
#define IN	  40 /* an input of the MSI block (msi-range: 5..68) */

enum { ERR_NR_CPUS = 1, ERR_START, ERR_MAP, ERR_COUNT, ERR_UNMAPPED };

static volatile uint32_t got[2][RVIC_NR_TOTAL], up1;

static void irq(struct exc_frame *frame)
{
	int intid = rvic_ack();

	(void)frame;
	if (intid < 0)
		return;
	got[this_cpu()][intid] = got[this_cpu()][intid] + 1;
	rvic_call(RVIC_FN(RVIC_CLEAR_MASKED), rvic_self(), (unsigned long)intid, 0, NULL);
}

static void setup(void)
{
	rvic_call(RVIC_FN(RVIC_ENABLE), 0, 0, 0, NULL);
	rvic_call(RVIC_FN(RVIC_CLEAR_MASKED), rvic_self(), 40, 0, NULL);
	rvic_call(RVIC_FN(RVIC_CLEAR_MASKED), rvic_self(), 41, 0, NULL);
	local_irq_enable();
}

static void secondary(unsigned cpu)
{
	setup();
	smp_flag_set(&up1, 1);
	smp_serve(cpu);
}

/* The MSI, then up to WAIT_MS for *seen to move (it may not: unmapped), then SETTLE_MS. */
static void msi(volatile uint32_t *seen)
{
	uint32_t before = seen ? *seen : 0;
	uint64_t deadline = deadline_ms(WAIT_MS);

	mmio_write32(RVID_DOORBELL, IN);
	while (seen && *seen == before && !deadline_passed(deadline))
		cpu_relax();
	delay_us(SETTLE_MS * 1000);
}

static void check(unsigned cpu, unsigned intid)
{
	unsigned long s =
	    rvic_call(RVID_FN(RVID_MAP), IN, cpu_mpidr(cpu) & MPIDR_AFF_MASK, intid, NULL);

	TEST_ASSERT(s == 0, ERR_MAP, "MAP(%d, cpu %u, %u): %s", IN, cpu, intid,
		    rvic_status_name(s));
	msi(&got[cpu][intid]);
	TEST_ASSERT(got[cpu][intid] == 1, ERR_COUNT, "cpu %u took INTID %u %u times (want 1)", cpu,
		    intid, got[cpu][intid]);
	TEST_ASSERT(got[!cpu][intid] == 0, ERR_COUNT, "the other CPU took it");
	printf("rvic_rvid: input %d -> cpu %u intid %u: taken once\n", IN, cpu, intid);
}

int test_main(void)
{
	TEST_ASSERT(testdev_nr_cpus() == 2, ERR_NR_CPUS, "run with -c 2");
	exception_handler_set(EXC_IRQ, irq);
	setup();
	TEST_ASSERT(cpu_on(1, secondary) == PSCI_RET_SUCCESS, ERR_START, "CPU_ON(1)");
	TEST_ASSERT(smp_flag_wait(&up1, 1, WAIT_MS), ERR_START, "cpu 1 not up");
	check(1, 40);
	check(0, 41);
	TEST_ASSERT(rvic_call(RVID_FN(RVID_UNMAP), IN, 0, 0, NULL) == 0, ERR_MAP, "UNMAP");
	msi(NULL);
	TEST_ASSERT(got[0][41] == 1 && got[1][40] == 1, ERR_UNMAPPED,
		    "an unmapped input raised an interrupt");
	printf("rvic_rvid: unmapped input dropped\n");
	return 0;
}
