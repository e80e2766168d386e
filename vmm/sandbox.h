/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The seccomp sandbox: once the VM is built (every disk, kernel, socket and
 * /dev/kvm open), each armlet thread may make only the system calls its kind
 * needs; any other kills the process with SIGSYS and a one-line message.
 *
 * Filters stack and a thread inherits its creator's, so a thread's allowance
 * is what its kind's filter AND every ancestor's allow. The kinds follow who
 * starts whom: the main thread starts vCPU threads (each boot), and a vCPU
 * thread starts device threads (a driver setting DRIVER_OK is an MMIO write):
 *
 *   main   (everything: sandbox_install() puts the union on every thread)
 *    └ vcpu  (its table + device's: device threads inherit it)
 *       └ device  (its table only)
 *
 * A thread started before sandbox_install() (the irqfd resample thread) keeps
 * the union. Tables are in sandbox_policy.c: one per kind, one line per call.
 */
#ifndef ARMLET_SANDBOX_H
#define ARMLET_SANDBOX_H

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>

/* 1 in a build with AddressSanitizer, whose runtime the filters then allow for. */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SANITIZER 1
#endif
#endif
#ifndef SANDBOX_SANITIZER
#define SANDBOX_SANITIZER 0
#endif

enum sandbox_kind {
	SANDBOX_MAIN,	/* main loop, control socket, --reboot, --stats, teardown */
	SANDBOX_VCPU,	/* KVM_RUN loops and the device emulation they run */
	SANDBOX_DEVICE, /* virtio queue threads, the irqfd resample thread */
	SANDBOX_NR_KINDS,
};

/*
 * What this VM has that widens every kind's allowance (a device thread's
 * needs are every ancestor's too). Without them, vCPU and device threads
 * open no files.
 */
enum {
	SANDBOX_FS = 1u << 0,  /* a --9p share: its device thread works on files */
	SANDBOX_NET = 1u << 1, /* a NIC: user mode's slirp makes sockets, tap needs readv */
};

/* "main", "vcpu", "device"; NULL for anything else. */
const char *sandbox_kind_name(enum sandbox_kind kind);

/*
 * Builds the filter for kind: its table plus those of the kinds it starts,
 * plus the one every thread needs, plus those features (SANDBOX_FS, ...)
 * bring; anything else traps (SIGSYS). With tsync, loading it puts it on
 * every thread of the process. The caller owns *out (seccomp_release()).
 * Returns 0 or -errno.
 */
int sandbox_filter_build(enum sandbox_kind kind, unsigned features, bool tsync,
			 scmp_filter_ctx *out);

/*
 * Whether kind's filter lets syscall (a libseccomp name, "openat") through
 * whatever its arguments (false for a call allowed only with some): the
 * policy as data, for tests and `--sandbox` debugging.
 */
bool sandbox_allows(enum sandbox_kind kind, unsigned features, const char *syscall);

/*
 * From the main thread, after everything that opens files at setup and
 * before the vCPUs start: installs the SIGSYS reporter and the union filter
 * on every thread; features (SANDBOX_FS, ...) hold for every thread after.
 * Returns 0, or -errno with a one-line reason and fix in err (-ENOSYS: the
 * kernel has no seccomp filters).
 */
int sandbox_install(unsigned features, char *err, size_t len);

/*
 * First thing in a thread of kind: narrows its filter to kind's, if the
 * sandbox is on (a no-op under --sandbox=off). Returns 0 or -errno.
 * ARMLET_TEST_SANDBOX_TRIP=KIND (a test hook) makes a thread of that kind
 * then attempt a forbidden call, which must kill armlet.
 */
int sandbox_thread_enter(enum sandbox_kind kind);

#endif
