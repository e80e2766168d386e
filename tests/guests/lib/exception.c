/* Exception dispatch and the report of unexpected exceptions. */
#include "guest.h"

_Static_assert(offsetof(struct exc_frame, x[30]) == EXC_FRAME_X(30), "x30");
_Static_assert(offsetof(struct exc_frame, sp) == EXC_FRAME_SP, "sp");
_Static_assert(offsetof(struct exc_frame, elr) == EXC_FRAME_ELR, "elr");
_Static_assert(offsetof(struct exc_frame, spsr) == EXC_FRAME_SPSR, "spsr");
_Static_assert(offsetof(struct exc_frame, esr) == EXC_FRAME_ESR, "esr");
_Static_assert(offsetof(struct exc_frame, far) == EXC_FRAME_FAR, "far");
_Static_assert(sizeof(struct exc_frame) == EXC_FRAME_SIZE, "frame size");

#define ESR_EC(esr) (((esr) >> 26) & 0x3f)

static exc_handler_fn volatile exc_handlers[4];

/* Per CPU: set while reporting, so a fault in the report cannot recurse. */
static volatile uint8_t exc_reporting[GUEST_MAX_CPUS];

void exception_dispatch(struct exc_frame *frame, unsigned vec);

void exception_handler_set(enum exc_kind kind, exc_handler_fn fn)
{
	exc_handlers[kind & 3] = fn;
	dsb_sy();
}

/* Vectors 4-7 are "current EL with SP_ELx", where tests run. */
void exception_dispatch(struct exc_frame *frame, unsigned vec)
{
	exc_handler_fn fn = NULL;

	if (vec >= 4 && vec < 8)
		fn = exc_handlers[vec - 4];
	if (!fn)
		exception_report(frame, vec);
	fn(frame);
}

/* Vector index = (from << 2) | kind; see lib/vectors.S. */
static const char *const exc_kinds[] = { "sync", "irq", "fiq", "serror" };
static const char *const exc_froms[] = { "EL1t", "EL1h", "EL0/64", "EL0/32" };

static const char *ec_name(unsigned ec)
{
	switch (ec) {
	case 0x00: return "unknown/undefined instruction";
	case 0x01: return "WFI/WFE";
	case 0x07: return "FP/SIMD access";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC";
	case 0x16: return "HVC";
	case 0x17: return "SMC";
	case 0x18: return "MSR/MRS/system instruction";
	case 0x20:
	case 0x21: return "instruction abort";
	case 0x22: return "PC alignment";
	case 0x24:
	case 0x25: return "data abort";
	case 0x26: return "SP alignment";
	case 0x2f: return "SError";
	case 0x3c: return "BRK";
	default: return "?";
	}
}

static void dump_regs(const struct exc_frame *f)
{
	for (unsigned i = 0; i < 31; i++)
		printf("  x%-2u %016lx%s", i, f->x[i], i % 3 == 2 ? "\n" : "");
	printf("  sp  %016lx\n", f->sp);
}

void exception_report(const struct exc_frame *f, unsigned vec)
{
	unsigned cpu = this_cpu() < GUEST_MAX_CPUS ? this_cpu() : 0;
	bool has_esr = (vec & 3) == EXC_SYNC || (vec & 3) == EXC_SERROR;
	unsigned ec = has_esr ? ESR_EC(f->esr) : 0;
	uint32_t code = FAIL_EXCEPTION | (vec & 0xf) << 8 | ec;

	if (exc_reporting[cpu]) {
		/* Faulted while reporting: the UART path may be the cause. */
		mmio_write32(TESTDEV_BASE + TESTDEV_EXIT, code | FAIL_NESTED);
		cpu_park();
	}
	exc_reporting[cpu] = 1;

	printf("\nguest: unexpected exception on cpu %u: %s from %s\n", cpu, exc_kinds[vec & 3],
	       exc_froms[(vec >> 2) & 3]);
	if (has_esr)
		printf("  ESR %08lx (EC 0x%02x %s, ISS 0x%07lx)\n", f->esr, ec, ec_name(ec),
		       f->esr & 0x1ffffff);
	printf("  ELR %016lx  FAR %016lx  SPSR %08lx\n", f->elr, f->far, f->spsr);
	dump_regs(f);
	test_fail(code, "unexpected %s exception on cpu %u at 0x%lx", exc_kinds[vec & 3], cpu,
		  f->elr);
}
