// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-kernel vGICv2 (Documentation/virt/kvm/devices/arm-vgic.rst), for
 * hosts whose GIC is a GICv2, or a GICv3 with GICv2 compatibility:
 * distributor and CPU interface live in KVM; armlet sets their addresses,
 * the number of IRQs, and initialises it once every vCPU exists. A GICv2
 * has 8 CPU interfaces, so at most 8 vCPUs.
 *
 * Two models: gicv2 (devices use INTx), and gicv2m, which adds a GICv2m
 * MSI frame emulated in armlet (gicv2m.c) so PCI devices can use MSI-X.
 * The vGICv2 knows nothing of the frame: an MSI is a write of an SPI's
 * INTID to the frame's SETSPI_NS, and becomes an edge on that SPI. A guest
 * CPU's write exits to armlet and pulses the SPI with KVM_IRQ_LINE; armlet's
 * own devices skip the frame: fastpath_kvm.c asks msi_to_spi() and binds
 * their irqfds to the SPI's route.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>

#include "../fdt/fdt.h"
#include "../vmm/kvm.h"
#include "../vmm/layout.h"
#include "../vmm/vm.h"
#include "gic.h"
#include "gicv2m.h"
#include "irqchip.h"

_Static_assert(GIC_V2_DIST_SIZE == KVM_VGIC_V2_DIST_SIZE, "the DT must describe KVM's GICD");
_Static_assert(GIC_V2_CPU_SIZE == KVM_VGIC_V2_CPU_SIZE, "the DT must describe KVM's GICC");
_Static_assert(GICV2M_FRAME_SIZE == SZ_4K, "LAYOUT_GIC_V2M holds one frame");

int gicv2_probe_nr_cpus(const struct vm *vm, char *reason, size_t len)
{
	if (vm->cfg->nr_cpus <= GIC_V2_MAX_CPUS)
		return 0;
	snprintf(reason, len, "a GICv2 has at most %u vCPUs, -c asks for %u", GIC_V2_MAX_CPUS,
		 vm->cfg->nr_cpus);
	return -E2BIG;
}

static int vgic_v2_probe(struct vm *vm, unsigned flags, char *reason, size_t len)
{
	int ret = vgic_probe_device(vm, KVM_DEV_TYPE_ARM_VGIC_V2, "vgic-v2", flags, reason, len);

	/* KVM would refuse the 9th vCPU (VGIC_V2_MAX_CPUS); say why up front. */
	return ret ?: gicv2_probe_nr_cpus(vm, reason, len);
}

static int vgic_v2_create(struct vm *vm)
{
	uint64_t dist = layout_base(LAYOUT_GIC_DIST);
	uint64_t cpu = layout_base(LAYOUT_GIC_CPU);
	uint32_t nr_irqs = GIC_NR_IRQS;
	int fd, ret;

	fd = kvm_create_device(vm, KVM_DEV_TYPE_ARM_VGIC_V2, 0);
	if (fd < 0)
		return fd;
	vm->irqchip_fd = fd;
	/* Both 4 KiB aligned; 64 KiB aligned too, for hosts with 64 KiB pages. */
	ret = kvm_set_attr(fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, &dist);
	ret = ret ?: kvm_set_attr(fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_CPU, &cpu);
	ret = ret ?: kvm_set_attr(fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs);
	return ret;
}

static int vgic_v2_vcpu_init(struct vm *vm, unsigned cpu, int vcpu_fd)
{
	(void)vm, (void)cpu, (void)vcpu_fd;
	return 0; /* KVM banks the CPU interface per vCPU itself */
}

static int vgic_v2_finalize(struct vm *vm)
{
	/* After every vCPU exists: KVM sizes its per-CPU state and maps GICV now. */
	return kvm_set_attr(vm->irqchip_fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT,
			    NULL);
}

const struct irqchip_ops vgic_v2_ops = {
	.name = "gicv2",
	.probe = vgic_v2_probe,
	.create = vgic_v2_create,
	.vcpu_init = vgic_v2_vcpu_init,
	.finalize = vgic_v2_finalize,
	.set_line = vgic_set_line,
	.fdt_node = gicv2_fdt_node,
	.fdt_spi_cells = gic_fdt_spi_cells,
	.fdt_ppi_cells = gicv2_fdt_ppi_cells,
	.destroy = vgic_destroy,
};

/* --- gicv2m: the vGICv2 plus armlet's MSI frame ------------------------------- */

/*
 * An MSI is an edge: up then down, as KVM's irqfd injects it. On an SPI the
 * guest configured as edge (Linux's v2m driver does) the rising edge alone
 * latches it pending.
 */
static int vgic_v2m_pulse(void *vm, unsigned spi)
{
	int ret = vgic_set_line(vm, spi, true);

	return ret ?: vgic_set_line(vm, spi, false);
}

static int vgic_v2m_create(struct vm *vm)
{
	struct gicv2m *frame;
	int ret = vgic_v2_create(vm);

	if (ret)
		return ret;
	frame = malloc(sizeof(*frame));
	if (!frame)
		return -ENOMEM;
	vm->irqchip_priv = frame;
	ret = gicv2m_init(frame, layout_base(LAYOUT_GIC_V2M), LAYOUT_SPI_MSI_FIRST,
			  LAYOUT_NR_MSI_SPIS, vgic_v2m_pulse, vm);
	return ret
		   ?: bus_add(&vm->bus, layout_base(LAYOUT_GIC_V2M), layout_size(LAYOUT_GIC_V2M),
			      &gicv2m_mmio_ops, frame);
}

static int vgic_v2m_msi_to_spi(const struct vm *vm, uint64_t addr, uint32_t data)
{
	return gicv2m_msi_spi(vm->irqchip_priv, addr, data);
}

/*
 * The frame stays on the bus, which has no removal: nothing dispatches to
 * it once the vCPUs are gone, and destroy comes after that.
 */
static void vgic_v2m_destroy(struct vm *vm)
{
	free(vm->irqchip_priv);
	vm->irqchip_priv = NULL;
	vgic_destroy(vm);
}

const struct irqchip_ops vgic_v2m_ops = {
	.name = "gicv2m",
	.msi_phandle = FDT_PHANDLE_V2M,
	.msi_devid = false, /* the frame decodes only the data: no device IDs */
	.probe = vgic_v2_probe,
	.create = vgic_v2m_create,
	.vcpu_init = vgic_v2_vcpu_init,
	.finalize = vgic_v2_finalize,
	.set_line = vgic_set_line,
	.fdt_node = gicv2m_fdt_node,
	.fdt_spi_cells = gic_fdt_spi_cells,
	.fdt_ppi_cells = gicv2_fdt_ppi_cells,
	.msi_to_spi = vgic_v2m_msi_to_spi,
	.destroy = vgic_v2m_destroy,
};
