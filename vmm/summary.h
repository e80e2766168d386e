/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The run summary of --stats: one JSON object saying how the run ended,
 * what the VM was, and what its counters saw (per-vCPU exits, MMIO regions,
 * devices with their kick and interrupt paths). Written after the vCPU
 * threads are joined and the devices stopped, so every counter is final.
 *
 * `armlet stat` gets the same object while the VM runs: "state" is then
 * "running" or "paused" (else "stopped"), exit_code and exit_reason are
 * null, and timeline_ms has "now" where the final summary has "exit".
 * Counters are read as they are at that moment (relaxed loads).
 *
 * Two halves, as for `armlet check`: summary.c (KVM) takes a snapshot of
 * the live VM into a struct summary; summary_json.c (portable, unit-tested)
 * writes a snapshot as JSON. The snapshot holds plain values, so a test can
 * build one by hand.
 */
#ifndef ARMLET_SUMMARY_H
#define ARMLET_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include "bus.h"
#include "json.h"
#include "layout.h"
#include "vm.h"

struct board;

enum summary_state {
	SUMMARY_RUNNING,
	SUMMARY_PAUSED,
	SUMMARY_STOPPED, /* only then are exit_code and exit_reason written */
};

/* One MMIO region's hits, keyed "name@base" in the JSON (names repeat: PCI windows). */
struct summary_mmio {
	const char *name;
	uint64_t base;
	uint64_t hits;
};

struct summary {
	enum summary_state state;
	int exit_code;
	const char *exit_reason;
	const char *irqchip; /* the model's name, NULL before one was chosen */
	const char *irqchip_reason;
	unsigned ipa_bits;
	uint64_t ram_bytes;
	unsigned reboots;
	/* ms since armlet started; 0 for what has not happened yet. */
	double first_kvm_run_ms;
	double first_console_byte_ms;
	double end_ms; /* "exit" when stopped, else "now" */
	unsigned nr_vcpus;
	uint64_t vcpu_exits[LAYOUT_MAX_VCPUS][VCPU_NR_EXIT_KINDS];
	unsigned nr_mmio;
	struct summary_mmio mmio[BUS_MAX_REGIONS];
	uint64_t mmio_unhandled;
	/*
	 * Interrupts by path: sent by devices through irqfds (the kernel
	 * injected them), asserted by armlet with an ioctl, delivered by a
	 * GIC or an rVIC in armlet (acknowledged by the guest).
	 */
	uint64_t irq_irqfd, irq_ioctl, irq_user_gic, irq_rvic;
	/* Optional: adds the device members ("pci", "devices") to the object. */
	void (*devices)(const void *ctx, struct json *j);
	const void *devices_ctx;
};

/* --- portable (summary_json.c) -------------------------------------------- */

/* Writes s to f as one JSON object (one member per line). Returns 0 or -EIO. */
int summary_print_json(const struct summary *s, FILE *f);

/* --- KVM (summary.c) ------------------------------------------------------ */

/* Writes the summary to path ("-" for stderr). Returns 0 or -errno. */
int summary_write(const struct vm *vm, const struct board *b, const char *path);

/* Writes the summary to f, live or final. Returns 0 or -EIO. */
int summary_fprint(const struct vm *vm, const struct board *b, FILE *f);

#endif
