/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupt-controller models. Each model is a backend file with a
 * `static const struct irqchip_ops`; the VM picks one at run time and never
 * patches it. vmm/ and the devices talk to the model only through this file.
 *
 * Lifecycle, in this order (see main.c):
 *   irqchip_select()   before the VM exists: which model, and why
 *   ops->create()      after KVM_CREATE_VM and RAM, before any vCPU exists
 *   ops->vcpu_init()   once per vCPU, after KVM_ARM_VCPU_INIT
 *   ops->finalize()    after every vCPU exists (KVM's vGIC CTRL_INIT)
 *   ops->fdt_node()    while the device tree is built
 *   ops->set_line()    from any thread once finalized
 *   ops->vcpu_sync()   (a model in userspace) by each vCPU thread before each KVM_RUN
 *   ops->reset()       between runs, for a guest reset (--reboot)
 */
#ifndef ARMLET_IRQCHIP_H
#define ARMLET_IRQCHIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct fdt_ctx;

enum irqchip_model {
	IRQCHIP_AUTO,	    /* probe and pick the best model the host offers */
	IRQCHIP_GICV3,	    /* in-kernel vGICv3 */
	IRQCHIP_GICV3_ITS,  /* in-kernel vGICv3 with an ITS: MSIs by device ID */
	IRQCHIP_GICV2,	    /* in-kernel vGICv2, at most 8 vCPUs */
	IRQCHIP_GICV2M,	    /* in-kernel vGICv2 with armlet's GICv2m frame: MSIs as SPIs */
	IRQCHIP_GICV2_USER, /* a GICv2 in armlet (KVM_CAP_ARM_USER_IRQ), at most 8 vCPUs */
	IRQCHIP_RVIC,	    /* the paravirtual rVIC/rVID: only when asked for (no Linux driver) */
	IRQCHIP_NR_MODELS
};

/*
 * "auto", "gicv3", "gicv3-its", "gicv2", "gicv2m", "gicv2-user", "rvic"; returns
 * -EINVAL for an unknown name.
 */
int irqchip_model_parse(const char *name, enum irqchip_model *out);
const char *irqchip_model_name(enum irqchip_model model);

/*
 * A test hook: with ARMLET_TEST_NO_VGIC=1 in the environment, every model
 * built on an in-kernel vGIC fails its probe as if the host had none, so
 * the tests can show auto falling back to gicv2-user on a host that has a
 * vGIC. For tests only.
 */
#define IRQCHIP_TEST_NO_VGIC_ENV "ARMLET_TEST_NO_VGIC"

/* Flags for probe(). */
enum {
	IRQCHIP_PROBE_NO_VGIC = 1u << 0, /* the test hook is on: no in-kernel vGIC */
};

/*
 * Whether the test hook is on: IRQCHIP_TEST_NO_VGIC_ENV set, non-empty and
 * not "0". The one place that reads it; irqchip_select() asks, and so does
 * `armlet check`, which must report what `run` would see.
 */
bool irqchip_test_no_vgic(void);

struct irqchip_ops {
	const char *name;
	/*
	 * The model's MSI controller, for the PCI transport: the phandle of its
	 * device-tree node (what msi-parent points at), or 0 when the model
	 * takes no MSIs and devices must use wired interrupts.
	 */
	uint32_t msi_phandle;
	/*
	 * Where wired lines (SPIs) are described: 0 when fdt_spi_cells()
	 * specifiers are the root interrupt controller's (the GICs), else the
	 * phandle of the node they belong to (the rVIC's wired lines are rVID
	 * inputs), which device nodes and the PCI interrupt-map then name.
	 */
	uint32_t spi_phandle;
	/*
	 * Each MSI must carry its writer's device ID (struct msi_msg.devid,
	 * the PCI requester ID): the GICv3 ITS maps (device ID, data) to an LPI.
	 */
	bool msi_devid;
	/*
	 * Asks the host whether this model can be created, without creating it.
	 * flags are IRQCHIP_PROBE_*. Returns 0, or -errno with why in reason
	 * (one clause, e.g. "KVM_CREATE_DEVICE vgic-v3: ENODEV").
	 */
	int (*probe)(struct vm *vm, unsigned flags, char *reason, size_t len);
	int (*create)(struct vm *vm);
	int (*vcpu_init)(struct vm *vm, unsigned cpu, int vcpu_fd);
	int (*finalize)(struct vm *vm);
	/*
	 * Drives SPI spi (0-based, INTID 32 + spi) to level. Thread-safe.
	 * Returns -errno.
	 */
	int (*set_line)(struct vm *vm, unsigned spi, bool level);
	/*
	 * Optional, for a model in userspace (KVM_CAP_ARM_USER_IRQ): called by
	 * vCPU cpu's own thread before each KVM_RUN (so after each return from
	 * it, exit or EINTR, once the exit is handled), with the timer and PMU
	 * output levels KVM left in kvm_run's device_irq_level (KVM_ARM_DEV_*
	 * bits). Feeds them to the model, and drives the vCPU's IRQ pin to
	 * the model's output if that changed. Returns -errno.
	 */
	int (*vcpu_sync)(struct vm *vm, unsigned cpu, uint64_t device_irq_level);
	/*
	 * Optional, for a model that takes SMCCC calls from the guest (the
	 * userspace rVIC, through KVM_EXIT_HYPERCALL): vCPU cpu called fid
	 * (x0) with arguments x1..x3 in arg; ret gets what x0 and x1 return.
	 * From cpu's own thread; never fails (a bad call gets a status).
	 */
	void (*hypercall)(struct vm *vm, unsigned cpu, uint64_t fid, const uint64_t arg[3],
			  uint64_t ret[2]);
	/* Adds the controller node (with a phandle) to the device tree. */
	int (*fdt_node)(const struct fdt_ctx *ctx);
	/*
	 * Writes the interrupt specifier cells for SPI spi into cells and
	 * returns how many it wrote (at most 4).
	 */
	unsigned (*fdt_spi_cells)(unsigned spi, bool level, uint32_t *cells);
	/*
	 * Likewise for a PPI given by INTID (16..31), e.g. the timer's, in a VM
	 * of nr_cpus vCPUs (GICv2 specifiers name the CPUs a PPI is wired to).
	 */
	unsigned (*fdt_ppi_cells)(unsigned intid, bool level, unsigned nr_cpus, uint32_t *cells);
	/*
	 * Optional, for an MSI controller that turns each MSI into an SPI edge
	 * (GICv2m) rather than into something only the kernel knows (the ITS's
	 * LPIs): the SPI (0-based) a write of data to addr raises, or -EINVAL
	 * when the controller would ignore that write (not its doorbell, no SPI
	 * of its block). No side effects; any thread, once created.
	 */
	int (*msi_to_spi)(const struct vm *vm, uint64_t addr, uint32_t data);
	/*
	 * Optional: puts back to power-on what the guest's next boot would
	 * otherwise find set up and could not undo cleanly. After a guest
	 * reset, every vCPU thread joined. Returns -errno.
	 */
	int (*reset)(struct vm *vm);
	/*
	 * Optional, for a model in armlet: how many interrupts it has delivered
	 * so far (a guest CPU acknowledged them), for the run summary. Any
	 * thread; a relaxed read.
	 */
	uint64_t (*delivered)(const struct vm *vm);
	void (*destroy)(struct vm *vm);
};

/*
 * Resolves the requested model to a backend. For IRQCHIP_AUTO, probes the
 * candidates best first; reason receives one line saying what was chosen
 * and, model by model, why the better ones were not. Returns NULL, with why
 * in reason, when the host cannot provide the requested model. Honours the
 * test hook (irqchip_test_no_vgic()).
 */
const struct irqchip_ops *irqchip_select(struct vm *vm, enum irqchip_model model, char *reason,
					 size_t len);

/* The backends. */
extern const struct irqchip_ops vgic_v3_ops;
extern const struct irqchip_ops vgic_its_ops;
extern const struct irqchip_ops vgic_v2_ops;
extern const struct irqchip_ops vgic_v2m_ops;
extern const struct irqchip_ops gicv2_user_ops;
extern const struct irqchip_ops rvic_user_ops;	 /* rvic_kvm.c: the rVIC in armlet */
extern const struct irqchip_ops rvic_kernel_ops; /* rvic_kvm.c: KVM's, where a host has one */

#endif
