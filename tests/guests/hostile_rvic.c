// SPDX-License-Identifier: GPL-2.0-only
/*
 * rVIC and rVID calls full of garbage from every vCPU at once (run with
 * --irqchip=rvic -c 4, the sandbox on). For GARBAGE_MS, and until each
 * has made MIN_CALLS, every CPU calls
 *  - function IDs in and around the rVIC (0xC5000200..) and rVID
 *    (0xC5000100..) blocks, their SMC32 and yielding twins, garbage in x0's
 *    upper half, and IDs of other SMCCC owners (Arm, CPU, SiP, OEM,
 *    standard and vendor hypervisor, trusted OS; never PSCI at random, whose
 *    CPU_OFF and SYSTEM_* would end the test);
 *  - with x1..x3 random, extreme (all-ones, 1 << 63), MPIDRs no vCPU has,
 *    INTIDs past the end, trusted INTIDs where MAP wants untrusted ones;
 *  - interleaved with fixed garbage whose exact status is known (the first
 *    bad argument named, DEN0103), PSCI and SMCCC calls KVM must refuse,
 *    and valid calls (VERSION, INFO) that must give their exact answers.
 * Every answer must be one a caller may get: a DEN0103 status from the two
 * blocks (or NOT_SUPPORTED for an ID they do not define), SMCCC
 * NOT_SUPPORTED where no one implements the ID.
 *
 * Then every CPU puts its rVIC back (ENABLE, everything masked and not
 * pending, the rVID unmapped) and valid traffic must work: each CPU takes
 * exactly one IPI from its neighbour and one virtual timer interrupt, and
 * no other INTID.
 */
#include "rvic.h"
#include "timer.h"

#define NR_CPUS		4
#define GARBAGE_MS	3000
#define WAIT_MS		5000
#define SETTLE_MS	50
#define MIN_CALLS	200 /* per CPU: fewer and the run proved little */
#define NR_INPUTS_MAX	256 /* more rVID inputs than armlet has: UNMAP all of them */
#define NO_CPU		0xff00ffUL
#define SMCCC_OWNER(id) ((id) >> 24 & 0x3f)

enum {
	ERR_NR_CPUS = 1,
	ERR_START,
	ERR_BARRIER,
	ERR_ANSWER,
	ERR_CALLS,
	ERR_RESTORE,
	ERR_SIGNAL,
	ERR_IPI,
	ERR_TIMER,
	ERR_STRAY,
};

/* The first wrong answer a CPU saw. */
struct bad_call {
	const char *why;
	unsigned long fid, a1, a2, a3, got;
};

/* Row cpu of each array is written by that CPU only; the barriers publish it. */
static volatile uint32_t stop, arrived[NR_CPUS];
static volatile uint32_t calls[NR_CPUS]; /* CPU 0 reads them to decide when to stop */
static uint32_t unsupported[NR_CPUS], nr_bad[NR_CPUS], restore_bad[NR_CPUS];
static struct bad_call bad[NR_CPUS];
static unsigned long signal_status[NR_CPUS];
static volatile uint32_t got_ipi[NR_CPUS], got_timer[NR_CPUS], stray[NR_CPUS];

static uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static unsigned long mpidr_of(unsigned cpu)
{
	return cpu_mpidr(cpu) & MPIDR_AFF_MASK;
}

/* Every CPU at phase, or false after 2 * WAIT_MS. */
static bool barrier(uint32_t phase)
{
	uint64_t end = deadline_ms(2 * WAIT_MS);

	smp_flag_set(&arrived[this_cpu()], phase);
	for (unsigned c = 0; c < NR_CPUS; c++)
		while (smp_load_acquire(&arrived[c]) < phase)
			if (deadline_passed(end))
				return false;
	return true;
}

static bool in_rvic_blocks(uint32_t id)
{
	return (id & ~0xffu) == RVIC_FN(0) || (id & ~0xffu) == RVID_FN(0);
}

