// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/timerfd.h>
#include <termios.h>
#include <unistd.h>

#include "control.h"
#include "dev/uart.h"
#include "exitcode.h"
#include "log.h"
#include "loop.h"
#include "vcpu.h"

#define CONSOLE_ESCAPE 0x01 /* Ctrl-A, then x to quit, as in lkvm and QEMU */
#define RETRY_MS       20   /* how soon to offer input again when the guest took none */
#define LOOP_NR_FIXED  3    /* stop_fd, stdin, timerfd; control sockets follow */

/* Console input: stdin, which may be a tty, a pipe, /dev/null or closed. */
struct console_in {
	int fd; /* -1 once at EOF or unusable: the guest keeps running */
	bool tty;
	bool escape;
	struct termios saved;
	uint8_t buf[256];
	size_t len, off; /* bytes read but not yet taken by the UART */
};

int loop_block_signals(void)
{
	sigset_t set;

	/* A closed stdout must not kill armlet; writes then fail with EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, VCPU_KICK_SIGNAL);
	return -pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static void console_open(struct console_in *in)
{
	struct termios raw;

	memset(in, 0, sizeof(*in));
	in->fd = STDIN_FILENO;
	in->tty = isatty(in->fd) && tcgetattr(in->fd, &in->saved) == 0;
	if (!in->tty)
		return;
	/* Keys go to the guest as typed; Ctrl-C is the guest's, Ctrl-A x is ours. */
	raw = in->saved;
	raw.c_iflag &= ~(tcflag_t)(ICRNL | IXON);
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(in->fd, TCSANOW, &raw);
}

static void console_close(struct console_in *in)
{
	if (in->tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &in->saved);
	in->tty = false;
	in->fd = -1;
}

/* Applies the Ctrl-A escape in place; returns the bytes left for the guest. */
static size_t console_filter(struct vm *vm, struct console_in *in, uint8_t *buf, size_t n)
{
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = buf[i];

		if (in->escape) {
			in->escape = false;
			if (c == 'x') {
				vm_request_stop(vm, EXIT_SIGINT,
						"stopped from the console (Ctrl-A x)");
				return out;
			}
			if (c != CONSOLE_ESCAPE)
				continue;
		} else if (c == CONSOLE_ESCAPE) {
			in->escape = true;
			continue;
		}
		buf[out++] = c;
	}
	return out;
}

static void console_read(struct vm *vm, struct console_in *in)
{
	ssize_t n = read(in->fd, in->buf, sizeof(in->buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* EOF (or an unreadable stdin) ends input, not the guest. */
		log_debug("console input closed");
		console_close(in);
		return;
	}
	in->off = 0;
	in->len = in->tty ? console_filter(vm, in, in->buf, (size_t)n) : (size_t)n;
}

/*
 * SIGINT and SIGTERM stay blocked everywhere except while the main thread
 * sleeps in ppoll(), whose handler notes them here. Not a signalfd: Linux
 * wakes every signalfd reader of a process for each signal sent to any of
 * its threads (the wait queue is the shared sighand's), so each vCPU kick
 * woke the main thread for nothing, one more context switch per IPI under
 * a userspace GIC. A file-scope variable because a handler has no other
 * way to reach the loop; only the main thread ever takes these signals.
 */
static volatile sig_atomic_t loop_signo;

static void loop_on_signal(int sig)
{
	loop_signo = sig;
}

/* Installs the handlers; *waitmask gets the mask ppoll() sleeps with. */
static int loop_signals_setup(sigset_t *waitmask)
{
	struct sigaction sa = { .sa_handler = loop_on_signal };

	sigfillset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	pthread_sigmask(SIG_SETMASK, NULL, waitmask);
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGTERM);
	return 0;
}

static void loop_signal(struct vm *vm)
{
	int sig = loop_signo;

	if (!sig)
		return;
	loop_signo = 0;
	if (sig == SIGINT)
		vm_request_stop(vm, EXIT_SIGINT, "stopped by SIGINT");
	else
		vm_request_stop(vm, EXIT_SIGTERM, "stopped by SIGTERM");
}

/*
 * A timerfd for --timeout, or -1 when there is none. The deadline is set
 * by the first run and kept: with --reboot it covers every boot.
 */
static int loop_timer(struct vm *vm)
{
	struct itimerspec its = { 0 };
	int fd;

	if (!vm->cfg->timeout)
		return -1;
	if (!vm->t_timeout)
		vm->t_timeout = vm_now_ns() + (uint64_t)vm->cfg->timeout * 1000000000ULL;
	its.it_value.tv_sec = (time_t)(vm->t_timeout / 1000000000ULL);
	its.it_value.tv_nsec = (long)(vm->t_timeout % 1000000000ULL);
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (fd >= 0 && timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		return fd;
	vm_request_stop(vm, EXIT_INTERNAL, "cannot arm the --timeout timer: %s", strerror(errno));
	return fd;
}

int loop_run(struct vm *vm)
{
	struct console_in in;
	sigset_t waitmask;
	int tfd;

	if (loop_signals_setup(&waitmask))
		vm_request_stop(vm, EXIT_INTERNAL, "cannot catch SIGINT and SIGTERM: %s",
				strerror(errno));
	tfd = loop_timer(vm);
	console_open(&in);
	while (!vm_stopping(vm)) {
		struct pollfd pfd[LOOP_NR_FIXED + CONTROL_NR_POLLFDS] = {
			{ .fd = vm->stop_fd, .events = POLLIN },
			{ .fd = -1, .events = POLLIN },
			{ .fd = tfd, .events = POLLIN },
		};
		struct timespec retry = { 0, RETRY_MS * 1000000L };
		unsigned nctl =
		    vm->control ? control_poll_fds(vm->control, pfd + LOOP_NR_FIXED) : 0;
		struct timespec *timeout = NULL;

		if (in.off < in.len) {
			in.off +=
			    vm->console_input(vm->console_ctx, in.buf + in.off, in.len - in.off);
			if (in.off < in.len)
				timeout = &retry; /* the guest has not taken it all yet */
		}
		if (in.off == in.len && in.fd >= 0)
			pfd[1].fd = in.fd;
		if (ppoll(pfd, LOOP_NR_FIXED + nctl, timeout, &waitmask) < 0 && errno != EINTR) {
			vm_request_stop(vm, EXIT_INTERNAL, "poll failed: %s", strerror(errno));
			break;
		}
		loop_signal(vm);
		if (pfd[2].revents & POLLIN)
			vm_request_stop(vm, EXIT_TIMEOUT,
					"--timeout %u s expired; vCPU registers follow",
					vm->cfg->timeout);
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))
			console_read(vm, &in);
		else if (pfd[1].revents & POLLNVAL)
			console_close(&in);
		/* Last: a stop, pause or stat acts on the state the rest left. */
		if (nctl)
			control_handle(vm->control, pfd + LOOP_NR_FIXED, nctl);
	}
	vcpus_kick_all(vm);
	console_close(&in);
	if (tfd >= 0)
		close(tfd);
	return vm->exit_code;
}
