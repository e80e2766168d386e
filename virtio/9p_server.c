// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 9P2000.L server's dispatcher, sessions (version, attach, clunk,
 * flush) and walks (9p_server.h). File operations are in 9p_ops.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../vmm/le.h"
#include "../vmm/log.h"
#include "9p_internal.h"

#define P9_VERSION "9P2000.L"

/* --- fds and qids ------------------------------------------------------------------ */

struct p9_fid *p9_fid_of(struct p9_server *s, uint32_t fid)
{
	return p9_fid_find(&s->fids, fid);
}

struct p9_qid p9_qid_of(const struct stat *st)
{
	struct p9_qid q = { .type = P9_QTFILE, .path = st->st_ino };

	if (S_ISDIR(st->st_mode))
		q.type = P9_QTDIR;
	else if (S_ISLNK(st->st_mode))
		q.type = P9_QTSYMLINK;
	/* Files of another mount beneath the share must not share qid paths. */
	q.path ^= (uint64_t)st->st_dev << 48;
	q.version = (uint32_t)st->st_mtim.tv_sec ^ (uint32_t)st->st_size;
	return q;
}

static int p9_fstat(int fd, struct stat *st)
{
	return fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) ? -errno : 0;
}

int p9_open_beneath(int dirfd, struct p9_str name, int flags, mode_t mode)
{
	/* RESOLVE_NO_SYMLINKS with O_PATH | O_NOFOLLOW still opens a trailing symlink itself. */
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
		.mode = (flags & O_CREAT) ? mode & 07777 : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	char buf[P9_NAME_MAX + 1];
	int ret = p9_name_check(name);
	long fd;

	if (ret)
		return ret;
	p9_str_copy(name, buf, sizeof(buf));
	fd = syscall(SYS_openat2, dirfd, buf, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

int p9_reopen(int fd, int flags)
{
	char path[32];
	int nfd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, flags | O_CLOEXEC | O_NOCTTY);
	return nfd < 0 ? -errno : nfd;
}

static bool p9_is_root(struct p9_server *s, const struct stat *st)
{
	return st->st_dev == s->root_dev && st->st_ino == s->root_ino;
}

/*
 * Whether fd is the root or beneath it, by climbing ".." from it: the
 * guest may have renamed directories since a fid was walked, so a depth
 * count would not do.
 */
static bool p9_beneath_root(struct p9_server *s, int fd)
{
	int cur = dup(fd);
	bool ok = false;

	for (unsigned depth = 0; cur >= 0 && depth < 4096; depth++) {
		struct stat st, up;
		int parent;

		if (p9_fstat(cur, &st))
			break;
		if (p9_is_root(s, &st)) {
			ok = true;
			break;
		}
		parent = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (parent < 0 || p9_fstat(parent, &up) ||
		    (up.st_dev == st.st_dev && up.st_ino == st.st_ino)) {
			if (parent >= 0)
				close(parent);
			break; /* the filesystem's root, and not ours: outside */
		}
		close(cur);
		cur = parent;
	}
	if (cur >= 0)
		close(cur);
	return ok;
}

/* Twalk's "..": the root's parent is the root (as in 9P), anything else must stay beneath. */
static int p9_walk_parent(struct p9_server *s, int fd)
{
	struct stat st;
	int parent, ret = p9_fstat(fd, &st);

	if (ret)
		return ret;
	if (p9_is_root(s, &st)) {
		parent = fcntl(s->root_fd, F_DUPFD_CLOEXEC, 0);
		return parent < 0 ? -errno : parent;
	}
	parent = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (parent < 0)
		return -errno;
	if (!p9_beneath_root(s, parent)) {
		close(parent);
		return -EACCES;
	}
	return parent;
}

static void p9_fid_close(struct p9_fid *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->open_fd >= 0)
		close(f->open_fd);
	f->fd = f->open_fd = -1;
}

/* --- sessions ---------------------------------------------------------------------- */

