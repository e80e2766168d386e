// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "exitcode.h"
#include "kvm.h"
#include "le.h"
#include "log.h"
#include "sandbox.h"
#include "vcpu.h"

#define CORE_REG(name)                                                                             \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(name))
#define SYS_REG(...)  (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | __ARM64_SYS_REG(__VA_ARGS__))
#define REG_MPIDR_EL1 SYS_REG(3, 0, 0, 0, 5)
#define REG_ESR_EL1   SYS_REG(3, 0, 5, 2, 0)
#define REG_FAR_EL1   SYS_REG(3, 0, 6, 0, 0)
#define REG_ELR_EL1   CORE_REG(elr_el1)
#define REG_SP_EL1    CORE_REG(sp_el1)

/* A kicked vCPU parks within microseconds; this only bounds a stuck one. */
#define PAUSE_TIMEOUT_S 5

static int vcpu_get_reg(int fd, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)val };

	return ioctl(fd, KVM_GET_ONE_REG, &reg) < 0 ? -errno : 0;
}

static int vcpu_set_reg(int fd, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)&val };

	return ioctl(fd, KVM_SET_ONE_REG, &reg) < 0 ? -errno : 0;
}

static int vcpu_init_one(struct vm *vm, struct vcpu *v, const struct kvm_vcpu_init *target)
{
	struct kvm_vcpu_init init = *target;

	v->vm = vm;
	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)v->id);
	if (v->fd < 0)
		return -errno;
	v->run = mmap(NULL, (size_t)vm->kvm_run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return -errno;
	}
	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	/* Secondaries wait for the guest's PSCI CPU_ON. */
	if (v->id)
		init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	if (vm->cfg->pmu)
		init.features[0] |= 1U << KVM_ARM_VCPU_PMU_V3;
	v->init = init;
	if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init) < 0)
		return -errno;
	return vcpu_get_reg(v->fd, REG_MPIDR_EL1, &vm->mpidr[v->id]);
}

int vcpus_create(struct vm *vm, char *err, size_t len)
{
	struct kvm_vcpu_init target;
	int max = kvm_check_cap(vm, KVM_CAP_MAX_VCPUS);
	int ret;

	if (max > 0 && vm->cfg->nr_cpus > (unsigned)max) {
		snprintf(err, len,
			 "%u vCPUs asked for, this host's KVM allows %d (use -c %d or less)",
			 vm->cfg->nr_cpus, max, max);
		return -E2BIG;
	}
	if (vm->cfg->pmu && !kvm_check_cap(vm, KVM_CAP_ARM_PMU_V3)) {
		snprintf(err, len,
			 "--pmu: this host's KVM has no guest PMUv3 (KVM_CAP_ARM_PMU_V3)");
		return -ENODEV;
	}
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &target) < 0) {
		snprintf(err, len, "KVM_ARM_PREFERRED_TARGET failed: %s", strerror(errno));
		return -errno;
	}
	vm->vcpus = calloc(vm->cfg->nr_cpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return -ENOMEM;
	for (unsigned i = 0; i < vm->cfg->nr_cpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->id = i;
		v->fd = -1;
		pthread_mutex_init(&v->kick_lock, NULL);
		vm->nr_vcpus = i + 1;
		ret = vcpu_init_one(vm, v, &target);
		if (!ret)
			ret = vm->irqchip->vcpu_init(vm, i, v->fd);
		if (ret) {
			snprintf(err, len, "cannot create vCPU %u: %s", i, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/*
 * Sets up one vCPU's PMU; again after a reset. KVM keeps the PMU across
 * KVM_ARM_VCPU_INIT (kvm_reset_vcpu() only resets its registers) and
 * refuses to set its interrupt or initialise it a second time, or once a
 * vCPU has run, with -EBUSY (Documentation/virt/kvm/devices/vcpu.rst): on a
 * reset that means the PMU is still there. Without an in-kernel irqchip
 * the interrupt must not be set (kvm_arm_pmu_v3_enable() refuses the vCPU's
 * first run): KVM reports the overflow in device_irq_level instead, for
 * the userspace GIC's vcpu_sync().
 */
static int vcpu_init_pmu_one(int fd, bool in_kernel_irq, bool again)
{
	int irq = LAYOUT_PPI_PMU;
	int ret = 0;

	if (in_kernel_irq)
		ret = kvm_set_attr(fd, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_IRQ, &irq);
	if (again && ret == -EBUSY)
		ret = 0;
	ret = ret ?: kvm_set_attr(fd, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_INIT, NULL);
	return again && ret == -EBUSY ? 0 : ret;
}

static int vcpus_setup_pmu(struct vm *vm, bool again, char *err, size_t len)
{
	if (!vm->cfg->pmu)
		return 0;
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		int ret = vcpu_init_pmu_one(vm->vcpus[i].fd, vm->irqchip_fd >= 0, again);

		if (ret) {
			snprintf(err, len, "cannot set up the PMU of vCPU %u: %s", i,
				 strerror(-ret));
			return ret;
		}
	}
	return 0;
}

int vcpus_init_pmu(struct vm *vm, char *err, size_t len)
{
	return vcpus_setup_pmu(vm, false, err, len);
}

int vcpus_reset(struct vm *vm, char *err, size_t len)
{
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		struct kvm_vcpu_init init = v->init;

		if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init) < 0) {
			int ret = -errno;

			snprintf(err, len, "cannot reset vCPU %u (KVM_ARM_VCPU_INIT): %s", i,
				 strerror(-ret));
			return ret;
		}
	}
	return vcpus_setup_pmu(vm, true, err, len);
}

