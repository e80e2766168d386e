/*
 * PSCI CPU_ON: start every vCPU through PSCI 0.2 over HVC and check that
 * each reports the MPIDR KVM assigns to its index, and that CPU_ON and
 * AFFINITY_INFO answer as PSCI requires before and after a CPU is up.
 */
#include "guest.h"

#define BOOT_TIMEOUT_MS 5000

/* FAIL codes, one per check. */
enum {
	ERR_NR_CPUS = 1,
	ERR_VERSION,
	ERR_BOOT_MPIDR,
	ERR_SELF_ON,
	ERR_AFF_OFF,
	ERR_CPU_ON,
	ERR_CPU_ON_AGAIN,
	ERR_TIMEOUT,
	ERR_MPIDR,
	ERR_AFF_ON,
	ERR_ALREADY_ON,
	ERR_DUPLICATE,
	ERR_BAD_TARGET,
};

/* Each slot is written by its own CPU only. */
static volatile uint64_t seen_mpidr[GUEST_MAX_CPUS];
static volatile uint32_t arrived[GUEST_MAX_CPUS];

static void secondary(unsigned cpu)
{
	seen_mpidr[cpu] = read_mpidr();
	smp_flag_set(&arrived[cpu], 1);
	/* Returning parks the CPU in WFE, so PSCI keeps it ON. */
}

static unsigned check_nr_cpus(void)
{
	unsigned nr = testdev_nr_cpus();

	TEST_ASSERT(nr >= 1, ERR_NR_CPUS, "test device reports %u cpus", nr);
	TEST_ASSERT(nr <= GUEST_MAX_CPUS, ERR_NR_CPUS,
		    "%u cpus, the library handles %u (raise GUEST_MAX_CPUS)", nr, GUEST_MAX_CPUS);
	printf("psci: %u cpus\n", nr);
	return nr;
}

static void check_version(void)
{
	uint32_t ver = psci_version();

	/* 0.2 is the first version with CPU_ON's SMC64 ID and AFFINITY_INFO. */
	TEST_ASSERT(!(ver & 0x80000000) && ver >= 0x00000002, ERR_VERSION,
		    "PSCI_VERSION 0x%x, need 0.2 or later", ver);
	printf("psci: version %u.%u\n", PSCI_VERSION_MAJOR(ver), PSCI_VERSION_MINOR(ver));
}

static void check_boot_cpu(void)
{
	uint64_t mpidr = read_mpidr();
	int ret;

	seen_mpidr[0] = mpidr;
	TEST_ASSERT((mpidr & MPIDR_AFF_MASK) == cpu_mpidr(0), ERR_BOOT_MPIDR,
		    "boot cpu mpidr 0x%lx, want affinity 0x%lx", mpidr, cpu_mpidr(0));
	printf("psci: cpu 0 mpidr 0x%lx ok\n", mpidr);

	ret = psci_cpu_on(cpu_mpidr(0), (uintptr_t)secondary_entry, 0);
	TEST_ASSERT(ret == PSCI_RET_ALREADY_ON, ERR_SELF_ON,
		    "CPU_ON(self) returned %d %s, want ALREADY_ON", ret, psci_ret_name(ret));
}

static void start_cpu(unsigned cpu)
{
	uint64_t target = cpu_mpidr(cpu);
	int ret;

	ret = psci_affinity_info(target, 0);
	TEST_ASSERT(ret == PSCI_AFF_OFF, ERR_AFF_OFF,
		    "cpu %u: AFFINITY_INFO(0x%lx) before CPU_ON returned %d, "
		    "want OFF (1)",
		    cpu, target, ret);

	ret = cpu_on(cpu, secondary);
	TEST_ASSERT(ret == PSCI_RET_SUCCESS, ERR_CPU_ON, "cpu %u: CPU_ON(0x%lx) returned %d %s",
		    cpu, target, ret, psci_ret_name(ret));

	/* The CPU may or may not have got going yet: both answers are right. */
	ret = psci_cpu_on(target, (uintptr_t)secondary_entry, cpu);
	TEST_ASSERT(ret == PSCI_RET_ALREADY_ON || ret == PSCI_RET_ON_PENDING, ERR_CPU_ON_AGAIN,
		    "cpu %u: second CPU_ON(0x%lx) returned %d %s, want "
		    "ALREADY_ON or ON_PENDING",
		    cpu, target, ret, psci_ret_name(ret));
	printf("psci: cpu %u CPU_ON(0x%lx) ok, again: %s\n", cpu, target, psci_ret_name(ret));
}

static void check_cpu_up(unsigned cpu)
{
	uint64_t target = cpu_mpidr(cpu);
	uint64_t mpidr;
	int ret;

	TEST_ASSERT(smp_flag_wait(&arrived[cpu], 1, BOOT_TIMEOUT_MS), ERR_TIMEOUT,
		    "cpu %u (mpidr 0x%lx) not up after %d ms", cpu, target, BOOT_TIMEOUT_MS);
	mpidr = seen_mpidr[cpu];
	TEST_ASSERT((mpidr & MPIDR_AFF_MASK) == target, ERR_MPIDR,
		    "cpu %u reports mpidr 0x%lx, want affinity 0x%lx", cpu, mpidr, target);

	ret = psci_affinity_info(target, 0);
	TEST_ASSERT(ret == PSCI_AFF_ON, ERR_AFF_ON,
		    "cpu %u: AFFINITY_INFO(0x%lx) returned %d, want ON (0)", cpu, target, ret);

	/* It has run code, so it is no longer pending: only ALREADY_ON. */
	ret = psci_cpu_on(target, (uintptr_t)secondary_entry, cpu);
	TEST_ASSERT(ret == PSCI_RET_ALREADY_ON, ERR_ALREADY_ON,
		    "cpu %u: CPU_ON on a running cpu returned %d %s", cpu, ret, psci_ret_name(ret));
	printf("psci: cpu %u mpidr 0x%lx ok\n", cpu, mpidr);
}

static void check_distinct(unsigned nr)
{
	for (unsigned i = 0; i < nr; i++) {
		for (unsigned j = i + 1; j < nr; j++) {
			uint64_t a = seen_mpidr[i] & MPIDR_AFF_MASK;
			uint64_t b = seen_mpidr[j] & MPIDR_AFF_MASK;

			TEST_ASSERT(a != b, ERR_DUPLICATE, "cpus %u and %u share affinity 0x%lx", i,
				    j, a);
		}
	}
	printf("psci: %u distinct mpidrs\n", nr);
}

static void check_bad_target(unsigned nr)
{
	uint64_t target = cpu_mpidr(nr);
	int ret;

	ret = psci_cpu_on(target, (uintptr_t)secondary_entry, nr);
	TEST_ASSERT(ret == PSCI_RET_INVALID_PARAMETERS, ERR_BAD_TARGET,
		    "CPU_ON(0x%lx), no such cpu, returned %d %s, want "
		    "INVALID_PARAMETERS",
		    target, ret, psci_ret_name(ret));
	printf("psci: CPU_ON(0x%lx) (no such cpu) -> INVALID_PARAMETERS ok\n", target);
}

int test_main(void)
{
	unsigned nr;

	printf("psci_cpu_on: PSCI CPU_ON and MPIDRs\n");
	nr = check_nr_cpus();
	check_version();
	check_boot_cpu();
	for (unsigned cpu = 1; cpu < nr; cpu++)
		start_cpu(cpu);
	for (unsigned cpu = 1; cpu < nr; cpu++)
		check_cpu_up(cpu);
	check_distinct(nr);
	check_bad_target(nr);
	return 0;
}
