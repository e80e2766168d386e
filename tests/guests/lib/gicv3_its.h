/*
 * A minimal GICv3 ITS driver (ARM IHI 0069, chapters 5 and 6), enough for
 * the benchmark guest to raise LPIs through an ITS and time them: one
 * redistributor (the calling CPU's) with LPIs on, flat device and
 * collection tables, a one-page command queue, one device with one ITT.
 * Everything lives in this library's .bss, written with the MMU off, so
 * the tables are given to the GIC as Non-cacheable.
 *
 * Order: gicv3_dist_init() and gicv3_cpu_init() (lib/gicv3.h) on the CPU
 * that is to take the LPIs, then gicv3_its_init() there, then
 * gicv3_its_map() per event; then gicv3_its_int() or a write to
 * GITS_TRANSLATER (gicv3_its_translate()) raises it.
 */
#ifndef GUEST_GICV3_ITS_H
#define GUEST_GICV3_ITS_H

#include "guest.h"

/* The first LPI INTID; the tables here cover GICV3_ITS_NR_LPIS from it. */
#define GICV3_LPI_BASE	   8192
#define GICV3_ITS_NR_LPIS  8192
#define GICV3_ITS_NR_EVENT 16 /* events per device (the ITT's size) */

/*
 * Turns on LPIs at the calling CPU's redistributor (GICR_PROPBASER,
 * GICR_PENDBASER, GICR_CTLR.EnableLPIs) and the ITS at its_base (the DT
 * node "arm,gic-v3-its"): device and collection tables (GITS_BASER<n>), the
 * command queue (GITS_CBASER), GITS_CTLR.Enable; then maps collection 0 to
 * this CPU (MAPC). Returns NULL, or what is missing or refused.
 */
const char *gicv3_its_init(uintptr_t its_base);

/*
 * Maps event of device devid to LPI intid on collection 0 (MAPD once per
 * device, MAPTI, INV, SYNC), enabled at priority prio, and waits for the
 * ITS to have read every command. Returns NULL or what failed.
 */
const char *gicv3_its_map(uint32_t devid, uint32_t event, uint32_t intid, uint8_t prio);

/*
 * Queues INT devid/event (the LPI that a write of event to GITS_TRANSLATER
 * from devid would raise) and writes GITS_CWRITER: the ITS takes it from
 * there. Does not wait, nor check for room: drain (gicv3_its_drain())
 * before 127 commands are in flight, the one-page queue's capacity.
 */
void gicv3_its_int(uint32_t devid, uint32_t event);

/* Waits (up to timeout_ms) for GITS_CREADR to reach GITS_CWRITER. */
bool gicv3_its_drain(uint64_t timeout_ms);

/* A 32-bit write of event to GITS_TRANSLATER, as a device's MSI is. */
void gicv3_its_translate(uint32_t event);

#endif /* GUEST_GICV3_ITS_H */