/* NULL if a0 is an answer the caller of fid may get, else what is wrong with it. */
static const char *answer_wrong(unsigned long fid, unsigned long a0)
{
	uint32_t id = (uint32_t)fid; /* SMCCC: the function ID is W0 */
	unsigned owner = SMCCC_OWNER(id);

	if (in_rvic_blocks(id))
		return a0 == SMCCC_NOT_SUPPORTED || rvic_status_valid(a0) ? NULL
									  : "not a DEN0103 status";
	/* KVM's own: SMCCC arch calls, PV time, its vendor calls; their answers vary. */
	if (owner == 0 || owner == 6 || (owner == 5 && (id & 0xffff) < 0x100))
		return NULL;
	return a0 == SMCCC_NOT_SUPPORTED ? NULL : "not NOT_SUPPORTED for an ID no one implements";
}

static void record(unsigned cpu, const char *why, unsigned long fid, const unsigned long a[3],
		   unsigned long got)
{
	if (!nr_bad[cpu]++)
		bad[cpu] = (struct bad_call){ why, fid, a[0], a[1], a[2], got };
}

static unsigned long garbage_fid(uint64_t *s)
{
	static const unsigned owners[] = { 0, 1, 2, 3, 5, 6, 48, 63 }; /* never 4: PSCI */
	static const unsigned long extremes[] = {
		0, ~0UL, 0xffffffffUL, 0xc5000000UL, 0xc50002ffUL, 0xc5ffffffUL
	};
	uint64_t r = rnd(s);
	unsigned long fid;

	switch (r % 8) {
	case 0:
	case 1:
	case 2: /* the functions armlet implements, with garbage arguments */
		fid = RVIC_FN(0) + (r >> 8) % (RVIC_RESAMPLE + 1);
		break;
	case 3: fid = RVID_FN(0) + (r >> 8) % (RVID_UNMAP + 1); break;
	case 4: /* around both blocks */
		fid = (r & 256 ? RVIC_FN(0) : RVID_FN(0)) - 16 + (r >> 12) % 48;
		break;
	case 5: /* an rVIC or rVID ID with the SMC64 or the fast-call bit cleared */
		fid = (r & 256 ? RVIC_FN(0) : RVID_FN(0)) + (r >> 12) % 16;
		fid &= ~(r & 512 ? 1UL << 30 : 1UL << 31);
		break;
	case 6:
		fid = 0x80000000UL | (r >> 8 & 1) << 30 |
		      (unsigned long)owners[(r >> 9) % ARRAY_SIZE(owners)] << 24 |
		      (r >> 16 & 0xffff);
		break;
	default: fid = extremes[(r >> 8) % ARRAY_SIZE(extremes)]; break;
	}
	if (r >> 60 == 0xf) /* garbage above W0 */
		fid |= r & 0xffffffff00000000UL;
	return fid;
}

static unsigned long garbage_arg(uint64_t *s)
{
	uint64_t r = rnd(s), q = r >> 8;

	switch (r % 12) {
	case 0: return 0;
	case 1: return ~0UL;
	case 2: return 1UL << 63;
	case 3: return 0xffffffffUL;
	case 4: return q;
	case 5: return mpidr_of(q % NR_CPUS);
	case 6: /* a vCPU's affinity with bits above Aff3 */
		return mpidr_of(q % NR_CPUS) | 1UL << (40 + q % 24);
	case 7: return NO_CPU;
	case 8: return q % RVIC_NR_TRUSTED;
	case 9: return RVIC_NR_TRUSTED + q % (RVIC_NR_TOTAL - RVIC_NR_TRUSTED);
	case 10: /* around the end of the INTIDs */ return RVIC_NR_TOTAL - 1 + q % 3;
	default: return 0x10000 + q % 16;
	}
}

/* A call whose exact answer is known whatever the other CPUs did. */
struct fixed_call {
	unsigned long fid, a1, a2, a3, want;
	bool cpu0; /* a1 (SIGNAL etc.) or a2 (MAP) is CPU 0's MPIDR, or'ed in */
};

