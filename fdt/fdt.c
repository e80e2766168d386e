// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "../timer/timer.h"
#include "../vmm/layout.h"
#include "../vmm/vm.h"
#include "fdt.h"

#define RNG_SEED_BYTES 64

int fdt_errno(int err)
{
	if (err >= 0)
		return err;
	return err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL;
}

int fdt_set_reg(void *fdt, int node, const uint64_t *pairs, unsigned nr_pairs)
{
	fdt64_t cells[8];

	if (nr_pairs > 4)
		return -EINVAL;
	for (unsigned i = 0; i < 2 * nr_pairs; i++)
		cells[i] = cpu_to_fdt64(pairs[i]);
	return fdt_errno(fdt_setprop(fdt, node, "reg", cells, 2 * nr_pairs * sizeof(cells[0])));
}

static int fdt_set_cells(void *fdt, int node, const char *prop, const uint32_t *v, unsigned n)
{
	fdt32_t cells[8];

	if (n > 8)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(v[i]);
	return fdt_errno(fdt_setprop(fdt, node, prop, cells, n * sizeof(cells[0])));
}

int fdt_add_device_node(const struct fdt_ctx *ctx, const char *name, const char *compatible,
			uint64_t base, uint64_t size, unsigned spi, bool level, uint32_t clock)
{
	const uint64_t reg[] = { base, size };
	uint32_t irq[4];
	unsigned n = ctx->vm->irqchip->fdt_spi_cells(spi, level, irq);
	char node_name[64];
	int node, ret;

	snprintf(node_name, sizeof(node_name), "%s@%llx", name, (unsigned long long)base);
	node = fdt_add_subnode(ctx->fdt, 0, node_name);
	if (node < 0)
		return fdt_errno(node);
	ret = fdt_errno(fdt_setprop_string(ctx->fdt, node, "compatible", compatible));
	if (!ret)
		ret = fdt_set_reg(ctx->fdt, node, reg, 1);
	if (!ret)
		ret = fdt_set_cells(ctx->fdt, node, "interrupts", irq, n);
	if (!ret && ctx->vm->irqchip->spi_phandle)
		ret = fdt_errno(fdt_setprop_u32(ctx->fdt, node, "interrupt-parent",
						ctx->vm->irqchip->spi_phandle));
	if (!ret && clock)
		ret = fdt_errno(fdt_setprop_u32(ctx->fdt, node, "clock-frequency", clock));
	return ret ? ret : node;
}

static int fdt_add_chosen(const struct fdt_ctx *ctx)
{
	const struct vm *vm = ctx->vm;
	void *fdt = ctx->fdt;
	uint8_t seed[RNG_SEED_BYTES];
	char path[64];
	int node, ret;

	node = fdt_add_subnode(fdt, 0, "chosen");
	if (node < 0)
		return fdt_errno(node);
	ret = fdt_setprop_string(fdt, node, "bootargs", vm->cmdline ?: vm->cfg->params);
	/* stdout-path gives Linux its console without a console= parameter. */
	if (!ret && vm->uart) {
		snprintf(path, sizeof(path), "/uart@%llx",
			 (unsigned long long)layout_base(LAYOUT_UART));
		ret = fdt_setprop_string(fdt, node, "stdout-path", path);
	}
	if (!ret && vm->boot.initrd) {
		ret = fdt_setprop_u64(fdt, node, "linux,initrd-start", vm->boot.initrd);
		if (!ret)
			ret = fdt_setprop_u64(fdt, node, "linux,initrd-end", vm->boot.initrd_end);
	}
	/* Seeds the guest's RNG at once instead of after seconds of jitter. */
	if (!ret && getrandom(seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
		ret = fdt_setprop(fdt, node, "rng-seed", seed, sizeof(seed));
	return fdt_errno(ret);
}

static int fdt_add_memory(const struct fdt_ctx *ctx)
{
	const uint64_t reg[] = { ctx->vm->mem.gpa, ctx->vm->mem.size };
	char name[32];
	int node;

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)reg[0]);
	node = fdt_add_subnode(ctx->fdt, 0, name);
	if (node < 0)
		return fdt_errno(node);
	if (fdt_setprop_string(ctx->fdt, node, "device_type", "memory"))
		return -ENOSPC;
	return fdt_set_reg(ctx->fdt, node, reg, 1);
}

