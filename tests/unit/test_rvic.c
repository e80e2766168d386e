// SPDX-License-Identifier: GPL-2.0-only
/* The rVIC/rVID model (irqchip/rvic_model.h) on plain memory: every call and status. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../irqchip/rvic.h"
#include "../../irqchip/rvic_model.h"
#include "suites.h"

#define NR_CPUS	 2
#define MPIDR(c) (0x80000000ull | (c)) /* RES1 bit 31, as KVM reports it */

static struct rvic r;

static void setup(void)
{
	ck_assert_int_eq(rvic_init(&r, NR_CPUS, RVIC_NR_TRUSTED, RVIC_NR_TOTAL, 16), 0);
	for (unsigned c = 0; c < NR_CPUS; c++)
		rvic_set_mpidr(&r, c, MPIDR(c));
}

static void teardown(void)
{
	rvic_destroy(&r);
}

/* vCPU cpu calls fn(a1, a2, a3) of the rVIC: returns x0, *a1_out gets x1. */
static uint64_t call_full(unsigned cpu, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3,
			  uint64_t *a1_out, uint64_t *changed)
{
	const uint64_t arg[3] = { a1, a2, a3 };
	struct rvic_result res;

	rvic_call(&r, cpu, fid, arg, &res);
	if (a1_out)
		*a1_out = res.a1;
	if (changed)
		*changed = res.changed;
	return res.a0;
}

static uint64_t rvic(unsigned cpu, enum rvic_fn fn, uint64_t a1, uint64_t a2)
{
	return call_full(cpu, RVIC_FID_BASE + fn, a1, a2, 0, NULL, NULL);
}

static uint64_t rvid(unsigned cpu, enum rvid_fn fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return call_full(cpu, RVID_FID_BASE + fn, a1, a2, a3, NULL, NULL);
}

/* ACKNOWLEDGE by cpu: the status, *intid the INTID. */
static uint64_t ack(unsigned cpu, uint64_t *intid)
{
	return call_full(cpu, RVIC_FID_BASE + RVIC_FN_ACKNOWLEDGE, 0, 0, 0, intid, NULL);
}

static void enable_unmask(unsigned cpu, unsigned intid)
{
	ck_assert_uint_eq(rvic(cpu, RVIC_FN_ENABLE, 0, 0), 0);
	ck_assert_uint_eq(rvic(cpu, RVIC_FN_CLEAR_MASKED, MPIDR(cpu), intid), 0);
}

START_TEST(test_init_bounds)
{
	struct rvic bad;

	ck_assert_int_eq(rvic_init(&bad, 0, 32, 64, 1), -EINVAL);
	ck_assert_int_eq(rvic_init(&bad, 65, 32, 64, 1), -EINVAL);
	ck_assert_int_eq(rvic_init(&bad, 1, 16, 64, 1), -EINVAL);   /* trusted < 32 */
	ck_assert_int_eq(rvic_init(&bad, 1, 32, 48, 1), -EINVAL);   /* total < 64 */
	ck_assert_int_eq(rvic_init(&bad, 1, 40, 96, 1), -EINVAL);   /* not a multiple of 32 */
	ck_assert_int_eq(rvic_init(&bad, 1, 32, 2080, 1), -EINVAL); /* total > 2048 */
	ck_assert_int_eq(rvic_init(&bad, 1, 64, 64, 1), -EINVAL);   /* no untrusted */
	ck_assert_int_eq(rvic_init(&bad, 1, 32, 64, 0), -EINVAL);   /* no rVID input */
	ck_assert_int_eq(rvic_init(&bad, 64, 32, 2048, 2048), 0);
	rvic_destroy(&bad);
}
END_TEST

