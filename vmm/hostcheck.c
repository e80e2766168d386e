// SPDX-License-Identifier: GPL-2.0-only
/*
 * `armlet check`, the KVM half: opens the KVM device as `armlet run` does
 * (kvm_open()), then asks a scratch VM what the host offers. Capabilities
 * are asked on the VM fd, as armlet does when it runs: some (MTE, MSI device
 * IDs, the vCPU limit) are per VM. The scratch VM gets no RAM and no vCPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../irqchip/irqchip.h"
#include "config.h"
#include "exitcode.h"
#include "hostcheck.h"
#include "kvm.h"
#include "kvm_uapi.h"
#include "log.h"
#include "vm.h"

#define CPUINFO_MAX (1 << 20)

/* The whole of a /proc file (their size is 0 to stat); NULL on failure. Caller frees. */
static char *read_proc_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t used = 0, size = 16384;
	char *buf = malloc(size + 1);
	ssize_t n = 0;

	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + used, size - used)) > 0) {
		used += (size_t)n;
		if (used == size && size < CPUINFO_MAX) {
			char *bigger = realloc(buf, 2 * size + 1);

			if (!bigger)
				break;
			buf = bigger;
			size *= 2;
		} else if (used == size) {
			break;
		}
	}
	close(fd);
	buf[used] = '\0';
	return buf;
}

static void probe_host(struct host_report *r)
{
	struct utsname u;
	char *cpuinfo = read_proc_file("/proc/cpuinfo");

	if (uname(&u) == 0)
		snprintf(r->kernel, sizeof(r->kernel), "%s", u.release);
	r->page_size = sysconf(_SC_PAGESIZE);
	if (cpuinfo)
		hostcheck_parse_cpuinfo(cpuinfo, r);
	free(cpuinfo);
}

/* Linux 6.4+: the SMCCC filter is a VM attribute, not a capability. */
static bool probe_smccc_filter(struct vm *vm)
{
	return kvm_has_attr(vm->vm_fd, KVM_ARM_VM_SMCCC_CTRL, KVM_ARM_VM_SMCCC_FILTER) == 0;
}

static void probe_caps(struct host_report *r, struct vm *vm)
{
	r->max_vcpus = kvm_check_cap(vm, KVM_CAP_MAX_VCPUS);
	r->user_irq = kvm_check_cap(vm, KVM_CAP_ARM_USER_IRQ) > 0;
	r->smccc_filter = probe_smccc_filter(vm);
	/* Type 11 is another architecture's device in mainline: arm64 refuses it. */
	r->rvic_kernel = kvm_create_device(vm, ARMLET_KVM_DEV_TYPE_ARM_RVIC, 1) == 0;
	r->psci_0_2 = kvm_check_cap(vm, KVM_CAP_ARM_PSCI_0_2) > 0;
	r->pmu_v3 = kvm_check_cap(vm, KVM_CAP_ARM_PMU_V3) > 0;
	r->sve = kvm_check_cap(vm, KVM_CAP_ARM_SVE) > 0;
	r->ptrauth_address = kvm_check_cap(vm, KVM_CAP_ARM_PTRAUTH_ADDRESS) > 0;
	r->ptrauth_generic = kvm_check_cap(vm, KVM_CAP_ARM_PTRAUTH_GENERIC) > 0;
	r->mte = kvm_check_cap(vm, KVM_CAP_ARM_MTE) > 0;
	r->nested_virt = hostcheck_nested_virt(kvm_check_cap(vm, KVM_CAP_ARM_EL2), r->kernel);
	r->ioeventfd = kvm_check_cap(vm, KVM_CAP_IOEVENTFD) > 0;
	r->ioeventfd_any_len = kvm_check_cap(vm, KVM_CAP_IOEVENTFD_ANY_LENGTH) > 0;
	r->irqfd = kvm_check_cap(vm, KVM_CAP_IRQFD) > 0;
	r->irqfd_resample = kvm_check_cap(vm, KVM_CAP_IRQFD_RESAMPLE) > 0;
}

/*
 * KVM answers KVM_CAP_MSI_DEVID on a VM only once it has an ITS
 * (vgic_its_create() sets msis_require_devid), so make one, as `armlet run`
 * would, and ask. Last on the scratch VM: it now has a vGIC.
 */
