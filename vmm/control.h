/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lkvm-style control of running VMs: `armlet run --name NAME` listens on a
 * Unix socket, $XDG_RUNTIME_DIR/armlet/NAME.sock (~/.armlet/NAME.sock
 * without XDG_RUNTIME_DIR), and `armlet list|stop|pause|resume|stat` talk to
 * it. Portable: no KVM here; what a request does to the VM is the caller's
 * control_handler.
 *
 * Protocol: one request per connection, one line of text ("stop\n",
 * "pause\n", "resume\n", "stat\n"). The reply is "ok\n", "error: WHY\n" or,
 * for stat, the JSON run summary; then the VM closes the connection. A stop
 * connection is held open until the VM has exited, so `armlet stop` returns
 * when the VM is gone.
 *
 * The server side never blocks the main loop: sockets are non-blocking,
 * request buffers are CONTROL_LINE_MAX bytes, garbage or an oversized line
 * gets an error and a close, and when all CONTROL_MAX_CLIENTS slots are busy
 * the oldest connection is dropped for the new one.
 */
#ifndef ARMLET_CONTROL_H
#define ARMLET_CONTROL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/un.h>

#define CONTROL_NAME_MAX    64
#define CONTROL_LINE_MAX    32 /* a request line, newline included */
#define CONTROL_MAX_CLIENTS 8
#define CONTROL_PATH_MAX    sizeof(((struct sockaddr_un *)0)->sun_path)

enum control_cmd { CONTROL_STOP, CONTROL_PAUSE, CONTROL_RESUME, CONTROL_STAT, CONTROL_NR_CMDS };

/* The request word of cmd ("stop", ...). */
const char *control_cmd_name(enum control_cmd cmd);

/*
 * A VM name is 1 to CONTROL_NAME_MAX letters, digits, '.', '_' or '-',
 * starting with a letter or digit: it becomes a file name, a word on
 * `armlet list`'s lines and an argument that must not look like an option.
 * Returns 0, or -EINVAL with the reason in err.
 */
int control_name_check(const char *name, char *err, size_t len);

/*
 * The socket directory: xdg/armlet when xdg (XDG_RUNTIME_DIR) is set and
 * absolute (the XDG spec says to ignore a relative one), else home/.armlet.
 * Returns 0, -ENOENT when neither is usable, -ENAMETOOLONG.
 */
int control_dir(const char *xdg, const char *home, char *buf, size_t len);

/* control_dir() from the environment. */
int control_dir_env(char *buf, size_t len);

/* dir/NAME.sock; -ENAMETOOLONG when it does not fit a sockaddr_un. */
int control_sock_path(const char *dir, const char *name, char *buf, size_t len);

/*
 * Parses the request at the start of buf (len bytes read so far): returns
 * the command once a whole line is there ("\r\n" accepted), -EAGAIN while
 * buf is the start of a request, -EINVAL for anything else (unknown word,
 * NUL, trailing blanks), -E2BIG when CONTROL_LINE_MAX bytes hold no newline.
 */
int control_parse(const char *buf, size_t len, enum control_cmd *cmd);

/*
 * Sends cmd to the VM listening at path and reads the reply until the VM
 * closes the connection or timeout_ms pass. *reply (malloc'd, NUL-ended,
 * the caller frees it) holds what arrived, also on -ETIMEDOUT; it is NULL
 * when nothing could be read. Returns 0, -ENOENT (no socket), -ECONNREFUSED
 * (a stale socket), -EAGAIN (the VM's backlog is full), -ETIMEDOUT, -errno.
 */
int control_request(const char *path, enum control_cmd cmd, int timeout_ms, char **reply);

/*
 * Checks whether a VM answers at path: 0 when one does, -ENOENT when none
 * does (a stale socket, one nobody listens on, is then removed), -ENOTSOCK
 * or -errno when path cannot be checked. Hold control_dir_lock() around it.
 */
int control_probe(const char *path);

/*
 * Opens dir (creating it 0700 when create is set), checks that it is a
 * directory of ours, and takes its flock, which serialises "is the name
 * free? then bind" against another run and against stale-socket removal.
 * Returns the fd (close it to unlock) or -errno with the reason in err.
 */
int control_dir_lock(const char *dir, bool create, char *err, size_t len);

/* --- the server, polled by the main loop -------------------------------- */

/* Carries out cmd on the VM and writes the reply ("ok\n", "error: ...\n", JSON). */
typedef void (*control_handler)(void *ctx, enum control_cmd cmd, FILE *reply);

struct control_client {
	int fd;	      /* -1: free slot */
	uint64_t seq; /* accept order: the smallest is evicted first */
	char in[CONTROL_LINE_MAX];
	size_t in_len;
	char *out; /* the reply, malloc'd */
	size_t out_len, out_off;
	bool linger; /* replied to stop: held open until control_close() */
};

struct control {
	int listen_fd;		     /* -1 when not listening */
	char path[CONTROL_PATH_MAX]; /* "" when never opened: control_close() is a no-op */
	ino_t ino;		     /* the socket file's, so control_close() removes only ours */
	control_handler handler;
	void *ctx;
	struct control_client clients[CONTROL_MAX_CLIENTS];
	uint64_t next_seq;
};

/* pollfds control_poll_fds() may fill. */
#define CONTROL_NR_POLLFDS (1 + CONTROL_MAX_CLIENTS)

/*
 * Listens at the socket for name (see control_dir_env()). A stale socket
 * (nobody answers) is removed first. Returns 0; -EADDRINUSE when a live VM
 * already has the name; -errno otherwise; err says what happened.
 */
int control_open(struct control *c, const char *name, control_handler fn, void *ctx, char *err,
		 size_t len);

/* Fills up to CONTROL_NR_POLLFDS entries of pfd; returns how many. */
unsigned control_poll_fds(const struct control *c, struct pollfd *pfd);

/* Serves what poll() found on the n entries control_poll_fds() filled. */
void control_handle(struct control *c, const struct pollfd *pfd, unsigned n);

/* Closes every connection and removes the socket. Safe on a zeroed struct. */
void control_close(struct control *c);

/* --- the commands: armlet list|stop|pause|resume|stat ------------------- */

/* Whether cmd is one of the control commands. */
bool control_cmd_known(const char *cmd);

/* Runs the command argv[0] with its arguments; returns the exit status (0 or 1). */
int control_cmd_main(int argc, char **argv);

#endif
