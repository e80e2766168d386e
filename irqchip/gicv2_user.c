// SPDX-License-Identifier: GPL-2.0-only
/*
 * gicv2-user: a GICv2 in armlet (gicv2_model.h), for hosts whose KVM has
 * no usable vGIC. KVM_CAP_ARM_USER_IRQ (Documentation/virt/kvm/api.rst):
 * with no in-kernel irqchip, KVM still runs the timers and the PMU, reports
 * their output levels in kvm_run->s.regs.device_irq_level on every return
 * to userspace, and returns (KVM_EXIT_INTR, KVM_RUN fails with EINTR) when
 * one changes; userspace drives each vCPU's IRQ input with KVM_IRQ_LINE,
 * irq_type KVM_ARM_IRQ_TYPE_CPU. KVM cannot hand GICv3 system-register
 * accesses to userspace, so the guest gets a GICv2 (MMIO GICD and GICC):
 * at most 8 vCPUs.
 *
 * No KVM device: the GICD and GICC frames are regions on the MMIO bus, so
 * every guest access to them is an exit. The portable half
 * (gicv2_user_core.c) decides when a vCPU's pin must change and whom to
 * kick; this file only supplies the ioctl and the kick.
 *
 * Devices get no irqfds (those need an in-kernel irqchip: vm->irqchip_fd
 * stays -1, and fastpath_kvm.c refuses binds with -ENOSYS); ioeventfds
 * need no irqchip and stay. PCI devices get MSI-X through the same GICv2m
 * frame as gicv2m's (gicv2m.c): the transport's msi_send() slow path, or a
 * guest CPU's write to MSI_SETSPI_NS, pulses the SPI in the model. A guest
 * without a v2m driver (or booted with pci=nomsi) uses INTx, raised and
 * lowered through set_line().
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "../fdt/fdt.h"
#include "../vmm/kvm.h"
#include "../vmm/layout.h"
#include "../vmm/vcpu.h"
#include "../vmm/vm.h"
#include "gic.h"
#include "gicv2_user_core.h"
#include "gicv2m.h"
#include "irqchip.h"

_Static_assert(GICV2_USER_DEV_VTIMER == KVM_ARM_DEV_EL1_VTIMER, "KVM's virtual timer bit");
_Static_assert(GICV2_USER_DEV_PTIMER == KVM_ARM_DEV_EL1_PTIMER, "KVM's physical timer bit");
_Static_assert(GICV2_USER_DEV_PMU == KVM_ARM_DEV_PMU, "KVM's PMU bit");
_Static_assert(GIC_V2_DIST_SIZE == GICV2_DIST_SIZE, "the DT must describe the model's GICD");
_Static_assert(GIC_V2_CPU_SIZE == GICV2_CPU_SIZE, "the DT must describe the model's GICC");
_Static_assert(GIC_V2_MAX_CPUS == GICV2_MAX_CPUS, "the probe must refuse what the model cannot");

/* No in-kernel vGIC involved: the test hook's flag does not apply. */
static int gicv2_user_probe(struct vm *vm, unsigned flags, char *reason, size_t len)
{
	(void)flags;
	if (kvm_check_cap(vm, KVM_CAP_ARM_USER_IRQ) <= 0) {
		snprintf(reason, len, "KVM_CAP_ARM_USER_IRQ: not offered by this kernel");
		return -ENODEV;
	}
	return gicv2_probe_nr_cpus(vm, reason, len);
}

/* The model and the MSI frame in front of it: vm->irqchip_priv. */
struct gicv2_user_chip {
	struct gicv2_user gic;
	struct gicv2m frame;
};

static struct gicv2_user *gicv2_user_of(const struct vm *vm)
{
	return &((struct gicv2_user_chip *)vm->irqchip_priv)->gic;
}

/* An MSI is an edge (the v2m driver makes its SPIs edge-triggered): up, then down. */
static int gicv2_user_pulse(void *gic, unsigned spi)
{
	int ret = gicv2_user_set_line(gic, spi, true);

	return ret ?: gicv2_user_set_line(gic, spi, false);
}

