/*
 * The test-guest library: everything a test in tests/guests/ may call.
 *
 * A test defines test_main(); the library boots CPU 0 into it and turns its
 * return value into PASS (0) or FAIL (the value). Any unexpected exception
 * on any CPU prints the exception state and FAILs with FAIL_EXCEPTION | ...
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arm64.h"
#include "platform.h"

#define __noreturn     __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a)  (sizeof(a) / sizeof((a)[0]))

/* ---- The test ---------------------------------------------------------- */

/*
 * Provided by each test; runs on CPU 0 after .bss is zeroed and the vectors
 * are installed. Return 0 to PASS, or a nonzero FAIL code.
 */
int test_main(void);

/* Physical address of the device tree armlet passed in x0 (unused so far). */
extern uint64_t guest_dtb;

/* ---- Reporting (lib/testdev.c) ----------------------------------------- */

/*
 * Stop the VM through the test device: 0 = PASS, else FAIL with that code.
 * If the VM keeps running (armlet without --testdev) it says so on the UART
 * and parks; it never powers off, which could be mistaken for a pass.
 */
void testdev_exit(uint32_t code) __noreturn;
uint32_t testdev_nr_cpus(void);
uint64_t testdev_ram_size(void);

/* Print "PASS" and exit 0. */
void test_pass(void) __noreturn;
/* Print "FAIL (code 0x...): <message>" and exit with code (0 becomes 1). */
void test_fail(uint32_t code, const char *fmt, ...) __noreturn __printf(2, 3);

/* FAIL with code and the message unless cond holds. */
#define TEST_ASSERT(cond, code, ...)                                                               \
	do {                                                                                       \
		if (!(cond))                                                                       \
			test_fail((code), __VA_ARGS__);                                            \
	} while (0)

/* ---- Console (lib/uart.c, lib/printf.c) -------------------------------- */

/*
 * Output is not serialised between CPUs: lines printed by two CPUs at once
 * interleave. Let secondaries report through memory and CPU 0 print.
 */
void uart_putc(char c);		 /* "\n" becomes "\r\n" */
void uart_puts(const char *s);	 /* no newline appended */
void uart_put_hex(uint64_t val); /* "0x" and minimal digits */
void uart_put_dec(uint64_t val);
/* From here on, output goes to the PL011 at base (QEMU's virt board). */
void uart_use_pl011(uintptr_t base);

/* Subset: %c %s %d %i %u %x %X %p %%, flags '0' '-', width, l ll z. */
int printf(const char *fmt, ...) __printf(1, 2);
int vprintf(const char *fmt, va_list ap);

/* ---- PSCI / SMCCC over HVC #0 (lib/psci.c) ----------------------------- */

struct smccc_res {
	unsigned long a0, a1, a2, a3;
};

/* SMCCC call through HVC #0: x0..x3 in, x0..x3 out (into res if not NULL). */
unsigned long smccc_hvc(unsigned long fid, unsigned long a1, unsigned long a2, unsigned long a3,
			struct smccc_res *res);

#define PSCI_FN_VERSION		0x84000000
#define PSCI_FN_CPU_OFF		0x84000002
#define PSCI_FN64_CPU_ON	0xC4000003
#define PSCI_FN64_AFFINITY_INFO 0xC4000004
#define PSCI_FN_SYSTEM_OFF	0x84000008
#define PSCI_FN_SYSTEM_RESET	0x84000009

#define PSCI_RET_SUCCESS	    0
#define PSCI_RET_NOT_SUPPORTED	    (-1)
#define PSCI_RET_INVALID_PARAMETERS (-2)
#define PSCI_RET_DENIED		    (-3)
#define PSCI_RET_ALREADY_ON	    (-4)
#define PSCI_RET_ON_PENDING	    (-5)
#define PSCI_RET_INTERNAL_FAILURE   (-6)
#define PSCI_RET_NOT_PRESENT	    (-7)
#define PSCI_RET_DISABLED	    (-8)
#define PSCI_RET_INVALID_ADDRESS    (-9)

/* AFFINITY_INFO results */
#define PSCI_AFF_ON	    0
#define PSCI_AFF_OFF	    1
#define PSCI_AFF_ON_PENDING 2

#define PSCI_VERSION_MAJOR(v) (((v) >> 16) & 0x7fff)
#define PSCI_VERSION_MINOR(v) ((v)&0xffff)