START_TEST(test_version_info)
{
	uint64_t v;

	ck_assert_uint_eq(call_full(0, RVIC_FID_BASE + RVIC_FN_VERSION, 0, 0, 0, &v, NULL), 0);
	ck_assert_uint_eq(v, 3); /* 0.3 */
	ck_assert_uint_eq(call_full(1, RVID_FID_BASE + RVID_FN_VERSION, 0, 0, 0, &v, NULL), 0);
	ck_assert_uint_eq(v, RVIC_VERSION);
	ck_assert_uint_eq(call_full(0, RVIC_FID_BASE + RVIC_FN_INFO, 0, 0, 0, &v, NULL), 0);
	ck_assert_uint_eq(v, RVIC_NR_TRUSTED);
	ck_assert_uint_eq(call_full(0, RVIC_FID_BASE + RVIC_FN_INFO, 1, 0, 0, &v, NULL), 0);
	ck_assert_uint_eq(v, RVIC_NR_TOTAL - RVIC_NR_TRUSTED);
	ck_assert_uint_eq(rvic(0, RVIC_FN_INFO, 2, 0), RVIC_STATUS(RVIC_ERROR_PARAMETER, 0));
}
END_TEST

START_TEST(test_unknown_function)
{
	ck_assert_uint_eq(rvic(0, RVIC_NR_FNS, 0, 0), RVIC_SMCCC_NOT_SUPPORTED);
	ck_assert_uint_eq(rvid(0, RVID_NR_FNS, 0, 0, 0), RVIC_SMCCC_NOT_SUPPORTED);
	ck_assert_uint_eq(call_full(0, 0x84000000, 0, 0, 0, NULL, NULL), RVIC_SMCCC_NOT_SUPPORTED);
	ck_assert_uint_eq(call_full(0, RVIC_FID_BASE - 1, 0, 0, 0, NULL, NULL),
			  RVIC_SMCCC_NOT_SUPPORTED);
	/* A caller the model does not have. */
	ck_assert_uint_eq(rvic(NR_CPUS, RVIC_FN_VERSION, 0, 0), RVIC_SMCCC_NOT_SUPPORTED);
	ck_assert(rvic_fid_known(RVIC_FID_BASE + RVIC_FN_RESAMPLE));
	ck_assert(rvic_fid_known(RVID_FID_BASE + RVID_FN_UNMAP));
	ck_assert(!rvic_fid_known(RVIC_FID_BASE + RVIC_NR_FNS));
	ck_assert(!rvic_fid_known(RVID_FID_BASE + RVID_NR_FNS));
}
END_TEST

/* Every (mpidr, intid) call names the bad argument: mpidr is 0, intid is 1. */
START_TEST(test_argument_checks)
{
	static const enum rvic_fn fns[] = { RVIC_FN_SET_MASKED, RVIC_FN_CLEAR_MASKED,
					    RVIC_FN_IS_PENDING, RVIC_FN_SIGNAL,
					    RVIC_FN_CLEAR_PENDING };

	for (unsigned i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		ck_assert_uint_eq(rvic(0, fns[i], MPIDR(NR_CPUS), 1),
				  RVIC_STATUS(RVIC_INVALID_CPU, 0));
		ck_assert_uint_eq(rvic(0, fns[i], MPIDR(0) | 1ull << 40, 1),
				  RVIC_STATUS(RVIC_INVALID_CPU, 0));
		ck_assert_uint_eq(rvic(0, fns[i], MPIDR(1), RVIC_NR_TOTAL),
				  RVIC_STATUS(RVIC_ERROR_PARAMETER, 1));
		ck_assert_uint_eq(rvic(0, fns[i], MPIDR(1), ~0ull),
				  RVIC_STATUS(RVIC_ERROR_PARAMETER, 1));
		/* Both bad: the first is named. */
		ck_assert_uint_eq(rvic(0, fns[i], 7, ~0ull), RVIC_STATUS(RVIC_INVALID_CPU, 0));
	}
	/* Without bit 31 (RES1) the affinity still names the vCPU. */
	ck_assert_uint_eq(rvic(0, RVIC_FN_SET_MASKED, 1, 1), 0);
}
END_TEST