int vcpu_set_boot_regs(struct vm *vm, uint64_t entry, uint64_t fdt)
{
	int fd = vm->vcpus[0].fd;
	int ret = vcpu_set_reg(fd, CORE_REG(regs.pc), entry);

	ret = ret ?: vcpu_set_reg(fd, CORE_REG(regs.regs[0]), fdt);
	for (unsigned i = 1; !ret && i < 4; i++)
		ret = vcpu_set_reg(fd, CORE_REG(regs.regs[i]), 0);
	return ret;
}

/* Register dump for fatal exits, from the vCPU's own thread. */
static void vcpu_dump(struct vcpu *v)
{
	static const struct {
		const char *name;
		uint64_t id;
	} sys[] = {
		{ "pc", CORE_REG(regs.pc) },	 { "pstate", CORE_REG(regs.pstate) },
		{ "sp_el0", CORE_REG(regs.sp) }, { "sp_el1", REG_SP_EL1 },
		{ "elr_el1", REG_ELR_EL1 },	 { "esr_el1", REG_ESR_EL1 },
		{ "far_el1", REG_FAR_EL1 },
	};
	char line[1024];
	size_t n = 0;
	uint64_t val;

	for (size_t i = 0; i < sizeof(sys) / sizeof(sys[0]); i++) {
		if (vcpu_get_reg(v->fd, sys[i].id, &val) == 0)
			n += (size_t)snprintf(line + n, sizeof(line) - n, " %s=%016llx",
					      sys[i].name, (unsigned long long)val);
	}
	log_error("vcpu %u:%s", v->id, line);
	for (unsigned r = 0; r < 31; r += 4) {
		n = 0;
		for (unsigned k = r; k < r + 4 && k < 31; k++)
			if (vcpu_get_reg(v->fd, CORE_REG(regs.regs[k]), &val) == 0)
				n += (size_t)snprintf(line + n, sizeof(line) - n, " x%-2u=%016llx",
						      k, (unsigned long long)val);
		log_error("vcpu %u:%s", v->id, line);
	}
}

static void vcpu_fatal(struct vcpu *v, const char *what)
{
	vm_request_stop(v->vm, EXIT_INTERNAL, "vcpu %u: %s", v->id, what);
	vcpu_dump(v);
}