static int fdt_add_cpus(const struct fdt_ctx *ctx)
{
	const struct vm *vm = ctx->vm;
	void *fdt = ctx->fdt;
	int cpus, ret;

	cpus = fdt_add_subnode(fdt, 0, "cpus");
	if (cpus < 0)
		return fdt_errno(cpus);
	/* MPIDR Aff3 is zero for every vCPU KVM makes below 4096 vCPUs. */
	ret = fdt_setprop_u32(fdt, cpus, "#address-cells", 1);
	ret = ret ?: fdt_setprop_u32(fdt, cpus, "#size-cells", 0);
	/* Added in reverse: fdt_add_subnode() inserts each new node first. */
	for (unsigned i = vm->nr_vcpus; !ret && i-- > 0;) {
		char name[32];
		uint32_t reg = (uint32_t)(vm->mpidr[i] & 0xff00ffffffULL);
		int node;

		snprintf(name, sizeof(name), "cpu@%x", reg);
		node = fdt_add_subnode(fdt, cpus, name);
		if (node < 0)
			return fdt_errno(node);
		ret = fdt_setprop_string(fdt, node, "device_type", "cpu");
		ret = ret ?: fdt_setprop_string(fdt, node, "compatible", "arm,arm-v8");
		ret = ret ?: fdt_setprop_string(fdt, node, "enable-method", "psci");
		ret = ret ?: fdt_setprop_u32(fdt, node, "reg", reg);
	}
	return fdt_errno(ret);
}

static int fdt_add_psci(const struct fdt_ctx *ctx)
{
	static const char compat[] = "arm,psci-0.2\0arm,psci";
	int node = fdt_add_subnode(ctx->fdt, 0, "psci");
	int ret;

	if (node < 0)
		return fdt_errno(node);
	ret = fdt_setprop(ctx->fdt, node, "compatible", compat, sizeof(compat));
	ret = ret ?: fdt_setprop_string(ctx->fdt, node, "method", "hvc");
	return fdt_errno(ret);
}

static int fdt_add_pmu(const struct fdt_ctx *ctx)
{
	uint32_t irq[4];
	unsigned n = ctx->vm->irqchip->fdt_ppi_cells(LAYOUT_PPI_PMU, true, ctx->vm->nr_vcpus, irq);
	int node = fdt_add_subnode(ctx->fdt, 0, "pmu");

	if (node < 0)
		return fdt_errno(node);
	if (fdt_setprop_string(ctx->fdt, node, "compatible", "arm,armv8-pmuv3"))
		return -ENOSPC;
	return fdt_set_cells(ctx->fdt, node, "interrupts", irq, n);
}

static int fdt_add_root_props(const struct fdt_ctx *ctx)
{
	void *fdt = ctx->fdt;
	int ret;

	ret = fdt_setprop_string(fdt, 0, "compatible", "linux,dummy-virt");
	ret = ret ?: fdt_setprop_string(fdt, 0, "model", "armlet");
	ret = ret ?: fdt_setprop_u32(fdt, 0, "#address-cells", 2);
	ret = ret ?: fdt_setprop_u32(fdt, 0, "#size-cells", 2);
	ret = ret ?: fdt_setprop_u32(fdt, 0, "interrupt-parent", ctx->intc_phandle);
	return fdt_errno(ret);
}

static int fdt_add_devices(const struct fdt_ctx *ctx)
{
	const struct mmio_bus *bus = &ctx->vm->bus;

	/* Reverse order so the blob lists devices by ascending address. */
	for (unsigned i = bus->nr; i-- > 0;) {
		const struct mmio_region *r = &bus->regions[i];
		int ret;

		if (!r->ops->fdt_node)
			continue;
		ret = r->ops->fdt_node(r, ctx);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int fdt_build(const struct vm *vm, void *buf, size_t size)
{
	struct fdt_ctx ctx = { .fdt = buf, .vm = vm, .intc_phandle = FDT_PHANDLE_INTC };
	int ret;

	ret = fdt_errno(fdt_create_empty_tree(buf, (int)size));
	ret = ret ?: fdt_add_root_props(&ctx);
	ret = ret ?: fdt_add_chosen(&ctx);
	ret = ret ?: fdt_add_memory(&ctx);
	ret = ret ?: fdt_add_cpus(&ctx);
	ret = ret ?: fdt_add_psci(&ctx);
	ret = ret ?: vm->irqchip->fdt_node(&ctx);
	ret = ret ?: arch_timer_fdt_node(&ctx);
	if (!ret && vm->cfg->pmu)
		ret = fdt_add_pmu(&ctx);
	ret = ret ?: fdt_add_devices(&ctx);
	ret = ret ?: fdt_errno(fdt_pack(buf));
	if (ret)
		return ret;
	return (int)fdt_totalsize(buf);
}
