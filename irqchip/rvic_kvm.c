// SPDX-License-Identifier: GPL-2.0-only
/*
 * --irqchip=rvic: the rVIC/rVID (rvic_model.h), two backends.
 *
 * rvic_user_ops, on stock kernels (Linux 6.4+): the model runs in armlet.
 * The SMCCC filter (Documentation/virt/kvm/devices/vm.rst, section 6)
 * forwards exactly the rVIC's and the rVID's function IDs to userspace as
 * KVM_EXIT_HYPERCALL (the PC already past the HVC); vcpu.c reads x1..x3,
 * calls hypercall(), writes x0/x1 back. With no in-kernel irqchip, KVM
 * reports the timer and PMU levels in device_irq_level
 * (KVM_CAP_ARM_USER_IRQ) and each vCPU's IRQ pin is driven with
 * KVM_IRQ_LINE, CPU type, by the vCPU's own thread (user_pins.h), which
 * is also how a cross-vCPU SIGNAL wakes its target at once: a kick.
 *
 * rvic_kernel_ops, where the host has the 2020 series' KVM device (no
 * merged kernel does): KVM_CREATE_DEVICE, NR_IRQS and INIT once every
 * vCPU exists; rVID inputs through KVM_IRQ_LINE (type SPI) or irqfds.
 *
 * Both take MSIs at the doorbell (msi_to_spi(): the "SPI" is the rVID
 * input) and share the DT (rvic_common.c). No Linux guest has an rVIC
 * driver: this is for bare-metal guests and experiments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "../fdt/fdt.h"
#include "../vmm/kvm.h"
#include "../vmm/kvm_uapi.h"
#include "../vmm/vcpu.h"
#include "../vmm/vm.h"
#include "irqchip.h"
#include "rvic.h"
#include "rvic_model.h"
#include "user_pins.h"

_Static_assert(USER_PINS_DEV_VTIMER == KVM_ARM_DEV_EL1_VTIMER, "KVM's virtual timer bit");
_Static_assert(USER_PINS_DEV_PTIMER == KVM_ARM_DEV_EL1_PTIMER, "KVM's physical timer bit");
_Static_assert(USER_PINS_DEV_PMU == KVM_ARM_DEV_PMU, "KVM's PMU bit");
_Static_assert(RVIC_KVM_DEV_TYPE == ARMLET_KVM_DEV_TYPE_ARM_RVIC, "the 2020 series' type");
_Static_assert(RVIC_KVM_GRP_NR_IRQS == ARMLET_KVM_DEV_ARM_RVIC_GRP_NR_IRQS, "NR_IRQS group");
_Static_assert(RVIC_KVM_GRP_INIT == ARMLET_KVM_DEV_ARM_RVIC_GRP_INIT, "INIT group");
_Static_assert(RVIC_KVM_IRQ_TYPE_SPI == KVM_ARM_IRQ_TYPE_SPI, "KVM_IRQ_LINE's SPI type");
_Static_assert(RVIC_KVM_IRQ_TYPE_SHIFT == KVM_ARM_IRQ_TYPE_SHIFT, "KVM_IRQ_LINE's type field");
_Static_assert(LAYOUT_MAX_VCPUS <= USER_PINS_MAX_CPUS, "a pin for every vCPU");

/* The function IDs forwarded to armlet: exactly the two blocks, nothing around them. */
static const struct kvm_smccc_filter rvic_filters[] = {
	{ .base = RVIC_FID_BASE,
	  .nr_functions = RVIC_NR_FNS,
	  .action = KVM_SMCCC_FILTER_FWD_TO_USER },
	{ .base = RVID_FID_BASE,
	  .nr_functions = RVID_NR_FNS,
	  .action = KVM_SMCCC_FILTER_FWD_TO_USER },
};

struct rvic_chip {
	struct rvic model;
	struct user_pins pins;
	struct rvic_doorbell doorbell;
};

static struct rvic_chip *rvic_chip_of(const struct vm *vm)
{
	return vm->irqchip_priv;
}

/* No in-kernel vGIC involved: the test hook's flag does not apply. */
static int rvic_user_probe(struct vm *vm, unsigned flags, char *reason, size_t len)
{
	(void)flags;
	if (kvm_has_attr(vm->vm_fd, KVM_ARM_VM_SMCCC_CTRL, KVM_ARM_VM_SMCCC_FILTER)) {
		snprintf(reason, len,
			 "rvic needs Linux >= 6.4: this kernel's KVM has no SMCCC "
			 "filter (KVM_ARM_VM_SMCCC_FILTER) to forward the rVIC's calls");
		return -ENODEV;
	}
	if (kvm_check_cap(vm, KVM_CAP_ARM_USER_IRQ) <= 0) {
		snprintf(reason, len,
			 "rvic needs KVM_CAP_ARM_USER_IRQ, which this kernel's KVM "
			 "does not offer");
		return -ENODEV;
	}
	return 0;
}