START_TEST(test_signal_ack_eoi)
{
	uint64_t intid, changed;

	enable_unmask(1, 5);
	ck_assert(!rvic_output(&r, 1));
	ck_assert_uint_eq(
	    call_full(0, RVIC_FID_BASE + RVIC_FN_SIGNAL, MPIDR(1), 5, 0, NULL, &changed), 0);
	ck_assert_uint_eq(changed, 1u << 1);
	ck_assert(rvic_output(&r, 1));
	ck_assert(!rvic_output(&r, 0));
	ck_assert_uint_eq(
	    call_full(0, RVIC_FID_BASE + RVIC_FN_IS_PENDING, MPIDR(1), 5, 0, &intid, NULL), 0);
	ck_assert_uint_eq(intid, 1);
	ck_assert_uint_eq(ack(1, &intid), 0);
	ck_assert_uint_eq(intid, 5);
	ck_assert(!rvic_output(&r, 1));
	/* Acknowledged: masked and no longer pending. A new SIGNAL waits for the EOI. */
	ck_assert_uint_eq(
	    call_full(1, RVIC_FID_BASE + RVIC_FN_IS_PENDING, MPIDR(1), 5, 0, &intid, NULL), 0);
	ck_assert_uint_eq(intid, 0);
	ck_assert_uint_eq(rvic(0, RVIC_FN_SIGNAL, MPIDR(1), 5), 0);
	ck_assert(!rvic_output(&r, 1));
	ck_assert_uint_eq(rvic(1, RVIC_FN_CLEAR_MASKED, MPIDR(1), 5), 0);
	ck_assert(rvic_output(&r, 1));
	ck_assert_uint_eq(ack(1, &intid), 0);
	ck_assert_uint_eq(intid, 5);
	ck_assert_uint_eq(__atomic_load_n(&r.delivered, __ATOMIC_RELAXED), 2);
}
END_TEST

START_TEST(test_ack_empty_and_disabled)
{
	uint64_t intid = 99;

	ck_assert_uint_eq(ack(0, &intid), RVIC_STATUS(RVIC_DISABLED, 0));
	ck_assert_uint_eq(rvic(0, RVIC_FN_ENABLE, 0, 0), 0);
	ck_assert_uint_eq(ack(0, &intid), RVIC_STATUS(RVIC_NO_INTERRUPTS, 0));
	/* Disabling keeps what is queued, but hides it. */
	ck_assert_uint_eq(rvic(0, RVIC_FN_CLEAR_MASKED, MPIDR(0), 3), 0);
	ck_assert_uint_eq(rvic(0, RVIC_FN_SIGNAL, MPIDR(0), 3), 0);
	ck_assert(rvic_output(&r, 0));
	ck_assert_uint_eq(rvic(0, RVIC_FN_DISABLE, 0, 0), 0);
	ck_assert(!rvic_output(&r, 0));
	ck_assert_uint_eq(ack(0, &intid), RVIC_STATUS(RVIC_DISABLED, 0));
	ck_assert_uint_eq(rvic(0, RVIC_FN_ENABLE, 0, 0), 0);
	ck_assert_uint_eq(ack(0, &intid), 0);
	ck_assert_uint_eq(intid, 3);
}
END_TEST

START_TEST(test_signal_disabled_dropped)
{
	uint64_t pending;

	ck_assert_uint_eq(rvic(0, RVIC_FN_SIGNAL, MPIDR(1), 2), RVIC_STATUS(RVIC_DISABLED, 0));
	ck_assert_uint_eq(
	    call_full(1, RVIC_FID_BASE + RVIC_FN_IS_PENDING, MPIDR(1), 2, 0, &pending, NULL), 0);
	ck_assert_uint_eq(pending, 0);
}
END_TEST

