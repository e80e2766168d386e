// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM's side of the control socket, served from the main loop. Nothing
 * here may block: every socket is non-blocking, a request is at most
 * CONTROL_LINE_MAX bytes, and a client that misbehaves is closed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control.h"
#include "log.h"

/* Connections taken per poll round, so a flood cannot starve the loop. */
#define ACCEPT_BATCH CONTROL_MAX_CLIENTS

static void client_close(struct control_client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	free(cl->out);
	*cl = (struct control_client){ .fd = -1 };
}

static int control_listen(struct control *c, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	struct stat st;

	if (fd < 0)
		return -errno;
	memcpy(sa.sun_path, path, strlen(path) + 1); /* fits: control_sock_path() checked */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, CONTROL_MAX_CLIENTS)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	c->listen_fd = fd;
	snprintf(c->path, sizeof(c->path), "%s", path);
	if (lstat(path, &st) == 0)
		c->ino = st.st_ino;
	return 0;
}

int control_open(struct control *c, const char *name, control_handler fn, void *ctx, char *err,
		 size_t len)
{
	char dir[CONTROL_PATH_MAX], path[CONTROL_PATH_MAX];
	int ret, lock;

	*c = (struct control){ .listen_fd = -1, .handler = fn, .ctx = ctx };
	for (unsigned i = 0; i < CONTROL_MAX_CLIENTS; i++)
		c->clients[i].fd = -1;
	ret = control_dir_env(dir, sizeof(dir));
	if (ret == -ENOENT)
		return err_set(err, len, ret,
			       "needs XDG_RUNTIME_DIR or HOME for its control socket");
	if (ret || control_sock_path(dir, name, path, sizeof(path)))
		return err_set(err, len, -ENAMETOOLONG,
			       "the control socket %s/%s.sock would be longer than %zu bytes", dir,
			       name, CONTROL_PATH_MAX - 1);
	lock = control_dir_lock(dir, true, err, len);
	if (lock < 0)
		return lock;
	ret = control_probe(path);
	if (ret == 0)
		ret = err_set(err, len, -EADDRINUSE, "a VM named %s is already running", name);
	else if (ret != -ENOENT)
		err_set(err, len, ret, "cannot use %s: %s", path, strerror(-ret));
	else if ((ret = control_listen(c, path)))
		err_set(err, len, ret, "cannot listen on %s: %s", path, strerror(-ret));
	close(lock);
	return ret;
}

unsigned control_poll_fds(const struct control *c, struct pollfd *pfd)
{
	unsigned n = 0;

	if (c->listen_fd < 0)
		return 0;
	pfd[n++] = (struct pollfd){ .fd = c->listen_fd, .events = POLLIN };
	for (unsigned i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		const struct control_client *cl = &c->clients[i];

		if (cl->fd < 0 || cl->linger)
			continue;
		pfd[n++] = (struct pollfd){ .fd = cl->fd, .events = cl->out ? POLLOUT : POLLIN };
	}
	return n;
}

/* Sends what is left of the reply; closes the client once it is all out. */
static void client_flush(struct control_client *cl)
{
	while (cl->out_off < cl->out_len) {
		ssize_t n = send(cl->fd, cl->out + cl->out_off, cl->out_len - cl->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return; /* poll for POLLOUT */
		if (n <= 0) {
			client_close(cl);
			return;
		}
		cl->out_off += (size_t)n;
	}
	if (!cl->linger)
		client_close(cl);
}

/* A malformed request gets one best-effort line, then the door. */
static void client_reject(struct control_client *cl, const char *why)
{
	char line[96];
	int n = snprintf(line, sizeof(line), "error: %s\n", why);

	if (send(cl->fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* The client is gone or not reading: nothing more to tell it. */
	}
	client_close(cl);
}

static void client_serve(struct control *c, struct control_client *cl, enum control_cmd cmd)
{
	FILE *f = open_memstream(&cl->out, &cl->out_len);

	if (!f) {
		client_reject(cl, "out of memory");
		return;
	}
	c->handler(c->ctx, cmd, f);
	if (fclose(f)) {
		client_reject(cl, "out of memory");
		return;
	}
	/* Held open so that `armlet stop` returns only once the VM is gone. */
	cl->linger = cmd == CONTROL_STOP;
	client_flush(cl);
}

static void client_read(struct control *c, struct control_client *cl)
{
	enum control_cmd cmd;
	ssize_t n = read(cl->fd, cl->in + cl->in_len, sizeof(cl->in) - cl->in_len);
	int ret;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(cl); /* gone before a whole request: nothing to do */
		return;
	}
	cl->in_len += (size_t)n;
	ret = control_parse(cl->in, cl->in_len, &cmd);
	if (ret == -EAGAIN)
		return;
	if (ret == -E2BIG)
		client_reject(cl, "request too long");
	else if (ret < 0)
		client_reject(cl, "unknown request (stop, pause, resume or stat)");
	else
		client_serve(c, cl, cmd);
}

/* A free slot, or the oldest connection's, closed for the newcomer. */
static struct control_client *client_slot(struct control *c)
{
	struct control_client *oldest = &c->clients[0];

	for (unsigned i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		if (c->clients[i].fd < 0)
			return &c->clients[i];
		if (c->clients[i].seq < oldest->seq)
			oldest = &c->clients[i];
	}
	log_debug("control: too many connections, dropping the oldest");
	client_close(oldest);
	return oldest;
}

static void control_accept(struct control *c)
{
	for (unsigned i = 0; i < ACCEPT_BATCH; i++) {
		int fd = accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct control_client *cl;

		if (fd < 0)
			return; /* EAGAIN: all taken; anything else: the next round retries */
		cl = client_slot(c);
		cl->fd = fd;
		cl->seq = c->next_seq++;
	}
}

void control_handle(struct control *c, const struct pollfd *pfd, unsigned n)
{
	/* Clients first: accepting may reuse a slot a pollfd still names. */
	for (unsigned k = 1; k < n; k++) {
		for (unsigned i = 0; pfd[k].revents && i < CONTROL_MAX_CLIENTS; i++) {
			struct control_client *cl = &c->clients[i];

			if (cl->fd != pfd[k].fd || cl->linger)
				continue;
			if (cl->out)
				client_flush(cl);
			else
				client_read(c, cl);
			break;
		}
	}
	if (n && (pfd[0].revents & POLLIN))
		control_accept(c);
}

void control_close(struct control *c)
{
	struct stat st;

	if (!c->path[0])
		return;
	/*
	 * Unlink before closing: once the listener is gone, another armlet
	 * would take the file for stale and could already have bound a new
	 * VM's socket at the same path by the time we unlinked it. The inode
	 * check spares a socket someone replaced ours with.
	 */
	if (lstat(c->path, &st) == 0 && st.st_ino == c->ino)
		unlink(c->path);
	if (c->listen_fd >= 0)
		close(c->listen_fd);
	c->listen_fd = -1;
	for (unsigned i = 0; i < CONTROL_MAX_CLIENTS; i++)
		client_close(&c->clients[i]);
	c->path[0] = '\0';
}
