/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A GICv2 (ARM IHI 0048B) in userspace: distributor and CPU interface as a
 * state machine on plain memory, with no KVM in it. The KVM side
 * (KVM_CAP_ARM_USER_IRQ) forwards the guest's GICD/GICC accesses here with
 * the index of the vCPU that made them, feeds in device lines (SPIs) and the
 * timer/PMU levels (PPIs), and drives each vCPU's IRQ pin from the output.
 *
 * What the guest sees, and why:
 *  - One Security state, as a guest under KVM sees a GIC: TYPER.SecurityExtn
 *    is 0. Every interrupt is Group 0 (IGROUPR is RAZ/WI, as in KVM's
 *    vGICv2 and what Linux's GICv2 driver expects: it never writes
 *    IGROUPR and enables Group 0 only). So GICD_CTLR implements EnableGrp0
 *    (bit 0) alone; EnableGrp1 is RAZ/WI, there being no Group 1.
 *  - GICC_CTLR keeps EnableGrp0, EnableGrp1, AckCtl, CBPR and EOImodeS
 *    (bit 9, which Linux sets as "EOImode"). Only EnableGrp0 and EOImodeS
 *    act; the others are stored because software reads them back, but
 *    govern Group 1, which never holds an interrupt. FIQEn is RAZ/WI (the
 *    model has an IRQ output only, so Group 0 is signalled as IRQ); the
 *    bypass-disable bits and EOImodeNS are RAZ/WI (no bypass, no Group 1).
 *  - The aliased (Group 1) registers: GICC_ABPR is stored (minimum 3),
 *    GICC_AIAR and GICC_AHPPIR read 1023, GICC_AEOIR ignores writes.
 *  - 5 priority bits (32 levels, [7:3]; the GIC-400's and KVM's vGICv2's
 *    count): lower bits of IPRIORITYR and PMR are RAZ/WI; the minimum
 *    GICC_BPR is 2, so GICC_APR0 bit n stands for group priority n << 3.
 *  - SGIs are enabled at reset and can be disabled (IMPLEMENTATION DEFINED,
 *    as QEMU and KVM do). SGIs are edge; PPIs are level and read-only in
 *    ICFGR (the timers and the PMU are level); SPIs are level or edge.
 *  - ITARGETSR0-7 read as the accessing CPU's own mask even with one CPU
 *    (as KVM does, instead of the uniprocessor RAZ/WI the GICD_ITARGETSRn
 *    description allows): Linux takes its SGI target map from them, and a
 *    zero map would lose its self-IPIs.
 *  - Accesses: 32-bit to every register; also 8-bit to IPRIORITYR,
 *    ITARGETSR, CPENDSGIR and SPENDSGIR, as their descriptions allow. Any
 *    other width (64-bit included), an unaligned access, a reserved or
 *    unimplemented offset, or a bit for an unimplemented interrupt reads as
 *    zero and ignores writes.
 *
 * Locking: one mutex in the model, taken by every function below. Nothing
 * is called back: a function that can change an IRQ output returns the mask
 * of CPUs whose output changed, and the caller acts on it after the call
 * returns: it kicks those vCPUs, and each vCPU thread, before entering
 * KVM_RUN again, reads its own level with gicv2_model_irq_lines() and
 * drives its KVM_IRQ_LINE. So no lock is held across an ioctl, and a
 * vCPU's pin is only ever set by one thread, from the latest level.
 */
#ifndef ARMLET_GICV2_MODEL_H
#define ARMLET_GICV2_MODEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define GICV2_MAX_CPUS	 8
#define GICV2_NR_SGIS	 16
#define GICV2_NR_PRIVATE 32   /* SGIs and PPIs, banked per CPU */
#define GICV2_MAX_IRQS	 1020 /* INTIDs 1020..1023 are special */
#define GICV2_MAX_SPIS	 (GICV2_MAX_IRQS - GICV2_NR_PRIVATE)
#define GICV2_SPURIOUS	 1023
#define GICV2_DIST_SIZE	 0x1000
#define GICV2_CPU_SIZE	 0x2000
#define GICV2_PRIO_MASK	 0xf8 /* implemented priority bits */
#define GICV2_IDLE_PRIO	 0xff /* GICC_RPR with nothing active */
#define GICV2_BPR_MIN	 2
#define GICV2_ABPR_MIN	 3

