// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading the sandbox's filters (sandbox_policy.c builds them) and the
 * SIGSYS report. A forbidden call traps rather than killing outright, so
 * armlet can say which thread made which call before it dies of SIGSYS.
 * Whether the sandbox is on is the kernel's own per-thread state
 * (PR_GET_SECCOMP), so threads need no flag passed down to them.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"

/* The calling thread's kind, for the SIGSYS report; NULL outside the sandbox. */
static __thread const char *thread_kind;
/*
 * sandbox_install()'s features, for the threads that narrow later. The
 * filters are the process's, so this is the process's too: set once, on
 * the main thread, before any filtered thread can read it.
 */
static unsigned sandbox_features;

/* Appends s to buf at *at; async-signal-safe. */
static void put_str(char *buf, size_t len, size_t *at, const char *s)
{
	while (*s && *at + 1 < len)
		buf[(*at)++] = *s++;
}

static void put_uint(char *buf, size_t len, size_t *at, unsigned long v)
{
	char digits[24];
	size_t n = 0;

	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < sizeof(digits));
	while (n && *at + 1 < len)
		buf[(*at)++] = digits[--n];
}

/*
 * SIGSYS from a SECCOMP_RET_TRAP: one line on stderr, then death by SIGSYS
 * at once, as SECCOMP_RET_KILL_PROCESS would. Only calls every filter
 * allows, and nothing that may allocate or lock.
 */
static void sandbox_sigsys(int sig, siginfo_t *si, void *uc)
{
	char line[200], comm[17] = "?";
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t set;
	size_t at = 0;

	(void)uc;
	prctl(PR_GET_NAME, comm, 0, 0, 0);
	put_str(line, sizeof(line), &at, "armlet: sandbox: ");
	put_str(line, sizeof(line), &at, thread_kind ? thread_kind : "unknown");
	put_str(line, sizeof(line), &at, " thread '");
	put_str(line, sizeof(line), &at, comm);
	put_str(line, sizeof(line), &at, "' made system call ");
	put_uint(line, sizeof(line), &at, (unsigned long)si->si_syscall);
	put_str(line, sizeof(line), &at,
		", which the sandbox forbids; killed (an armlet bug: please report it; "
		"--sandbox=off runs without the sandbox)\n");
	if (write(STDERR_FILENO, line, at) < 0)
		at = 0; /* nothing better to do */
	sigaction(sig, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
	_exit(128 + sig); /* not reached: SIGSYS's default action ends the process */
}

static int filter_load(enum sandbox_kind kind, bool tsync)
{
	scmp_filter_ctx ctx;
	int ret = sandbox_filter_build(kind, sandbox_features, tsync, &ctx);

	if (ret)
		return ret;
	ret = seccomp_load(ctx);
	seccomp_release(ctx);
	return ret;
}

/* The test hook: a call no filter allows, which must never return. */
static void sandbox_trip(enum sandbox_kind kind)
{
	const char *want = getenv("ARMLET_TEST_SANDBOX_TRIP");
	int fd;

	if (!want || strcmp(want, sandbox_kind_name(kind)) != 0)
		return;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	log_error("sandbox: ARMLET_TEST_SANDBOX_TRIP: socket() returned %d in a %s thread", fd,
		  want);
	if (fd >= 0)
		close(fd);
}

int sandbox_install(unsigned features, char *err, size_t len)
{
	struct sigaction sa = { .sa_sigaction = sandbox_sigsys, .sa_flags = SA_SIGINFO };
	int ret;

	/* -EINVAL: a kernel built without CONFIG_SECCOMP (mode 2 needs _FILTER too). */
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0)
		return err_set(err, len, -ENOSYS,
			       "this kernel has no seccomp support (CONFIG_SECCOMP_FILTER); "
			       "run with --sandbox=off");
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL))
		return err_set(err, len, -errno, "cannot catch SIGSYS: %s", strerror(errno));
	sandbox_features = features;
	ret = filter_load(SANDBOX_MAIN, true);
	if (ret == -EINVAL)
		return err_set(err, len, -ENOSYS,
			       "the kernel refused the seccomp filter (no "
			       "CONFIG_SECCOMP_FILTER?); run with --sandbox=off");
	if (ret)
		return err_set(err, len, ret, "cannot load the seccomp filter: %s", strerror(-ret));
	/* Threads started before this report "unknown": only the irqfd resample thread. */
	thread_kind = sandbox_kind_name(SANDBOX_MAIN);
	sandbox_trip(SANDBOX_MAIN);
	return 0;
}

int sandbox_thread_enter(enum sandbox_kind kind)
{
	sigset_t sys;
	int ret;

	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != SECCOMP_MODE_FILTER)
		return 0; /* --sandbox=off, or a thread of the setup phase */
	/*
	 * Device threads block every signal, but a SIGSYS the kernel forces
	 * on a thread that blocks it skips the handler (force_sig_info_to_task()
	 * resets it to SIG_DFL): the report would be lost.
	 */
	sigemptyset(&sys);
	sigaddset(&sys, SIGSYS);
	pthread_sigmask(SIG_UNBLOCK, &sys, NULL);
	ret = filter_load(kind, false);
	if (ret) {
		log_error("sandbox: cannot narrow a %s thread's filter: %s",
			  sandbox_kind_name(kind), strerror(-ret));
		return ret;
	}
	thread_kind = sandbox_kind_name(kind);
	sandbox_trip(kind);
	return 0;
}
