// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control socket: request parsing, VM names, where the socket goes, and
 * the server on real Unix sockets in a scratch directory under
 * $ARMLET_TEST_TMP, served by a thread the way the main loop serves it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../vmm/control.h"
#include "suites.h"

static int parse(const char *s, size_t len)
{
	enum control_cmd cmd = CONTROL_NR_CMDS;
	int ret = control_parse(s, len, &cmd);

	if (ret >= 0)
		ck_assert_int_eq(ret, (int)cmd);
	return ret;
}

#define PARSE(lit) parse(lit, sizeof(lit) - 1)

START_TEST(test_parse_commands)
{
	ck_assert_int_eq(PARSE("stop\n"), CONTROL_STOP);
	ck_assert_int_eq(PARSE("pause\n"), CONTROL_PAUSE);
	ck_assert_int_eq(PARSE("resume\n"), CONTROL_RESUME);
	ck_assert_int_eq(PARSE("stat\n"), CONTROL_STAT);
	ck_assert_int_eq(PARSE("stat\r\n"), CONTROL_STAT); /* nc -C, telnet */
	/* One request per connection: what follows the line is not looked at. */
	ck_assert_int_eq(PARSE("stop\nstat\n"), CONTROL_STOP);
	ck_assert_str_eq(control_cmd_name(CONTROL_STOP), "stop");
	ck_assert_str_eq(control_cmd_name(CONTROL_PAUSE), "pause");
	ck_assert_str_eq(control_cmd_name(CONTROL_RESUME), "resume");
	ck_assert_str_eq(control_cmd_name(CONTROL_STAT), "stat");
}
END_TEST

START_TEST(test_parse_partial)
{
	static const char *const whole = "resume\r\n";

	/* Every prefix of a request, "\r" included, waits for more. */
	for (size_t n = 0; n < strlen(whole); n++)
		ck_assert_int_eq(parse(whole, n), -EAGAIN);
	ck_assert_int_eq(PARSE("st"), -EAGAIN);
	ck_assert_int_eq(PARSE("stat"), -EAGAIN);
}
END_TEST

START_TEST(test_parse_garbage)
{
	ck_assert_int_eq(PARSE("bogus\n"), -EINVAL);
	ck_assert_int_eq(PARSE("STOP\n"), -EINVAL);
	ck_assert_int_eq(PARSE("stop \n"), -EINVAL);
	ck_assert_int_eq(PARSE(" stop\n"), -EINVAL);
	ck_assert_int_eq(PARSE("\n"), -EINVAL);
	ck_assert_int_eq(PARSE("\r\n"), -EINVAL);
	ck_assert_int_eq(PARSE("st\0p\n"), -EINVAL);
	ck_assert_int_eq(PARSE("stop\r\r\n"), -EINVAL);
	ck_assert_int_eq(PARSE("stopp\n"), -EINVAL);
	/* Rejected as soon as no request can begin this way, newline or not. */
	ck_assert_int_eq(PARSE("x"), -EINVAL);
	ck_assert_int_eq(PARSE("stopx"), -EINVAL);
	ck_assert_int_eq(PARSE("stop\rx"), -EINVAL);
	ck_assert_int_eq(PARSE("\xff\xfe"), -EINVAL);
}
END_TEST

START_TEST(test_parse_oversized)
{
	char buf[4 * CONTROL_LINE_MAX];

	memset(buf, 'a', sizeof(buf));
	ck_assert_int_eq(parse(buf, CONTROL_LINE_MAX), -E2BIG);
	ck_assert_int_eq(parse(buf, sizeof(buf)), -E2BIG);
	/* A newline beyond the limit does not count. */
	buf[sizeof(buf) - 1] = '\n';
	ck_assert_int_eq(parse(buf, sizeof(buf)), -E2BIG);
	/* Just under the limit is still a line (of garbage). */
	buf[CONTROL_LINE_MAX - 1] = '\n';
	ck_assert_int_eq(parse(buf, CONTROL_LINE_MAX), -EINVAL);
}
END_TEST