/* An edge on rVID input: SIGNAL of its mapping, and a kick for the target. */
static int rvic_user_pulse(void *ctx, unsigned input)
{
	struct rvic_chip *chip = ctx;
	uint64_t changed;
	int ret = rvid_input(&chip->model, input, &changed);

	user_pins_notify(&chip->pins, changed, BUS_NO_CPU);
	/* Unmapped or disabled: dropped (and counted), as the spec says; not an error. */
	return ret == -EINVAL ? ret : 0;
}

/* Before any vCPU exists, so before any runs: the filter must be in place by then. */
static int rvic_user_create(struct vm *vm)
{
	struct rvic_chip *chip = calloc(1, sizeof(*chip));
	int ret;

	if (!chip)
		return -ENOMEM;
	ret = rvic_init(&chip->model, vm->cfg->nr_cpus, RVIC_NR_TRUSTED, RVIC_NR_TOTAL,
			rvic_nr_inputs());
	ret = ret
		  ?: user_pins_init(&chip->pins, vm->cfg->nr_cpus, vcpu_irq_pin_set,
				    vcpu_irq_pin_kick, vm);
	for (size_t i = 0; !ret && i < sizeof(rvic_filters) / sizeof(rvic_filters[0]); i++)
		ret = kvm_set_attr(vm->vm_fd, KVM_ARM_VM_SMCCC_CTRL, KVM_ARM_VM_SMCCC_FILTER,
				   &rvic_filters[i]);
	if (ret) {
		rvic_destroy(&chip->model);
		free(chip);
		return ret;
	}
	chip->doorbell = (struct rvic_doorbell){ .pulse = rvic_user_pulse, .ctx = chip };
	vm->irqchip_priv = chip;
	/* A guest CPU's own MSI writes, unless RAM is there (-m over 938 MiB). */
	if (RVIC_DOORBELL >= vm->mem.gpa && RVIC_DOORBELL < vm->mem.gpa + vm->mem.size)
		return 0;
	return bus_add(&vm->bus, RVIC_DOORBELL, RVIC_DOORBELL_SIZE, &rvic_doorbell_mmio_ops,
		       &chip->doorbell);
}

static int rvic_user_vcpu_init(struct vm *vm, unsigned cpu, int vcpu_fd)
{
	(void)vcpu_fd;
	if (cpu >= rvic_chip_of(vm)->model.nr_cpus)
		return -E2BIG;
	/* vcpus_create() has read it back from KVM already. */
	rvic_set_mpidr(&rvic_chip_of(vm)->model, cpu, vm->mpidr[cpu]);
	return 0;
}

static int rvic_user_finalize(struct vm *vm)
{
	(void)vm;
	return 0; /* nothing in KVM to initialise */
}

/* A wired device's line is an rVID input: its rising edge signals. */
static int rvic_user_set_line(struct vm *vm, unsigned spi, bool level)
{
	return level ? rvic_user_pulse(rvic_chip_of(vm), spi)
		     : (spi < rvic_nr_inputs() ? 0 : -EINVAL);
}

static uint64_t rvic_line(void *model, unsigned cpu, unsigned intid, bool level)
{
	return rvic_set_line(model, cpu, intid, level);
}

static bool rvic_out(void *model, unsigned cpu)
{
	return rvic_output(model, cpu);
}

static int rvic_user_vcpu_sync(struct vm *vm, unsigned cpu, uint64_t device_irq_level)
{
	struct rvic_chip *chip = rvic_chip_of(vm);

	user_pins_feed(&chip->pins, cpu, device_irq_level, rvic_line, &chip->model);
	return user_pins_sync(&chip->pins, cpu, rvic_out, &chip->model);
}

static void rvic_user_hypercall(struct vm *vm, unsigned cpu, uint64_t fid, const uint64_t arg[3],
				uint64_t ret[2])
{
	struct rvic_chip *chip = rvic_chip_of(vm);
	struct rvic_result res;

	rvic_call(&chip->model, cpu, fid, arg, &res);
	user_pins_notify(&chip->pins, res.changed, cpu);
	ret[0] = res.a0;
	ret[1] = res.a1;
}

static int rvic_msi_to_spi(const struct vm *vm, uint64_t addr, uint32_t data)
{
	(void)vm;
	return rvic_msi_input(addr, data);
}

static int rvic_user_reset(struct vm *vm)
{
	struct rvic_chip *chip = rvic_chip_of(vm);

	rvic_reset(&chip->model);
	user_pins_reset(&chip->pins);
	return 0;
}

