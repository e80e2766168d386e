/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The main thread's event loop while the vCPUs run: console input, SIGINT and
 * SIGTERM (caught only while it sleeps in ppoll()), --timeout, the control socket (vm->control),
 * and the VM's stop request.
 */
#ifndef ARMLET_LOOP_H
#define ARMLET_LOOP_H

#include "vm.h"

/*
 * Blocks the signals the loop and the vCPU threads handle synchronously.
 * Call before any thread is created; threads inherit the mask.
 */
int loop_block_signals(void);

/*
 * Runs until the VM stops; then kicks every vCPU out of KVM_RUN. Returns the
 * exit code. vcpus_start() must have been called. Runs again after
 * vm_stop_clear() (--reboot): signals that arrived in between are served
 * then, the control socket keeps its connections, and --timeout keeps the
 * first run's deadline.
 */
int loop_run(struct vm *vm);

#endif
