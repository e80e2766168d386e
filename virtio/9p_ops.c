// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 9P2000.L file operations (9p_internal.h's handlers). Message layouts
 * are Linux's net/9p/client.c; flags and errno values are Linux's generic
 * ones, translated where arm64 and the wire differ (open flags).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../vmm/le.h"
#include "9p_internal.h"

/* 9P2000.L open flags (Linux include/net/9p/9p.h): the x86 values, not arm64's. */
#define P9_DOTL_ACCMODE	  00000003
#define P9_DOTL_NOACCESS  00000003
#define P9_DOTL_CREATE	  00000100
#define P9_DOTL_EXCL	  00000200
#define P9_DOTL_TRUNC	  00001000
#define P9_DOTL_APPEND	  00002000
#define P9_DOTL_DSYNC	  00010000
#define P9_DOTL_DIRECTORY 00200000
#define P9_DOTL_SYNC	  04000000

/* Tsetattr valid bits. */
#define P9_ATTR_MODE	  0x001
#define P9_ATTR_UID	  0x002
#define P9_ATTR_GID	  0x004
#define P9_ATTR_SIZE	  0x008
#define P9_ATTR_ATIME	  0x010
#define P9_ATTR_MTIME	  0x020
#define P9_ATTR_ATIME_SET 0x080
#define P9_ATTR_MTIME_SET 0x100

#define P9_GETATTR_BASIC 0x7ffULL
#define P9_READDIR_HDR	 4 /* count[4] */
#define P9_RW_HDR	 (P9_HDR_SIZE + 4)

/* Tlock types and Rlock status. */
#define P9_LOCK_RDLCK	0
#define P9_LOCK_WRLCK	1
#define P9_LOCK_UNLCK	2
#define P9_LOCK_SUCCESS 0
#define P9_LOCK_BLOCKED 1
#define P9_LOCK_ERROR	2

static int p9_stat_fd(int fd, struct stat *st)
{
	return fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) ? -errno : 0;
}

/* Host open flags for wire flags; O_NONBLOCK always, so a FIFO never stalls the server. */
static int p9_open_flags(uint32_t w)
{
	static const struct {
		uint32_t wire;
		int host;
	} map[] = {
		{ P9_DOTL_CREATE, O_CREAT }, { P9_DOTL_EXCL, O_EXCL },
		{ P9_DOTL_TRUNC, O_TRUNC },  { P9_DOTL_APPEND, O_APPEND },
		{ P9_DOTL_DSYNC, O_DSYNC },  { P9_DOTL_DIRECTORY, O_DIRECTORY },
		{ P9_DOTL_SYNC, O_SYNC },
	};
	int flags = (int)(w & P9_DOTL_ACCMODE) | O_NONBLOCK;

	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (w & map[i].wire)
			flags |= map[i].host;
	return flags;
}

static bool p9_flags_write(int flags)
{
	return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_TRUNC | O_CREAT));
}

/* f's O_PATH fd, which must be a directory for the *at() calls; f may be NULL (no such fid). */
static int p9_dir_of(const struct p9_fid *f)
{
	if (!f)
		return -EBADF;
	return f->qtype == P9_QTDIR ? f->fd : -ENOTDIR;
}

/* The same for fid by number. */
static int p9_dir_fd(struct p9_server *s, uint32_t fid)
{
	return p9_dir_of(p9_fid_of(s, fid));
}

/*
 * The common start of an operation on name in directory dfd: the request
 * parsed whole, the directory and name valid, the share writable. Copies
 * the name into buf (P9_NAME_MAX + 1 bytes).
 */
static int p9_dir_entry(struct p9_server *s, const struct p9_buf *in, int dfd, struct p9_str name,
			char *buf)
{
	int ret;

	if (in->err)
		return -EINVAL;
	ret = dfd < 0 ? dfd : p9_name_check(name);
	if (ret)
		return ret;
	if (s->ro)
		return -EROFS;
	p9_str_copy(name, buf, P9_NAME_MAX + 1);
	return 0;
}