static uint64_t rvic_user_delivered(const struct vm *vm)
{
	const struct rvic_chip *chip = vm->irqchip_priv;

	return chip ? __atomic_load_n(&chip->model.delivered, __ATOMIC_RELAXED) : 0;
}

/* The doorbell stays on the bus, which has no removal; nothing dispatches to it by now. */
static void rvic_user_destroy(struct vm *vm)
{
	struct rvic_chip *chip = vm->irqchip_priv;

	if (!chip)
		return;
	rvic_destroy(&chip->model);
	free(chip);
	vm->irqchip_priv = NULL;
}

const struct irqchip_ops rvic_user_ops = {
	.name = "rvic",
	.msi_phandle = FDT_PHANDLE_RVID,
	.spi_phandle = FDT_PHANDLE_RVID,
	.msi_devid = false, /* the doorbell decodes only the data */
	.probe = rvic_user_probe,
	.create = rvic_user_create,
	.vcpu_init = rvic_user_vcpu_init,
	.finalize = rvic_user_finalize,
	.set_line = rvic_user_set_line,
	.vcpu_sync = rvic_user_vcpu_sync,
	.hypercall = rvic_user_hypercall,
	.fdt_node = rvic_fdt_node,
	.fdt_spi_cells = rvic_fdt_spi_cells,
	.fdt_ppi_cells = rvic_fdt_ppi_cells,
	.msi_to_spi = rvic_msi_to_spi,
	.reset = rvic_user_reset,
	.delivered = rvic_user_delivered,
	.destroy = rvic_user_destroy,
};

/* --- the in-kernel rVIC ---------------------------------------------------------- */

static int kio_create_device(void *ctx, uint32_t type, bool test, int *fd)
{
	int ret = kvm_create_device(ctx, type, test);

	if (ret >= 0 && fd)
		*fd = ret;
	return ret < 0 ? ret : 0;
}

static int kio_set_attr(void *ctx, int fd, uint32_t group, uint64_t attr, const void *val)
{
	(void)ctx;
	return kvm_set_attr(fd, group, attr, val);
}

static int kio_irq_line(void *ctx, uint32_t irq, bool level)
{
	struct vm *vm = ctx;
	struct kvm_irq_level l = { .irq = irq, .level = level };

	vm_count_irq_ioctl(&vm->irq_ioctl);
	return ioctl(vm->vm_fd, KVM_IRQ_LINE, &l) < 0 ? -errno : 0;
}

static const struct rvic_kernel_ioctls rvic_kio = {
	.create_device = kio_create_device,
	.set_attr = kio_set_attr,
	.irq_line = kio_irq_line,
};

static int rvic_kernel_ops_probe(struct vm *vm, unsigned flags, char *reason, size_t len)
{
	int ret;

	(void)flags;
	ret = rvic_kernel_probe(&rvic_kio, vm);
	if (ret)
		snprintf(reason, len, "KVM_CREATE_DEVICE rvic (type %d): %s", RVIC_KVM_DEV_TYPE,
			 ret == -ENODEV ? "ENODEV (no in-kernel rVIC: never merged)" : "refused");
	return ret;
}

static int rvic_kernel_ops_create(struct vm *vm)
{
	return rvic_kernel_create(&rvic_kio, vm, &vm->irqchip_fd);
}

static int rvic_kernel_vcpu_init(struct vm *vm, unsigned cpu, int vcpu_fd)
{
	(void)vm, (void)cpu, (void)vcpu_fd;
	return 0;
}

static int rvic_kernel_ops_finalize(struct vm *vm)
{
	return rvic_kernel_finalize(&rvic_kio, vm, vm->irqchip_fd, RVIC_NR_TRUSTED, RVIC_NR_TOTAL);
}

static int rvic_kernel_set_line(struct vm *vm, unsigned spi, bool level)
{
	return rvic_kernel_input(&rvic_kio, vm, spi, level);
}

const struct irqchip_ops rvic_kernel_ops = {
	.name = "rvic-kvm",
	.msi_phandle = FDT_PHANDLE_RVID,
	.spi_phandle = FDT_PHANDLE_RVID,
	.msi_devid = false,
	.probe = rvic_kernel_ops_probe,
	.create = rvic_kernel_ops_create,
	.vcpu_init = rvic_kernel_vcpu_init,
	.finalize = rvic_kernel_ops_finalize,
	.set_line = rvic_kernel_set_line,
	.fdt_node = rvic_fdt_node,
	.fdt_spi_cells = rvic_fdt_spi_cells,
	.fdt_ppi_cells = rvic_fdt_ppi_cells,
	.msi_to_spi = rvic_msi_to_spi,
};