void p9_server_reset(struct p9_server *s)
{
	for (unsigned i = 0; i < P9_MAX_FIDS; i++)
		if (s->fids.slot[i].in_use)
			p9_fid_close(&s->fids.slot[i]);
	p9_fids_init(&s->fids);
	s->msize = P9_MAX_MSIZE;
}

static int p9_op_version(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	uint32_t msize = p9_get32(in);
	struct p9_str v = p9_get_str(in);
	bool ok = v.len >= strlen(P9_VERSION) && !memcmp(v.s, P9_VERSION, strlen(P9_VERSION));

	if (in->err)
		return -EINVAL;
	if (msize < P9_MIN_MSIZE)
		return -EINVAL;
	/* A new session: every fid of the old one is gone (9P version(5)). */
	p9_server_reset(s);
	s->msize = msize < P9_MAX_MSIZE ? msize : P9_MAX_MSIZE;
	p9_put32(out, s->msize);
	if (ok)
		p9_put_str(out, P9_VERSION, strlen(P9_VERSION));
	else
		p9_put_str(out, "unknown", 7);
	return 0;
}

static int p9_op_attach(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	uint32_t fid = p9_get32(in);
	struct p9_fid *f;
	struct stat st;
	struct p9_qid q;
	int ret;

	uint32_t uid;

	p9_get32(in);	    /* afid: no authentication */
	p9_get_str(in);	    /* uname: Linux sends n_uname too, and names are the host's */
	p9_get_str(in);	    /* aname: one tree per device */
	uid = p9_get32(in); /* n_uname: whose files this fid creates */
	if (in->err)
		return -EINVAL;
	ret = p9_fstat(s->root_fd, &st);
	ret = ret ?: p9_fid_add(&s->fids, fid, &f);
	if (ret)
		return ret;
	f->fd = fcntl(s->root_fd, F_DUPFD_CLOEXEC, 0);
	if (f->fd < 0) {
		ret = -errno;
		p9_fid_remove(&s->fids, fid);
		return ret;
	}
	f->uid = uid;
	q = p9_qid_of(&st);
	f->qtype = q.type;
	p9_put_qid(out, &q);
	return 0;
}

static int p9_op_clunk(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	uint32_t fid = p9_get32(in);
	struct p9_fid *f;

	(void)out;
	if (in->err)
		return -EINVAL;
	f = p9_fid_of(s, fid);
	if (!f)
		return -EBADF;
	p9_fid_close(f);
	p9_fid_remove(&s->fids, fid);
	return 0;
}

/* Tremove: the fid is clunked whatever happens (9P remove(5)); Linux uses Tunlinkat. */
static int p9_op_remove(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	int ret = p9_op_clunk(s, in, out);

	return ret ?: -EOPNOTSUPP;
}

/* Requests are served one at a time, so none is ever in flight to flush. */
static int p9_op_flush(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	(void)s, (void)out;
	p9_get16(in); /* oldtag */
	return in->err ? -EINVAL : 0;
}

static int p9_op_unsupported(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	(void)s, (void)in, (void)out;
	return -EOPNOTSUPP;
}

/* --- walk -------------------------------------------------------------------------- */

/* One step from fd; returns the new O_PATH fd and its qid, or -errno. */
static int p9_walk_one(struct p9_server *s, int fd, struct p9_str name, struct p9_qid *q)
{
	struct stat st;
	int nfd, ret;

	if (name.len == 2 && name.s[0] == '.' && name.s[1] == '.')
		nfd = p9_walk_parent(s, fd);
	else
		nfd = p9_open_beneath(fd, name, O_PATH, 0);
	if (nfd < 0)
		return nfd;
	ret = p9_fstat(nfd, &st);
	if (ret) {
		close(nfd);
		return ret;
	}
	*q = p9_qid_of(&st);
	return nfd;
}