START_TEST(test_fifo_order)
{
	static const unsigned order[] = { 9, 2, 40, 0, 127 };
	uint64_t intid;

	ck_assert_uint_eq(rvic(0, RVIC_FN_ENABLE, 0, 0), 0);
	for (unsigned i = 0; i < 5; i++) {
		ck_assert_uint_eq(rvic(0, RVIC_FN_CLEAR_MASKED, MPIDR(0), order[i]), 0);
		ck_assert_uint_eq(rvic(1, RVIC_FN_SIGNAL, MPIDR(0), order[i]), 0);
	}
	/* Signalled twice while queued: still once, in its first place. */
	ck_assert_uint_eq(rvic(1, RVIC_FN_SIGNAL, MPIDR(0), 2), 0);
	for (unsigned i = 0; i < 5; i++) {
		ck_assert_uint_eq(ack(0, &intid), 0);
		ck_assert_uint_eq(intid, order[i]);
	}
	ck_assert_uint_eq(ack(0, &intid), RVIC_STATUS(RVIC_NO_INTERRUPTS, 0));
}
END_TEST

/* Masked while pending: out of the queue, back at its tail when unmasked. */
START_TEST(test_mask_while_pending)
{
	uint64_t intid, pending;

	ck_assert_uint_eq(rvic(0, RVIC_FN_ENABLE, 0, 0), 0);
	for (unsigned i = 1; i <= 3; i++) {
		ck_assert_uint_eq(rvic(0, RVIC_FN_CLEAR_MASKED, MPIDR(0), i), 0);
		ck_assert_uint_eq(rvic(0, RVIC_FN_SIGNAL, MPIDR(0), i), 0);
	}
	ck_assert_uint_eq(rvic(0, RVIC_FN_SET_MASKED, MPIDR(0), 1), 0);
	ck_assert_uint_eq(
	    call_full(0, RVIC_FID_BASE + RVIC_FN_IS_PENDING, MPIDR(0), 1, 0, &pending, NULL), 0);
	ck_assert_uint_eq(pending, 1);
	ck_assert_uint_eq(rvic(0, RVIC_FN_CLEAR_MASKED, MPIDR(0), 1), 0);
	ck_assert_uint_eq(ack(0, &intid), 0);
	ck_assert_uint_eq(intid, 2);
	ck_assert_uint_eq(ack(0, &intid), 0);
	ck_assert_uint_eq(intid, 3);
	ck_assert_uint_eq(ack(0, &intid), 0);
	ck_assert_uint_eq(intid, 1);
	/* A pending interrupt that was never unmasked is never delivered. */
	ck_assert_uint_eq(rvic(0, RVIC_FN_SIGNAL, MPIDR(0), 8), 0);
	ck_assert(!rvic_output(&r, 0));
	ck_assert_uint_eq(ack(0, &intid), RVIC_STATUS(RVIC_NO_INTERRUPTS, 0));
}
END_TEST

START_TEST(test_clear_pending)
{
	uint64_t intid;

	enable_unmask(0, 4);
	ck_assert_uint_eq(rvic(0, RVIC_FN_SIGNAL, MPIDR(0), 4), 0);
	ck_assert(rvic_output(&r, 0));
	ck_assert_uint_eq(rvic(1, RVIC_FN_CLEAR_PENDING, MPIDR(0), 4), 0);
	ck_assert(!rvic_output(&r, 0));
	ck_assert_uint_eq(ack(0, &intid), RVIC_STATUS(RVIC_NO_INTERRUPTS, 0));
}
END_TEST

