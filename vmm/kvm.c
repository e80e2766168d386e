// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm.h"
#include "layout.h"
#include "log.h"

#define KVM_DEFAULT_IPA_BITS 40 /* what VM type 0 gets */

const char *kvm_dev_path(void)
{
	const char *path = getenv("ARMLET_KVM_DEV");

	return path && *path ? path : "/dev/kvm";
}

int kvm_open(struct vm *vm, char *err, size_t len)
{
	const char *path = kvm_dev_path();
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int version;

	if (fd < 0) {
		int e = errno;

		if (e == ENOENT)
			return err_set(err, len, -e,
				       "cannot open %s: %s (this kernel has no KVM, "
				       "or runs without virtualization: boot it at EL2)",
				       path, strerror(e));
		if (e == EACCES || e == EPERM)
			return err_set(err, len, -e,
				       "cannot open %s: %s (add yourself to the kvm "
				       "group: usermod -aG kvm $USER, then log in again)",
				       path, strerror(e));
		return err_set(err, len, -e, "cannot open %s: %s", path, strerror(e));
	}
	version = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION) {
		close(fd);
		return err_set(err, len, -EINVAL, "%s speaks KVM API version %d, armlet needs %d",
			       path, version, KVM_API_VERSION);
	}
	vm->kvm_run_size = ioctl(fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->kvm_run_size < (int)sizeof(struct kvm_run)) {
		close(fd);
		return err_set(err, len, -EINVAL, "KVM_GET_VCPU_MMAP_SIZE returned %d",
			       vm->kvm_run_size);
	}
	vm->kvm_fd = fd;
	return 0;
}

int kvm_check_cap(struct vm *vm, long cap)
{
	int ret = ioctl(vm->vm_fd >= 0 ? vm->vm_fd : vm->kvm_fd, KVM_CHECK_EXTENSION, cap);

	return ret < 0 ? 0 : ret;
}

int kvm_create_vm(struct vm *vm, char *err, size_t len)
{
	uint64_t ram = vm->cfg->ram_size;
	unsigned need = layout_ipa_bits(ram);
	int limit = kvm_check_cap(vm, KVM_CAP_ARM_VM_IPA_SIZE);
	unsigned long type = 0;
	int fd;

	vm->host_ipa_limit = limit > 0 ? (unsigned)limit : KVM_DEFAULT_IPA_BITS;
	if (need == 0 || need > vm->host_ipa_limit) {
		uint64_t max_ram = (1ULL << vm->host_ipa_limit) - layout_base(LAYOUT_RAM);

		return err_set(err, len, -E2BIG,
			       "%llu MiB of RAM needs a %u-bit IPA space, host offers %u bits "
			       "(use -m %llu or less)",
			       (unsigned long long)(ram >> 20), need ? need : 64,
			       vm->host_ipa_limit, (unsigned long long)(max_ram >> 20));
	}
	/* The 64-bit PCI window is a bonus: only when the host has room for it. */
	if (layout_ipa_bits_mmio64(ram) && layout_ipa_bits_mmio64(ram) <= vm->host_ipa_limit) {
		need = layout_ipa_bits_mmio64(ram);
		vm->pci_mmio64_base = layout_pci_mmio64_base(ram);
		vm->pci_mmio64_size = LAYOUT_PCI_MMIO64_SIZE;
	}
	/* Without the capability only type 0 (40 bits) exists. */
	if (limit > 0)
		type = KVM_VM_TYPE_ARM_IPA_SIZE(need);
	do {
		fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, type);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return err_set(err, len, -errno, "KVM_CREATE_VM (IPA %u bits) failed: %s", need,
			       strerror(errno));
	vm->vm_fd = fd;
	vm->ipa_bits = limit > 0 ? need : KVM_DEFAULT_IPA_BITS;
	return 0;
}

int kvm_map_ram(struct vm *vm, char *err, size_t len)
{
	struct kvm_userspace_memory_region region;
	int ret = guest_mem_map(&vm->mem, layout_base(LAYOUT_RAM), vm->cfg->ram_size);

	if (ret)
		return err_set(err, len, ret, "cannot allocate %llu MiB of guest RAM: %s",
			       (unsigned long long)(vm->cfg->ram_size >> 20), strerror(-ret));
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = vm->mem.gpa,
		.memory_size = vm->mem.size,
		.userspace_addr = (uint64_t)(uintptr_t)vm->mem.hva,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return err_set(err, len, -errno, "KVM_SET_USER_MEMORY_REGION failed: %s",
			       strerror(errno));
	return 0;
}

int kvm_create_device(struct vm *vm, unsigned type, int test_only)
{
	struct kvm_create_device dev = {
		.type = type,
		.flags = test_only ? KVM_CREATE_DEVICE_TEST : 0,
	};

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &dev) < 0)
		return -errno;
	return test_only ? 0 : (int)dev.fd;
}

int kvm_set_attr(int fd, unsigned group, unsigned long long attr, const void *addr)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (uint64_t)(uintptr_t)addr,
	};

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a) < 0 ? -errno : 0;
}

int kvm_has_attr(int fd, unsigned group, unsigned long long attr)
{
	struct kvm_device_attr a = { .group = group, .attr = attr };

	return ioctl(fd, KVM_HAS_DEVICE_ATTR, &a) < 0 ? -errno : 0;
}

void kvm_close(struct vm *vm)
{
	guest_mem_unmap(&vm->mem);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->vm_fd = vm->kvm_fd = -1;
}
