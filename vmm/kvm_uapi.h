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
 * Linux 6.4, arch/arm64/include/uapi/asm/kvm.h: one range of the SMCCC
 * filter (the attribute's value) and what KVM does with calls in it.
 */
#ifndef KVM_SMCCC_FILTER_FWD_TO_USER
enum kvm_smccc_filter_action {
	KVM_SMCCC_FILTER_HANDLE = 0,
	KVM_SMCCC_FILTER_DENY,
	KVM_SMCCC_FILTER_FWD_TO_USER,
};

struct kvm_smccc_filter {
	__u32 base;
	__u32 nr_functions;
	__u8 action;
	__u8 pad[15];
};
#endif

/*
 * Linux 6.4, include/uapi/linux/kvm.h: kvm_run.hypercall.flags of a
 * forwarded SMCCC call; set when the guest used SMC rather than HVC.
 */
#ifndef KVM_HYPERCALL_EXIT_SMC
#define KVM_HYPERCALL_EXIT_SMC (1ULL << 0)
#endif

/*
 * Never merged: the in-kernel rVIC of Marc Zyngier's 2020 RFC series
 * ("KVM: arm64: Paravirtual interrupt controller", its
 * include/uapi/linux/kvm.h and arch/arm64/include/uapi/asm/kvm.h).
 * Mainline later gave device type 11 to another architecture's device
 * (KVM_DEV_TYPE_RISCV_AIA), which arm64 kernels refuse with ENODEV, so
 * probing for it on a stock arm64 host is harmless. NR_IRQS is a u32:
 * trusted interrupts in bits [15:0], all of them in [31:16].
 */
#define ARMLET_KVM_DEV_TYPE_ARM_RVIC	    11
#define ARMLET_KVM_DEV_ARM_RVIC_GRP_NR_IRQS 0
#define ARMLET_KVM_DEV_ARM_RVIC_GRP_INIT    1

/*
 * Linux 6.16, include/uapi/linux/kvm.h: vCPUs may start at EL2 (nested
 * virtualization, KVM_ARM_VCPU_HAS_EL2).
 */
#ifndef KVM_CAP_ARM_EL2
#define KVM_CAP_ARM_EL2 240
#endif

#endif
