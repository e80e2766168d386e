/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Arm generic timer as the guest sees it. KVM emulates the counters and
 * timers; armlet describes them (and, with a userspace irqchip, will route
 * their output lines).
 */
#ifndef ARMLET_TIMER_H
#define ARMLET_TIMER_H

struct fdt_ctx;

/*
 * Adds the "arm,armv8-timer" node with KVM's timer PPIs: secure physical
 * (INTID 29), non-secure physical (30), virtual (27), hypervisor (26).
 */
int arch_timer_fdt_node(const struct fdt_ctx *ctx);

#endif
