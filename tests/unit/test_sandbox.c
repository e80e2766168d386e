// SPDX-License-Identifier: GPL-2.0-only
/*
 * The seccomp sandbox: the policy tables as data, then the real filters
 * loaded in a child process, where a forbidden call must kill the child by
 * SIGSYS with armlet's one-line report and an allowed one must just work.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../vmm/sandbox.h"
#include "suites.h"

START_TEST(policy_per_kind)
{
	/* Only the main thread opens files (--reboot, --stats) or serves the socket. */
	ck_assert(sandbox_allows(SANDBOX_MAIN, 0, "openat"));
	ck_assert(sandbox_allows(SANDBOX_MAIN, 0, "accept4"));
	ck_assert(SANDBOX_SANITIZER || !sandbox_allows(SANDBOX_VCPU, 0, "openat"));
	ck_assert(!sandbox_allows(SANDBOX_VCPU, 0, "accept4"));
	ck_assert(SANDBOX_SANITIZER || !sandbox_allows(SANDBOX_DEVICE, 0, "openat"));
	/* No thread makes a signalfd: the main loop takes its signals in ppoll(). */
	for (unsigned k = 0; k < SANDBOX_NR_KINDS; k++)
		ck_assert(!sandbox_allows(k, 0, "signalfd4"));
	/* Block I/O: device threads, and vCPUs as device threads inherit their filter. */
	ck_assert(sandbox_allows(SANDBOX_DEVICE, 0, "io_uring_enter"));
	ck_assert(sandbox_allows(SANDBOX_DEVICE, 0, "fdatasync"));
	ck_assert(sandbox_allows(SANDBOX_VCPU, 0, "io_submit"));
	ck_assert(sandbox_allows(SANDBOX_MAIN, 0, "pwritev"));
	/* ioctl only for some requests, clone only for threads. */
	ck_assert(!sandbox_allows(SANDBOX_VCPU, 0, "ioctl"));
	ck_assert(!sandbox_allows(SANDBOX_DEVICE, 0, "clone"));
	for (unsigned k = 0; k < SANDBOX_NR_KINDS; k++) {
		ck_assert_ptr_nonnull(sandbox_kind_name(k));
		ck_assert(!sandbox_allows(k, 0, "socket"));
		ck_assert(!sandbox_allows(k, 0, "execve"));
		ck_assert(!sandbox_allows(k, 0, "mount"));
		ck_assert(!sandbox_allows(k, 0, "clone3"));
		ck_assert(sandbox_allows(k, 0, "futex"));
	}
	ck_assert_ptr_null(sandbox_kind_name(SANDBOX_NR_KINDS));
	ck_assert(!sandbox_allows(SANDBOX_NR_KINDS, 0, "futex"));
	/* A --9p share: its thread (a vCPU starts it) works on files, and only then. */
	for (unsigned k = 0; k < SANDBOX_NR_KINDS; k++) {
		ck_assert(sandbox_allows(k, SANDBOX_FS, "openat2"));
		ck_assert(sandbox_allows(k, SANDBOX_FS, "getdents64"));
		ck_assert(SANDBOX_SANITIZER || k == SANDBOX_MAIN ||
			  !sandbox_allows(k, 0, "openat2"));
		ck_assert(!sandbox_allows(k, SANDBOX_FS, "socket"));
	}
	/* A NIC: slirp's sockets, in every kind (a vCPU starts its thread), and only then. */
	for (unsigned k = 0; k < SANDBOX_NR_KINDS; k++) {
		ck_assert(sandbox_allows(k, SANDBOX_NET, "socket"));
		ck_assert(sandbox_allows(k, SANDBOX_NET, "recvmsg"));
		/* slirp reads /etc/resolv.conf (t-48): read-only, scenario NET_READ_OPEN. */
		ck_assert(SANDBOX_SANITIZER || k == SANDBOX_MAIN ||
			  !sandbox_allows(k, SANDBOX_NET, "openat"));
		ck_assert(!sandbox_allows(k, SANDBOX_NET, "openat2"));
		ck_assert(!sandbox_allows(k, SANDBOX_NET, "execve"));
	}
}
END_TEST