/* The virtual timer: once per rising edge, again only on RESAMPLE while high. */
START_TEST(test_resample_level)
{
	uint64_t intid, changed;

	enable_unmask(0, RVIC_INTID_VTIMER);
	ck_assert_uint_eq(rvic_set_line(&r, 0, RVIC_INTID_VTIMER, true), 1);
	ck_assert_uint_eq(ack(0, &intid), 0);
	ck_assert_uint_eq(intid, RVIC_INTID_VTIMER);
	/* Still high, masked by the ACK: RESAMPLE pends, but nothing fires while masked. */
	ck_assert_uint_eq(rvic_set_line(&r, 0, RVIC_INTID_VTIMER, true), 0);
	ck_assert_uint_eq(
	    call_full(0, RVIC_FID_BASE + RVIC_FN_RESAMPLE, RVIC_INTID_VTIMER, 0, 0, NULL, &changed),
	    0);
	ck_assert_uint_eq(changed, 1);
	ck_assert(!rvic_output(&r, 0));
	ck_assert_uint_eq(rvic(0, RVIC_FN_CLEAR_MASKED, MPIDR(0), RVIC_INTID_VTIMER), 0);
	ck_assert(rvic_output(&r, 0));
	ck_assert_uint_eq(ack(0, &intid), 0);
	/* Line low (the guest moved the deadline): RESAMPLE pends nothing. */
	rvic_set_line(&r, 0, RVIC_INTID_VTIMER, false);
	ck_assert_uint_eq(rvic(0, RVIC_FN_RESAMPLE, RVIC_INTID_VTIMER, 0), 0);
	ck_assert_uint_eq(rvic(0, RVIC_FN_CLEAR_MASKED, MPIDR(0), RVIC_INTID_VTIMER), 0);
	ck_assert(!rvic_output(&r, 0));
	/* Untrusted INTIDs have no line to resample. */
	ck_assert_uint_eq(rvic(0, RVIC_FN_RESAMPLE, RVIC_NR_TRUSTED, 0),
			  RVIC_STATUS(RVIC_ERROR_PARAMETER, 0));
	/* Lines outside the trusted range, or of no such vCPU, change nothing. */
	ck_assert_uint_eq(rvic_set_line(&r, 0, RVIC_NR_TRUSTED, true), 0);
	ck_assert_uint_eq(rvic_set_line(&r, NR_CPUS, RVIC_INTID_VTIMER, true), 0);
}
END_TEST

START_TEST(test_rvid_map_bounds)
{
	ck_assert_uint_eq(rvid(0, RVID_FN_MAP, 16, MPIDR(0), 40),
			  RVIC_STATUS(RVIC_ERROR_PARAMETER, 0));
	ck_assert_uint_eq(rvid(0, RVID_FN_MAP, 0, MPIDR(5), 40), RVIC_STATUS(RVIC_INVALID_CPU, 1));
	/* A trusted INTID takes no rVID input. */
	ck_assert_uint_eq(rvid(0, RVID_FN_MAP, 0, MPIDR(0), RVIC_NR_TRUSTED - 1),
			  RVIC_STATUS(RVIC_ERROR_PARAMETER, 2));
	ck_assert_uint_eq(rvid(0, RVID_FN_MAP, 0, MPIDR(0), RVIC_NR_TOTAL),
			  RVIC_STATUS(RVIC_ERROR_PARAMETER, 2));
	ck_assert_uint_eq(rvid(0, RVID_FN_MAP, 15, MPIDR(1), RVIC_NR_TOTAL - 1), 0);
	ck_assert_uint_eq(rvid(0, RVID_FN_UNMAP, 16, 0, 0), RVIC_STATUS(RVIC_ERROR_PARAMETER, 0));
	ck_assert_uint_eq(rvid(0, RVID_FN_UNMAP, ~0ull, 0, 0),
			  RVIC_STATUS(RVIC_ERROR_PARAMETER, 0));
	ck_assert_uint_eq(rvid(0, RVID_FN_UNMAP, 15, 0, 0), 0);
}
END_TEST

