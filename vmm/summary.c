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
			json_u64(j, exit_kind_names[k],
				 __atomic_load_n(&vm->vcpus[i].exits[k], __ATOMIC_RELAXED));
		json_object_end(j);
	}
	json_array_end(j);
}

static void summary_mmio(const struct vm *vm, struct json *j)
{
	json_object_begin(j, "mmio_regions");
	for (unsigned i = 0; i < vm->bus.nr; i++) {
		const struct mmio_region *r = &vm->bus.regions[i];
		char key[64];

		/* By name and base: one device type may have several regions (PCI windows). */
		snprintf(key, sizeof(key), "%s@%llx", r->ops->name, (unsigned long long)r->base);
		json_u64(j, key, __atomic_load_n(&r->hits, __ATOMIC_RELAXED));
	}
	json_u64(j, "unhandled", __atomic_load_n(&vm->bus.unhandled, __ATOMIC_RELAXED));
	json_object_end(j);
}

/* How the run ended; null for both while it has not. */
static void summary_exit(const struct vm *vm, bool stopped, struct json *j)
{
	if (!stopped) {
		json_string(j, "exit_code", NULL);
		json_string(j, "exit_reason", NULL);
		return;
	}
	json_i64(j, "exit_code", vm->exit_code);
	json_string(j, "exit_reason", vm->exit_reason);
}

int summary_fprint(const struct vm *vm, const struct board *b, FILE *f)
{
	/* Read once: a stop landing mid-way must not make the object disagree. */
	bool stopped = vm_stopping(vm);
	struct json j;

	json_begin(&j, f);
	json_string(&j, "state", stopped ? "stopped" : vm_paused(vm) ? "paused" : "running");
	summary_exit(vm, stopped, &j);
	json_string(&j, "irqchip", vm->irqchip ? vm->irqchip->name : NULL);
	json_string(&j, "irqchip_reason", vm->irqchip_reason);
	json_u64(&j, "ipa_bits", vm->ipa_bits);
	json_u64(&j, "vcpus", vm->nr_vcpus);
	json_u64(&j, "ram_bytes", vm->mem.size);
	json_u64(&j, "reboots", vm->reboots);
	json_object_begin(&j, "timeline_ms");
	json_double(&j, "first_kvm_run",
		    ms_since_start(vm, __atomic_load_n(&vm->t_first_run, __ATOMIC_RELAXED)));
	json_double(&j, "first_console_byte",
		    ms_since_start(vm, __atomic_load_n(&vm->t_first_output, __ATOMIC_RELAXED)));
	json_double(&j, stopped ? "exit" : "now", ms_since_start(vm, vm_now_ns()));
	json_object_end(&j);
	summary_vcpus(vm, &j);
	summary_mmio(vm, &j);
	board_summary(b, &j);
	return json_end(&j);
}

int summary_write(const struct vm *vm, const struct board *b, const char *path)
{
	FILE *f = path[0] == '-' && !path[1] ? stderr : fopen(path, "we");
	int ret;

	if (!f)
		return -errno;
	ret = summary_fprint(vm, b, f);
	if (f != stderr && fclose(f) && !ret)
		ret = -errno;
	return ret;
}