/* The qid of name just made in dirfd. */
static int p9_put_new_qid(int dirfd, const char *name, struct p9_buf *out)
{
	struct stat st;
	struct p9_qid q;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	q = p9_qid_of(&st);
	p9_put_qid(out, &q);
	return 0;
}

/*
 * Gives name, just made in dfd through fid f, the owner the server's model
 * says for the request's gid. When that fails the entry is removed again
 * and the request fails: the guest never finds a file it was refused.
 */
static int p9_owner_set(struct p9_server *s, const struct p9_fid *f, uint32_t gid, int dfd,
			const char *name, bool dir)
{
	struct p9_owner o = p9_owner_of(s->owner, f->uid, gid);
	int ret;

	if (o.uid == (uint32_t)-1 && o.gid == (uint32_t)-1)
		return 0;
	if (!fchownat(dfd, name, o.uid, o.gid, AT_SYMLINK_NOFOLLOW))
		return 0;
	ret = -errno;
	unlinkat(dfd, name, dir ? AT_REMOVEDIR : 0);
	return ret;
}

/* --- open, create, read, write ------------------------------------------------------- */

int p9_op_lopen(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	struct p9_fid *f = p9_fid_of(s, p9_get32(in));
	uint32_t wflags = p9_get32(in);
	int flags = p9_open_flags(wflags & ~P9_DOTL_CREATE), fd;
	struct stat st;
	struct p9_qid q;

	if (in->err || (wflags & P9_DOTL_ACCMODE) == P9_DOTL_NOACCESS)
		return -EINVAL;
	if (!f)
		return -EBADF;
	if (f->open_fd >= 0)
		return -EBUSY;
	if (f->qtype == P9_QTSYMLINK)
		return -ELOOP; /* the guest follows links itself */
	if (s->ro && p9_flags_write(flags))
		return -EROFS;
	fd = p9_reopen(f->fd, flags);
	if (fd < 0)
		return fd;
	if (p9_stat_fd(fd, &st)) {
		close(fd);
		return -EIO;
	}
	f->open_fd = fd;
	q = p9_qid_of(&st);
	p9_put_qid(out, &q);
	p9_put32(out, 0); /* iounit: the client uses msize */
	return 0;
}

int p9_op_lcreate(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	struct p9_fid *f = p9_fid_of(s, p9_get32(in));
	struct p9_str name = p9_get_str(in);
	int flags = p9_open_flags(p9_get32(in)) | O_CREAT;
	uint32_t mode = p9_get32(in), gid = p9_get32(in);
	char buf[P9_NAME_MAX + 1];
	int fd, pfd, ret;
	bool created;
	struct stat st;
	struct p9_qid q;

	if (in->err)
		return -EINVAL;
	if (!f)
		return -EBADF;
	if (f->qtype != P9_QTDIR || f->open_fd >= 0)
		return f->open_fd >= 0 ? -EBUSY : -ENOTDIR;
	if (s->ro)
		return -EROFS;
	/* Only a file this request made gets the guest's ids (or is removed if it cannot). */
	fd = p9_open_beneath(f->fd, name, flags | O_EXCL, mode);
	created = fd >= 0;
	if (fd == -EEXIST && !(flags & O_EXCL))
		fd = p9_open_beneath(f->fd, name, flags & ~O_CREAT, mode);
	if (fd < 0)
		return fd;
	p9_str_copy(name, buf, sizeof(buf)); /* checked by p9_open_beneath() */
	ret = created ? p9_owner_set(s, f, gid, f->fd, buf, false) : 0;
	if (ret) {
		close(fd);
		return ret;
	}
	pfd = p9_open_beneath(f->fd, name, O_PATH, 0);
	ret = pfd < 0 ? pfd : p9_stat_fd(pfd, &st);
	if (ret) {
		close(fd);
		if (pfd >= 0)
			close(pfd);
		return ret;
	}
	/* The fid now stands for the new file, open (9P2000.L lcreate). */
	close(f->fd);
	f->fd = pfd;
	f->open_fd = fd;
	q = p9_qid_of(&st);
	f->qtype = q.type;
	p9_put_qid(out, &q);
	p9_put32(out, 0);
	return 0;
}

