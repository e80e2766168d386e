/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The KVM side of a VM: /dev/kvm, the VM fd, RAM registration. arm64 only.
 * Each function returns 0 or -errno and, on failure, writes one line into
 * err that says what failed, why, and what to do.
 */
#ifndef ARMLET_KVM_H
#define ARMLET_KVM_H

#include <stddef.h>

#include "vm.h"

/* The KVM device: /dev/kvm, or $ARMLET_KVM_DEV when set (for tests and odd set-ups). */
const char *kvm_dev_path(void);

/* Opens kvm_dev_path() and checks the API version. */
int kvm_open(struct vm *vm, char *err, size_t len);

/* KVM_CHECK_EXTENSION on the VM fd when there is one, else on /dev/kvm. */
int kvm_check_cap(struct vm *vm, long cap);

/*
 * Creates the VM with the smallest IPA size that holds the memory map with
 * cfg->ram_size of RAM. Must follow kvm_open().
 */
int kvm_create_vm(struct vm *vm, char *err, size_t len);

/* Maps guest RAM and registers it as memory slot 0. After kvm_create_vm(). */
int kvm_map_ram(struct vm *vm, char *err, size_t len);

/* Creates an in-kernel device (KVM_CREATE_DEVICE); test_only probes. Returns fd or -errno. */
int kvm_create_device(struct vm *vm, unsigned type, int test_only);

/* KVM_SET_DEVICE_ATTR on fd (device or vCPU). Returns -errno. */
int kvm_set_attr(int fd, unsigned group, unsigned long long attr, const void *addr);

/* KVM_HAS_DEVICE_ATTR on fd (a device, or the VM for VM attributes): 0 or -errno. */
int kvm_has_attr(int fd, unsigned group, unsigned long long attr);

void kvm_close(struct vm *vm);

#endif