START_TEST(test_name_rules)
{
	static const char *const good[] = { "vm1", "a", "A.b_c-d", "9lives", "x..y" };
	static const char *const bad[] = { "",	  "-x",	  ".x", "_x",	"a/b",
					   "a b", "a\nb", "é",	"a\tb", "vm1\x7f" };
	char name[CONTROL_NAME_MAX + 2], err[256];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(control_name_check(good[i], err, sizeof(err)) == 0, "%s: %s", good[i],
			      err);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(control_name_check(bad[i], err, sizeof(err)), -EINVAL);
		ck_assert_ptr_nonnull(strstr(err, "invalid VM name"));
	}
	memset(name, 'n', sizeof(name));
	name[CONTROL_NAME_MAX] = '\0';
	ck_assert_int_eq(control_name_check(name, err, sizeof(err)), 0);
	name[CONTROL_NAME_MAX] = 'n';
	name[CONTROL_NAME_MAX + 1] = '\0';
	ck_assert_int_eq(control_name_check(name, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(test_dir_selection)
{
	char buf[CONTROL_PATH_MAX];

	ck_assert_int_eq(control_dir("/run/user/1000", "/home/u", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/run/user/1000/armlet");
	ck_assert_int_eq(control_dir(NULL, "/home/u", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/home/u/.armlet");
	/* The XDG spec: an empty or relative XDG_RUNTIME_DIR is ignored. */
	ck_assert_int_eq(control_dir("", "/home/u", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/home/u/.armlet");
	ck_assert_int_eq(control_dir("run/user", "/home/u", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/home/u/.armlet");
	ck_assert_int_eq(control_dir(NULL, NULL, buf, sizeof(buf)), -ENOENT);
	ck_assert_int_eq(control_dir("", "", buf, sizeof(buf)), -ENOENT);
	ck_assert_int_eq(control_dir(NULL, "home", buf, sizeof(buf)), -ENOENT);
	ck_assert_int_eq(control_dir("/run/user/1000", NULL, buf, 10), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_dir_from_env)
{
	char buf[CONTROL_PATH_MAX];

	/* Check runs each test in its own process: the environment is ours. */
	setenv("XDG_RUNTIME_DIR", "/run/user/7", 1);
	setenv("HOME", "/home/seven", 1);
	ck_assert_int_eq(control_dir_env(buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/run/user/7/armlet");
	unsetenv("XDG_RUNTIME_DIR");
	ck_assert_int_eq(control_dir_env(buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/home/seven/.armlet");
	unsetenv("HOME");
	ck_assert_int_eq(control_dir_env(buf, sizeof(buf)), -ENOENT);
}
END_TEST

START_TEST(test_sock_path)
{
	char buf[256], dir[200];

	ck_assert_int_eq(control_sock_path("/run/user/7/armlet", "vm1", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/run/user/7/armlet/vm1.sock");
	/* A sockaddr_un holds 107 bytes and a NUL. */
	memset(dir, 'd', sizeof(dir));
	dir[0] = '/';
	dir[CONTROL_PATH_MAX - 1 - 8] = '\0'; /* + "/vm.sock" = 107 */
	ck_assert_int_eq(control_sock_path(dir, "vm", buf, sizeof(buf)), 0);
	dir[CONTROL_PATH_MAX - 1 - 8] = 'd';
	dir[CONTROL_PATH_MAX - 8] = '\0';
	ck_assert_int_eq(control_sock_path(dir, "vm", buf, sizeof(buf)), -ENAMETOOLONG);
}
END_TEST

/* --- the server, on real sockets -------------------------------------------- */

struct server {
	struct control ctl;
	pthread_t thread;
	bool quit;
	unsigned calls[CONTROL_NR_CMDS];
	char dir[PATH_MAX];	  /* XDG_RUNTIME_DIR */
	char path[PATH_MAX + 32]; /* the socket of "vm1" */
};

static void fake_handler(void *ctx, enum control_cmd cmd, FILE *reply)
{
	struct server *s = ctx;

	__atomic_fetch_add(&s->calls[cmd], 1, __ATOMIC_RELAXED);
	if (cmd == CONTROL_STAT)
		fputs("{\n  \"state\": \"running\"\n}\n", reply);
	else if (cmd == CONTROL_PAUSE)
		fputs("error: not today\n", reply);
	else
		fputs("ok\n", reply);
}

/* What loop_run() does with the control socket, until told to quit. */
static void *server_thread(void *arg)
{
	struct server *s = arg;

	while (!__atomic_load_n(&s->quit, __ATOMIC_ACQUIRE)) {
		struct pollfd pfd[CONTROL_NR_POLLFDS];
		unsigned n = control_poll_fds(&s->ctl, pfd);

		if (poll(pfd, n, 20) > 0)
			control_handle(&s->ctl, pfd, n);
	}
	return NULL;
}

/* A scratch XDG_RUNTIME_DIR (absolute, as the spec wants). */
static void scratch_xdg(char *dir)
{
	const char *base = getenv("ARMLET_TEST_TMP");
	char tmpl[PATH_MAX];

	snprintf(tmpl, sizeof(tmpl), "%s/ctl-XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	ck_assert_ptr_nonnull(realpath(tmpl, dir));
	setenv("XDG_RUNTIME_DIR", dir, 1);
}

static void server_start(struct server *s)
{
	char err[256];

	memset(s, 0, sizeof(*s));
	scratch_xdg(s->dir);
	snprintf(s->path, sizeof(s->path), "%s/armlet/vm1.sock", s->dir);
	ck_assert_msg(control_open(&s->ctl, "vm1", fake_handler, s, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_int_eq(pthread_create(&s->thread, NULL, server_thread, s), 0);
}

static void server_stop(struct server *s)
{
	struct stat st;
	char armdir[PATH_MAX + 16];

	__atomic_store_n(&s->quit, true, __ATOMIC_RELEASE);
	pthread_join(s->thread, NULL);
	control_close(&s->ctl);
	ck_assert_int_eq(lstat(s->path, &st), -1); /* removed at exit */
	control_close(&s->ctl);			   /* twice is harmless */
	snprintf(armdir, sizeof(armdir), "%s/armlet", s->dir);
	rmdir(armdir);
	rmdir(s->dir);
}

/* A raw client, for what control_request() would never send. */
static int raw_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Everything until EOF (the server closes after its reply), within 5 s. */
static char *raw_read_all(int fd)
{
	static char buf[4096];
	size_t len = 0;
	struct timeval tv = { .tv_sec = 5 };
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	/* EOF, not a timeout; ECONNRESET when the server left our excess unread. */
	ck_assert(n == 0 || errno == ECONNRESET);
	buf[len] = '\0';
	return buf;
}

START_TEST(test_server_requests)
{
	struct server s;
	char *reply;

	server_start(&s);
	ck_assert_int_eq(control_request(s.path, CONTROL_STAT, 5000, &reply), 0);
	ck_assert_str_eq(reply, "{\n  \"state\": \"running\"\n}\n");
	free(reply);
	ck_assert_int_eq(control_request(s.path, CONTROL_RESUME, 5000, &reply), 0);
	ck_assert_str_eq(reply, "ok\n");
	free(reply);
	ck_assert_int_eq(control_request(s.path, CONTROL_PAUSE, 5000, &reply), 0);
	ck_assert_str_eq(reply, "error: not today\n");
	free(reply);
	ck_assert_uint_eq(s.calls[CONTROL_STAT], 1);
	ck_assert_uint_eq(s.calls[CONTROL_PAUSE], 1);
	ck_assert_uint_eq(s.calls[CONTROL_RESUME], 1);
	server_stop(&s);
}
END_TEST

/* stop's connection stays open until the VM is gone (control_close()). */
START_TEST(test_server_stop_lingers)
{
	struct server s;
	char *reply;

	server_start(&s);
	ck_assert_int_eq(control_request(s.path, CONTROL_STOP, 300, &reply), -ETIMEDOUT);
	ck_assert_str_eq(reply, "ok\n");
	free(reply);
	ck_assert_uint_eq(s.calls[CONTROL_STOP], 1);
	server_stop(&s);
}
END_TEST

START_TEST(test_server_stop_returns_at_close)
{
	struct server s;
	int fd;

	server_start(&s);
	fd = raw_connect(s.path);
	ck_assert_int_eq(write(fd, "stop\n", 5), 5);
	while (!__atomic_load_n(&s.calls[CONTROL_STOP], __ATOMIC_RELAXED))
		usleep(1000);
	server_stop(&s);
	ck_assert_str_eq(raw_read_all(fd), "ok\n");
	close(fd);
}
END_TEST

START_TEST(test_server_rejects_garbage)
{
	struct server s;
	char big[3 * CONTROL_LINE_MAX];
	int fd;

	server_start(&s);
	fd = raw_connect(s.path);
	ck_assert_int_eq(write(fd, "reboot\n", 7), 7);
	ck_assert_str_eq(raw_read_all(fd),
			 "error: unknown request (stop, pause, resume or stat)\n");
	close(fd);

	memset(big, 's', sizeof(big));
	fd = raw_connect(s.path);
	ck_assert_int_eq(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	ck_assert_ptr_nonnull(strstr(raw_read_all(fd), "error: "));
	close(fd);

	/* Garbage with no newline is refused without waiting for one. */
	fd = raw_connect(s.path);
	ck_assert_int_eq(write(fd, "\0\0\0", 3), 3);
	ck_assert_ptr_nonnull(strstr(raw_read_all(fd), "error: "));
	close(fd);
	for (int i = 0; i < CONTROL_NR_CMDS; i++)
		ck_assert_uint_eq(s.calls[i], 0);
	server_stop(&s);
}
END_TEST

/* A request split across writes, and a client that never finishes its line. */
START_TEST(test_server_slow_clients)
{
	struct server s;
	int slow, split;
	char *reply;

	server_start(&s);
	slow = raw_connect(s.path);
	ck_assert_int_eq(write(slow, "sta", 3), 3);
	split = raw_connect(s.path);
	ck_assert_int_eq(write(split, "res", 3), 3);
	usleep(50 * 1000);
	ck_assert_int_eq(write(split, "ume\n", 4), 4);
	ck_assert_str_eq(raw_read_all(split), "ok\n");
	/* The half-sent request holds nothing up. */
	ck_assert_int_eq(control_request(s.path, CONTROL_STAT, 5000, &reply), 0);
	ck_assert_ptr_nonnull(strstr(reply, "running"));
	free(reply);
	/* A client that goes away mid-line is dropped without a command. */
	close(slow);
	usleep(50 * 1000);
	ck_assert_uint_eq(s.calls[CONTROL_STAT], 1);
	server_stop(&s);
}
END_TEST

/* More idle connections than slots: the oldest go, new requests are served. */
START_TEST(test_server_evicts_oldest)
{
	struct server s;
	int idle[CONTROL_MAX_CLIENTS + 2];
	char *reply;

	server_start(&s);
	for (unsigned i = 0; i < CONTROL_MAX_CLIENTS + 2; i++) {
		idle[i] = raw_connect(s.path);
		usleep(5 * 1000); /* accepted in this order */
	}
	ck_assert_int_eq(control_request(s.path, CONTROL_STAT, 5000, &reply), 0);
	ck_assert_ptr_nonnull(strstr(reply, "running"));
	free(reply);
	/* The first connection was closed by the server: EOF. */
	ck_assert_str_eq(raw_read_all(idle[0]), "");
	for (unsigned i = 0; i < CONTROL_MAX_CLIENTS + 2; i++)
		close(idle[i]);
	server_stop(&s);
}
END_TEST

START_TEST(test_name_taken)
{
	struct server s;
	struct control second;
	char err[256];

	server_start(&s);
	ck_assert_int_eq(control_open(&second, "vm1", fake_handler, &s, err, sizeof(err)),
			 -EADDRINUSE);
	ck_assert_str_eq(err, "a VM named vm1 is already running");
	control_close(&second); /* never opened: a no-op */
	/* The probe's connection is no request. */
	usleep(50 * 1000);
	for (int i = 0; i < CONTROL_NR_CMDS; i++)
		ck_assert_uint_eq(s.calls[i], 0);
	server_stop(&s);
}
END_TEST

/* A socket file nobody listens on, as a SIGKILLed armlet leaves behind. */
static void make_stale(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
}

START_TEST(test_stale_socket)
{
	char dir[PATH_MAX], armdir[PATH_MAX + 16], path[PATH_MAX + 32], err[256], *reply;
	struct control c;
	struct stat st;

	scratch_xdg(dir);
	snprintf(armdir, sizeof(armdir), "%s/armlet", dir);
	snprintf(path, sizeof(path), "%s/vm1.sock", armdir);
	ck_assert_int_eq(mkdir(armdir, 0700), 0);
	make_stale(path);
	ck_assert_int_eq(control_request(path, CONTROL_STAT, 1000, &reply), -ECONNREFUSED);
	free(reply);
	ck_assert_int_eq(control_probe(path), -ENOENT);
	ck_assert_int_eq(lstat(path, &st), -1);
	ck_assert_int_eq(control_probe(path), -ENOENT);
	/* A new VM of that name takes over a stale socket. */
	make_stale(path);
	ck_assert_msg(control_open(&c, "vm1", fake_handler, NULL, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_int_eq(control_probe(path), 0);
	control_close(&c);
	ck_assert_int_eq(lstat(path, &st), -1);
	/* Not a socket: left alone, and said so. */
	close(creat(path, 0600));
	ck_assert_int_eq(control_probe(path), -ENOTSOCK);
	ck_assert_int_eq(control_open(&c, "vm1", fake_handler, NULL, err, sizeof(err)), -ENOTSOCK);
	ck_assert_ptr_nonnull(strstr(err, path));
	unlink(path);
	rmdir(armdir);
	rmdir(dir);
}
END_TEST

START_TEST(test_dir_created_private)
{
	char dir[PATH_MAX], armdir[PATH_MAX + 16], err[256];
	struct control c;
	struct stat st;

	scratch_xdg(dir);
	snprintf(armdir, sizeof(armdir), "%s/armlet", dir);
	ck_assert_msg(control_open(&c, "vm2", fake_handler, NULL, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_int_eq(stat(armdir, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	control_close(&c);
	rmdir(armdir);
	rmdir(dir);
}
END_TEST

START_TEST(test_no_env)
{
	char err[256];
	struct control c;

	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("HOME");
	ck_assert_int_eq(control_open(&c, "vm1", fake_handler, NULL, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "HOME"));
	control_close(&c);
}
END_TEST

Suite *control_suite(void)
{
	Suite *s = suite_create("control");
	TCase *proto = tcase_create("protocol");
	TCase *server = tcase_create("server");

	tcase_add_test(proto, test_parse_commands);
	tcase_add_test(proto, test_parse_partial);
	tcase_add_test(proto, test_parse_garbage);
	tcase_add_test(proto, test_parse_oversized);
	tcase_add_test(proto, test_name_rules);
	tcase_add_test(proto, test_dir_selection);
	tcase_add_test(proto, test_dir_from_env);
	tcase_add_test(proto, test_sock_path);
	suite_add_tcase(s, proto);
	tcase_add_test(server, test_server_requests);
	tcase_add_test(server, test_server_stop_lingers);
	tcase_add_test(server, test_server_stop_returns_at_close);
	tcase_add_test(server, test_server_rejects_garbage);
	tcase_add_test(server, test_server_slow_clients);
	tcase_add_test(server, test_server_evicts_oldest);
	tcase_add_test(server, test_name_taken);
	tcase_add_test(server, test_stale_socket);
	tcase_add_test(server, test_dir_created_private);
	tcase_add_test(server, test_no_env);
	tcase_set_timeout(server, 30);
	suite_add_tcase(s, server);
	return s;
}