/* Distributor registers (IHI 0048B §4.3, Table 4-1). */
#define GICD_CTLR	0x000
#define GICD_TYPER	0x004
#define GICD_IIDR	0x008
#define GICD_IGROUPR	0x080
#define GICD_ISENABLER	0x100
#define GICD_ICENABLER	0x180
#define GICD_ISPENDR	0x200
#define GICD_ICPENDR	0x280
#define GICD_ISACTIVER	0x300
#define GICD_ICACTIVER	0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR	0x800
#define GICD_ICFGR	0xc00
#define GICD_NSACR	0xe00
#define GICD_SGIR	0xf00
#define GICD_CPENDSGIR	0xf10
#define GICD_SPENDSGIR	0xf20
#define GICD_PIDR4	0xfd0
#define GICD_PIDR0	0xfe0
#define GICD_PIDR2	0xfe8
#define GICD_CIDR0	0xff0

/* CPU interface registers (IHI 0048B §4.4, Table 4-2). */
#define GICC_CTLR   0x0000
#define GICC_PMR    0x0004
#define GICC_BPR    0x0008
#define GICC_IAR    0x000c
#define GICC_EOIR   0x0010
#define GICC_RPR    0x0014
#define GICC_HPPIR  0x0018
#define GICC_ABPR   0x001c
#define GICC_AIAR   0x0020
#define GICC_AEOIR  0x0024
#define GICC_AHPPIR 0x0028
#define GICC_APR0   0x00d0
#define GICC_NSAPR0 0x00e0
#define GICC_IIDR   0x00fc
#define GICC_DIR    0x1000

#define GICD_CTLR_ENABLE  (1u << 0)
#define GICC_CTLR_GRP0	  (1u << 0)
#define GICC_CTLR_GRP1	  (1u << 1)
#define GICC_CTLR_ACKCTL  (1u << 2)
#define GICC_CTLR_FIQEN	  (1u << 3)
#define GICC_CTLR_CBPR	  (1u << 4)
#define GICC_CTLR_EOIMODE (1u << 9)
#define GICC_CTLR_MASK                                                                             \
	(GICC_CTLR_GRP0 | GICC_CTLR_GRP1 | GICC_CTLR_ACKCTL | GICC_CTLR_CBPR | GICC_CTLR_EOIMODE)
#define GICV2_IAR_CPUID(v) (((v) >> 10) & 7)
#define GICV2_IAR_INTID(v) ((v)&0x3ff)

/* Identification: ARM as implementer (JEP106 0x43b), GICv2 architecture. */
#define GICV2_GICD_IIDR 0x0000043bu
#define GICV2_GICC_IIDR 0x0002043bu /* ArchitectureVersion [19:16] = 2 */

/* One interrupt as seen by one CPU (SGI, PPI) or by all (SPI). */
struct gicv2_irq {
	uint8_t priority; /* implemented bits only (GICV2_PRIO_MASK) */
	uint8_t targets;  /* SPIs: GICD_ITARGETSR, implemented CPUs only */
	bool enabled;
	bool latched; /* pending not owed to the line: an edge, or ISPENDR */
	bool active;
	bool edge; /* GICD_ICFGR: edge-triggered, else level-sensitive */
	bool line; /* the input's level (PPIs and SPIs) */
};

struct gicv2_cpu {
	struct gicv2_irq priv[GICV2_NR_PRIVATE];
	uint8_t sgi_sources[GICV2_NR_SGIS]; /* pending SGI n: bit c = from CPU c */
	uint32_t ctlr;			    /* GICC_CTLR, GICC_CTLR_MASK bits */
	uint8_t pmr;
	uint8_t bpr;
	uint8_t abpr;
	uint32_t apr; /* GICC_APR0: bit n = group priority n << 3 is active */
};