int p9_op_read(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	struct p9_fid *f = p9_fid_of(s, p9_get32(in));
	uint64_t off = p9_get64(in);
	uint32_t count = p9_get32(in), room = out->size - out->pos;
	uint8_t *data;
	ssize_t n;

	if (in->err || off > INT64_MAX)
		return -EINVAL;
	if (!f || f->open_fd < 0)
		return -EBADF;
	if (room < 4)
		return -EMSGSIZE;
	if (count > room - 4)
		count = room - 4;
	p9_put32(out, 0);
	data = p9_put_space(out, count);
	n = pread(f->open_fd, data, count, (off_t)off);
	if (n < 0)
		return -errno;
	out->pos -= count - (uint32_t)n;
	le_bytes_set(out->data + out->pos - (uint32_t)n - 4, 4, (uint32_t)n);
	return 0;
}

int p9_op_write(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	struct p9_fid *f = p9_fid_of(s, p9_get32(in));
	uint64_t off = p9_get64(in);
	uint32_t count = p9_get32(in);
	const uint8_t *data = p9_get_bytes(in, count);
	ssize_t n;

	if (in->err || off > INT64_MAX)
		return -EINVAL;
	if (!f || f->open_fd < 0)
		return -EBADF;
	if (s->ro)
		return -EROFS;
	n = pwrite(f->open_fd, data, count, (off_t)off);
	if (n < 0)
		return -errno;
	p9_put32(out, (uint32_t)n);
	return 0;
}

/* --- directories --------------------------------------------------------------------- */

static uint8_t p9_dtype_qtype(unsigned char d_type)
{
	return d_type == DT_DIR ? P9_QTDIR : d_type == DT_LNK ? P9_QTSYMLINK : P9_QTFILE;
}

/* One entry, if it fits in out; false when it does not (it is then sent next time). */
static bool p9_put_dirent(struct p9_server *s, struct p9_buf *out, const struct dirent64 *d)
{
	size_t len = strnlen(d->d_name, 256);
	struct p9_qid q = {
		.type = p9_dtype_qtype(d->d_type),
		.path = d->d_ino ^ ((uint64_t)s->root_dev << 48), /* as p9_qid_of() */
	};

	if (out->size - out->pos < P9_QID_SIZE + 8 + 1 + 2 + len)
		return false;
	p9_put_qid(out, &q);
	p9_put64(out, (uint64_t)d->d_off);
	p9_put8(out, d->d_type);
	p9_put_str(out, d->d_name, len);
	return true;
}

int p9_op_readdir(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	struct p9_fid *f = p9_fid_of(s, p9_get32(in));
	uint64_t off = p9_get64(in);
	uint32_t count = p9_get32(in), start;
	char buf[8192] __attribute__((aligned(8)));
	struct p9_buf body;
	bool full = false;

	if (in->err || off > INT64_MAX)
		return -EINVAL;
	if (!f || f->open_fd < 0 || f->qtype != P9_QTDIR)
		return !f || f->open_fd < 0 ? -EBADF : -ENOTDIR;
	if (lseek(f->open_fd, (off_t)off, SEEK_SET) < 0)
		return -errno;
	p9_put32(out, 0);
	start = out->pos;
	if (count > out->size - start)
		count = out->size - start;
	p9_buf_init(&body, out->data + start, count);
	while (!full) {
		ssize_t n = getdents64(f->open_fd, buf, sizeof(buf));

		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		for (ssize_t pos = 0; pos < n && !full;) {
			const struct dirent64 *d = (const struct dirent64 *)(buf + pos);

			full = !p9_put_dirent(s, &body, d);
			pos += d->d_reclen;
		}
	}
	out->pos = start + body.pos;
	le_bytes_set(out->data + start - 4, 4, body.pos);
	return 0;
}

int p9_op_mkdir(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	const struct p9_fid *d = p9_fid_of(s, p9_get32(in));
	int dfd = p9_dir_of(d);
	struct p9_str name = p9_get_str(in);
	uint32_t mode = p9_get32(in), gid = p9_get32(in);
	char buf[P9_NAME_MAX + 1];
	int ret;

	ret = p9_dir_entry(s, in, dfd, name, buf);
	if (ret)
		return ret;
	if (mkdirat(dfd, buf, mode & 07777))
		return -errno;
	return p9_owner_set(s, d, gid, dfd, buf, true) ?: p9_put_new_qid(dfd, buf, out);
}

