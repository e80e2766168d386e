// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmmstat - time and weigh a VMM from the outside, the same way whichever
 * VMM it is (armlet or QEMU), for scripts/bench.
 *
 *   vmmstat [-m MARKER] [-r RAM_MIB] -- CMD [ARGS...]
 *
 * Runs CMD with its stdout (the guest's console) on a pipe, copies what it
 * writes to our stdout, and timestamps (CLOCK_MONOTONIC, from just before fork) the
 * first byte and the first occurrence of MARKER in that stream, and CMD's
 * exit. When MARKER appears it weighs the process through /proc/PID/smaps:
 * its RSS, the RSS of its guest RAM (the largest mapping of at least
 * RAM_MIB, which is how both VMMs map guest RAM: one anonymous region) and
 * its thread count. The last line it prints is
 *
 *   vmmstat: first_byte_ms=F marker_ms=M exit_ms=E status=S rss_kib=R
 *            guest_rss_kib=G vmm_rss_kib=R-G threads=T cpu_ms=C vcsw=V ivcsw=I
 *
 * with CMD's CPU time (user and system, all threads) and its voluntary and
 * involuntary context switches, from wait4()
 * (one line; -1 for what did not happen). Exit status: CMD's, or 125 when
 * vmmstat itself failed. Timings under TCG mean something only as ratios.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct weight {
	long rss_kib, guest_kib, threads;
};

struct stamps {
	uint64_t t0;
	long first_byte_ms, marker_ms, exit_ms;
	struct weight w;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static long since_ms(const struct stamps *s)
{
	return (long)((now_ns() - s->t0) / 1000000ULL);
}

/* Sums Rss over the mappings of /proc/PID/smaps; the largest one of at least
 * min_kib (guest RAM) is counted apart. */
static void weigh_smaps(pid_t pid, long min_kib, struct weight *w)
{
	char path[64], line[512];
	long size = 0, best = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	w->rss_kib = 0;
	w->guest_kib = 0;
	while (fgets(line, sizeof(line), f)) {
		long v;

		if (sscanf(line, "Size: %ld kB", &v) == 1) {
			size = v;
		} else if (sscanf(line, "Rss: %ld kB", &v) == 1) {
			w->rss_kib += v;
			if (size >= min_kib && size > best) {
				best = size;
				w->guest_kib = v;
			}
		}
	}
	fclose(f);
}

static void weigh_threads(pid_t pid, struct weight *w)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %ld", &w->threads) == 1)
			break;
	fclose(f);
}

/* Looks for the marker across read boundaries: keeps the last len-1 bytes. */
struct matcher {
	const char *marker;
	size_t len;
	char tail[256];
	size_t have;
};

static bool matcher_feed(struct matcher *m, const char *buf, size_t n)
{
	char joined[256 + 4096];
	size_t keep;

	if (!m->len)
		return false;
	memcpy(joined, m->tail, m->have);
	memcpy(joined + m->have, buf, n);
	n += m->have;
	if (memmem(joined, n, m->marker, m->len))
		return true;
	keep = m->len - 1 < n ? m->len - 1 : n;
	memcpy(m->tail, joined + n - keep, keep);
	m->have = keep;
	return false;
}

static pid_t spawn(char **argv, int *out_fd)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "vmmstat: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	*out_fd = p[0];
	return pid;
}

/* Copies CMD's output until EOF, stamping the first byte and the marker. */
static void follow(pid_t pid, int fd, struct matcher *m, long min_kib, struct stamps *s)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		if (s->first_byte_ms < 0)
			s->first_byte_ms = since_ms(s);
		if (s->marker_ms < 0 && matcher_feed(m, buf, (size_t)n)) {
			s->marker_ms = since_ms(s);
			weigh_smaps(pid, min_kib, &s->w);
			weigh_threads(pid, &s->w);
		}
		fwrite(buf, 1, (size_t)n, stdout);
	}
}

int main(int argc, char **argv)
{
	struct matcher m = { .marker = "" };
	struct stamps s = { .first_byte_ms = -1, .marker_ms = -1, .exit_ms = -1 };
	long ram_mib = 64;
	int opt, fd, status;
	struct rusage ru;
	pid_t pid;

	s.w = (struct weight){ -1, -1, -1 };
	while ((opt = getopt(argc, argv, "+m:r:")) != -1) {
		if (opt == 'm')
			m.marker = optarg;
		else if (opt == 'r')
			ram_mib = atol(optarg);
		else
			return 125;
	}
	m.len = strlen(m.marker);
	if (optind >= argc || m.len >= sizeof(m.tail) || ram_mib <= 0) {
		fprintf(stderr, "usage: vmmstat [-m MARKER] [-r RAM_MIB] -- CMD [ARGS...]\n");
		return 125;
	}
	signal(SIGPIPE, SIG_IGN);
	s.t0 = now_ns();
	pid = spawn(argv + optind, &fd);
	if (pid < 0) {
		fprintf(stderr, "vmmstat: cannot start %s: %s\n", argv[optind], strerror(errno));
		return 125;
	}
	follow(pid, fd, &m, ram_mib * 1024, &s);
	if (wait4(pid, &status, 0, &ru) < 0)
		return 125;
	s.exit_ms = since_ms(&s);
	fflush(stdout);
	printf("\nvmmstat: first_byte_ms=%ld marker_ms=%ld exit_ms=%ld status=%d rss_kib=%ld "
	       "guest_rss_kib=%ld vmm_rss_kib=%ld threads=%ld cpu_ms=%ld vcsw=%ld ivcsw=%ld\n",
	       s.first_byte_ms, s.marker_ms, s.exit_ms,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), s.w.rss_kib,
	       s.w.guest_kib, s.w.rss_kib < 0 ? -1 : s.w.rss_kib - s.w.guest_kib, s.w.threads,
	       (long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
		   (long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000,
	       ru.ru_nvcsw, ru.ru_nivcsw);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 125;
}
