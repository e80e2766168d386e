// SPDX-License-Identifier: GPL-2.0-only
/* The run summary's KVM half: a snapshot of the live VM for summary_print_json(). */
#include <errno.h>
#include <stdio.h>

#include "board.h"
#include "summary.h"
#include "vcpu.h"

static double ms_since_start(const struct vm *vm, uint64_t t)
{
	return t ? (double)(t - vm->t_start) / 1e6 : 0.0;
}

static void summary_board(const void *board, struct json *j)
{
	board_summary(board, j);
}

static void summary_take_counters(const struct vm *vm, struct summary *s)
{
	s->nr_vcpus = vm->nr_vcpus;
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		for (unsigned k = 0; k < VCPU_NR_EXIT_KINDS; k++)
			s->vcpu_exits[i][k] =
			    __atomic_load_n(&vm->vcpus[i].exits[k], __ATOMIC_RELAXED);
	s->nr_mmio = vm->bus.nr;
	for (unsigned i = 0; i < vm->bus.nr; i++) {
		const struct mmio_region *r = &vm->bus.regions[i];

		s->mmio[i] = (struct summary_mmio){
			.name = r->ops->name,
			.base = r->base,
			.hits = __atomic_load_n(&r->hits, __ATOMIC_RELAXED),
		};
	}
	s->mmio_unhandled = __atomic_load_n(&vm->bus.unhandled, __ATOMIC_RELAXED);
	s->irq_ioctl = __atomic_load_n(&vm->irq_ioctl, __ATOMIC_RELAXED);
	if (vm->irqchip == &gicv2_user_ops)
		s->irq_user_gic = vm->irqchip->delivered(vm);
	if (vm->irqchip == &rvic_user_ops)
		s->irq_rvic = vm->irqchip->delivered(vm);
}

static void summary_take(const struct vm *vm, const struct board *b, struct summary *s)
{
	/* Read once: a stop landing mid-way must not make the object disagree. */
	bool stopped = vm_stopping(vm);

	s->state = stopped ? SUMMARY_STOPPED : vm_paused(vm) ? SUMMARY_PAUSED : SUMMARY_RUNNING;
	s->exit_code = vm->exit_code;
	s->exit_reason = vm->exit_reason;
	s->irqchip = vm->irqchip ? vm->irqchip->name : NULL;
	s->irqchip_reason = vm->irqchip_reason;
	s->ipa_bits = vm->ipa_bits;
	s->ram_bytes = vm->mem.size;
	s->reboots = vm->reboots;
	s->first_kvm_run_ms =
	    ms_since_start(vm, __atomic_load_n(&vm->t_first_run, __ATOMIC_RELAXED));
	s->first_console_byte_ms =
	    ms_since_start(vm, __atomic_load_n(&vm->t_first_output, __ATOMIC_RELAXED));
	s->end_ms = ms_since_start(vm, vm_now_ns());
	summary_take_counters(vm, s);
	s->irq_irqfd = board_irq_irqfd(b);
	s->devices = summary_board;
	s->devices_ctx = b;
}

int summary_fprint(const struct vm *vm, const struct board *b, FILE *f)
{
	struct summary s = { 0 };

	summary_take(vm, b, &s);
	return summary_print_json(&s, f);
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