START_TEST(test_rvid_input)
{
	uint64_t changed, intid;

	enable_unmask(1, 50);
	ck_assert_int_eq(rvid_input(&r, 3, &changed), -ENOENT);
	ck_assert_uint_eq(__atomic_load_n(&r.dropped, __ATOMIC_RELAXED), 1);
	ck_assert_int_eq(rvid_input(&r, 16, &changed), -EINVAL);
	ck_assert_uint_eq(rvid(0, RVID_FN_MAP, 3, MPIDR(1), 50), 0);
	ck_assert_int_eq(rvid_input(&r, 3, &changed), 0);
	ck_assert_uint_eq(changed, 1u << 1);
	ck_assert_uint_eq(ack(1, &intid), 0);
	ck_assert_uint_eq(intid, 50);
	/* To a disabled rVIC: dropped. */
	ck_assert_uint_eq(rvic(1, RVIC_FN_DISABLE, 0, 0), 0);
	ck_assert_int_eq(rvid_input(&r, 3, &changed), -EAGAIN);
	ck_assert_uint_eq(rvic(1, RVIC_FN_ENABLE, 0, 0), 0);
	/* Unmapped again: dropped and counted. */
	ck_assert_uint_eq(rvid(1, RVID_FN_UNMAP, 3, 0, 0), 0);
	ck_assert_int_eq(rvid_input(&r, 3, &changed), -ENOENT);
	ck_assert_uint_eq(__atomic_load_n(&r.dropped, __ATOMIC_RELAXED), 2);
}
END_TEST

START_TEST(test_reset)
{
	uint64_t changed, intid;

	enable_unmask(0, 40);
	ck_assert_uint_eq(rvid(0, RVID_FN_MAP, 1, MPIDR(0), 40), 0);
	ck_assert_uint_eq(rvic(0, RVIC_FN_SIGNAL, MPIDR(0), 40), 0);
	rvic_reset(&r);
	ck_assert(!rvic_output(&r, 0));
	ck_assert_int_eq(rvid_input(&r, 1, &changed), -ENOENT);
	ck_assert_uint_eq(rvic(0, RVIC_FN_ENABLE, 0, 0), 0);
	ck_assert_uint_eq(rvic(0, RVIC_FN_SIGNAL, MPIDR(0), 40), 0);
	ck_assert_uint_eq(ack(0, &intid), RVIC_STATUS(RVIC_NO_INTERRUPTS, 0)); /* masked again */
}
END_TEST

/* --- the in-kernel rVIC's ioctls, recorded --------------------------------------- */

struct ioctl_rec {
	char what[8]; /* "create", "test", "attr", "line" */
	uint64_t a, b, c;
};

static struct {
	struct ioctl_rec r[8];
	unsigned n;
	int create_ret;
} kio;

static void kio_add(const char *what, uint64_t a, uint64_t b, uint64_t c)
{
	ck_assert_uint_lt(kio.n, 8);
	snprintf(kio.r[kio.n].what, sizeof(kio.r[0].what), "%s", what);
	kio.r[kio.n].a = a;
	kio.r[kio.n].b = b;
	kio.r[kio.n++].c = c;
}

static int rec_create(void *ctx, uint32_t type, bool test, int *fd)
{
	ck_assert_ptr_eq(ctx, &kio);
	kio_add(test ? "test" : "create", type, 0, 0);
	if (!test && !kio.create_ret)
		*fd = 42;
	return kio.create_ret;
}

static int rec_set_attr(void *ctx, int fd, uint32_t group, uint64_t attr, const void *val)
{
	(void)ctx;
	ck_assert_int_eq(fd, 42);
	ck_assert_uint_eq(attr, 0);
	kio_add("attr", group, val ? *(const uint32_t *)val : 0, val != NULL);
	return 0;
}

static int rec_irq_line(void *ctx, uint32_t irq, bool level)
{
	(void)ctx;
	kio_add("line", irq, level, 0);
	return 0;
}

static const struct rvic_kernel_ioctls rec_io = {
	.create_device = rec_create,
	.set_attr = rec_set_attr,
	.irq_line = rec_irq_line,
};

static void expect_rec(unsigned i, const char *what, uint64_t a, uint64_t b, uint64_t c)
{
	ck_assert_str_eq(kio.r[i].what, what);
	ck_assert_uint_eq(kio.r[i].a, a);
	ck_assert_uint_eq(kio.r[i].b, b);
	ck_assert_uint_eq(kio.r[i].c, c);
}

