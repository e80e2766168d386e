/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the 9P server's files share: 9p_server.c (the dispatcher, sessions,
 * fids and walks) and 9p_ops.c (the file operations). The public contract
 * is 9p_server.h.
 *
 * A handler parses its whole request from in first, returns -EINVAL when
 * in->err says it was malformed, then acts and writes its reply body to
 * out (the dispatcher wrote the header and fills in the size). It returns
 * 0 or -errno; on -errno the dispatcher replaces the body with Rlerror.
 */
#ifndef ARMLET_VIRTIO_9P_INTERNAL_H
#define ARMLET_VIRTIO_9P_INTERNAL_H

#include <sys/stat.h>

#include "9p_server.h"
#include "9p_wire.h"

typedef int (*p9_handler)(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);

/* --- 9p_server.c ------------------------------------------------------------------- */

/* The fid, or NULL. */
struct p9_fid *p9_fid_of(struct p9_server *s, uint32_t fid);

/* The qid of a stat. */
struct p9_qid p9_qid_of(const struct stat *st);

/*
 * Opens name (checked with p9_name_check()) beneath dirfd with flags
 * (O_PATH, or an open for Tlcreate with O_CREAT), never following a
 * symlink and never leaving dirfd. Returns the fd or -errno.
 */
int p9_open_beneath(int dirfd, struct p9_str name, int flags, mode_t mode);

/* Reopens an O_PATH fd with flags through /proc/self/fd. Returns the fd or -errno. */
int p9_reopen(int fd, int flags);

/* --- 9p_ops.c ---------------------------------------------------------------------- */

int p9_op_lopen(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);
int p9_op_lcreate(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);
int p9_op_read(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);
int p9_op_write(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);
int p9_op_readdir(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);
int p9_op_getattr(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);
int p9_op_setattr(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);
int p9_op_statfs(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);
int p9_op_fsync(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);
int p9_op_mkdir(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);
int p9_op_symlink(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);
int p9_op_mknod(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);
int p9_op_link(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);
int p9_op_readlink(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);
int p9_op_renameat(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);
int p9_op_unlinkat(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);
int p9_op_lock(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);
int p9_op_getlock(struct p9_server *s, struct p9_buf *in, struct p9_buf *out);

#endif