START_TEST(filters_build)
{
	for (unsigned k = 0; k < SANDBOX_NR_KINDS; k++) {
		scmp_filter_ctx ctx = NULL;

		ck_assert_int_eq(sandbox_filter_build(k, 0, k == SANDBOX_MAIN, &ctx), 0);
		ck_assert_ptr_nonnull(ctx);
		seccomp_release(ctx);
	}
	ck_assert_int_eq(sandbox_filter_build(SANDBOX_NR_KINDS, 0, false, NULL), -EINVAL);
}
END_TEST

/* The first call each filter tests is ioctl (KVM_RUN): sandbox_policy.c says why. */
START_TEST(filters_test_ioctl_first)
{
	for (unsigned k = 0; k < SANDBOX_NR_KINDS; k++) {
		scmp_filter_ctx ctx = NULL;
		char line[256];
		FILE *f = tmpfile();

		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(sandbox_filter_build(k, SANDBOX_FS | SANDBOX_NET, false, &ctx), 0);
		ck_assert_int_eq(seccomp_export_pfc(ctx, fileno(f)), 0);
		seccomp_release(ctx);
		rewind(f);
		while (fgets(line, sizeof(line), f) && !strstr(line, "filter for syscall"))
			;
		ck_assert_msg(strstr(line, "\"ioctl\""), "%s: first: %s", sandbox_kind_name(k),
			      line);
		fclose(f);
	}
}
END_TEST

/* What the child does under the sandbox; its exit code 0 means "all went as expected". */
enum scenario {
	ALLOWED_CALLS,	  /* main filter: getpid, an eventfd, a thread */
	FORBIDDEN_MAIN,	  /* main filter: socket() */
	FORBIDDEN_FORK,	  /* main filter: fork() is a clone without CLONE_THREAD */
	FORBIDDEN_DEVICE, /* a device thread: timerfd_create(), the main loop's */
	SOFT_VCPU_OPEN,	  /* a vCPU thread: openat() fails with EACCES (allowed with ASan) */
	TRIP_HOOK,	  /* ARMLET_TEST_SANDBOX_TRIP=vcpu on a vCPU thread */
	NET_READ_OPEN,	  /* with a NIC, a device thread: read-only opens only */
};

static void *thread_nop(void *arg)
{
	return arg;
}

static void *thread_device_open(void *arg)
{
	sigset_t all;

	/* As device threads do: the report must come all the same. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	if (sandbox_thread_enter(SANDBOX_DEVICE))
		_exit(10);
	timerfd_create(CLOCK_MONOTONIC, 0); /* must not return */
	return arg;
}

static void *thread_vcpu_open(void *arg)
{
	int fd;

	(void)arg;
	if (sandbox_thread_enter(SANDBOX_VCPU))
		_exit(10);
	fd = open("/dev/null", O_RDONLY);
	if (SANDBOX_SANITIZER)
		return (void *)(long)(fd >= 0 ? 0 : 11);
	return (void *)(long)(fd < 0 && errno == EACCES ? 0 : 11);
}

/* 0 when open(path, flags) fails with EACCES. */
static int open_refused(const char *path, int flags)
{
	int fd = open(path, flags, 0600);

	if (fd >= 0)
		close(fd);
	return fd < 0 && errno == EACCES ? 0 : 1;
}

/* Where NET_READ_OPEN tries an O_CREAT open that must make nothing. */
static const char *net_open_path(void)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/sandbox-net-open", getenv("ARMLET_TEST_TMP") ?: "/tmp");
	return path;
}

static void *thread_net_open(void *arg)
{
	struct stat st;
	int fd, bad = 0;

	(void)arg;
	if (sandbox_thread_enter(SANDBOX_DEVICE))
		_exit(10);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	bad |= fd < 0;
	if (fd >= 0)
		close(fd);
	if (!SANDBOX_SANITIZER) { /* ASan's reports need any open: its table allows it */
		bad |= open_refused("/dev/null", O_WRONLY);
		bad |= open_refused("/dev/null", O_RDWR);
		bad |= open_refused(net_open_path(), O_RDONLY | O_CREAT);
		bad |= open_refused("/dev/null", O_RDONLY | O_TRUNC);
		bad |= stat(net_open_path(), &st) == 0; /* O_CREAT made nothing */
	}
	return (void *)(long)(bad ? 13 : 0);
}

