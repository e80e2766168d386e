// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "vm.h"

uint64_t vm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void vm_pause_init(struct vm *vm)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&vm->pause_lock, NULL);
	pthread_cond_init(&vm->pause_cond, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&vm->parked_cond, &attr);
	pthread_condattr_destroy(&attr);
}

int vm_init(struct vm *vm, const struct vm_config *cfg)
{
	memset(vm, 0, sizeof(*vm));
	vm->cfg = cfg;
	vm->kvm_fd = vm->vm_fd = vm->irqchip_fd = vm->console_log_fd = -1;
	vm->t_start = vm_now_ns();
	bus_init(&vm->bus);
	pthread_mutex_init(&vm->stop_lock, NULL);
	vm_pause_init(vm);
	vm->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->stop_fd < 0)
		return -errno;
	return 0;
}

void vm_destroy(struct vm *vm)
{
	if (vm->stop_fd >= 0)
		close(vm->stop_fd);
	if (vm->console_log_fd >= 0)
		close(vm->console_log_fd);
	pthread_mutex_destroy(&vm->stop_lock);
	pthread_cond_destroy(&vm->parked_cond);
	pthread_cond_destroy(&vm->pause_cond);
	pthread_mutex_destroy(&vm->pause_lock);
	bus_destroy(&vm->bus);
}

void vm_request_stop(struct vm *vm, int code, const char *fmt, ...)
{
	uint64_t one = 1;
	va_list ap;

	pthread_mutex_lock(&vm->stop_lock);
	if (!vm->stopping) {
		vm->exit_code = code;
		va_start(ap, fmt);
		vsnprintf(vm->exit_reason, sizeof(vm->exit_reason), fmt, ap);
		va_end(ap);
		/* Release: whoever sees stopping also sees the code and reason. */
		__atomic_store_n(&vm->stopping, true, __ATOMIC_RELEASE);
		if (write(vm->stop_fd, &one, sizeof(one)) < 0) {
			/* Only fails if the counter would overflow: already signalled. */
		}
	}
	pthread_mutex_unlock(&vm->stop_lock);
	/* Paused vCPUs and a waiting pauser look at stopping when woken. */
	pthread_mutex_lock(&vm->pause_lock);
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_cond_broadcast(&vm->parked_cond);
	pthread_mutex_unlock(&vm->pause_lock);
}

bool vm_stopping(const struct vm *vm)
{
	return __atomic_load_n(&vm->stopping, __ATOMIC_ACQUIRE);
}

void vm_stop_clear(struct vm *vm)
{
	uint64_t n;

	pthread_mutex_lock(&vm->stop_lock);
	vm->exit_code = 0;
	vm->exit_reason[0] = '\0';
	if (read(vm->stop_fd, &n, sizeof(n)) < 0) {
		/* EAGAIN (the eventfd is non-blocking): nothing was signalled. */
	}
	__atomic_store_n(&vm->stopping, false, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vm->stop_lock);
	pthread_mutex_lock(&vm->pause_lock);
	__atomic_store_n(&vm->paused, false, __ATOMIC_RELEASE);
	vm->parked = 0;
	pthread_mutex_unlock(&vm->pause_lock);
}

bool vm_paused(const struct vm *vm)
{
	return __atomic_load_n(&vm->paused, __ATOMIC_ACQUIRE);
}

static int vm_spi_set(void *ctx, unsigned line, bool level)
{
	struct vm *vm = ctx;

	return vm->irqchip->set_line(vm, line, level);
}

struct irq_handle vm_spi_handle(struct vm *vm, unsigned spi)
{
	return (struct irq_handle){ .set = vm_spi_set, .ctx = vm, .line = spi };
}