uint32_t psci_version(void);
/* Return values are PSCI's int32 codes, sign-extended. */
int psci_cpu_on(uint64_t target_mpidr, uint64_t entry_pa, uint64_t context_id);
int psci_affinity_info(uint64_t target_mpidr, unsigned lowest_level);
int psci_cpu_off(void);	     /* returns only on failure */
int psci_system_off(void);   /* returns only on failure */
int psci_system_reset(void); /* returns only on failure */
/* "ALREADY_ON" etc., or "?" for codes PSCI does not define. */
const char *psci_ret_name(int ret);

/* ---- CPUs (lib/smp.c) -------------------------------------------------- */

/* Affinity fields of MPIDR_EL1 (Aff3..Aff0); bit 31 (RES1) and MT/U are not. */
#define MPIDR_AFF_MASK 0xff00ffffffUL

typedef void (*cpu_entry_fn)(unsigned cpu);

/* CPU_ON entry point: expects the logical cpu index as context id. */
void secondary_entry(void);

static inline uint64_t read_mpidr(void)
{
	return read_sysreg(mpidr_el1);
}

/* Logical index of the calling CPU (kept in TPIDR_EL1 by lib/start.S). */
static inline unsigned this_cpu(void)
{
	return (unsigned)read_sysreg(tpidr_el1);
}

/* MPIDR affinity KVM gives vCPU index cpu (see cpu_mpidr() in lib/smp.c). */
uint64_t cpu_mpidr(unsigned cpu);

/*
 * Start CPU cpu (1 .. GUEST_MAX_CPUS-1) through PSCI CPU_ON; it runs
 * fn(cpu) on its own stack and then parks in WFE (still ON for PSCI).
 * Returns CPU_ON's PSCI code, or PSCI_RET_INVALID_PARAMETERS without a
 * call when cpu is outside the library's range or fn is NULL.
 */
int cpu_on(unsigned cpu, cpu_entry_fn fn);

/* Loop in WFE forever (interrupts stay as they are). */
void cpu_park(void) __noreturn;

/*
 * One-writer flags between CPUs. smp_flag_set() makes every earlier store
 * of the caller visible before the flag, then sends an event. After
 * smp_flag_wait() returns true, the caller sees those stores. It spins
 * rather than WFE so the timeout holds even if no event ever comes.
 */
void smp_flag_set(volatile uint32_t *flag, uint32_t val);
bool smp_flag_wait(volatile uint32_t *flag, uint32_t val, uint64_t timeout_ms);

/*
 * Cross-CPU calls, for tests that drive several CPUs from CPU 0. A CPU
 * started with cpu_on() calls smp_serve() once its own set-up is done (with
 * PSTATE.I as its handlers want it); from then on it runs each fn(arg) that
 * smp_call_async() hands it, one at a time, in order. smp_call_wait()
 * waits until cpu has finished the last one (false after timeout_ms);
 * smp_call() is both. Only one CPU (normally CPU 0) may make calls.
 */
typedef void (*smp_call_fn)(unsigned long arg);
void smp_serve(unsigned cpu) __noreturn;
void smp_call_async(unsigned cpu, smp_call_fn fn, unsigned long arg);
bool smp_call_wait(unsigned cpu, uint64_t timeout_ms);
bool smp_call(unsigned cpu, smp_call_fn fn, unsigned long arg, uint64_t timeout_ms);

/* ---- Generic counter (lib/counter.c) ----------------------------------- */

uint64_t counter_read(void);	   /* CNTVCT_EL0, ordered after earlier code */
uint64_t counter_freq(void);	   /* CNTFRQ_EL0 (never 0) */
uint64_t deadline_ms(uint64_t ms); /* counter value ms from now */
bool deadline_passed(uint64_t deadline);
void delay_us(uint64_t us);

/* ---- Exceptions (lib/exception.c, lib/vectors.S) ----------------------- */

/* Saved state of the interrupted context; handlers may edit it (e.g. elr). */
struct exc_frame {
	uint64_t x[31];
	uint64_t sp; /* SP_EL1 at the time of the exception */
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
};

enum exc_kind { EXC_SYNC, EXC_IRQ, EXC_FIQ, EXC_SERROR };

typedef void (*exc_handler_fn)(struct exc_frame *frame);

/*
 * Handle exceptions of this kind taken from EL1h (the only mode tests run
 * in) with fn instead of failing; on return the frame is restored and the
 * exception returns. Shared by all CPUs. fn NULL restores the default.
 */
void exception_handler_set(enum exc_kind kind, exc_handler_fn fn);

/* Print the exception state and FAIL with FAIL_EXCEPTION | vec << 8 | EC. */
void exception_report(const struct exc_frame *frame, unsigned vec) __noreturn;

/* ---- Freestanding string functions (lib/string.c) ---------------------- */

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif /* GUEST_H */
