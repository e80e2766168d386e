/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The MMIO bus: the guest physical regions armlet emulates, sorted by base.
 * A vCPU's MMIO exit is dispatched here; so are accesses the unit tests make.
 */
#ifndef ARMLET_BUS_H
#define ARMLET_BUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct mmio_region;
struct fdt_ctx;

/*
 * Who made an access: the index of the vCPU whose MMIO exit it is, or
 * BUS_NO_CPU (the unit tests, anything else that is not a vCPU). Only
 * devices banked per CPU look at it (a GICv2's CPU interface and its
 * banked distributor registers); everything else ignores it.
 */
#define BUS_NO_CPU (~0u)

struct mmio_ops {
	const char *name;
	/*
	 * Access at offset off (relative to the region base) of len bytes
	 * (1, 2, 4 or 8). Reads store the value in *val (zero-extended). The bus
	 * guarantees off + len <= region size.
	 */
	void (*read)(struct mmio_region *r, uint64_t off, unsigned len, uint64_t *val);
	void (*write)(struct mmio_region *r, uint64_t off, unsigned len, uint64_t val);
	/*
	 * Optional, for devices banked per CPU: the same, with the accessing
	 * vCPU (or BUS_NO_CPU). When set, the bus calls these instead of
	 * read/write.
	 */
	void (*read_cpu)(struct mmio_region *r, unsigned cpu, uint64_t off, unsigned len,
			 uint64_t *val);
	void (*write_cpu)(struct mmio_region *r, unsigned cpu, uint64_t off, unsigned len,
			  uint64_t val);
	/* Adds the device's node to the device tree; NULL for none. Returns -errno. */
	int (*fdt_node)(const struct mmio_region *r, const struct fdt_ctx *ctx);
};

struct mmio_region {
	uint64_t base;
	uint64_t size;
	const struct mmio_ops *ops;
	void *opaque;  /* the device's state */
	uint64_t hits; /* accesses dispatched here (statistics) */
};

#define BUS_MAX_REGIONS 64

struct mmio_bus {
	/* Readers are vCPU threads; writers add regions (and later move BARs). */
	pthread_rwlock_t lock;
	unsigned nr;
	struct mmio_region regions[BUS_MAX_REGIONS];
	uint64_t unhandled; /* accesses that hit no region */
};

void bus_init(struct mmio_bus *bus);
void bus_destroy(struct mmio_bus *bus);

/*
 * Adds a region; ops must outlive the bus. Returns -EEXIST when it overlaps
 * another region, -EINVAL for an empty or wrapping range, -ENOSPC when full.
 */
int bus_add(struct mmio_bus *bus, uint64_t base, uint64_t size, const struct mmio_ops *ops,
	    void *opaque);

/*
 * Dispatches an access. Returns true when a region handled it; otherwise
 * (no region, or the access straddles a region's end) reads give 0, writes
 * are dropped, and it returns false so the caller can log it.
 */
bool bus_read(struct mmio_bus *bus, uint64_t addr, unsigned len, uint64_t *val);
bool bus_write(struct mmio_bus *bus, uint64_t addr, unsigned len, uint64_t val);

/*
 * The same for an access vCPU cpu made (its MMIO exit): the region's
 * read_cpu/write_cpu get cpu. bus_read() and bus_write() are these with
 * BUS_NO_CPU.
 */
bool bus_read_cpu(struct mmio_bus *bus, unsigned cpu, uint64_t addr, unsigned len, uint64_t *val);
bool bus_write_cpu(struct mmio_bus *bus, unsigned cpu, uint64_t addr, unsigned len, uint64_t val);

#endif
