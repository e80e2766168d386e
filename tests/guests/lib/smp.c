/* CPU bring-up: the C side of lib/start.S, CPU_ON and cross-CPU flags. */
#include "guest.h"

uint64_t guest_dtb;

/* Written by cpu_on() before CPU_ON, read by the new CPU on entry. */
static cpu_entry_fn volatile cpu_entry[GUEST_MAX_CPUS];

void guest_boot_main(uint64_t dtb);
void guest_secondary_main(unsigned cpu);

/* Called by _start on CPU 0 with .bss zeroed. */
void guest_boot_main(uint64_t dtb)
{
	int ret;

	guest_dtb = dtb;
	ret = test_main();
	if (ret)
		test_fail((uint32_t)ret, "test_main returned %d", ret);
	test_pass();
}

/* Called by secondary_entry once the CPU has its stack. */
void guest_secondary_main(unsigned cpu)
{
	cpu_entry_fn fn = cpu_entry[cpu];

	if (!fn)
		test_fail(FAIL_NO_ENTRY | cpu, "cpu %u started without cpu_on()", cpu);
	fn(cpu);
	cpu_park();
}

/*
 * KVM's reset_mpidr(): 16 vCPUs per Aff0 group (what a GICv3 SGI target
 * list can address), then Aff1, then Aff2.
 */
uint64_t cpu_mpidr(unsigned cpu)
{
	uint64_t aff0 = cpu & 0xf;
	uint64_t aff1 = (cpu >> 4) & 0xff;
	uint64_t aff2 = (cpu >> 12) & 0xff;

	return aff2 << 16 | aff1 << 8 | aff0;
}

int cpu_on(unsigned cpu, cpu_entry_fn fn)
{
	if (cpu == 0 || cpu >= GUEST_MAX_CPUS || !fn)
		return PSCI_RET_INVALID_PARAMETERS;
	cpu_entry[cpu] = fn;
	/* The new CPU runs with caches off: the store must reach memory. */
	dsb_sy();
	return psci_cpu_on(cpu_mpidr(cpu), (uintptr_t)secondary_entry, cpu);
}

void cpu_park(void)
{
	for (;;)
		wfe();
}

void smp_flag_set(volatile uint32_t *flag, uint32_t val)
{
	dsb_sy(); /* the data the flag announces is visible first */
	*flag = val;
	dsb_sy(); /* and the flag before the event wakes anyone */
	sev();
}

bool smp_flag_wait(volatile uint32_t *flag, uint32_t val, uint64_t timeout_ms)
{
	uint64_t deadline = deadline_ms(timeout_ms);

	while (*flag != val) {
		if (deadline_passed(deadline))
			return false;
		cpu_relax();
	}
	dsb_sy(); /* later loads see what the writer stored before */
	return true;
}

/* One call slot per CPU: the caller writes fn, arg, then seq; the CPU writes done. */
static struct {
	smp_call_fn volatile fn;
	volatile unsigned long arg;
	volatile uint32_t seq;
	volatile uint32_t done;
} smp_calls[GUEST_MAX_CPUS];

void smp_serve(unsigned cpu)
{
	/*
	 * Start from the last call this CPU finished, not from seq: a caller
	 * that saw this CPU announce itself may post a call before we get
	 * here, and starting from seq would skip it forever.
	 */
	uint32_t seen = smp_calls[cpu].done;

	for (;;) {
		uint32_t seq = smp_calls[cpu].seq;

		if (seq == seen) {
			cpu_relax();
			continue;
		}
		dsb_sy(); /* fn and arg were stored before seq */
		smp_calls[cpu].fn(smp_calls[cpu].arg);
		seen = seq;
		smp_flag_set(&smp_calls[cpu].done, seq);
	}
}

void smp_call_async(unsigned cpu, smp_call_fn fn, unsigned long arg)
{
	if (cpu >= GUEST_MAX_CPUS)
		return;
	smp_calls[cpu].fn = fn;
	smp_calls[cpu].arg = arg;
	smp_flag_set(&smp_calls[cpu].seq, smp_calls[cpu].seq + 1);
}

bool smp_call_wait(unsigned cpu, uint64_t timeout_ms)
{
	if (cpu >= GUEST_MAX_CPUS)
		return false;
	return smp_flag_wait(&smp_calls[cpu].done, smp_calls[cpu].seq, timeout_ms);
}

bool smp_call(unsigned cpu, smp_call_fn fn, unsigned long arg, uint64_t timeout_ms)
{
	smp_call_async(cpu, fn, arg);
	return smp_call_wait(cpu, timeout_ms);
}