static void probe_msi_devid(struct host_report *r, struct vm *vm)
{
	if (r->vgic_its)
		return; /* no ITS: stays unknown */
	if (vgic_its_ops.create(vm) == 0)
		r->msi_devid = kvm_check_cap(vm, KVM_CAP_MSI_DEVID) > 0 ? HOST_YES : HOST_NO;
	vgic_its_ops.destroy(vm);
}

static void probe_irqchip(struct host_report *r, struct vm *vm)
{
	const struct irqchip_ops *ops;

	/* The test hook hides the vGIC from the report as from `armlet run`. */
	r->vgic_hidden = irqchip_test_no_vgic();
	if (r->vgic_hidden) {
		r->vgic_v3 = r->vgic_its = r->vgic_v2 = -ENODEV;
	} else {
		r->vgic_v3 = kvm_create_device(vm, KVM_DEV_TYPE_ARM_VGIC_V3, 1);
		r->vgic_its = kvm_create_device(vm, KVM_DEV_TYPE_ARM_VGIC_ITS, 1);
		r->vgic_v2 = kvm_create_device(vm, KVM_DEV_TYPE_ARM_VGIC_V2, 1);
	}
	/* The same choice `armlet run --irqchip auto` makes, with its reason. */
	ops = irqchip_select(vm, IRQCHIP_AUTO, r->irqchip_reason, sizeof(r->irqchip_reason));
	if (ops)
		snprintf(r->irqchip_auto, sizeof(r->irqchip_auto), "%s", ops->name);
}

static void probe_kvm(struct host_report *r, struct vm *vm)
{
	int ret = kvm_open(vm, r->kvm_detail, sizeof(r->kvm_detail));

	r->api_version = -1;
	if (ret) {
		r->kvm_errno = -ret;
		return;
	}
	r->kvm_detail[0] = '\0';
	r->api_version = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	r->ipa_limit = kvm_check_cap(vm, KVM_CAP_ARM_VM_IPA_SIZE);
	/* Sized as `armlet run` would size a default VM. */
	if (kvm_create_vm(vm, r->vm_detail, sizeof(r->vm_detail)))
		return;
	r->vm_ok = true;
	probe_caps(r, vm);
	probe_irqchip(r, vm);
	probe_msi_devid(r, vm);
}

void hostcheck_probe(struct host_report *r)
{
	struct vm_config cfg = {
		.ram_size = CONFIG_DEFAULT_RAM,
		.nr_cpus = 1,
		.params = "",
		.irqchip = IRQCHIP_AUTO,
	};
	struct vm vm;
	int ret;

	probe_host(r);
	snprintf(r->kvm_path, sizeof(r->kvm_path), "%s", kvm_dev_path());
	r->api_version = -1;
	r->nested_virt = r->msi_devid = HOST_UNKNOWN;
	ret = vm_init(&vm, &cfg);
	if (ret) {
		r->kvm_errno = -ret;
		snprintf(r->kvm_detail, sizeof(r->kvm_detail), "cannot set up a scratch VM: %s",
			 strerror(r->kvm_errno));
		return;
	}
	probe_kvm(r, &vm);
	kvm_close(&vm);
	vm_destroy(&vm);
}

int cmd_check(int argc, char **argv)
{
	struct hostcheck_opts opts;
	struct host_report *r;
	char err[512];
	int status;

	if (hostcheck_parse_args(argc, argv, &opts, err, sizeof(err))) {
		log_error("%s", err);
		return EXIT_SETUP;
	}
	if (opts.help) {
		hostcheck_usage(stdout);
		return 0;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		log_error("check: out of memory");
		return EXIT_SETUP;
	}
	hostcheck_probe(r);
	status = hostcheck_verdict(r, err, sizeof(err));
	if (opts.json) {
		if (hostcheck_print_json(r, stdout))
			status = EXIT_SETUP;
		/* stdout stays one JSON document; the one-line why goes to stderr. */
		if (status && err[0])
			log_error("%s", err);
	} else {
		hostcheck_print_text(r, stdout);
	}
	free(r);
	return status;
}