/* Before any vCPU exists: the model is sized for every vCPU -c asks for. */
static int gicv2_user_create(struct vm *vm)
{
	struct gicv2_user_chip *chip = malloc(sizeof(*chip));
	int ret;

	if (!chip)
		return -ENOMEM;
	ret = gicv2_user_init(&chip->gic, vm->cfg->nr_cpus, GIC_NR_SPIS, vcpu_irq_pin_set,
			      vcpu_irq_pin_kick, vm);
	if (ret) {
		free(chip);
		return ret;
	}
	vm->irqchip_priv = chip;
	ret = gicv2m_init(&chip->frame, layout_base(LAYOUT_GIC_V2M), LAYOUT_SPI_MSI_FIRST,
			  LAYOUT_NR_MSI_SPIS, gicv2_user_pulse, &chip->gic);
	/* What the DT describes (gicv2m_fdt_node()): GICD and GICC at the start of their rows. */
	ret = ret
		  ?: bus_add(&vm->bus, layout_base(LAYOUT_GIC_DIST), GIC_V2_DIST_SIZE,
			     &gicv2_user_dist_mmio_ops, &chip->gic);
	ret = ret
		  ?: bus_add(&vm->bus, layout_base(LAYOUT_GIC_CPU), GIC_V2_CPU_SIZE,
			     &gicv2_user_cpu_mmio_ops, &chip->gic);
	return ret
		   ?: bus_add(&vm->bus, layout_base(LAYOUT_GIC_V2M), layout_size(LAYOUT_GIC_V2M),
			      &gicv2m_mmio_ops, &chip->frame);
}

static int gicv2_user_vcpu_init(struct vm *vm, unsigned cpu, int vcpu_fd)
{
	(void)vcpu_fd;
	return cpu < gicv2_user_of(vm)->nr_cpus ? 0 : -E2BIG;
}

static int gicv2_user_finalize(struct vm *vm)
{
	(void)vm;
	return 0; /* nothing in KVM to initialise */
}

static int gicv2_user_ops_set_line(struct vm *vm, unsigned spi, bool level)
{
	return gicv2_user_set_line(gicv2_user_of(vm), spi, level);
}

static int gicv2_user_ops_vcpu_sync(struct vm *vm, unsigned cpu, uint64_t device_irq_level)
{
	return gicv2_user_vcpu_sync(gicv2_user_of(vm), cpu, device_irq_level);
}

static int gicv2_user_msi_to_spi(const struct vm *vm, uint64_t addr, uint32_t data)
{
	const struct gicv2_user_chip *chip = vm->irqchip_priv;

	return gicv2m_msi_spi(&chip->frame, addr, data);
}

static int gicv2_user_ops_reset(struct vm *vm)
{
	gicv2_user_reset(gicv2_user_of(vm));
	return 0;
}

static uint64_t gicv2_user_delivered(const struct vm *vm)
{
	const struct gicv2_user_chip *chip = vm->irqchip_priv;

	return chip ? __atomic_load_n(&chip->gic.gic.acks, __ATOMIC_RELAXED) : 0;
}

/*
 * The frames stay on the bus, which has no removal: nothing dispatches to
 * them once the vCPUs are gone, and destroy comes after that.
 */
static void gicv2_user_ops_destroy(struct vm *vm)
{
	struct gicv2_user_chip *chip = vm->irqchip_priv;

	if (!chip)
		return;
	gicv2_user_destroy(&chip->gic);
	free(chip);
	vm->irqchip_priv = NULL;
}

const struct irqchip_ops gicv2_user_ops = {
	.name = "gicv2-user",
	.msi_phandle = FDT_PHANDLE_V2M,
	.msi_devid = false, /* the frame decodes only the data: no device IDs */
	.probe = gicv2_user_probe,
	.create = gicv2_user_create,
	.vcpu_init = gicv2_user_vcpu_init,
	.finalize = gicv2_user_finalize,
	.set_line = gicv2_user_ops_set_line,
	.vcpu_sync = gicv2_user_ops_vcpu_sync,
	.fdt_node = gicv2m_fdt_node,
	.fdt_spi_cells = gic_fdt_spi_cells,
	.fdt_ppi_cells = gicv2_fdt_ppi_cells,
	.msi_to_spi = gicv2_user_msi_to_spi,
	.reset = gicv2_user_ops_reset,
	.delivered = gicv2_user_delivered,
	.destroy = gicv2_user_ops_destroy,
};
