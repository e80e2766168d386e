/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The armlet test device (--testdev): how bare-metal test guests report
 * pass or fail and learn about the VM. 32-bit registers:
 *   0x00 EXIT     write: 0 = pass (armlet exits 0), else fail with that code (exit 5)
 *   0x04 NR_CPUS  read: number of vCPUs
 *   0x08 RAM_LO   read: RAM size in bytes, low word
 *   0x0c RAM_HI   read: high word
 * Other offsets read as zero and ignore writes.
 */
#ifndef ARMLET_TESTDEV_H
#define ARMLET_TESTDEV_H

#include "../bus.h"

#define TESTDEV_EXIT	0x00
#define TESTDEV_NR_CPUS 0x04
#define TESTDEV_RAM_LO	0x08
#define TESTDEV_RAM_HI	0x0c

/* The region's opaque is the struct vm. */
extern const struct mmio_ops testdev_mmio_ops;

#endif
