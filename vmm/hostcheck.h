/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `armlet check`: a preflight report of this host for running VMs.
 *
 * Two halves: hostcheck.c (KVM) fills a struct host_report by asking
 * /dev/kvm and a scratch VM; hostcheck_report.c (portable, unit-tested)
 * parses /proc/cpuinfo, turns a filled report into text or JSON and decides
 * the exit status. The report holds plain values only, so a test can build
 * one by hand.
 */
#ifndef ARMLET_HOSTCHECK_H
#define ARMLET_HOSTCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define HOST_MAX_CPUS 512

enum host_tri {
	HOST_UNKNOWN = -1,
	HOST_NO = 0,
	HOST_YES = 1,
};

/* One CPU of /proc/cpuinfo: its MIDR_EL1 fields. */
struct host_cpu {
	unsigned id; /* the "processor" number */
	unsigned implementer;
	unsigned part;
};

struct host_report {
	char kernel[65]; /* uname -r */
	long page_size;	 /* sysconf(_SC_PAGESIZE), 0 if unknown */
	unsigned nr_cpus;
	struct host_cpu cpus[HOST_MAX_CPUS];

	char kvm_path[128]; /* /dev/kvm, or $ARMLET_KVM_DEV */
	int kvm_errno;	    /* 0 when kvm_open() succeeded, else its error */
	char kvm_detail[256];
	int api_version; /* KVM_GET_API_VERSION, -1 unknown */
	int ipa_limit;	 /* KVM_CAP_ARM_VM_IPA_SIZE; 0: no cap, every VM gets 40 bits */
	int max_vcpus;	 /* KVM_CAP_MAX_VCPUS on the scratch VM */

	/* A scratch VM could be created; everything below was probed on it. */
	bool vm_ok;
	char vm_detail[256];
	int vgic_v3, vgic_its, vgic_v2; /* KVM_CREATE_DEVICE_TEST: 0 or -errno */
	bool vgic_hidden;		/* the test hook hid them (irqchip_test_no_vgic()) */
	bool user_irq;			/* KVM_CAP_ARM_USER_IRQ */
	bool smccc_filter;		/* KVM_ARM_VM_SMCCC_FILTER attribute (6.4+) */
	bool rvic_kernel;		/* the 2020 series' in-kernel rVIC (never merged) */
	bool psci_0_2;			/* KVM_CAP_ARM_PSCI_0_2 */
	bool pmu_v3;			/* KVM_CAP_ARM_PMU_V3 */
	bool sve;			/* KVM_CAP_ARM_SVE */
	bool ptrauth_address;		/* KVM_CAP_ARM_PTRAUTH_ADDRESS */
	bool ptrauth_generic;		/* KVM_CAP_ARM_PTRAUTH_GENERIC */
	bool mte;			/* KVM_CAP_ARM_MTE */
	enum host_tri nested_virt;	/* KVM_CAP_ARM_EL2; unknown before Linux 6.16 */
	bool ioeventfd;			/* KVM_CAP_IOEVENTFD */
	bool ioeventfd_any_len;		/* KVM_CAP_IOEVENTFD_ANY_LENGTH */
	bool irqfd;			/* KVM_CAP_IRQFD */
	bool irqfd_resample;		/* KVM_CAP_IRQFD_RESAMPLE */
	enum host_tri msi_devid;	/* KVM_CAP_MSI_DEVID with an ITS; unknown without */
	char irqchip_auto[32];		/* what --irqchip auto picks, "" for nothing */
	char irqchip_reason[512];	/* irqchip_select()'s line */
};

struct hostcheck_opts {
	bool json;
	bool help;
};

/* --- portable (hostcheck_report.c) ---------------------------------------- */

/*
 * Parses the arguments after "check". Returns 0, or -EINVAL with one line
 * in err.
 */
int hostcheck_parse_args(int argc, char *const argv[], struct hostcheck_opts *o, char *err,
			 size_t len);
void hostcheck_usage(FILE *out);

/* Fills r->cpus and r->nr_cpus from the text of /proc/cpuinfo (arm64 format). */
void hostcheck_parse_cpuinfo(const char *text, struct host_report *r);
/* Whether the CPUs are of more than one type (big.LITTLE, DynamIQ). */
bool hostcheck_cpus_mixed(const struct host_report *r);
/* "Arm Cortex-A76" and the like, or NULL for a part this table lacks. */
const char *hostcheck_cpu_name(unsigned implementer, unsigned part);

/* Whether a `uname -r` string names Linux major.minor or later. */
bool hostcheck_kernel_at_least(const char *release, unsigned major, unsigned minor);
/*
 * Nested virtualization from KVM_CAP_ARM_EL2's answer: a kernel before the
 * capability existed answers 0 to anything, so 0 only means "no" from 6.16.
 */
enum host_tri hostcheck_nested_virt(int cap, const char *release);

/*
 * Why the KVM device cannot be used, and the fix, as one line; "" when it
 * can.
 */
void hostcheck_kvm_problem(const struct host_report *r, char *buf, size_t len);
/*
 * Whether a VM can run here: returns 0 (and "" in buf), or EXIT_SETUP with
 * one line in buf saying what is missing and what to do.
 */
int hostcheck_verdict(const struct host_report *r, char *buf, size_t len);

/* The aligned human-readable table, ending with the verdict. */
void hostcheck_print_text(const struct host_report *r, FILE *out);
/* One JSON object with stable keys (README.md). Returns 0 or -EIO. */
int hostcheck_print_json(const struct host_report *r, FILE *out);

/* --- KVM (hostcheck.c) ---------------------------------------------------- */

/* Probes this host into r (zeroed by the caller). Never fails: what it cannot learn it says. */
void hostcheck_probe(struct host_report *r);

/* `armlet check [--json]`: argv[0] is the first argument after "check". Returns the exit status. */
int cmd_check(int argc, char **argv);

#endif
