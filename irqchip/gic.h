/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device-tree halves shared by the GIC models (arm,gic-v3 binding,
 * Documentation/devicetree/bindings/interrupt-controller/arm,gic-v3.yaml).
 * Pure functions of the layout and vCPU count: no KVM.
 */
#ifndef ARMLET_GIC_H
#define ARMLET_GIC_H

#include <stdbool.h>
#include <stdint.h>

struct fdt_ctx;

#define GIC_NR_SPIS 96 /* SPIs armlet exposes: INTIDs 32..127 */
#define GIC_NR_IRQS (32 + GIC_NR_SPIS)

/* Adds the arm,gic-v3 node for ctx's vCPU count. */
int gicv3_fdt_node(const struct fdt_ctx *ctx);

/* Interrupt specifiers: <type number flags> for GIC bindings. */
unsigned gic_fdt_spi_cells(unsigned spi, bool level, uint32_t *cells);
unsigned gic_fdt_ppi_cells(unsigned intid, bool level, uint32_t *cells);

#endif