static const struct fixed_call fixed[] = {
	{ RVIC_FN(RVIC_SIGNAL), NO_CPU, 40, 0, RVIC_STATUS(RVIC_INVALID_CPU, 0), false },
	{ RVIC_FN(RVIC_SIGNAL), 1UL << 40, 40, 0, RVIC_STATUS(RVIC_INVALID_CPU, 0), true },
	{ RVIC_FN(RVIC_SIGNAL), 0, RVIC_NR_TOTAL, 0, RVIC_STATUS(RVIC_ERROR_PARAMETER, 1), true },
	{ RVIC_FN(RVIC_SET_MASKED), 0, ~0UL, 0, RVIC_STATUS(RVIC_ERROR_PARAMETER, 1), true },
	{ RVIC_FN(RVIC_IS_PENDING), ~0UL, 1, 0, RVIC_STATUS(RVIC_INVALID_CPU, 0), false },
	{ RVIC_FN(RVIC_CLEAR_PENDING), 0, 1UL << 63, 0, RVIC_STATUS(RVIC_ERROR_PARAMETER, 1),
	  true },
	{ RVIC_FN(RVIC_RESAMPLE), RVIC_NR_TRUSTED, 0, 0, RVIC_STATUS(RVIC_ERROR_PARAMETER, 0),
	  false },
	{ RVIC_FN(RVIC_RESAMPLE), ~0UL, 0, 0, RVIC_STATUS(RVIC_ERROR_PARAMETER, 0), false },
	{ RVIC_FN(RVIC_INFO), 2, 0, 0, RVIC_STATUS(RVIC_ERROR_PARAMETER, 0), false },
	{ RVID_FN(RVID_MAP), ~0UL, 0, 40, RVIC_STATUS(RVIC_ERROR_PARAMETER, 0), true },
	{ RVID_FN(RVID_MAP), 0, NO_CPU, 40, RVIC_STATUS(RVIC_INVALID_CPU, 1), false },
	{ RVID_FN(RVID_MAP), 0, 0, RVIC_INTID_VTIMER, RVIC_STATUS(RVIC_ERROR_PARAMETER, 2), true },
	{ RVID_FN(RVID_MAP), 0, 0, RVIC_NR_TOTAL, RVIC_STATUS(RVIC_ERROR_PARAMETER, 2), true },
	{ RVID_FN(RVID_UNMAP), 1UL << 63, 0, 0, RVIC_STATUS(RVIC_ERROR_PARAMETER, 0), false },
	/* KVM's, not armlet's: a CPU no one has, features no one offers. */
	{ PSCI_FN64_CPU_ON, NO_CPU, 0x1234, 0, (unsigned long)PSCI_RET_INVALID_PARAMETERS, false },
	{ 0x8400000aUL /* PSCI_FEATURES */, 0x82000000UL, 0, 0, SMCCC_NOT_SUPPORTED, false },
	{ 0x80000001UL /* SMCCC_ARCH_FEATURES */, 0x82000000UL, 0, 0, SMCCC_NOT_SUPPORTED, false },
};

static void fixed_call(unsigned cpu, const struct fixed_call *f)
{
	unsigned long a[3] = { f->a1, f->a2, f->a3 };
	unsigned long got;

	if (f->cpu0)
		a[f->fid == RVID_FN(RVID_MAP)] |= mpidr_of(0);
	got = rvic_call(f->fid, a[0], a[1], a[2], NULL);
	if (got != f->want)
		record(cpu, "not the status DEN0103 (or KVM) gives this garbage", f->fid, a, got);
}

/* VERSION and INFO: the answers a driver relies on, garbage or not around them. */
static void valid_calls(unsigned cpu)
{
	static const unsigned long want[][3] = {
		{ RVIC_FN(RVIC_VERSION), 0, 3 },
		{ RVID_FN(RVID_VERSION), 0, 3 },
		{ RVIC_FN(RVIC_INFO), 0, RVIC_NR_TRUSTED },
		{ RVIC_FN(RVIC_INFO), 1, RVIC_NR_TOTAL - RVIC_NR_TRUSTED },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(want); i++) {
		unsigned long a[3] = { want[i][1], 0, 0 }, val = ~0UL;
		unsigned long got = rvic_call(want[i][0], a[0], 0, 0, &val);

		if (got != RVIC_SUCCESS || val != want[i][2])
			record(cpu, "a valid call's answer changed", want[i][0], a, val);
	}
}