/* All of a GIC's state. Fields are the model's; use the functions. */
struct gicv2_model {
	pthread_mutex_t lock;
	unsigned nr_cpus;
	unsigned nr_spis;
	unsigned nr_irqs; /* 32 + nr_spis: INTIDs at and above are RAZ/WI */
	bool enabled;	  /* GICD_CTLR.EnableGrp0 */
	struct gicv2_cpu cpu[GICV2_MAX_CPUS];
	struct gicv2_irq spi[GICV2_MAX_SPIS];
	uint32_t irq_lines;  /* bit c: CPU c's IRQ output is high */
	uint64_t generation; /* bumped whenever irq_lines changes */
	uint64_t acks;	     /* GICC_IAR reads that acknowledged an interrupt (run summary) */
};

/*
 * Sets g up at power-on for nr_cpus (1..8) CPU interfaces and nr_spis
 * (0..988) SPIs, INTIDs 32..32+nr_spis-1; TYPER.ITLinesNumber covers them
 * rounded up to 32. All input lines start low. Returns -EINVAL for counts
 * out of range, or -errno from the mutex; g is then unusable.
 */
int gicv2_model_init(struct gicv2_model *g, unsigned nr_cpus, unsigned nr_spis);

/* Releases the mutex. g must be idle: no call in progress or to come. */
void gicv2_model_destroy(struct gicv2_model *g);

/*
 * Puts every register back to its power-on value, for a guest reset. The
 * input lines keep their levels: they belong to the devices and timers,
 * which set them again as they reset. Returns the CPUs whose output changed.
 */
uint32_t gicv2_model_reset(struct gicv2_model *g);

/*
 * A guest access by CPU cpu to the distributor (4 KiB frame) or the CPU
 * interface (8 KiB frame, the CPU's own) at offset off of len bytes.
 * Reads store the zero-extended value in *val. Any off, len and cpu are
 * safe: what is not a register access (a cpu beyond nr_cpus included)
 * reads as zero and changes nothing. Returns the mask of CPUs whose IRQ
 * output changed: a GICC_IAR read acknowledges, for one.
 */
uint32_t gicv2_model_dist_read(struct gicv2_model *g, unsigned cpu, uint64_t off, unsigned len,
			       uint64_t *val);
uint32_t gicv2_model_dist_write(struct gicv2_model *g, unsigned cpu, uint64_t off, unsigned len,
				uint64_t val);
uint32_t gicv2_model_cpu_read(struct gicv2_model *g, unsigned cpu, uint64_t off, unsigned len,
			      uint64_t *val);
uint32_t gicv2_model_cpu_write(struct gicv2_model *g, unsigned cpu, uint64_t off, unsigned len,
			       uint64_t val);

/*
 * Drives the input of SPI intid (32..nr_irqs-1) to level: an edge-triggered
 * SPI latches pending on a rising edge; a level-sensitive one is pending
 * while its line is high. Returns the (non-negative) mask of CPUs whose
 * output changed, or -EINVAL for an INTID that is not an implemented SPI.
 */
int gicv2_model_set_line(struct gicv2_model *g, unsigned intid, bool level);

/*
 * Likewise for PPI intid (16..31) of CPU cpu: the virtual timer (27), the
 * physical timer (30), the PMU (23). -EINVAL for a bad CPU or INTID.
 */
int gicv2_model_set_ppi_line(struct gicv2_model *g, unsigned cpu, unsigned intid, bool level);

/*
 * The IRQ outputs: bit c is set when CPU c has an interrupt of sufficient
 * priority to signal (enabled distributor and CPU interface, pending,
 * enabled, not active, targeting c, priority above GICC_PMR and its group
 * priority above the running priority). *generation (when not NULL)
 * receives a counter bumped on every change of any bit.
 */
uint32_t gicv2_model_irq_lines(struct gicv2_model *g, uint64_t *generation);

#endif
