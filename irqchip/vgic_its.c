// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-kernel vGICv3 with an ITS (Documentation/virt/kvm/devices/
 * arm-vgic-its.rst): the vGICv3 of vgic_v3.c plus a KVM_DEV_TYPE_ARM_VGIC_ITS
 * device, so PCI devices can raise MSIs. An MSI is a write of the event ID
 * to GITS_TRANSLATER tagged with the writer's device ID; KVM's ITS maps the
 * pair to an LPI through tables the guest keeps in its own RAM. armlet
 * delivers them with KVM_SIGNAL_MSI or an irqfd on an MSI route (fastpath).
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "../fdt/fdt.h"
#include "../vmm/kvm.h"
#include "../vmm/layout.h"
#include "../vmm/vm.h"
#include "gic.h"
#include "irqchip.h"

#define GICR_CTLR 0x0000 /* offset in the RD_base frame (GICv3 architecture spec, GICR_CTLR) */

/* vm->irqchip_priv: the vGICv3 itself is vm->irqchip_fd. */
struct vgic_its {
	int fd; /* the ITS device, -1 until created */
};

static int vgic_its_probe(struct vm *vm, unsigned flags, char *reason, size_t len)
{
	return vgic_v3_probe(vm, flags, reason, len)
		   ?: vgic_probe_device(vm, KVM_DEV_TYPE_ARM_VGIC_ITS, "vgic-its", flags, reason,
					len);
}

static int vgic_its_create(struct vm *vm)
{
	uint64_t base = layout_base(LAYOUT_GIC_ITS);
	struct vgic_its *its;
	int ret = vgic_v3_create(vm);

	if (ret)
		return ret;
	its = malloc(sizeof(*its));
	if (!its)
		return -ENOMEM;
	its->fd = -1;
	vm->irqchip_priv = its;
	/*
	 * Creating the ITS is what makes KVM report KVM_CAP_MSI_DEVID on the
	 * VM fd (vgic_its_create() sets msis_require_devid), so the fast path
	 * probes its capabilities after this.
	 */
	ret = kvm_create_device(vm, KVM_DEV_TYPE_ARM_VGIC_ITS, 0);
	if (ret < 0)
		return ret;
	its->fd = ret;
	/* 64 KiB aligned, 128 KiB: the control frame, then GITS_TRANSLATER's. */
	return kvm_set_attr(its->fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE, &base);
}

static int vgic_its_finalize(struct vm *vm)
{
	struct vgic_its *its = vm->irqchip_priv;
	int ret = vgic_v3_finalize(vm);

	if (ret)
		return ret;
	/*
	 * The ITS's CTRL_INIT comes after its address and after the vGIC's
	 * own, as QEMU does it. The first ITS kernels (4.8) marked the ITS
	 * initialised here and refused address writes after it; current ones
	 * accept it and do nothing (vgic_its_ctrl()).
	 */
	return kvm_set_attr(its->fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
}

/*
 * The redistributor of the vCPU with this MPIDR_EL1, as a
 * KVM_DEV_ARM_VGIC_GRP_REDIST_REGS attr: Aff3..Aff0 in bits 63:32
 * (arm-vgic-v3.rst), register offset below.
 */
static uint64_t vgic_redist_attr(uint64_t mpidr, uint32_t reg)
{
	uint64_t aff = ((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff);

	return aff << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT | reg;
}

/*
 * A guest reset. KVM_ARM_VCPU_INIT leaves the vGIC alone, and Linux
 * reprograms the distributor and redistributors itself, but not LPIs it
 * finds enabled: it warns "Booted with LPIs enabled, memory probably
 * corrupted" and taints. So LPIs go off in every redistributor (clearing
 * GICR_CTLR.EnableLPIs, which KVM allows), then the ITS is reset: disabled,
 * no tables, its devices, collections and translations dropped
 * (arm-vgic-its.rst, "ITS Reset State").
 */
static int vgic_its_reset(struct vm *vm)
{
	struct vgic_its *its = vm->irqchip_priv;
	const uint32_t ctlr = 0;
	int ret = 0;

	for (unsigned i = 0; !ret && i < vm->nr_vcpus; i++)
		ret = kvm_set_attr(vm->irqchip_fd, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
				   vgic_redist_attr(vm->mpidr[i], GICR_CTLR), &ctlr);
	return ret
		   ?: kvm_set_attr(its->fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_ITS_CTRL_RESET,
				   NULL);
}

static void vgic_its_destroy(struct vm *vm)
{
	struct vgic_its *its = vm->irqchip_priv;

	if (its && its->fd >= 0)
		close(its->fd);
	free(its);
	vm->irqchip_priv = NULL;
	vgic_destroy(vm);
}

const struct irqchip_ops vgic_its_ops = {
	.name = "gicv3-its",
	.msi_phandle = FDT_PHANDLE_ITS,
	.msi_devid = true,
	.probe = vgic_its_probe,
	.create = vgic_its_create,
	.vcpu_init = vgic_v3_vcpu_init,
	.finalize = vgic_its_finalize,
	.set_line = vgic_set_line,
	.fdt_node = gicv3_its_fdt_node,
	.fdt_spi_cells = gic_fdt_spi_cells,
	.fdt_ppi_cells = gic_fdt_ppi_cells,
	.reset = vgic_its_reset,
	.destroy = vgic_its_destroy,
};
