// SPDX-License-Identifier: GPL-2.0-only
/*
 * `armlet list`, `armlet stop|pause|resume|stat NAME`: the client commands.
 * Exit status 0 when the VM did what was asked, 1 for no such VM, bad usage
 * or a refusal (the VM's "error: ..." is printed).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "exitcode.h"
#include "log.h"

#define REPLY_TIMEOUT_MS 10000 /* a VM still loading its kernel answers once it runs */
#define STOP_TIMEOUT_MS	 60000 /* stop waits for the exit: devices flushed, --stats written */
#define STATE_MAX	 16

static int cmd_lookup(const char *word)
{
	for (unsigned i = 0; i < CONTROL_NR_CMDS; i++)
		if (strcmp(word, control_cmd_name((enum control_cmd)i)) == 0)
			return (int)i;
	return -1;
}

bool control_cmd_known(const char *cmd)
{
	return strcmp(cmd, "list") == 0 || cmd_lookup(cmd) >= 0;
}

/* The socket directory from the environment, or an error on stderr. */
static int cmd_dir(char *dir, size_t len)
{
	int ret = control_dir_env(dir, len);

	if (ret == -ENOENT)
		log_error(
		    "cannot find the control sockets: neither XDG_RUNTIME_DIR nor HOME is set");
	else if (ret)
		log_error("the control socket directory's path is too long");
	return ret;
}

/* Removes path if it is stale, with the directory locked against a run binding it. */
static void cmd_clean_stale(const char *dir, const char *path)
{
	char err[256];
	int lock = control_dir_lock(dir, false, err, sizeof(err));

	if (lock < 0)
		return;
	if (control_probe(path) == -ENOENT)
		log_info("removed %s: its VM is gone", path);
	close(lock);
}

/* The value of the top-level "state" member of a stat reply, or "" if none. */
static void reply_state(const char *reply, char *state, size_t len)
{
	static const char key[] = "\n  \"state\": \"";
	const char *p = strstr(reply, key);
	size_t n = 0;

	if (p) {
		p += sizeof(key) - 1;
		while (p[n] && p[n] != '"' && n + 1 < len)
			n++;
	}
	memcpy(state, p ? p : "", n);
	state[n] = '\0';
}

static void list_one(const char *dir, const char *name)
{
	char path[CONTROL_PATH_MAX], state[STATE_MAX], *reply = NULL;
	int ret;

	if (control_sock_path(dir, name, path, sizeof(path)))
		return;
	ret = control_request(path, CONTROL_STAT, REPLY_TIMEOUT_MS, &reply);
	if (ret == -ECONNREFUSED) {
		cmd_clean_stale(dir, path);
	} else if (ret == 0 || ret == -ECONNRESET) {
		/* No state: it closed without answering, so it is on its way out. */
		reply_state(reply ? reply : "", state, sizeof(state));
		printf("%s %s\n", name, state[0] ? state : "exiting");
	} else if (ret == -ETIMEDOUT || ret == -EAGAIN) {
		printf("%s busy\n", name); /* alive, but not answering yet */
	} else if (ret != -ENOENT) {	   /* ENOENT: it exited since the directory was read */
		log_error("%s: %s", path, strerror(-ret));
	}
	free(reply);
}

/* Sockets named NAME.sock with NAME a valid VM name. */
static int list_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	char name[CONTROL_NAME_MAX + 1];

	if (n <= 5 || n - 5 > CONTROL_NAME_MAX || strcmp(d->d_name + n - 5, ".sock") != 0)
		return 0;
	memcpy(name, d->d_name, n - 5);
	name[n - 5] = '\0';
	return control_name_check(name, NULL, 0) == 0;
}

static int cmd_list(void)
{
	char dir[CONTROL_PATH_MAX];
	struct dirent **ents;
	int n;

	if (cmd_dir(dir, sizeof(dir)))
		return EXIT_SETUP;
	n = scandir(dir, &ents, list_filter, alphasort);
	if (n < 0) {
		if (errno == ENOENT)
			return 0; /* no VM has ever had a name here */
		log_error("cannot read %s: %s", dir, strerror(errno));
		return EXIT_SETUP;
	}
	for (int i = 0; i < n; i++) {
		ents[i]->d_name[strlen(ents[i]->d_name) - 5] = '\0';
		list_one(dir, ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return fflush(stdout) ? EXIT_SETUP : 0;
}

/* What the VM said: prints it where it belongs, returns the exit status. */
static int cmd_reply(enum control_cmd cmd, const char *name, const char *reply)
{
	if (strncmp(reply, "error: ", 7) == 0) {
		log_error("%s: %.*s", name, (int)strcspn(reply + 7, "\n"), reply + 7);
		return EXIT_SETUP;
	}
	if (cmd == CONTROL_STAT && reply[0] == '{') {
		fputs(reply, stdout);
		return fflush(stdout) ? EXIT_SETUP : 0;
	}
	if (strcmp(reply, "ok\n") == 0)
		return 0;
	if (!reply[0] && cmd == CONTROL_STOP)
		return 0; /* it was already exiting, and now it is gone */
	log_error("%s: %s", name, reply[0] ? "unexpected reply" : "no reply (the VM is exiting)");
	return EXIT_SETUP;
}

static int cmd_send(enum control_cmd cmd, const char *name)
{
	char dir[CONTROL_PATH_MAX], path[CONTROL_PATH_MAX], err[256], *reply = NULL;
	int timeout = cmd == CONTROL_STOP ? STOP_TIMEOUT_MS : REPLY_TIMEOUT_MS;
	int ret;

	if (control_name_check(name, err, sizeof(err))) {
		log_error("%s", err);
		return EXIT_SETUP;
	}
	if (cmd_dir(dir, sizeof(dir)))
		return EXIT_SETUP;
	if (control_sock_path(dir, name, path, sizeof(path)))
		ret = -ENOENT; /* no VM could have listened there */
	else
		ret = control_request(path, cmd, timeout, &reply);
	if (ret == -ECONNREFUSED)
		cmd_clean_stale(dir, path);
	if (ret == -ENOENT || ret == -ECONNREFUSED) {
		log_error("no VM named %s is running", name);
	} else if (ret == -ETIMEDOUT && cmd == CONTROL_STOP && reply && !strcmp(reply, "ok\n")) {
		log_warn("%s is stopping but has not exited after %d s", name,
			 STOP_TIMEOUT_MS / 1000);
		ret = 0;
	} else if (ret == -ECONNRESET) {
		ret = cmd_reply(cmd, name, ""); /* closed under us: exiting */
	} else if (ret) {
		log_error("%s: %s", name, strerror(-ret));
	} else {
		ret = cmd_reply(cmd, name, reply);
	}
	free(reply);
	return ret ? EXIT_SETUP : 0;
}

int control_cmd_main(int argc, char **argv)
{
	int cmd = cmd_lookup(argv[0]);

	if (cmd < 0 && argc == 1)
		return cmd_list();
	if (cmd < 0 || argc != 2 || argv[1][0] == '-') {
		log_error("usage: armlet %s%s", argv[0], cmd < 0 ? "" : " NAME");
		return EXIT_SETUP;
	}
	return cmd_send((enum control_cmd)cmd, argv[1]);
}
