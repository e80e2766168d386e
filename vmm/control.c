// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control protocol's portable half: VM names, where sockets live, the
 * request parser, and the client side (connect, probe, request).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "log.h"

#define REPLY_MAX (1U << 20) /* a stat reply is a few KiB; anything near this is wrong */

static const char *const cmd_names[CONTROL_NR_CMDS] = {
	[CONTROL_STOP] = "stop",
	[CONTROL_PAUSE] = "pause",
	[CONTROL_RESUME] = "resume",
	[CONTROL_STAT] = "stat",
};

const char *control_cmd_name(enum control_cmd cmd)
{
	return cmd_names[cmd];
}

/* ASCII only: a name must mean the same file whatever the locale. */
static bool name_char_ok(char ch, bool first)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
		return true;
	return !first && (ch == '.' || ch == '_' || ch == '-');
}

int control_name_check(const char *name, char *err, size_t len)
{
	size_t n = strlen(name);
	bool ok = n >= 1 && n <= CONTROL_NAME_MAX;

	for (size_t i = 0; ok && i < n; i++)
		ok = name_char_ok(name[i], i == 0);
	if (!ok)
		return err_set(err, len, -EINVAL,
			       "invalid VM name '%s' (1 to %d letters, digits, '.', '_' or '-', "
			       "starting with a letter or digit)",
			       name, CONTROL_NAME_MAX);
	return 0;
}

int control_dir(const char *xdg, const char *home, char *buf, size_t len)
{
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/armlet", xdg);
	else if (home && home[0] == '/')
		n = snprintf(buf, len, "%s/.armlet", home);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int control_dir_env(char *buf, size_t len)
{
	return control_dir(getenv("XDG_RUNTIME_DIR"), getenv("HOME"), buf, len);
}

int control_sock_path(const char *dir, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s.sock", dir, name);

	if (n < 0 || (size_t)n >= len || (size_t)n >= CONTROL_PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

/* Whether buf[0..n), with no newline yet, can still become "word\n" or "word\r\n". */
static bool request_prefix(const char *buf, size_t n, const char *word)
{
	size_t w = strlen(word);

	if (n <= w)
		return memcmp(buf, word, n) == 0;
	return n == w + 1 && buf[w] == '\r' && memcmp(buf, word, w) == 0;
}

int control_parse(const char *buf, size_t len, enum control_cmd *cmd)
{
	size_t scan = len < CONTROL_LINE_MAX ? len : CONTROL_LINE_MAX;
	const char *nl = memchr(buf, '\n', scan);
	size_t n = nl ? (size_t)(nl - buf) : len;

	if (!nl && len >= CONTROL_LINE_MAX)
		return -E2BIG;
	if (nl && n && buf[n - 1] == '\r')
		n--;
	for (unsigned i = 0; i < CONTROL_NR_CMDS; i++) {
		if (!nl && request_prefix(buf, n, cmd_names[i]))
			return -EAGAIN;
		if (nl && n == strlen(cmd_names[i]) && memcmp(buf, cmd_names[i], n) == 0) {
			*cmd = (enum control_cmd)i;
			return (int)i;
		}
	}
	return -EINVAL;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A non-blocking connection to path: a VM whose backlog is full answers
 * -EAGAIN instead of leaving the caller stuck in connect().
 */
static int control_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(path);
	int fd, ret;

	if (n >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, n);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	ret = -errno;
	close(fd);
	return ret;
}

int control_probe(const char *path)
{
	struct stat st;
	int fd;

	if (lstat(path, &st))
		return -errno;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	fd = control_connect(path);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (fd == -EAGAIN)
		return 0; /* listening, with a full backlog: alive */
	if (fd != -ECONNREFUSED)
		return fd;
	/* Nobody listens: the VM died without removing it (SIGKILL, a crash). */
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return -ENOENT;
}

int control_dir_lock(const char *dir, bool create, char *err, size_t len)
{
	struct stat st;
	int fd, ret;

	if (create && mkdir(dir, 0700) && errno != EEXIST)
		return err_set(err, len, -errno, "cannot create %s: %s", dir, strerror(errno));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, len, -errno, "cannot open %s: %s", dir, strerror(errno));
	if (fstat(fd, &st) || st.st_uid != geteuid()) {
		close(fd);
		return err_set(err, len, -EPERM, "%s is not a directory of yours", dir);
	}
	while ((ret = flock(fd, LOCK_EX)) && errno == EINTR)
		;
	if (ret) {
		ret = -errno;
		close(fd);
		return err_set(err, len, ret, "cannot lock %s: %s", dir, strerror(-ret));
	}
	return fd;
}

/* Appends what fd has to *buf until EOF; 0, -EAGAIN (nothing yet), -E2BIG, -errno. */
static int reply_read(int fd, char **buf, size_t *len, size_t *cap)
{
	for (;;) {
		ssize_t n;

		if (*len + 1 >= *cap) {
			char *p = *cap >= REPLY_MAX ? NULL : realloc(*buf, *cap * 2);

			if (!p)
				return *cap >= REPLY_MAX ? -E2BIG : -ENOMEM;
			*buf = p;
			*cap *= 2;
		}
		n = read(fd, *buf + *len, *cap - *len - 1);
		if (n == 0)
			return 0;
		if (n < 0)
			return errno == EINTR ? -EAGAIN : -errno;
		*len += (size_t)n;
		(*buf)[*len] = '\0';
	}
}

/* Reads until the VM closes the connection or timeout_ms pass. */
static int reply_collect(int fd, int timeout_ms, char **reply)
{
	int64_t deadline = now_ms() + timeout_ms;
	size_t len = 0, cap = 4096;
	int ret;

	*reply = calloc(1, cap);
	if (!*reply)
		return -ENOMEM;
	while ((ret = reply_read(fd, reply, &len, &cap)) == -EAGAIN) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - now_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return -errno;
	}
	return ret;
}

int control_request(const char *path, enum control_cmd cmd, int timeout_ms, char **reply)
{
	char req[CONTROL_LINE_MAX];
	int n = snprintf(req, sizeof(req), "%s\n", cmd_names[cmd]);
	int fd, ret;

	*reply = NULL;
	fd = control_connect(path);
	if (fd < 0)
		return fd;
	/* A few bytes into a fresh socket's empty buffer: never short. */
	if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n)
		ret = -errno;
	else
		ret = reply_collect(fd, timeout_ms, reply);
	close(fd);
	return ret;
}