static void vcpu_handle_mmio(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint64_t addr = run->mmio.phys_addr, val = 0;
	unsigned len = run->mmio.len;
	bool handled;

	if (len == 0 || len > 8)
		return;
	/*
	 * Byte by byte, not memcpy(): glibc's memcpy is its SVE variant on a
	 * host with SVE, and the first SVE instruction after a system call
	 * (here KVM_RUN) traps to the kernel to get SVE back (el0_sve_acc),
	 * one trap per MMIO exit for a copy of at most 8 bytes.
	 */
	if (run->mmio.is_write) {
		val = le_bytes_get(run->mmio.data, len);
		handled = bus_write_cpu(&v->vm->bus, v->id, addr, len, val);
	} else {
		handled = bus_read_cpu(&v->vm->bus, v->id, addr, len, &val);
		le_bytes_set(run->mmio.data, len, val);
	}
	if (!handled)
		log_debug("vcpu %u: unhandled MMIO %s at 0x%llx (%u bytes)%s", v->id,
			  run->mmio.is_write ? "write" : "read", (unsigned long long)addr, len,
			  run->mmio.is_write ? " dropped" : ", read as 0");
}

static void vcpu_handle_system_event(struct vcpu *v)
{
	switch (v->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		vm_request_stop(v->vm, EXIT_POWEROFF, "guest powered off");
		break;
	case KVM_SYSTEM_EVENT_RESET:
		vm_request_stop(v->vm, EXIT_RESET, "guest requested a reset");
		break;
	case KVM_SYSTEM_EVENT_CRASH:
		vm_request_stop(v->vm, EXIT_CRASH, "guest reported a crash");
		break;
	default: {
		char what[64];

		snprintf(what, sizeof(what), "unknown system event %u", v->run->system_event.type);
		vcpu_fatal(v, what);
	}
	}
}

/*
 * A call the SMCCC filter forwarded (KVM_SMCCC_FILTER_FWD_TO_USER, api.rst
 * KVM_EXIT_HYPERCALL): x0 is in hypercall.nr, x1..x3 are read back, the
 * PC is already past the HVC; the irqchip answers in x0 and x1.
 */
static void vcpu_handle_hypercall(struct vcpu *v)
{
	const struct irqchip_ops *chip = v->vm->irqchip;
	uint64_t arg[3], ret[2];
	int err = 0;

	if (!chip->hypercall) {
		vcpu_fatal(v, "KVM forwarded an SMCCC call no device handles");
		return;
	}
	for (unsigned i = 0; i < 3 && !err; i++)
		err = vcpu_get_reg(v->fd, CORE_REG(regs.regs[i + 1]), &arg[i]);
	/*
	 * The levels KVM reported with this exit first: a RESAMPLE must see
	 * the timer line as it is now, not as it was at the last sync.
	 */
	if (!err && chip->vcpu_sync)
		err = chip->vcpu_sync(v->vm, v->id, v->run->s.regs.device_irq_level);
	if (!err) {
		chip->hypercall(v->vm, v->id, v->run->hypercall.nr, arg, ret);
		for (unsigned i = 0; i < 2 && !err; i++)
			err = vcpu_set_reg(v->fd, CORE_REG(regs.regs[i]), ret[i]);
	}
	if (err)
		vcpu_fatal(v, "cannot read or write the registers of a forwarded SMCCC call");
}

static void vcpu_handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	char what[96];

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		v->exits[VCPU_EXIT_MMIO]++;
		vcpu_handle_mmio(v);
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		v->exits[VCPU_EXIT_SYSTEM_EVENT]++;
		vcpu_handle_system_event(v);
		break;
	case KVM_EXIT_INTR: v->exits[VCPU_EXIT_INTR]++; break;
	case KVM_EXIT_HYPERCALL:
		v->exits[VCPU_EXIT_HYPERCALL]++;
		vcpu_handle_hypercall(v);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(what, sizeof(what), "KVM entry failed (reason 0x%llx)",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		vcpu_fatal(v, what);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(what, sizeof(what), "KVM internal error (suberror %u)",
			 run->internal.suberror);
		vcpu_fatal(v, what);
		break;
	default:
		v->exits[VCPU_EXIT_OTHER]++;
		snprintf(what, sizeof(what), "unhandled KVM exit reason %u", run->exit_reason);
		vcpu_fatal(v, what);
		break;
	}
}

