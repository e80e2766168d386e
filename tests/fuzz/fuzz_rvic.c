// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rVIC/rVID hypercall handler (irqchip/rvic_model.h) under libFuzzer:
 * the input is a script of guest calls (any function ID, any arguments,
 * from any vCPU, including ones that do not exist), trusted line levels,
 * rVID inputs and resets. After every step the model's invariants must
 * hold: each queued INTID is pending and unmasked and queued once, the
 * queue never outgrows the INTIDs, the output is "enabled and something
 * queued", and every status is SMCCC NOT_SUPPORTED or a known reason
 * naming one of the three arguments.
 */
#include "../../irqchip/rvic_model.h"
#include "fuzz_input.h"

#include <errno.h>

#define NR_CPUS	  3
#define NR_INPUTS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A function ID: mostly the two blocks and their neighbours, sometimes anything. */
static uint64_t fuzz_fid(struct fuzz_in *in)
{
	uint8_t k = fuzz_u8(in);

	if (k < 0x80)
		return RVIC_FID_BASE + (k % (RVIC_NR_FNS + 2)) - 1;
	if (k < 0xf0)
		return RVID_FID_BASE + (k % (RVID_NR_FNS + 2)) - 1;
	return fuzz_u64(in);
}

/* An argument: small values (CPUs, INTIDs, inputs) most of the time. */
static uint64_t fuzz_arg(struct fuzz_in *in)
{
	uint8_t k = fuzz_u8(in);

	if (k < 0xc0)
		return k;
	if (k < 0xe0)
		return 0x80000000u | (k & 7); /* an MPIDR, RES1 bit included */
	return fuzz_u64(in);
}

static void check_result(const struct rvic_result *res)
{
	if (res->a0 == RVIC_SMCCC_NOT_SUPPORTED)
		return;
	FUZZ_CHECK((res->a0 & 0xff) <= RVIC_NO_INTERRUPTS);
	FUZZ_CHECK((res->a0 >> 8) <= 2);
	FUZZ_CHECK(res->changed < (1ull << NR_CPUS));
}

static void check_model(struct rvic *r)
{
	for (unsigned c = 0; c < r->nr_cpus; c++) {
		const struct rvic_cpu *cpu = &r->cpu[c];
		unsigned queued = 0;

		FUZZ_CHECK(cpu->count <= r->nr_total && cpu->head < r->nr_total);
		for (unsigned i = 0; i < cpu->count; i++) {
			unsigned intid = cpu->queue[(cpu->head + i) % r->nr_total];

			FUZZ_CHECK(intid < r->nr_total);
			FUZZ_CHECK((cpu->pending[intid / 32] >> (intid % 32)) & 1);
			FUZZ_CHECK(!((cpu->masked[intid / 32] >> (intid % 32)) & 1));
			FUZZ_CHECK((cpu->queued[intid / 32] >> (intid % 32)) & 1);
		}
		for (unsigned w = 0; w < r->nr_total / 32; w++)
			queued += (unsigned)__builtin_popcount(cpu->queued[w]);
		FUZZ_CHECK(queued == cpu->count);
		FUZZ_CHECK(rvic_output(r, c) == (cpu->enabled && cpu->count));
	}
}

static void fuzz_step(struct rvic *r, struct fuzz_in *in)
{
	uint8_t op = fuzz_u8(in);
	uint64_t changed;

	switch (op % 8) {
	case 3: /* a trusted line (the timers, the PMU) */
		changed =
		    rvic_set_line(r, fuzz_u8(in) % (NR_CPUS + 1), fuzz_u8(in), fuzz_u8(in) & 1);
		FUZZ_CHECK(changed < (1ull << NR_CPUS));
		break;
	case 4: { /* an edge on an rVID input: a device, an MSI */
		int ret = rvid_input(r, fuzz_u8(in) % (NR_INPUTS + 2), &changed);

		FUZZ_CHECK(ret == 0 || ret == -ENOENT || ret == -EINVAL || ret == -EAGAIN);
		FUZZ_CHECK(changed < (1ull << NR_CPUS));
		break;
	}
	case 5:
		if (fuzz_u8(in) == 0x5a)
			rvic_reset(r);
		break;
	default: { /* a guest's call, the common case */
		unsigned cpu = fuzz_u8(in) % (NR_CPUS + 1);
		uint64_t fid = fuzz_fid(in), arg[3];
		struct rvic_result res;

		for (unsigned i = 0; i < 3; i++)
			arg[i] = fuzz_arg(in);
		rvic_call(r, cpu, fid, arg, &res);
		check_result(&res);
		FUZZ_CHECK(rvic_fid_known(fid) || res.a0 == RVIC_SMCCC_NOT_SUPPORTED);
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct rvic r;

	FUZZ_CHECK(rvic_init(&r, NR_CPUS, RVIC_MIN_TRUSTED, RVIC_MIN_TOTAL, NR_INPUTS) == 0);
	for (unsigned c = 0; c < NR_CPUS; c++)
		rvic_set_mpidr(&r, c, 0x80000000u | c);
	while (fuzz_left(&in)) {
		fuzz_step(&r, &in);
		check_model(&r);
	}
	rvic_destroy(&r);
	return 0;
}