static int p9_op_walk(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	uint32_t fid = p9_get32(in), newfid = p9_get32(in);
	uint16_t n = p9_get16(in), i;
	struct p9_str names[P9_MAXWELEM];
	struct p9_qid q = { 0 };
	struct p9_fid *f = p9_fid_of(s, fid), *nf;
	uint32_t count_pos;
	int cur, ret = 0;

	if (n > P9_MAXWELEM)
		return -EINVAL;
	for (i = 0; i < n; i++)
		names[i] = p9_get_str(in);
	if (in->err)
		return -EINVAL;
	if (!f)
		return -EBADF;
	if (f->open_fd >= 0)
		return -EBUSY; /* 9P walk(5): the fid must not be open */
	if (newfid != fid && p9_fid_of(s, newfid))
		return -EEXIST;
	cur = fcntl(f->fd, F_DUPFD_CLOEXEC, 0);
	if (cur < 0)
		return -errno;
	count_pos = out->pos;
	p9_put16(out, 0);
	q.type = f->qtype;
	for (i = 0; i < n; i++) {
		int nfd = p9_walk_one(s, cur, names[i], &q);

		if (nfd < 0) {
			ret = nfd;
			break;
		}
		close(cur);
		cur = nfd;
		p9_put_qid(out, &q);
	}
	/* A first step that fails is an error; a later one, a short Rwalk and no newfid. */
	if (i < n) {
		close(cur);
		if (i == 0)
			return ret;
		le_bytes_set(out->data + count_pos, 2, i);
		return 0;
	}
	le_bytes_set(out->data + count_pos, 2, n);
	if (newfid == fid) {
		close(f->fd);
		f->fd = cur;
		f->qtype = q.type;
		return 0;
	}
	ret = p9_fid_add(&s->fids, newfid, &nf);
	if (ret) {
		close(cur);
		return ret;
	}
	nf->fd = cur;
	nf->qtype = q.type;
	nf->uid = f->uid;
	return 0;
}

/* --- dispatch ---------------------------------------------------------------------- */

static const p9_handler p9_handlers[] = {
	[P9_TSTATFS] = p9_op_statfs,
	[P9_TLOPEN] = p9_op_lopen,
	[P9_TLCREATE] = p9_op_lcreate,
	[P9_TSYMLINK] = p9_op_symlink,
	[P9_TMKNOD] = p9_op_mknod,
	[P9_TRENAME] = p9_op_unsupported,
	[P9_TREADLINK] = p9_op_readlink,
	[P9_TGETATTR] = p9_op_getattr,
	[P9_TSETATTR] = p9_op_setattr,
	[P9_TXATTRWALK] = p9_op_unsupported,
	[P9_TXATTRCREATE] = p9_op_unsupported,
	[P9_TREADDIR] = p9_op_readdir,
	[P9_TFSYNC] = p9_op_fsync,
	[P9_TLOCK] = p9_op_lock,
	[P9_TGETLOCK] = p9_op_getlock,
	[P9_TLINK] = p9_op_link,
	[P9_TMKDIR] = p9_op_mkdir,
	[P9_TRENAMEAT] = p9_op_renameat,
	[P9_TUNLINKAT] = p9_op_unlinkat,
	[P9_TVERSION] = p9_op_version,
	[P9_TAUTH] = p9_op_unsupported,
	[P9_TATTACH] = p9_op_attach,
	[P9_TFLUSH] = p9_op_flush,
	[P9_TWALK] = p9_op_walk,
	[P9_TREAD] = p9_op_read,
	[P9_TWRITE] = p9_op_write,
	[P9_TCLUNK] = p9_op_clunk,
	[P9_TREMOVE] = p9_op_remove,
};

static uint32_t p9_reply_error(uint8_t *resp, uint32_t resp_max, uint16_t tag, int err)
{
	struct p9_buf out;

	p9_buf_init(&out, resp, resp_max);
	p9_put32(&out, P9_HDR_SIZE + 4);
	p9_put8(&out, P9_RLERROR);
	p9_put16(&out, tag);
	p9_put32(&out, (uint32_t)err);
	return out.err ? 0 : out.pos;
}