/* Consumes pending kicks so the next KVM_RUN does not return at once. */
static void vcpu_eat_kicks(void)
{
	const struct timespec zero = { 0, 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, VCPU_KICK_SIGNAL);
	while (sigtimedwait(&set, NULL, &zero) > 0)
		;
}

/* Lets VCPU_KICK_SIGNAL through only while the thread is inside KVM_RUN. */
static int vcpu_set_run_sigmask(struct vcpu *v)
{
	struct {
		struct kvm_signal_mask head;
		uint8_t set[8]; /* the kernel's sigset_t is 64 bits */
	} mask;
	sigset_t cur;

	pthread_sigmask(SIG_SETMASK, NULL, &cur);
	sigdelset(&cur, VCPU_KICK_SIGNAL);
	mask.head.len = 8;
	memcpy(mask.set, &cur, 8);
	return ioctl(v->fd, KVM_SET_SIGNAL_MASK, &mask) < 0 ? -errno : 0;
}

/*
 * Before each KVM_RUN: a userspace irqchip learns the timer and PMU levels
 * KVM reported on the last return and drives this vCPU's IRQ pin (the
 * first time, device_irq_level is the zero the kvm_run mapping starts as).
 */
static int vcpu_irqchip_sync(struct vcpu *v)
{
	const struct irqchip_ops *chip = v->vm->irqchip;

	if (!chip->vcpu_sync)
		return 0;
	return chip->vcpu_sync(v->vm, v->id, v->run->s.regs.device_irq_level);
}

/* Waits outside KVM_RUN while the VM is paused; a stop request ends the wait. */
static void vcpu_park(struct vm *vm)
{
	pthread_mutex_lock(&vm->pause_lock);
	vm->parked++;
	pthread_cond_broadcast(&vm->parked_cond);
	while (vm->paused && !vm_stopping(vm))
		pthread_cond_wait(&vm->pause_cond, &vm->pause_lock);
	vm->parked--;
	pthread_mutex_unlock(&vm->pause_lock);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	char name[16], what[80];
	int ret;

	snprintf(name, sizeof(name), "vcpu%u", v->id);
	pthread_setname_np(pthread_self(), name);
	if (sandbox_thread_enter(SANDBOX_VCPU)) {
		vcpu_fatal(v, "cannot narrow the seccomp sandbox");
		return NULL;
	}
	if (vcpu_set_run_sigmask(v)) {
		vcpu_fatal(v, "KVM_SET_SIGNAL_MASK failed");
		return NULL;
	}
	/* The first boot's: a reboot does not move it. */
	if (v->id == 0 && !__atomic_load_n(&vm->t_first_run, __ATOMIC_RELAXED))
		__atomic_store_n(&vm->t_first_run, vm_now_ns(), __ATOMIC_RELAXED);
	while (!vm_stopping(vm)) {
		/*
		 * A pause that lands after this check is not missed: its kick
		 * stays pending while the signal is blocked here, and makes
		 * KVM_RUN return at once.
		 */
		if (vm_paused(vm)) {
			vcpu_park(vm);
			continue;
		}
		ret = vcpu_irqchip_sync(v);
		if (ret) {
			snprintf(what, sizeof(what), "cannot drive the IRQ line: %s",
				 strerror(-ret));
			vcpu_fatal(v, what);
			break;
		}
		if (ioctl(v->fd, KVM_RUN, 0) == 0) {
			vcpu_handle_exit(v);
			continue;
		}
		switch (errno) {
		case EINTR:
		case EAGAIN:
			v->exits[VCPU_EXIT_INTR]++;
			vcpu_eat_kicks();
			break;
		case ENOSYS:
			/* Documented: an MMIO access KVM could not decode (ESR_EL2.ISV clear). */
			vcpu_fatal(v, "guest made an MMIO access KVM cannot decode (load/store "
				      "pair or writeback?)");
			break;
		default:
			snprintf(what, sizeof(what), "KVM_RUN failed: %s", strerror(errno));
			vcpu_fatal(v, what);
		}
	}
	/* Where each vCPU was when time ran out: the clue to a hung guest. */
	if (vm->exit_code == EXIT_TIMEOUT)
		vcpu_dump(v);
	return NULL;
}