int p9_op_symlink(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	const struct p9_fid *d = p9_fid_of(s, p9_get32(in));
	int dfd = p9_dir_of(d);
	struct p9_str name = p9_get_str(in), target = p9_get_str(in);
	uint32_t gid = p9_get32(in);
	char buf[P9_NAME_MAX + 1], tbuf[PATH_MAX];
	int ret;

	ret = p9_dir_entry(s, in, dfd, name, buf);
	/* The target is only data for the guest to resolve: any text but NUL. */
	ret = ret ?: p9_str_copy(target, tbuf, sizeof(tbuf));
	if (ret)
		return ret;
	if (symlinkat(tbuf, dfd, buf))
		return -errno;
	return p9_owner_set(s, d, gid, dfd, buf, false) ?: p9_put_new_qid(dfd, buf, out);
}

int p9_op_mknod(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	const struct p9_fid *d = p9_fid_of(s, p9_get32(in));
	int dfd = p9_dir_of(d);
	struct p9_str name = p9_get_str(in);
	uint32_t mode = p9_get32(in), gid;
	char buf[P9_NAME_MAX + 1];
	int ret;

	p9_get32(in), p9_get32(in); /* major, minor: no device nodes */
	gid = p9_get32(in);
	ret = p9_dir_entry(s, in, dfd, name, buf);
	if (ret)
		return ret;
	/* No device nodes on the host for a guest, whoever armlet runs as. */
	if (!S_ISREG(mode) && !S_ISFIFO(mode) && !S_ISSOCK(mode))
		return -EPERM;
	if (mknodat(dfd, buf, mode & (S_IFMT | 07777), 0))
		return -errno;
	return p9_owner_set(s, d, gid, dfd, buf, false) ?: p9_put_new_qid(dfd, buf, out);
}

int p9_op_link(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	int dfd = p9_dir_fd(s, p9_get32(in));
	struct p9_fid *f = p9_fid_of(s, p9_get32(in));
	struct p9_str name = p9_get_str(in);
	char buf[P9_NAME_MAX + 1], path[32];
	int ret;

	(void)out;
	ret = p9_dir_entry(s, in, dfd, name, buf);
	if (ret)
		return ret;
	if (!f)
		return -EBADF;
	/* linkat(AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH; our own fd's magic link does not. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", f->fd);
	return linkat(AT_FDCWD, path, dfd, buf, AT_SYMLINK_FOLLOW) ? -errno : 0;
}

int p9_op_readlink(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	struct p9_fid *f = p9_fid_of(s, p9_get32(in));
	char buf[PATH_MAX];
	ssize_t n;

	if (in->err)
		return -EINVAL;
	if (!f)
		return -EBADF;
	n = readlinkat(f->fd, "", buf, sizeof(buf));
	if (n < 0)
		return -errno;
	p9_put_str(out, buf, (size_t)n);
	return 0;
}

int p9_op_renameat(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	int ofd = p9_dir_fd(s, p9_get32(in));
	struct p9_str oname = p9_get_str(in);
	int nfd = p9_dir_fd(s, p9_get32(in));
	struct p9_str nname = p9_get_str(in);
	char obuf[P9_NAME_MAX + 1], nbuf[P9_NAME_MAX + 1];
	int ret;

	(void)out;
	ret = p9_dir_entry(s, in, ofd, oname, obuf);
	ret = ret ?: p9_dir_entry(s, in, nfd, nname, nbuf);
	if (ret)
		return ret;
	return renameat(ofd, obuf, nfd, nbuf) ? -errno : 0;
}

int p9_op_unlinkat(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	int dfd = p9_dir_fd(s, p9_get32(in));
	struct p9_str name = p9_get_str(in);
	uint32_t flags = p9_get32(in);
	char buf[P9_NAME_MAX + 1];
	int ret;

	(void)out;
	ret = p9_dir_entry(s, in, dfd, name, buf);
	if (ret)
		return ret;
	/* The wire's AT_REMOVEDIR is Linux's 0x200; nothing else is meaningful. */
	return unlinkat(dfd, buf, flags & AT_REMOVEDIR) ? -errno : 0;
}