START_TEST(test_kernel_sequence)
{
	int fd = -1;

	memset(&kio, 0, sizeof(kio));
	ck_assert_int_eq(rvic_kernel_probe(&rec_io, &kio), 0);
	ck_assert_int_eq(rvic_kernel_create(&rec_io, &kio, &fd), 0);
	ck_assert_int_eq(fd, 42);
	ck_assert_int_eq(rvic_kernel_finalize(&rec_io, &kio, fd, 32, 128), 0);
	ck_assert_int_eq(rvic_kernel_input(&rec_io, &kio, 7, true), 0);
	ck_assert_int_eq(rvic_kernel_input(&rec_io, &kio, 7, false), 0);
	ck_assert_int_eq(rvic_kernel_input(&rec_io, &kio, rvic_nr_inputs(), true), -EINVAL);
	ck_assert_uint_eq(kio.n, 6);
	/* Type 11 with KVM_CREATE_DEVICE_TEST, then for real. */
	expect_rec(0, "test", 11, 0, 0);
	expect_rec(1, "create", 11, 0, 0);
	/* NR_IRQS (group 0): trusted in [15:0], total in [31:16]; then INIT (group 1), no value. */
	expect_rec(2, "attr", 0, 128u << 16 | 32, 1);
	expect_rec(3, "attr", 1, 0, 0);
	/* KVM_IRQ_LINE type SPI (1 << 24) with the rVID input. */
	expect_rec(4, "line", 1u << 24 | 7, 1, 0);
	expect_rec(5, "line", 1u << 24 | 7, 0, 0);
}
END_TEST

/* A stock arm64 kernel: type 11 is another architecture's, refused; nothing follows. */
START_TEST(test_kernel_probe_refused)
{
	memset(&kio, 0, sizeof(kio));
	kio.create_ret = -ENODEV;
	ck_assert_int_eq(rvic_kernel_probe(&rec_io, &kio), -ENODEV);
	ck_assert_uint_eq(kio.n, 1);
	expect_rec(0, "test", 11, 0, 0);
}
END_TEST

START_TEST(test_msi_doorbell)
{
	ck_assert_int_eq(rvic_msi_input(RVIC_DOORBELL, 5), 5);
	ck_assert_int_eq(rvic_msi_input(RVIC_DOORBELL, rvic_nr_inputs() - 1),
			 (int)rvic_nr_inputs() - 1);
	ck_assert_int_eq(rvic_msi_input(RVIC_DOORBELL, rvic_nr_inputs()), -EINVAL);
	ck_assert_int_eq(rvic_msi_input(RVIC_DOORBELL + 4, 5), -EINVAL);
	ck_assert_int_eq(rvic_msi_input(0x08020040, 5), -EINVAL);
}
END_TEST

Suite *rvic_suite(void)
{
	Suite *s = suite_create("rvic");
	TCase *tc = tcase_create("model");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_init_bounds);
	tcase_add_test(tc, test_version_info);
	tcase_add_test(tc, test_unknown_function);
	tcase_add_test(tc, test_argument_checks);
	tcase_add_test(tc, test_signal_ack_eoi);
	tcase_add_test(tc, test_ack_empty_and_disabled);
	tcase_add_test(tc, test_signal_disabled_dropped);
	tcase_add_test(tc, test_fifo_order);
	tcase_add_test(tc, test_mask_while_pending);
	tcase_add_test(tc, test_clear_pending);
	tcase_add_test(tc, test_resample_level);
	tcase_add_test(tc, test_rvid_map_bounds);
	tcase_add_test(tc, test_rvid_input);
	tcase_add_test(tc, test_reset);
	suite_add_tcase(s, tc);
	tc = tcase_create("kernel");
	tcase_add_test(tc, test_kernel_sequence);
	tcase_add_test(tc, test_kernel_probe_refused);
	tcase_add_test(tc, test_msi_doorbell);
	suite_add_tcase(s, tc);
	return s;
}