/* Whether it is time to stop: GARBAGE_MS, and MIN_CALLS by every CPU unless that takes ages. */
static bool garbage_done(uint64_t end, uint64_t give_up)
{
	if (!deadline_passed(end))
		return false;
	for (unsigned c = 0; c < NR_CPUS; c++)
		if (calls[c] < MIN_CALLS && !deadline_passed(give_up))
			return false;
	return true;
}

/* CPU 0 keeps the time and tells the others to stop. */
static void garbage(unsigned cpu)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL * (cpu + 1), end = deadline_ms(GARBAGE_MS);
	uint64_t give_up = deadline_ms(20 * GARBAGE_MS);

	for (unsigned i = 0; !smp_load_acquire(&stop); i++) {
		if (cpu == 0 && i % 16 == 0 && garbage_done(end, give_up))
			smp_store_release(&stop, 1);
		unsigned long fid = garbage_fid(&seed), a[3], got;
		const char *why;

		for (unsigned k = 0; k < 3; k++)
			a[k] = garbage_arg(&seed);
		got = rvic_call(fid, a[0], a[1], a[2], NULL);
		why = answer_wrong(fid, got);
		if (why)
			record(cpu, why, fid, a, got);
		unsupported[cpu] += got == SMCCC_NOT_SUPPORTED;
		calls[cpu] = calls[cpu] + 1;
		if (i % 8 == 7) {
			fixed_call(cpu, &fixed[i / 8 % ARRAY_SIZE(fixed)]);
			valid_calls(cpu);
		}
	}
}

/* This CPU's rVIC as after reset but enabled: every INTID masked, none pending, none queued. */
static void rvic_restore(unsigned cpu)
{
	unsigned long self = rvic_self(), intid;

	rvic_call(RVIC_FN(RVIC_ENABLE), 0, 0, 0, NULL);
	for (unsigned i = 0; i < RVIC_NR_TOTAL; i++) {
		restore_bad[cpu] += rvic_call(RVIC_FN(RVIC_SET_MASKED), self, i, 0, NULL) != 0;
		restore_bad[cpu] += rvic_call(RVIC_FN(RVIC_CLEAR_PENDING), self, i, 0, NULL) != 0;
	}
	if (cpu == 0)
		for (unsigned in = 0; in < NR_INPUTS_MAX; in++) {
			unsigned long s = rvic_call(RVID_FN(RVID_UNMAP), in, 0, 0, NULL);

			restore_bad[cpu] += s != 0 && s != RVIC_STATUS(RVIC_ERROR_PARAMETER, 0);
		}
	/* Masked and not pending: nothing left to acknowledge. */
	restore_bad[cpu] += rvic_call(RVIC_FN(RVIC_ACKNOWLEDGE), 0, 0, 0, &intid) !=
			    RVIC_STATUS(RVIC_NO_INTERRUPTS, 0);
}

static unsigned ipi_intid(unsigned from)
{
	return 1 + from;
}

static void irq(struct exc_frame *frame)
{
	unsigned cpu = this_cpu();
	int intid = rvic_ack();

	(void)frame;
	if (intid < 0) /* the line fell between the exit and the ACK */
		return;
	if (intid == RVIC_INTID_VTIMER) {
		timer_stop(TIMER_VIRT);
		got_timer[cpu] = got_timer[cpu] + 1;
		rvic_call(RVIC_FN(RVIC_RESAMPLE), RVIC_INTID_VTIMER, 0, 0, NULL);
	} else if (intid == (int)ipi_intid((cpu + NR_CPUS - 1) % NR_CPUS)) {
		got_ipi[cpu] = got_ipi[cpu] + 1;
	} else {
		stray[cpu] = stray[cpu] + 1;
		return; /* left masked: it must not come again */
	}
	rvic_call(RVIC_FN(RVIC_CLEAR_MASKED), rvic_self(), (unsigned long)intid, 0, NULL);
}

