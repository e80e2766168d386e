// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <libfdt.h>

#include "../fdt/fdt.h"
#include "../vmm/layout.h"
#include "../vmm/vm.h"
#include "timer.h"

int arch_timer_fdt_node(const struct fdt_ctx *ctx)
{
	/* Order fixed by the arm,arch_timer binding. */
	static const unsigned ppis[] = {
		LAYOUT_PPI_SEC_PHYS_TIMER,
		LAYOUT_PPI_PHYS_TIMER,
		LAYOUT_PPI_VIRT_TIMER,
		LAYOUT_PPI_HYP_TIMER,
	};
	fdt32_t cells[4 * 4];
	unsigned n = 0;
	int node;

	for (unsigned i = 0; i < 4; i++) {
		uint32_t one[4];
		unsigned k = ctx->vm->irqchip->fdt_ppi_cells(ppis[i], true, ctx->vm->nr_vcpus, one);

		for (unsigned j = 0; j < k; j++)
			cells[n++] = cpu_to_fdt32(one[j]);
	}
	node = fdt_add_subnode(ctx->fdt, 0, "timer");
	if (node < 0)
		return fdt_errno(node);
	if (fdt_setprop_string(ctx->fdt, node, "compatible", "arm,armv8-timer") ||
	    fdt_setprop(ctx->fdt, node, "interrupts", cells, n * sizeof(cells[0])))
		return -ENOSPC;
	return 0;
}