uint32_t p9_server_handle(struct p9_server *s, const uint8_t *req, uint32_t req_len, uint8_t *resp,
			  uint32_t resp_max)
{
	struct p9_buf in, out;
	uint32_t size;
	uint8_t type;
	uint16_t tag;
	int ret;

	p9_buf_init(&in, (uint8_t *)req, req_len);
	size = p9_get32(&in);
	type = p9_get8(&in);
	tag = p9_get16(&in);
	if (in.err)
		return p9_reply_error(resp, resp_max, P9_NOTAG, EINVAL);
	/* The message is what its size says, and no more than what arrived. */
	if (size < P9_HDR_SIZE || size > req_len)
		return p9_reply_error(resp, resp_max, tag, EINVAL);
	in.size = size;
	if (resp_max > s->msize && type != P9_TVERSION)
		resp_max = s->msize;
	if (type >= sizeof(p9_handlers) / sizeof(p9_handlers[0]) || !p9_handlers[type] || type % 2)
		return p9_reply_error(resp, resp_max, tag, EOPNOTSUPP);
	p9_buf_init(&out, resp, resp_max);
	p9_put32(&out, 0);
	p9_put8(&out, type + 1);
	p9_put16(&out, tag);
	ret = p9_handlers[type](s, &in, &out);
	if (!ret && out.err)
		ret = -EMSGSIZE;
	if (ret)
		return p9_reply_error(resp, resp_max, tag, -ret);
	le_bytes_set(resp, 4, out.pos);
	return out.pos;
}

/* --- ownership --------------------------------------------------------------------- */

struct p9_owner p9_owner_of(enum p9_owner_model model, uint32_t fid_uid, uint32_t gid)
{
	if (model != P9_OWNER_GUEST)
		return (struct p9_owner){ (uint32_t)-1, (uint32_t)-1 };
	/* P9_NONUNAME and a gid of -1 are both "no id": chown's "leave it". */
	return (struct p9_owner){ fid_uid, gid };
}

enum p9_owner_model p9_owner_model_host(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data))
		return P9_OWNER_ARMLET;
	return data[CAP_TO_INDEX(CAP_CHOWN)].effective & CAP_TO_MASK(CAP_CHOWN) ? P9_OWNER_GUEST
										: P9_OWNER_ARMLET;
}

/* --- setup ------------------------------------------------------------------------- */

int p9_server_init(struct p9_server *s, const char *dir, bool ro, char *err, size_t errlen)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC };
	struct stat st;
	long fd;
	int ret;

	memset(s, 0, sizeof(*s));
	s->root_fd = -1;
	fd = syscall(SYS_openat2, AT_FDCWD, dir, &how, sizeof(how));
	if (fd < 0) {
		ret = -errno;
		if (ret == -ENOSYS)
			return err_set(err, errlen, ret,
				       "--9p %s: this kernel has no openat2() (Linux 5.6 or newer "
				       "is needed to keep the guest inside the share)",
				       dir);
		return err_set(err, errlen, ret, "--9p %s: %s (the share must be a directory)", dir,
			       strerror(-ret));
	}
	if (access("/proc/self/fd", X_OK)) {
		close((int)fd);
		return err_set(err, errlen, -ENOENT, "--9p %s: /proc is not mounted (mount it)",
			       dir);
	}
	s->root_fd = (int)fd;
	fstat(s->root_fd, &st);
	s->root_dev = st.st_dev;
	s->root_ino = st.st_ino;
	s->ro = ro;
	s->owner = p9_owner_model_host();
	p9_fids_init(&s->fids);
	s->msize = P9_MAX_MSIZE;
	return 0;
}

void p9_server_destroy(struct p9_server *s)
{
	p9_server_reset(s);
	if (s->root_fd >= 0)
		close(s->root_fd);
	s->root_fd = -1;
}
