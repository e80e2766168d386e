// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>

#include "summary.h"
#include "vcpu.h"

static const char *const exit_kind_names[VCPU_NR_EXIT_KINDS] = {
	[VCPU_EXIT_MMIO] = "mmio",
	[VCPU_EXIT_SYSTEM_EVENT] = "system_event",
	[VCPU_EXIT_INTR] = "intr",
	[VCPU_EXIT_OTHER] = "other",
};

static double ms_since_start(const struct vm *vm, uint64_t t)
{
	return t ? (double)(t - vm->t_start) / 1e6 : 0.0;
}

static void summary_vcpus(const struct vm *vm, struct json *j)
{
	json_array_begin(j, "vcpu_exits");
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		json_object_begin(j, NULL);
		for (unsigned k = 0; k < VCPU_NR_EXIT_KINDS; k++)
			json_u64(j, exit_kind_names[k], vm->vcpus[i].exits[k]);
		json_object_end(j);
	}
	json_array_end(j);
}

static void summary_mmio(const struct vm *vm, struct json *j)
{
	json_object_begin(j, "mmio_regions");
	for (unsigned i = 0; i < vm->bus.nr; i++)
		json_u64(j, vm->bus.regions[i].ops->name, vm->bus.regions[i].hits);
	json_u64(j, "unhandled", vm->bus.unhandled);
	json_object_end(j);
}

int summary_write(const struct vm *vm, const struct board *b, const char *path)
{
	FILE *f = path[0] == '-' && !path[1] ? stderr : fopen(path, "we");
	struct json j;
	int ret;

	if (!f)
		return -errno;
	json_begin(&j, f);
	json_i64(&j, "exit_code", vm->exit_code);
	json_string(&j, "exit_reason", vm->exit_reason);
	json_string(&j, "irqchip", vm->irqchip ? vm->irqchip->name : NULL);
	json_string(&j, "irqchip_reason", vm->irqchip_reason);
	json_u64(&j, "ipa_bits", vm->ipa_bits);
	json_u64(&j, "vcpus", vm->nr_vcpus);
	json_u64(&j, "ram_bytes", vm->mem.size);
	json_object_begin(&j, "timeline_ms");
	json_double(&j, "first_kvm_run", ms_since_start(vm, vm->t_first_run));
	json_double(&j, "exit", ms_since_start(vm, vm_now_ns()));
	json_object_end(&j);
	summary_vcpus(vm, &j);
	summary_mmio(vm, &j);
	board_summary(b, &j);
	ret = json_end(&j);
	if (f != stderr && fclose(f) && !ret)
		ret = -errno;
	return ret;
}
