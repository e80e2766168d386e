// SPDX-License-Identifier: GPL-2.0-only
/* The run summary as JSON, from a snapshot (summary.h). Nothing here touches KVM. */
#include "summary.h"

static const char *const exit_kind_names[VCPU_NR_EXIT_KINDS] = {
	[VCPU_EXIT_MMIO] = "mmio",   [VCPU_EXIT_SYSTEM_EVENT] = "system_event",
	[VCPU_EXIT_INTR] = "intr",   [VCPU_EXIT_HYPERCALL] = "hypercall",
	[VCPU_EXIT_OTHER] = "other",
};

static const char *const state_names[] = {
	[SUMMARY_RUNNING] = "running",
	[SUMMARY_PAUSED] = "paused",
	[SUMMARY_STOPPED] = "stopped",
};

static void summary_vcpus(const struct summary *s, struct json *j)
{
	json_array_begin(j, "vcpu_exits");
	for (unsigned i = 0; i < s->nr_vcpus && i < LAYOUT_MAX_VCPUS; i++) {
		json_object_begin(j, NULL);
		for (unsigned k = 0; k < VCPU_NR_EXIT_KINDS; k++)
			json_u64(j, exit_kind_names[k], s->vcpu_exits[i][k]);
		json_object_end(j);
	}
	json_array_end(j);
}

static void summary_mmio(const struct summary *s, struct json *j)
{
	json_object_begin(j, "mmio_regions");
	for (unsigned i = 0; i < s->nr_mmio && i < BUS_MAX_REGIONS; i++) {
		char key[64];

		/* By name and base: one device type may have several regions (PCI windows). */
		snprintf(key, sizeof(key), "%s@%llx", s->mmio[i].name,
			 (unsigned long long)s->mmio[i].base);
		json_u64(j, key, s->mmio[i].hits);
	}
	json_u64(j, "unhandled", s->mmio_unhandled);
	json_object_end(j);
}

int summary_print_json(const struct summary *s, FILE *f)
{
	bool stopped = s->state == SUMMARY_STOPPED;
	struct json j;

	json_begin(&j, f);
	json_string(&j, "state", state_names[s->state]);
	/* How the run ended; null for both while it has not. */
	if (stopped)
		json_i64(&j, "exit_code", s->exit_code);
	else
		json_string(&j, "exit_code", NULL);
	json_string(&j, "exit_reason", stopped ? s->exit_reason : NULL);
	json_string(&j, "irqchip", s->irqchip);
	json_string(&j, "irqchip_reason", s->irqchip_reason);
	json_u64(&j, "ipa_bits", s->ipa_bits);
	json_u64(&j, "vcpus", s->nr_vcpus);
	json_u64(&j, "ram_bytes", s->ram_bytes);
	json_u64(&j, "reboots", s->reboots);
	json_object_begin(&j, "timeline_ms");
	json_double(&j, "first_kvm_run", s->first_kvm_run_ms);
	json_double(&j, "first_console_byte", s->first_console_byte_ms);
	json_double(&j, stopped ? "exit" : "now", s->end_ms);
	json_object_end(&j);
	summary_vcpus(s, &j);
	summary_mmio(s, &j);
	json_object_begin(&j, "interrupts");
	json_u64(&j, "irqfd", s->irq_irqfd);
	json_u64(&j, "ioctl", s->irq_ioctl);
	json_u64(&j, "user_gic", s->irq_user_gic);
	json_u64(&j, "rvic", s->irq_rvic);
	json_object_end(&j);
	if (s->devices)
		s->devices(s->devices_ctx, &j);
	return json_end(&j);
}