/* --- attributes ---------------------------------------------------------------------- */

int p9_op_getattr(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	struct p9_fid *f = p9_fid_of(s, p9_get32(in));
	struct stat st;
	struct p9_qid q;
	int ret;

	p9_get64(in); /* request_mask: the basic set is always cheap */
	if (in->err)
		return -EINVAL;
	if (!f)
		return -EBADF;
	ret = p9_stat_fd(f->fd, &st);
	if (ret)
		return ret;
	q = p9_qid_of(&st);
	p9_put64(out, P9_GETATTR_BASIC);
	p9_put_qid(out, &q);
	p9_put32(out, st.st_mode);
	p9_put32(out, st.st_uid);
	p9_put32(out, st.st_gid);
	p9_put64(out, st.st_nlink);
	p9_put64(out, st.st_rdev);
	p9_put64(out, (uint64_t)st.st_size);
	p9_put64(out, (uint64_t)st.st_blksize);
	p9_put64(out, (uint64_t)st.st_blocks);
	p9_put64(out, (uint64_t)st.st_atim.tv_sec);
	p9_put64(out, (uint64_t)st.st_atim.tv_nsec);
	p9_put64(out, (uint64_t)st.st_mtim.tv_sec);
	p9_put64(out, (uint64_t)st.st_mtim.tv_nsec);
	p9_put64(out, (uint64_t)st.st_ctim.tv_sec);
	p9_put64(out, (uint64_t)st.st_ctim.tv_nsec);
	for (unsigned i = 0; i < 4; i++)
		p9_put64(out, 0); /* btime, gen, data_version: not in the basic set */
	return 0;
}

static struct timespec p9_time(uint32_t valid, uint32_t now_bit, uint32_t set_bit, uint64_t sec,
			       uint64_t nsec)
{
	if (!(valid & now_bit))
		return (struct timespec){ .tv_nsec = UTIME_OMIT };
	if (!(valid & set_bit))
		return (struct timespec){ .tv_nsec = UTIME_NOW };
	return (struct timespec){ .tv_sec = (time_t)sec, .tv_nsec = (long)(nsec % 1000000000) };
}

