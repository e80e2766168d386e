// SPDX-License-Identifier: GPL-2.0-only
/*
 * The userspace GICv2's MMIO interface (irqchip/gicv2_model.h) under
 * libFuzzer: the input is a script of guest accesses to the distributor
 * and the CPU interface (any offset, width 0..15, value and vCPU, also
 * vCPUs that do not exist) and of input lines (SPIs, the timer and PMU
 * PPIs, any INTID). After every step: the returned "changed" mask is
 * exactly the CPUs whose output flipped, outputs only exist for real
 * CPUs, the generation moves exactly when an output does, and a read
 * returns no bits beyond its width.
 */
#include "../../irqchip/gicv2_model.h"
#include "fuzz_input.h"

#define NR_CPUS 3
#define NR_SPIS 40

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An offset: mostly inside the frame's registers, sometimes anything. */
static uint64_t fuzz_off(struct fuzz_in *in, uint64_t frame)
{
	uint8_t k = fuzz_u8(in);

	if (k < 0xf0)
		return fuzz_u16(in) % frame;
	return fuzz_u64(in);
}

static void check_step(struct gicv2_model *g, uint32_t before, uint64_t gen_before,
		       uint32_t changed)
{
	uint64_t gen;
	uint32_t after = gicv2_model_irq_lines(g, &gen);

	FUZZ_CHECK((after & ~((1u << NR_CPUS) - 1)) == 0);
	FUZZ_CHECK(changed == (before ^ after));
	FUZZ_CHECK((gen != gen_before) == (before != after));
}

static uint32_t step(struct gicv2_model *g, struct fuzz_in *in)
{
	uint8_t op = fuzz_u8(in);
	unsigned cpu = fuzz_u8(in) % (NR_CPUS + 2); /* two vCPUs past the last */
	unsigned len = fuzz_u8(in) % 16;
	uint64_t val = 0;
	uint32_t changed = 0;
	int ret;

	switch (op % 6) {
	case 0: changed = gicv2_model_dist_read(g, cpu, fuzz_off(in, 0x1000), len, &val); break;
	case 1:
		changed = gicv2_model_dist_write(g, cpu, fuzz_off(in, 0x1000), len, fuzz_u32(in));
		break;
	case 2: changed = gicv2_model_cpu_read(g, cpu, fuzz_off(in, 0x2000), len, &val); break;
	case 3:
		changed = gicv2_model_cpu_write(g, cpu, fuzz_off(in, 0x2000), len, fuzz_u32(in));
		break;
	case 4:
		ret = gicv2_model_set_line(g, fuzz_u16(in) % 1100, fuzz_u8(in) & 1);
		changed = ret < 0 ? 0 : (uint32_t)ret;
		break;
	default:
		ret = gicv2_model_set_ppi_line(g, cpu, fuzz_u8(in) % 40, fuzz_u8(in) & 1);
		changed = ret < 0 ? 0 : (uint32_t)ret;
		break;
	}
	if (len && len < 8)
		FUZZ_CHECK((val >> (8 * len)) == 0);
	return changed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct gicv2_model g;

	if (gicv2_model_init(&g, NR_CPUS, NR_SPIS))
		abort();
	for (unsigned steps = 0; fuzz_left(&in) && steps < 4096; steps++) {
		uint64_t gen;
		uint32_t before = gicv2_model_irq_lines(&g, &gen);

		if (fuzz_u8(&in) == 0xff) {
			uint32_t changed = gicv2_model_reset(&g);

			check_step(&g, before, gen, changed);
			continue;
		}
		check_step(&g, before, gen, step(&g, &in));
	}
	gicv2_model_destroy(&g);
	return 0;
}