/* The valid traffic: an IPI to the next CPU, a timer deadline for this one. */
static bool traffic(unsigned cpu)
{
	unsigned long self = rvic_self();
	uint64_t end;

	rvic_call(RVIC_FN(RVIC_CLEAR_MASKED), self, ipi_intid((cpu + NR_CPUS - 1) % NR_CPUS), 0,
		  NULL);
	rvic_call(RVIC_FN(RVIC_CLEAR_MASKED), self, RVIC_INTID_VTIMER, 0, NULL);
	local_irq_enable();
	if (!barrier(4)) /* everyone unmasked before anyone signals */
		return false;
	signal_status[cpu] =
	    rvic_call(RVIC_FN(RVIC_SIGNAL), mpidr_of((cpu + 1) % NR_CPUS), ipi_intid(cpu), 0, NULL);
	timer_arm(TIMER_VIRT, timer_now(TIMER_VIRT) + timer_ticks_us(2000));
	end = deadline_ms(WAIT_MS);
	while ((!got_ipi[cpu] || !got_timer[cpu]) && !deadline_passed(end))
		cpu_relax();
	delay_us(SETTLE_MS * 1000);
	return barrier(5);
}

static void check_garbage(void);

/* Every CPU, CPU 0 included: garbage, restore, traffic, with barriers between. */
static bool run(unsigned cpu)
{
	garbage(cpu);
	if (!barrier(1))
		return false;
	if (cpu == 0)
		check_garbage();
	/* No CPU restores while another may still be making garbage calls. */
	if (!barrier(2))
		return false;
	rvic_restore(cpu);
	return barrier(3) && traffic(cpu);
}

static void secondary(unsigned cpu)
{
	run(cpu);
}

static void check_garbage(void)
{
	for (unsigned c = 0; c < NR_CPUS; c++) {
		const struct bad_call *b = &bad[c];

		TEST_ASSERT(!nr_bad[c], ERR_ANSWER,
			    "cpu %u: %u wrong answers; first: fn %lx (%lx, %lx, %lx) gave %lx: %s",
			    c, nr_bad[c], b->fid, b->a1, b->a2, b->a3, b->got, b->why);
		TEST_ASSERT(calls[c] >= MIN_CALLS, ERR_CALLS, "cpu %u made only %u calls", c,
			    calls[c]);
	}
	printf("hostile_rvic: garbage calls per CPU: %u %u %u %u (NOT_SUPPORTED: %u %u %u %u)\n",
	       calls[0], calls[1], calls[2], calls[3], unsupported[0], unsupported[1],
	       unsupported[2], unsupported[3]);
	printf("hostile_rvic: every answer a DEN0103 status or NOT_SUPPORTED, fixed garbage "
	       "exact\n");
}

static void check_traffic(void)
{
	for (unsigned c = 0; c < NR_CPUS; c++) {
		TEST_ASSERT(!restore_bad[c], ERR_RESTORE, "cpu %u: %u calls failed restoring", c,
			    restore_bad[c]);
		TEST_ASSERT(signal_status[c] == 0, ERR_SIGNAL, "cpu %u: SIGNAL gave %s", c,
			    rvic_status_name(signal_status[c]));
		TEST_ASSERT(got_ipi[c] == 1, ERR_IPI, "cpu %u took %u IPIs, want 1", c, got_ipi[c]);
		TEST_ASSERT(got_timer[c] == 1, ERR_TIMER, "cpu %u took %u timer interrupts, want 1",
			    c, got_timer[c]);
		TEST_ASSERT(!stray[c], ERR_STRAY, "cpu %u took %u other INTIDs", c, stray[c]);
	}
	printf("hostile_rvic: after the garbage, each CPU took 1 IPI and 1 timer interrupt\n");
}

int test_main(void)
{
	TEST_ASSERT(testdev_nr_cpus() == NR_CPUS, ERR_NR_CPUS, "run with -c %d (have %u)", NR_CPUS,
		    testdev_nr_cpus());
	TEST_ASSERT(rvic_present(), ERR_START, "no rVIC: run with --irqchip=rvic");
	exception_handler_set(EXC_IRQ, irq);
	for (unsigned c = 1; c < NR_CPUS; c++)
		TEST_ASSERT(cpu_on(c, secondary) == PSCI_RET_SUCCESS, ERR_START, "CPU_ON(%u)", c);
	TEST_ASSERT(run(0), ERR_BARRIER, "a CPU did not reach a barrier: %u %u %u %u", arrived[0],
		    arrived[1], arrived[2], arrived[3]);
	check_traffic();
	return 0;
}
