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
 */
#ifndef ARMLET_SUMMARY_H
#define ARMLET_SUMMARY_H

#include <stdio.h>

#include "board.h"
#include "vm.h"

/* Writes the summary to path ("-" for stderr). Returns 0 or -errno. */
int summary_write(const struct vm *vm, const struct board *b, const char *path);

/* Writes the summary to f, live or final. Returns 0 or -EIO. */
int summary_fprint(const struct vm *vm, const struct board *b, FILE *f);

#endif
