// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-kernel vGICv3 (Documentation/virt/kvm/devices/arm-vgic-v3.rst):
 * distributor and redistributors live in KVM; armlet sets their addresses,
 * the number of IRQs, and initialises it once every vCPU exists. The steps
 * any in-kernel vGIC shares (vgic_probe_device(), vgic_set_line(),
 * vgic_destroy()) live here too.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../vmm/kvm.h"
#include "../vmm/layout.h"
#include "../vmm/vm.h"
#include "gic.h"
#include "irqchip.h"

int vgic_probe_device(struct vm *vm, unsigned type, const char *what, unsigned flags, char *reason,
		      size_t len)
{
	int ret;

	if (flags & IRQCHIP_PROBE_NO_VGIC) {
		snprintf(reason, len, "KVM_CREATE_DEVICE %s: hidden by %s (test hook)", what,
			 IRQCHIP_TEST_NO_VGIC_ENV);
		return -ENODEV;
	}
	ret = kvm_create_device(vm, type, 1);
	if (ret)
		snprintf(reason, len, "KVM_CREATE_DEVICE %s: %s", what,
			 strerrorname_np(-ret) ?: "error");
	return ret;
}

int vgic_v3_probe(struct vm *vm, unsigned flags, char *reason, size_t len)
{
	return vgic_probe_device(vm, KVM_DEV_TYPE_ARM_VGIC_V3, "vgic-v3", flags, reason, len);
}

int vgic_v3_create(struct vm *vm)
{
	uint64_t dist = layout_base(LAYOUT_GIC_DIST);
	uint64_t redist = layout_base(LAYOUT_GIC_REDIST);
	uint32_t nr_irqs = GIC_NR_IRQS;
	int fd, ret;

	fd = kvm_create_device(vm, KVM_DEV_TYPE_ARM_VGIC_V3, 0);
	if (fd < 0)
		return fd;
	vm->irqchip_fd = fd;
	ret = kvm_set_attr(fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist);
	/* One redistributor frame pair per vCPU, from the region's base. */
	ret = ret
		  ?: kvm_set_attr(fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST,
				  &redist);
	ret = ret ?: kvm_set_attr(fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs);
	return ret;
}

int vgic_v3_vcpu_init(struct vm *vm, unsigned cpu, int vcpu_fd)
{
	(void)vm, (void)cpu, (void)vcpu_fd;
	return 0; /* KVM wires the redistributor to each vCPU itself */
}

int vgic_v3_finalize(struct vm *vm)
{
	/* Must follow the creation of every vCPU: KVM sizes the redistributors now. */
	return kvm_set_attr(vm->irqchip_fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT,
			    NULL);
}

int vgic_set_line(struct vm *vm, unsigned spi, bool level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (32 + spi),
		.level = level,
	};

	if (spi >= GIC_NR_SPIS)
		return -EINVAL;
	if (level)
		vm_count_irq_ioctl(&vm->irq_ioctl);
	return ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0 ? -errno : 0;
}

void vgic_destroy(struct vm *vm)
{
	if (vm->irqchip_fd >= 0)
		close(vm->irqchip_fd);
	vm->irqchip_fd = -1;
}

const struct irqchip_ops vgic_v3_ops = {
	.name = "gicv3",
	.probe = vgic_v3_probe,
	.create = vgic_v3_create,
	.vcpu_init = vgic_v3_vcpu_init,
	.finalize = vgic_v3_finalize,
	.set_line = vgic_set_line,
	.fdt_node = gicv3_fdt_node,
	.fdt_spi_cells = gic_fdt_spi_cells,
	.fdt_ppi_cells = gic_fdt_ppi_cells,
	.destroy = vgic_destroy,
};
