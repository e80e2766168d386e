/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Halves shared by the GIC models. The device-tree builders (gic_fdt.c;
 * Documentation/devicetree/bindings/interrupt-controller/arm,gic-v3.yaml,
 * and arm,gic.yaml with its v2m frame) are pure functions of the layout and
 * vCPU count, no KVM. The in-kernel vGICv3 steps (vgic_v3.c, KVM only) are
 * what both KVM GICv3 models are made of: gicv3 uses them as they are,
 * gicv3-its (vgic_its.c) adds an ITS around them. The vGICv2 models
 * (vgic_v2.c) share only the steps any in-kernel vGIC has: vgic_probe_device(),
 * vgic_set_line() and vgic_destroy(). Every GICv2 model, gicv2-user
 * (gicv2_user.c) included, shares the GICv2 node and the 8-vCPU limit.
 */
#ifndef ARMLET_GIC_H
#define ARMLET_GIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fdt_ctx;
struct vm;

#define GIC_NR_SPIS 96 /* SPIs armlet exposes: INTIDs 32..127 */
#define GIC_NR_IRQS (32 + GIC_NR_SPIS)

/* GICv2 (IHI 0048B): 8 CPU interfaces, a 4 KiB GICD, an 8 KiB GICC (GICC_DIR at 0x1000). */
#define GIC_V2_MAX_CPUS	 8
#define GIC_V2_DIST_SIZE 0x1000
#define GIC_V2_CPU_SIZE	 0x2000

/* Adds the arm,gic-v3 node for ctx's vCPU count. */
int gicv3_fdt_node(const struct fdt_ctx *ctx);

/*
 * Adds the arm,gic-v3 node with an arm,gic-v3-its child (an MSI controller
 * with phandle FDT_PHANDLE_ITS) at LAYOUT_GIC_ITS.
 */
int gicv3_its_fdt_node(const struct fdt_ctx *ctx);

/*
 * Adds the arm,cortex-a15-gic node (GICv2: GICD at LAYOUT_GIC_DIST, GICC at
 * LAYOUT_GIC_CPU) with no children.
 */
int gicv2_fdt_node(const struct fdt_ctx *ctx);

/*
 * Adds the arm,cortex-a15-gic node with an arm,gic-v2m-frame child (an MSI
 * controller with phandle FDT_PHANDLE_V2M) at LAYOUT_GIC_V2M. The frame's
 * SPIs are not in the tree: the guest reads them from MSI_TYPER.
 */
int gicv2m_fdt_node(const struct fdt_ctx *ctx);

/* Interrupt specifiers: <type number flags> for GIC bindings. */
unsigned gic_fdt_spi_cells(unsigned spi, bool level, uint32_t *cells);
unsigned gic_fdt_ppi_cells(unsigned intid, bool level, unsigned nr_cpus, uint32_t *cells);
/* GICv2's PPI flags also name the CPUs the PPI reaches: all nr_cpus of them. */
unsigned gicv2_fdt_ppi_cells(unsigned intid, bool level, unsigned nr_cpus, uint32_t *cells);

/*
 * The vGICv3's irqchip_ops steps (vgic_v3.c), with the contract of
 * irqchip.h. vgic_v3_create() sets vm->irqchip_fd; vgic_destroy() closes it.
 */
int vgic_v3_probe(struct vm *vm, unsigned flags, char *reason, size_t len);
int vgic_v3_create(struct vm *vm);
int vgic_v3_vcpu_init(struct vm *vm, unsigned cpu, int vcpu_fd);
int vgic_v3_finalize(struct vm *vm);

/* Any in-kernel vGIC, v2 or v3: KVM_IRQ_LINE on SPI spi; closing vm->irqchip_fd. */
int vgic_set_line(struct vm *vm, unsigned spi, bool level);
void vgic_destroy(struct vm *vm);

/*
 * Any GICv2 model, in the kernel or in armlet: 0 when the VM's vCPUs fit
 * its 8 CPU interfaces, else -E2BIG with the one-line why in reason.
 */
int gicv2_probe_nr_cpus(const struct vm *vm, char *reason, size_t len);

/*
 * Asks KVM whether it can create a device of type (KVM_CREATE_DEVICE_TEST).
 * Returns 0, or -errno with "KVM_CREATE_DEVICE <what>: ENODEV" in reason.
 * With IRQCHIP_PROBE_NO_VGIC in flags (the test hook) it does not ask, and
 * fails with -ENODEV and a reason that says the hook hid the device.
 */
int vgic_probe_device(struct vm *vm, unsigned type, const char *what, unsigned flags, char *reason,
		      size_t len);

#endif
