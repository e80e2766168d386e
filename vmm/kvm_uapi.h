/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KVM uapi definitions newer than the headers armlet is built against
 * (Debian bookworm's, Linux 6.1). Each comes with the release and file that
 * introduced it; the kernel ignores what it does not know (KVM_CHECK_EXTENSION
 * answers 0, KVM_HAS_DEVICE_ATTR fails), so using them on older hosts is safe.
 * Include this instead of <linux/kvm.h> where one of them is needed.
 */
#ifndef ARMLET_KVM_UAPI_H
#define ARMLET_KVM_UAPI_H

#include <linux/kvm.h>

/*
 * Linux 6.4, arch/arm64/include/uapi/asm/kvm.h: the VM-fd attribute group
 * of the SMCCC filter (KVM_HAS_DEVICE_ATTR on the VM fd; there is no
 * KVM_CAP for it). Documentation/virt/kvm/devices/vm.rst, section 6.
 */
#ifndef KVM_ARM_VM_SMCCC_CTRL
#define KVM_ARM_VM_SMCCC_CTRL	0
#define KVM_ARM_VM_SMCCC_FILTER 0
#endif

/*
 * Linux 6.16, include/uapi/linux/kvm.h: vCPUs may start at EL2 (nested
 * virtualization, KVM_ARM_VCPU_HAS_EL2).
 */
#ifndef KVM_CAP_ARM_EL2
#define KVM_CAP_ARM_EL2 240
#endif

#endif