static void *thread_vcpu_trip(void *arg)
{
	sandbox_thread_enter(SANDBOX_VCPU); /* the hook: must not return */
	return arg;
}

static int run_thread(void *(*fn)(void *))
{
	pthread_t t;
	void *ret = (void *)1L;

	if (pthread_create(&t, NULL, fn, NULL) || pthread_join(t, &ret))
		return 12;
	return (int)(long)ret;
}

static int child_scenario(enum scenario s)
{
	char err[256];
	int fd;

	if (s == TRIP_HOOK)
		setenv("ARMLET_TEST_SANDBOX_TRIP", "vcpu", 1);
	if (s == NET_READ_OPEN)
		unlink(net_open_path());
	if (sandbox_install(s == NET_READ_OPEN ? SANDBOX_NET : 0, err, sizeof(err)))
		return 20;
	switch (s) {
	case ALLOWED_CALLS:
		fd = eventfd(0, EFD_CLOEXEC);
		if (getpid() <= 0 || fd < 0 || eventfd_write(fd, 1))
			return 21;
		return run_thread(thread_nop);
	case FORBIDDEN_MAIN: socket(AF_INET, SOCK_STREAM, 0); return 22;
	case FORBIDDEN_FORK: fork(); return 23;
	case FORBIDDEN_DEVICE: return run_thread(thread_device_open) ?: 24;
	case SOFT_VCPU_OPEN: return run_thread(thread_vcpu_open);
	case TRIP_HOOK: return run_thread(thread_vcpu_trip) ?: 25;
	case NET_READ_OPEN: return run_thread(thread_net_open);
	}
	return 26;
}

/* Runs s in a child with stderr into out; returns its wait status. */
static int run_child(enum scenario s, char *out, size_t len)
{
	int p[2], status = -1;
	ssize_t n, got = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		_exit(child_scenario(s));
	}
	close(p[1]);
	while ((size_t)got + 1 < len && (n = read(p[0], out + got, len - 1 - (size_t)got)) > 0)
		got += n;
	out[got] = 0;
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

static void expect_killed(enum scenario s, const char *kind)
{
	char out[1024], want[64];
	int status = run_child(s, out, sizeof(out));

	snprintf(want, sizeof(want), "sandbox: %s thread '", kind);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
		      "scenario %d: status %#x, stderr: %s", s, status, out);
	ck_assert_msg(strstr(out, "armlet: sandbox: "), "stderr: %s", out);
	ck_assert_msg(strstr(out, want), "stderr: %s", out);
	ck_assert_msg(strstr(out, "which the sandbox forbids"), "stderr: %s", out);
}

START_TEST(allowed_calls_run)
{
	char out[1024];
	int status = run_child(ALLOWED_CALLS, out, sizeof(out));

	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x, stderr: %s",
		      status, out);
	status = run_child(SOFT_VCPU_OPEN, out, sizeof(out));
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x, stderr: %s",
		      status, out);
	status = run_child(NET_READ_OPEN, out, sizeof(out));
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x, stderr: %s",
		      status, out);
}
END_TEST

START_TEST(forbidden_calls_kill)
{
	expect_killed(FORBIDDEN_MAIN, "main");
	expect_killed(FORBIDDEN_FORK, "main");
	expect_killed(FORBIDDEN_DEVICE, "device");
	expect_killed(TRIP_HOOK, "vcpu");
}
END_TEST

Suite *sandbox_suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, policy_per_kind);
	tcase_add_test(tc, filters_build);
	tcase_add_test(tc, filters_test_ioctl_first);
	tcase_add_test(tc, allowed_calls_run);
	tcase_add_test(tc, forbidden_calls_kill);
	suite_add_tcase(s, tc);
	return s;
}