int p9_op_setattr(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	struct p9_fid *f = p9_fid_of(s, p9_get32(in));
	uint32_t valid = p9_get32(in), mode = p9_get32(in), uid = p9_get32(in), gid = p9_get32(in);
	uint64_t size = p9_get64(in), as = p9_get64(in), an = p9_get64(in);
	uint64_t ms = p9_get64(in), mn = p9_get64(in);
	struct timespec ts[2];
	char path[32];

	(void)out;
	if (in->err || size > INT64_MAX)
		return -EINVAL;
	if (!f)
		return -EBADF;
	if (s->ro)
		return -EROFS;
	/* chmod, truncate and utimes through a symlink would follow it: refused. */
	if (f->qtype == P9_QTSYMLINK &&
	    (valid & (P9_ATTR_MODE | P9_ATTR_SIZE | P9_ATTR_ATIME | P9_ATTR_MTIME)))
		return -EOPNOTSUPP;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", f->fd);
	if ((valid & P9_ATTR_MODE) && chmod(path, mode & 07777))
		return -errno;
	if ((valid & (P9_ATTR_UID | P9_ATTR_GID)) &&
	    fchownat(f->fd, "", valid & P9_ATTR_UID ? uid : (uint32_t)-1,
		     valid & P9_ATTR_GID ? gid : (uint32_t)-1, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -errno;
	if ((valid & P9_ATTR_SIZE) && truncate(path, (off_t)size))
		return -errno;
	ts[0] = p9_time(valid, P9_ATTR_ATIME, P9_ATTR_ATIME_SET, as, an);
	ts[1] = p9_time(valid, P9_ATTR_MTIME, P9_ATTR_MTIME_SET, ms, mn);
	if ((valid & (P9_ATTR_ATIME | P9_ATTR_MTIME)) && utimensat(AT_FDCWD, path, ts, 0))
		return -errno;
	return 0;
}

int p9_op_statfs(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	struct p9_fid *f = p9_fid_of(s, p9_get32(in));
	struct statfs st;

	if (in->err)
		return -EINVAL;
	if (!f)
		return -EBADF;
	if (fstatfs(f->fd, &st))
		return -errno;
	p9_put32(out, (uint32_t)st.f_type);
	p9_put32(out, (uint32_t)st.f_bsize);
	p9_put64(out, st.f_blocks);
	p9_put64(out, st.f_bfree);
	p9_put64(out, st.f_bavail);
	p9_put64(out, st.f_files);
	p9_put64(out, st.f_ffree);
	p9_put64(out, (uint64_t)(uint32_t)st.f_fsid.__val[0] |
			  (uint64_t)(uint32_t)st.f_fsid.__val[1] << 32);
	p9_put32(out, (uint32_t)st.f_namelen);
	return 0;
}

int p9_op_fsync(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	struct p9_fid *f = p9_fid_of(s, p9_get32(in));
	uint32_t datasync = 0;

	(void)out;
	/* datasync[4] came with Linux 4.x; older clients send only the fid. */
	if (in->size - in->pos >= 4)
		datasync = p9_get32(in);
	if (in->err)
		return -EINVAL;
	if (!f || f->open_fd < 0)
		return -EBADF;
	if (s->ro)
		return 0;
	return (datasync ? fdatasync(f->open_fd) : fsync(f->open_fd)) ? -errno : 0;
}

/* --- POSIX locks: open file description locks on the fid's open file ----------------- */

static int p9_lock_parse(struct p9_server *s, struct p9_buf *in, bool with_flags, struct p9_fid **f,
			 struct flock *fl)
{
	uint8_t type;

	*f = p9_fid_of(s, p9_get32(in));
	type = p9_get8(in);
	if (with_flags)
		p9_get32(in); /* flags: BLOCK is the client's to retry, we never sleep */
	memset(fl, 0, sizeof(*fl));
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)p9_get64(in);
	fl->l_len = (off_t)p9_get64(in);
	p9_get32(in);	/* proc_id */
	p9_get_str(in); /* client_id */
	if (in->err || type > P9_LOCK_UNLCK || fl->l_start < 0 || fl->l_len < 0)
		return -EINVAL;
	fl->l_type = type == P9_LOCK_RDLCK ? F_RDLCK : type == P9_LOCK_WRLCK ? F_WRLCK : F_UNLCK;
	if (!*f || (*f)->open_fd < 0)
		return -EBADF;
	return 0;
}

int p9_op_lock(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	struct p9_fid *f;
	struct flock fl;
	int ret = p9_lock_parse(s, in, true, &f, &fl);
	uint8_t status = P9_LOCK_SUCCESS;

	if (ret)
		return ret;
	if (fcntl(f->open_fd, F_OFD_SETLK, &fl))
		status = errno == EAGAIN || errno == EACCES ? P9_LOCK_BLOCKED : P9_LOCK_ERROR;
	p9_put8(out, status);
	return 0;
}

int p9_op_getlock(struct p9_server *s, struct p9_buf *in, struct p9_buf *out)
{
	struct p9_fid *f;
	struct flock fl;
	int ret = p9_lock_parse(s, in, false, &f, &fl);

	if (ret)
		return ret;
	if (fcntl(f->open_fd, F_OFD_GETLK, &fl))
		return -errno;
	p9_put8(out, fl.l_type == F_RDLCK   ? P9_LOCK_RDLCK
		     : fl.l_type == F_WRLCK ? P9_LOCK_WRLCK
					    : P9_LOCK_UNLCK);
	p9_put64(out, (uint64_t)fl.l_start);
	p9_put64(out, (uint64_t)fl.l_len);
	p9_put32(out, (uint32_t)fl.l_pid);
	p9_put_str(out, "armlet", 6);
	return 0;
}