static void vcpu_kick_handler(int sig)
{
	(void)sig; /* only needs to exist so the signal is not ignored */
}

int vcpus_start(struct vm *vm)
{
	struct sigaction sa = { .sa_handler = vcpu_kick_handler };

	sigemptyset(&sa.sa_mask);
	if (sigaction(VCPU_KICK_SIGNAL, &sa, NULL))
		return -errno;
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		int ret = pthread_create(&v->thread, NULL, vcpu_thread, v);

		if (ret)
			return -ret;
		/* A kick that finds it not started yet is not needed: it syncs before KVM_RUN. */
		pthread_mutex_lock(&v->kick_lock);
		v->started = true;
		pthread_mutex_unlock(&v->kick_lock);
	}
	return 0;
}

int vcpu_irq_pin_set(void *vm, unsigned cpu, bool level)
{
	const struct vm *v = vm;
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT) |
		       (cpu << KVM_ARM_IRQ_VCPU_SHIFT) | KVM_ARM_IRQ_CPU_IRQ,
		.level = level,
	};

	return ioctl(v->vm_fd, KVM_IRQ_LINE, &irq) < 0 ? -errno : 0;
}

void vcpu_irq_pin_kick(void *vm, unsigned cpu)
{
	vcpu_kick(vm, cpu);
}

void vcpu_kick(struct vm *vm, unsigned cpu)
{
	struct vcpu *v;

	if (cpu >= vm->nr_vcpus)
		return;
	v = &vm->vcpus[cpu];
	pthread_mutex_lock(&v->kick_lock);
	if (v->started && !pthread_equal(v->thread, pthread_self()))
		pthread_kill(v->thread, VCPU_KICK_SIGNAL);
	pthread_mutex_unlock(&v->kick_lock);
}

void vcpus_kick_all(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(vm, i);
}

int vcpus_pause(struct vm *vm)
{
	struct timespec deadline;
	unsigned want = 0;
	int ret = 0;

	/* Every started vCPU: a powered-off secondary parks too (KVM_RUN returns EINTR). */
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		want += vm->vcpus[i].started;
	pthread_mutex_lock(&vm->pause_lock);
	if (vm->paused) {
		pthread_mutex_unlock(&vm->pause_lock);
		return 0;
	}
	__atomic_store_n(&vm->paused, true, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vm->pause_lock);
	vcpus_kick_all(vm);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += PAUSE_TIMEOUT_S;
	pthread_mutex_lock(&vm->pause_lock);
	while (vm->parked < want && !vm_stopping(vm) &&
	       pthread_cond_timedwait(&vm->parked_cond, &vm->pause_lock, &deadline) != ETIMEDOUT)
		;
	if (vm->parked < want) {
		/* All or nothing: a half-paused VM would be neither state. */
		ret = vm_stopping(vm) ? -ECANCELED : -ETIMEDOUT;
		__atomic_store_n(&vm->paused, false, __ATOMIC_RELEASE);
		pthread_cond_broadcast(&vm->pause_cond);
	}
	pthread_mutex_unlock(&vm->pause_lock);
	return ret;
}

void vcpus_resume(struct vm *vm)
{
	pthread_mutex_lock(&vm->pause_lock);
	__atomic_store_n(&vm->paused, false, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
}

void vcpus_join(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		bool started;

		/* Not started from here on: no kick can signal a thread once it is joined. */
		pthread_mutex_lock(&v->kick_lock);
		started = v->started;
		v->started = false;
		pthread_mutex_unlock(&v->kick_lock);
		if (started)
			pthread_join(v->thread, NULL);
	}
}

void vcpus_destroy(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (v->run)
			munmap(v->run, (size_t)vm->kvm_run_size);
		if (v->fd >= 0)
			close(v->fd);
		pthread_mutex_destroy(&v->kick_lock);
	}
	free(vm->vcpus);
	vm->vcpus = NULL;
	vm->nr_vcpus = 0;
}
