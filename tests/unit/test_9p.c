// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 9P2000.L server (virtio/9p_server.c) on a scratch directory: a test
 * builds messages as a client would, and checks replies, the files on the
 * host, and that no request reaches outside the share ("..", absolute
 * names, names with '/' or NUL, symlinks to / and outside, very long
 * names), whatever the message looks like (sizes that lie, strings longer
 * than the message, too many fids). Also the wire helpers, the fid table
 * and the --9p spec parser.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../virtio/9p.h"
#include "../../virtio/9p_wire.h"
#include "../../vmm/le.h"
#include "suites.h"

#define ROOT_FID 1
#define TAG	 0x42

static struct p9_server srv;
static char base[256], share[300];
static uint8_t req[P9_MAX_MSIZE], resp[P9_MAX_MSIZE];
static struct p9_buf m;	 /* the request being built */
static struct p9_buf rp; /* the reply being read, after its header */
static uint8_t rtype;

/* --- building and sending -------------------------------------------------------- */

static void msg(uint8_t type)
{
	p9_buf_init(&m, req, sizeof(req));
	p9_put32(&m, 0);
	p9_put8(&m, type);
	p9_put16(&m, TAG);
}

static void put_s(const char *s)
{
	p9_put_str(&m, s, strlen(s));
}

/* Sends the message with its true size; returns the reply type, rp at its body. */
static uint8_t send_len(uint32_t claimed, uint32_t len)
{
	uint32_t n;

	ck_assert(!m.err);
	le_bytes_set(req, 4, claimed);
	n = p9_server_handle(&srv, req, len, resp, sizeof(resp));
	ck_assert_uint_ge(n, P9_HDR_SIZE);
	ck_assert_uint_eq(le_bytes_get(resp, 4), n);
	p9_buf_init(&rp, resp, n);
	rp.pos = 4;
	rtype = p9_get8(&rp);
	p9_get16(&rp); /* tag */
	return rtype;
}

static uint8_t send_msg(void)
{
	return send_len(m.pos, m.pos);
}

/* The errno of an Rlerror reply, 0 for any other reply. */
static int send_err(void)
{
	return send_msg() == P9_RLERROR ? (int)p9_get32(&rp) : 0;
}

static void expect_ok(uint8_t type)
{
	uint8_t got = send_msg();

	ck_assert_msg(got == type + 1, "type %u answered %u (errno %d)", type, got,
		      got == P9_RLERROR ? (int)p9_get32(&rp) : 0);
}

static void version(void)
{
	msg(P9_TVERSION);
	p9_put32(&m, 65536);
	put_s("9P2000.L");
	expect_ok(P9_TVERSION);
}

/* Tattach of fid as the user n_uname (Linux's access=user: one attach per uid). */
static void attach_as(uint32_t fid, uint32_t n_uname)
{
	msg(P9_TATTACH);
	p9_put32(&m, fid);
	p9_put32(&m, P9_NOFID);
	put_s("user");
	put_s("");
	p9_put32(&m, n_uname);
	expect_ok(P9_TATTACH);
}

static void attach(uint32_t fid)
{
	attach_as(fid, 0);
}

/* Twalk of up to 16 names separated by spaces from fid to newfid; returns errno or 0. */
static int walk(uint32_t fid, uint32_t newfid, unsigned n, const char *const *names)
{
	msg(P9_TWALK);
	p9_put32(&m, fid);
	p9_put32(&m, newfid);
	p9_put16(&m, (uint16_t)n);
	for (unsigned i = 0; i < n; i++)
		put_s(names[i]);
	return send_err();
}

static int walk1(uint32_t fid, uint32_t newfid, const char *name)
{
	return walk(fid, newfid, 1, &name);
}

static int lopen(uint32_t fid, uint32_t flags)
{
	msg(P9_TLOPEN);
	p9_put32(&m, fid);
	p9_put32(&m, flags);
	return send_err();
}

static void clunk(uint32_t fid)
{
	msg(P9_TCLUNK);
	p9_put32(&m, fid);
	expect_ok(P9_TCLUNK);
}

/* Reads up to count bytes at off of an open fid into out; returns the count or -errno. */
static int read_fid(uint32_t fid, uint64_t off, uint32_t count, char *out)
{
	uint32_t n;

	msg(P9_TREAD);
	p9_put32(&m, fid);
	p9_put64(&m, off);
	p9_put32(&m, count);
	if (send_msg() == P9_RLERROR)
		return -(int)p9_get32(&rp);
	n = p9_get32(&rp);
	memcpy(out, p9_get_bytes(&rp, n), n);
	ck_assert(!rp.err);
	return (int)n;
}

static void host_write(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", share, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static bool host_exists(const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", rel[0] == '/' ? "" : share, rel);
	return lstat(path, &st) == 0;
}

/* --- the bench ------------------------------------------------------------------- */

static void start(bool ro)
{
	char err[200], path[512];

	ck_assert_int_eq(p9_server_init(&srv, share, ro, err, sizeof(err)), 0);
	version();
	attach(ROOT_FID);
	(void)path;
}

static void setup(void)
{
	const char *tmp = getenv("ARMLET_TEST_TMP");
	char path[600];

	snprintf(base, sizeof(base), "%s/p9.XXXXXX", tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(base));
	snprintf(share, sizeof(share), "%s/share", base);
	ck_assert_int_eq(mkdir(share, 0755), 0);
	snprintf(path, sizeof(path), "%s/secret", base);
	ck_assert_int_eq(close(open(path, O_CREAT | O_WRONLY, 0600)), 0);
	host_write("hello", "hello world\n");
	snprintf(path, sizeof(path), "%s/sub", share);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/root", share);
	ck_assert_int_eq(symlink("/", path), 0);
	snprintf(path, sizeof(path), "%s/up", share);
	ck_assert_int_eq(symlink("../secret", path), 0);
	snprintf(path, sizeof(path), "%s/sub/abs", share);
	ck_assert_int_eq(symlink("/etc", path), 0);
}

static void teardown(void)
{
	char cmd[400];

	p9_server_destroy(&srv);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	ck_assert_int_eq(system(cmd), 0);
}

/* --- wire, fids, spec ------------------------------------------------------------ */

START_TEST(test_wire_bounds)
{
	uint8_t buf[8] = { 5, 0, 'a', 'b' };
	struct p9_buf b;
	struct p9_str s;

	/* A string whose length runs past the message. */
	p9_buf_init(&b, buf, 4);
	s = p9_get_str(&b);
	ck_assert(b.err);
	ck_assert_uint_eq(s.len, 0);
	ck_assert_uint_eq(p9_get32(&b), 0); /* sticky */
	/* Writes past the end. */
	p9_buf_init(&b, buf, 3);
	p9_put32(&b, 1);
	ck_assert(b.err);
	p9_buf_init(&b, buf, sizeof(buf));
	p9_put_str(&b, "abcdefgh", 8);
	ck_assert(b.err);
}
END_TEST

START_TEST(test_name_check)
{
	char longname[300];

	memset(longname, 'x', sizeof(longname));
	ck_assert_int_eq(p9_name_check((struct p9_str){ "ok", 2 }), 0);
	ck_assert_int_eq(p9_name_check((struct p9_str){ ".", 1 }), -EINVAL);
	ck_assert_int_eq(p9_name_check((struct p9_str){ "..", 2 }), -EINVAL);
	ck_assert_int_eq(p9_name_check((struct p9_str){ "a/b", 3 }), -EINVAL);
	ck_assert_int_eq(p9_name_check((struct p9_str){ "/", 1 }), -EINVAL);
	ck_assert_int_eq(p9_name_check((struct p9_str){ "a\0b", 3 }), -EINVAL);
	ck_assert_int_eq(p9_name_check((struct p9_str){ "", 0 }), -EINVAL);
	ck_assert_int_eq(p9_name_check((struct p9_str){ longname, 256 }), -ENAMETOOLONG);
	ck_assert_int_eq(p9_name_check((struct p9_str){ longname, 255 }), 0);
}
END_TEST

START_TEST(test_fid_table)
{
	static struct p9_fids t;
	struct p9_fid *f;

	p9_fids_init(&t);
	for (uint32_t i = 0; i < P9_MAX_FIDS; i++)
		ck_assert_int_eq(p9_fid_add(&t, i * 1024, &f), 0);
	ck_assert_int_eq(p9_fid_add(&t, 7, &f), -ENFILE);
	ck_assert_int_eq(p9_fid_add(&t, 1024, &f), -EEXIST);
	ck_assert_int_eq(p9_fid_add(&t, P9_NOFID, &f), -EBADF);
	p9_fid_remove(&t, 2048);
	ck_assert_ptr_null(p9_fid_find(&t, 2048));
	ck_assert_ptr_nonnull(p9_fid_find(&t, 3072));
	ck_assert_int_eq(p9_fid_add(&t, 7, &f), 0);
	ck_assert_ptr_eq(p9_fid_find(&t, 7), f);
	p9_fid_remove(&t, 99); /* unknown: nothing */
	ck_assert_uint_eq(t.used, P9_MAX_FIDS);
}
END_TEST

START_TEST(test_spec)
{
	struct p9_spec sp;
	char why[128];

	ck_assert_int_eq(p9_spec_parse("/srv/x,share", &sp, why, sizeof(why)), 0);
	ck_assert_str_eq(sp.dir, "/srv/x");
	ck_assert_str_eq(sp.tag, "share");
	ck_assert(!sp.ro);
	ck_assert_int_eq(p9_spec_parse("d,t,ro", &sp, why, sizeof(why)), 0);
	ck_assert(sp.ro);
	ck_assert_int_eq(p9_spec_parse("/srv/x", &sp, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(p9_spec_parse(",t", &sp, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(p9_spec_parse("d,", &sp, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(p9_spec_parse("d,t,rw", &sp, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "rw"));
	ck_assert_int_eq(
	    p9_spec_parse("d,"
			  "0123456789012345678901234567890123456789012345678901234567890"
			  "12345",
			  &sp, why, sizeof(why)),
	    -EINVAL);
}
END_TEST

/* --- sessions and malformed messages ----------------------------------------------- */

START_TEST(test_version)
{
	start(false);
	msg(P9_TVERSION);
	p9_put32(&m, 1u << 30);
	put_s("9P2000.L");
	expect_ok(P9_TVERSION);
	ck_assert_uint_eq(p9_get32(&rp), P9_MAX_MSIZE); /* capped */
	msg(P9_TVERSION);
	p9_put32(&m, 8192);
	put_s("9P2000.u");
	expect_ok(P9_TVERSION);
	p9_get32(&rp);
	ck_assert_uint_eq(p9_get16(&rp), 7); /* "unknown" */
	/* A new session clunked the root fid. */
	msg(P9_TGETATTR);
	p9_put32(&m, ROOT_FID);
	p9_put64(&m, 0x7ff);
	ck_assert_int_eq(send_err(), EBADF);
}
END_TEST

START_TEST(test_malformed)
{
	uint32_t n;

	start(false);
	/* Shorter than a header: Rlerror with NOTAG. */
	n = p9_server_handle(&srv, (const uint8_t *)"\x05\0\0", 3, resp, sizeof(resp));
	ck_assert_uint_eq(n, 11);
	ck_assert_uint_eq(resp[4], P9_RLERROR);
	ck_assert_uint_eq(le_bytes_get(resp + 5, 2), P9_NOTAG);
	/* A size larger than what arrived, and one smaller than a header. */
	msg(P9_TCLUNK);
	p9_put32(&m, ROOT_FID);
	ck_assert_uint_eq(send_len(m.pos + 1, m.pos), P9_RLERROR);
	ck_assert_uint_eq(p9_get32(&rp), EINVAL);
	ck_assert_uint_eq(send_len(3, m.pos), P9_RLERROR);
	/* A size that cuts the body short: the fid is missing. */
	ck_assert_uint_eq(send_len(P9_HDR_SIZE + 2, m.pos), P9_RLERROR);
	/* A string longer than the message. */
	msg(P9_TWALK);
	p9_put32(&m, ROOT_FID);
	p9_put32(&m, 2);
	p9_put16(&m, 1);
	p9_put16(&m, 200);
	p9_put_space(&m, 10);
	ck_assert_int_eq(send_err(), EINVAL);
	/* More than 16 names. */
	msg(P9_TWALK);
	p9_put32(&m, ROOT_FID);
	p9_put32(&m, 2);
	p9_put16(&m, 17);
	ck_assert_int_eq(send_err(), EINVAL);
	/* Unknown and R-message types. */
	msg(99);
	ck_assert_int_eq(send_err(), EOPNOTSUPP);
	msg(P9_TWALK + 1);
	ck_assert_int_eq(send_err(), EOPNOTSUPP);
	msg(P9_TXATTRWALK);
	p9_put32(&m, ROOT_FID);
	p9_put32(&m, 5);
	put_s("user.x");
	ck_assert_int_eq(send_err(), EOPNOTSUPP);
	/* A reply buffer too small for anything but nothing. */
	ck_assert_uint_eq(p9_server_handle(&srv, req, m.pos, resp, 10), 0);
	/* The root fid is still fine after all that. */
	ck_assert_int_eq(walk1(ROOT_FID, 2, "hello"), 0);
}
END_TEST

START_TEST(test_too_many_fids)
{
	uint32_t fid;

	start(false);
	for (fid = 2; fid < P9_MAX_FIDS + 10; fid++)
		if (walk(ROOT_FID, fid, 0, NULL))
			break;
	ck_assert_uint_eq(fid, P9_MAX_FIDS + 1); /* the root is one */
	ck_assert_int_eq(walk(ROOT_FID, fid, 0, NULL), ENFILE);
	clunk(2);
	ck_assert_int_eq(walk(ROOT_FID, 2, 0, NULL), 0);
}
END_TEST

/* --- containment ------------------------------------------------------------------- */

static uint64_t qid_path_of_walk(uint32_t fid, uint32_t newfid, unsigned n,
				 const char *const *names)
{
	struct p9_qid q = { 0 };
	uint16_t nq;

	ck_assert_int_eq(walk(fid, newfid, n, names), 0);
	nq = p9_get16(&rp);
	ck_assert_uint_eq(nq, n);
	for (unsigned i = 0; i < nq; i++) {
		q.type = p9_get8(&rp);
		p9_get32(&rp);
		q.path = p9_get64(&rp);
	}
	return q.path;
}

START_TEST(test_dotdot)
{
	static const char *const up2[] = { "..", ".." };
	static const char *const sub_up3[] = { "sub", "..", "..", ".." };
	static const char *const sub[] = { "sub" };
	uint64_t root, p;

	start(false);
	root = qid_path_of_walk(ROOT_FID, 2, 1, sub); /* sub's qid */
	clunk(2);
	/* ".." from the root is the root; from sub, three times, still the root. */
	p = qid_path_of_walk(ROOT_FID, 2, 2, up2);
	ck_assert_uint_ne(p, root);
	ck_assert_uint_eq(qid_path_of_walk(ROOT_FID, 3, 4, sub_up3), p);
	/* And the fid can only see the share: "secret" is outside. */
	ck_assert_int_eq(walk1(3, 4, "secret"), ENOENT);
	ck_assert_int_eq(walk1(3, 4, "hello"), 0);
}
END_TEST

START_TEST(test_bad_names)
{
	static const char *const two[] = { "sub", "a/b" };
	char longname[300];

	start(false);
	memset(longname, 'y', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	ck_assert_int_eq(walk1(ROOT_FID, 2, "/"), EINVAL);
	ck_assert_int_eq(walk1(ROOT_FID, 2, "/etc"), EINVAL);
	ck_assert_int_eq(walk1(ROOT_FID, 2, "../secret"), EINVAL);
	ck_assert_int_eq(walk1(ROOT_FID, 2, "."), EINVAL);
	ck_assert_int_eq(walk1(ROOT_FID, 2, ""), EINVAL);
	ck_assert_int_eq(walk1(ROOT_FID, 2, longname), ENAMETOOLONG);
	/* A NUL inside a name: "hello\0/x". */
	msg(P9_TWALK);
	p9_put32(&m, ROOT_FID);
	p9_put32(&m, 2);
	p9_put16(&m, 1);
	p9_put_str(&m, "hello\0/x", 8);
	ck_assert_int_eq(send_err(), EINVAL);
	/* A bad second name: a short walk, and no newfid. */
	ck_assert_int_eq(walk(ROOT_FID, 2, 2, two), 0);
	ck_assert_uint_eq(p9_get16(&rp), 1);
	ck_assert_int_eq(walk(2, 3, 0, NULL), EBADF);
	/* Creating with such names fails the same way, and nothing appears. */
	msg(P9_TMKDIR);
	p9_put32(&m, ROOT_FID);
	put_s("../escaped");
	p9_put32(&m, 0755);
	p9_put32(&m, 0);
	ck_assert_int_eq(send_err(), EINVAL);
	ck_assert(!host_exists("../escaped"));
}
END_TEST

START_TEST(test_symlinks_not_followed)
{
	static const char *const through_root[] = { "root", "etc" };
	static const char *const through_abs[] = { "sub", "abs", "passwd" };
	char buf[64];
	int n;

	start(false);
	/* Walking onto a link gives the link itself; through it, nothing. */
	ck_assert_int_eq(walk1(ROOT_FID, 2, "root"), 0);
	p9_get16(&rp);
	ck_assert_uint_eq(p9_get8(&rp), P9_QTSYMLINK);
	ck_assert_int_eq(walk(ROOT_FID, 3, 2, through_root), 0);
	ck_assert_uint_eq(p9_get16(&rp), 1); /* stopped at the link */
	ck_assert_int_eq(walk(ROOT_FID, 3, 3, through_abs), 0);
	ck_assert_uint_eq(p9_get16(&rp), 2);
	/* A link cannot be opened (the guest follows it itself), only read. */
	ck_assert_int_eq(lopen(2, 0), ELOOP);
	msg(P9_TREADLINK);
	p9_put32(&m, 2);
	expect_ok(P9_TREADLINK);
	n = p9_get16(&rp);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(*(const char *)p9_get_bytes(&rp, 1), '/');
	/* The link to a file outside: opening fails, the secret is not read. */
	ck_assert_int_eq(walk1(ROOT_FID, 4, "up"), 0);
	ck_assert_int_eq(lopen(4, 0), ELOOP);
	ck_assert_int_lt(read_fid(4, 0, sizeof(buf), buf), 0);
	/* Creating beneath a link is refused: it is not a directory here. */
	msg(P9_TLCREATE);
	p9_put32(&m, 2);
	put_s("pwned");
	p9_put32(&m, 1);
	p9_put32(&m, 0644);
	p9_put32(&m, 0);
	ck_assert_int_eq(send_err(), ENOTDIR);
	ck_assert(!host_exists("/pwned"));
}
END_TEST

/* --- file operations ------------------------------------------------------------- */

START_TEST(test_read_write)
{
	static const char data[] = "written by the guest";
	char buf[64], path[512];
	int n;

	start(false);
	ck_assert_int_eq(walk1(ROOT_FID, 2, "hello"), 0);
	ck_assert_int_eq(lopen(2, 0), 0);
	n = read_fid(2, 0, sizeof(buf), buf);
	ck_assert_int_eq(n, 12);
	ck_assert(!memcmp(buf, "hello world\n", 12));
	ck_assert_int_eq(read_fid(2, 6, 5, buf), 5);
	ck_assert(!memcmp(buf, "world", 5));
	ck_assert_int_eq(read_fid(2, 1000, 5, buf), 0);
	ck_assert_int_eq(lopen(2, 0), EBUSY);
	/* Create, write, fsync. */
	ck_assert_int_eq(walk(ROOT_FID, 3, 0, NULL), 0);
	msg(P9_TLCREATE);
	p9_put32(&m, 3);
	put_s("new");
	p9_put32(&m, 2); /* RDWR */
	p9_put32(&m, 0600);
	p9_put32(&m, 0);
	expect_ok(P9_TLCREATE);
	msg(P9_TWRITE);
	p9_put32(&m, 3);
	p9_put64(&m, 0);
	p9_put32(&m, sizeof(data) - 1);
	memcpy(p9_put_space(&m, sizeof(data) - 1), data, sizeof(data) - 1);
	expect_ok(P9_TWRITE);
	ck_assert_uint_eq(p9_get32(&rp), sizeof(data) - 1);
	msg(P9_TFSYNC);
	p9_put32(&m, 3);
	p9_put32(&m, 0);
	expect_ok(P9_TFSYNC);
	snprintf(path, sizeof(path), "%s/new", share);
	n = open(path, O_RDONLY);
	ck_assert_int_ge(n, 0);
	ck_assert_int_eq(read(n, buf, sizeof(buf)), sizeof(data) - 1);
	close(n);
	ck_assert(!memcmp(buf, data, sizeof(data) - 1));
	/* A write whose count is longer than the message. */
	msg(P9_TWRITE);
	p9_put32(&m, 3);
	p9_put64(&m, 0);
	p9_put32(&m, 1000);
	ck_assert_int_eq(send_err(), EINVAL);
	/* getattr sees the size. */
	msg(P9_TGETATTR);
	p9_put32(&m, 3);
	p9_put64(&m, 0x7ff);
	expect_ok(P9_TGETATTR);
	p9_get64(&rp);
	p9_put_space(&rp, 0);
	rp.pos += P9_QID_SIZE;
	ck_assert(S_ISREG(p9_get32(&rp)));
	rp.pos += 4 + 4 + 8 + 8;
	ck_assert_uint_eq(p9_get64(&rp), sizeof(data) - 1);
}
END_TEST

START_TEST(test_dir_ops)
{
	static const char *const sub[] = { "sub" };
	char names[256] = "";
	uint32_t count;

	start(false);
	msg(P9_TMKDIR);
	p9_put32(&m, ROOT_FID);
	put_s("d");
	p9_put32(&m, 0755);
	p9_put32(&m, 0);
	expect_ok(P9_TMKDIR);
	ck_assert_uint_eq(p9_get8(&rp), P9_QTDIR);
	ck_assert(host_exists("d"));
	/* renameat hello -> sub/h2, then unlinkat it, and rmdir d. */
	ck_assert_int_eq(walk(ROOT_FID, 2, 1, sub), 0);
	msg(P9_TRENAMEAT);
	p9_put32(&m, ROOT_FID);
	put_s("hello");
	p9_put32(&m, 2);
	put_s("h2");
	expect_ok(P9_TRENAMEAT);
	ck_assert(host_exists("sub/h2") && !host_exists("hello"));
	msg(P9_TSYMLINK);
	p9_put32(&m, 2);
	put_s("l");
	put_s("/etc/passwd");
	p9_put32(&m, 0);
	expect_ok(P9_TSYMLINK);
	msg(P9_TMKNOD);
	p9_put32(&m, 2);
	put_s("dev");
	p9_put32(&m, S_IFCHR | 0600);
	p9_put32(&m, 1);
	p9_put32(&m, 3);
	p9_put32(&m, 0);
	ck_assert_int_eq(send_err(), EPERM);
	msg(P9_TMKNOD);
	p9_put32(&m, 2);
	put_s("fifo");
	p9_put32(&m, S_IFIFO | 0600);
	p9_put32(&m, 0);
	p9_put32(&m, 0);
	p9_put32(&m, 0);
	expect_ok(P9_TMKNOD);
	/* readdir sub: h2, l, fifo (and . ..). */
	ck_assert_int_eq(walk(ROOT_FID, 3, 1, sub), 0);
	ck_assert_int_eq(lopen(3, 0200000 /* P9_DOTL_DIRECTORY */), 0);
	msg(P9_TREADDIR);
	p9_put32(&m, 3);
	p9_put64(&m, 0);
	p9_put32(&m, 4096);
	expect_ok(P9_TREADDIR);
	count = p9_get32(&rp);
	for (uint32_t end = rp.pos + count; rp.pos < end;) {
		struct p9_str s;

		rp.pos += P9_QID_SIZE + 8 + 1;
		s = p9_get_str(&rp);
		strncat(names, s.s, s.len);
		strcat(names, " ");
	}
	ck_assert(!rp.err);
	ck_assert_ptr_nonnull(strstr(names, "h2 "));
	ck_assert_ptr_nonnull(strstr(names, "l "));
	ck_assert_ptr_nonnull(strstr(names, "fifo "));
	/* A tiny count: only what fits (nothing here, as ". " alone needs 25). */
	msg(P9_TREADDIR);
	p9_put32(&m, 3);
	p9_put64(&m, 0);
	p9_put32(&m, 10);
	expect_ok(P9_TREADDIR);
	ck_assert_uint_eq(p9_get32(&rp), 0);
	msg(P9_TUNLINKAT);
	p9_put32(&m, 2);
	put_s("h2");
	p9_put32(&m, 0);
	expect_ok(P9_TUNLINKAT);
	msg(P9_TUNLINKAT);
	p9_put32(&m, ROOT_FID);
	put_s("d");
	p9_put32(&m, 0x200); /* AT_REMOVEDIR */
	expect_ok(P9_TUNLINKAT);
	ck_assert(!host_exists("d") && !host_exists("sub/h2"));
	/* statfs */
	msg(P9_TSTATFS);
	p9_put32(&m, ROOT_FID);
	expect_ok(P9_TSTATFS);
}
END_TEST

START_TEST(test_lock)
{
	start(false);
	ck_assert_int_eq(walk1(ROOT_FID, 2, "hello"), 0);
	ck_assert_int_eq(lopen(2, 2), 0);
	ck_assert_int_eq(walk1(ROOT_FID, 3, "hello"), 0);
	ck_assert_int_eq(lopen(3, 2), 0);
	msg(P9_TLOCK);
	p9_put32(&m, 2);
	p9_put8(&m, 1); /* WRLCK */
	p9_put32(&m, 0);
	p9_put64(&m, 0);
	p9_put64(&m, 0);
	p9_put32(&m, 1);
	put_s("c");
	expect_ok(P9_TLOCK);
	ck_assert_uint_eq(p9_get8(&rp), 0); /* SUCCESS */
	/* The other open file conflicts: BLOCKED, and getlock shows the holder's lock. */
	msg(P9_TLOCK);
	p9_put32(&m, 3);
	p9_put8(&m, 1);
	p9_put32(&m, 0);
	p9_put64(&m, 0);
	p9_put64(&m, 0);
	p9_put32(&m, 2);
	put_s("c");
	expect_ok(P9_TLOCK);
	ck_assert_uint_eq(p9_get8(&rp), 1);
	msg(P9_TGETLOCK);
	p9_put32(&m, 3);
	p9_put8(&m, 1);
	p9_put64(&m, 0);
	p9_put64(&m, 0);
	p9_put32(&m, 2);
	put_s("c");
	expect_ok(P9_TGETLOCK);
	ck_assert_uint_eq(p9_get8(&rp), 1); /* WRLCK held */
}
END_TEST

START_TEST(test_read_only)
{
	start(true);
	ck_assert_int_eq(walk1(ROOT_FID, 2, "hello"), 0);
	ck_assert_int_eq(lopen(2, 1), EROFS);
	ck_assert_int_eq(lopen(2, 01000 /* TRUNC */), EROFS);
	ck_assert_int_eq(lopen(2, 0), 0);
	msg(P9_TWRITE);
	p9_put32(&m, 2);
	p9_put64(&m, 0);
	p9_put32(&m, 1);
	p9_put8(&m, 'x');
	ck_assert_int_eq(send_err(), EROFS);
	msg(P9_TMKDIR);
	p9_put32(&m, ROOT_FID);
	put_s("d");
	p9_put32(&m, 0755);
	p9_put32(&m, 0);
	ck_assert_int_eq(send_err(), EROFS);
	msg(P9_TUNLINKAT);
	p9_put32(&m, ROOT_FID);
	put_s("hello");
	p9_put32(&m, 0);
	ck_assert_int_eq(send_err(), EROFS);
	msg(P9_TSETATTR);
	p9_put32(&m, 2);
	p9_put32(&m, 8); /* SIZE */
	p9_put32(&m, 0), p9_put32(&m, 0), p9_put32(&m, 0);
	for (unsigned i = 0; i < 5; i++)
		p9_put64(&m, 0);
	ck_assert_int_eq(send_err(), EROFS);
	ck_assert(host_exists("hello") && !host_exists("d"));
}
END_TEST

START_TEST(test_owner_of)
{
	struct p9_owner o;

	/* Without CAP_CHOWN, armlet's ids whatever the guest asks. */
	o = p9_owner_of(P9_OWNER_ARMLET, 1000, 1001);
	ck_assert_uint_eq(o.uid, (uint32_t)-1);
	ck_assert_uint_eq(o.gid, (uint32_t)-1);
	/* With it, the fid's user and the request's gid; "none" stays "leave it". */
	o = p9_owner_of(P9_OWNER_GUEST, 1000, 1001);
	ck_assert_uint_eq(o.uid, 1000);
	ck_assert_uint_eq(o.gid, 1001);
	o = p9_owner_of(P9_OWNER_GUEST, P9_NONUNAME, 1001);
	ck_assert_uint_eq(o.uid, (uint32_t)-1);
	ck_assert_uint_eq(o.gid, 1001);
	o = p9_owner_of(P9_OWNER_GUEST, 0, (uint32_t)-1);
	ck_assert_uint_eq(o.uid, 0);
	ck_assert_uint_eq(o.gid, (uint32_t)-1);
	/* Root (CAP_CHOWN) serves the guest's ids; anyone else armlet's own. */
	ck_assert_int_eq(p9_owner_model_host(), geteuid() == 0 ? P9_OWNER_GUEST : P9_OWNER_ARMLET);
}
END_TEST

/*
 * Tlcreate ('f': on a new fid walked from dfid, as Tlcreate turns its fid
 * into the file), Tmkdir ('d'), Tsymlink ('l') or Tmknod of a FIFO of name
 * in dfid with gid; returns the errno.
 */
static int create_kind(char kind, uint32_t dfid, const char *name, uint32_t gid)
{
	static uint32_t next_fid = 100;

	switch (kind) {
	case 'f':
		ck_assert_int_eq(walk(dfid, next_fid, 0, NULL), 0);
		msg(P9_TLCREATE);
		p9_put32(&m, next_fid++);
		put_s(name);
		p9_put32(&m, 2); /* RDWR */
		p9_put32(&m, 0644);
		break;
	case 'd':
		msg(P9_TMKDIR);
		p9_put32(&m, dfid);
		put_s(name);
		p9_put32(&m, 0755);
		break;
	case 'l':
		msg(P9_TSYMLINK);
		p9_put32(&m, dfid);
		put_s(name);
		put_s("/etc/passwd");
		break;
	default:
		msg(P9_TMKNOD);
		p9_put32(&m, dfid);
		put_s(name);
		p9_put32(&m, S_IFIFO | 0600);
		p9_put32(&m, 0), p9_put32(&m, 0);
		break;
	}
	p9_put32(&m, gid);
	return send_err();
}

/* Host owner of rel as "uid:gid", or "none". */
static const char *host_owner(const char *rel)
{
	static char buf[32];
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", share, rel);
	if (lstat(path, &st))
		return "none";
	snprintf(buf, sizeof(buf), "%u:%u", (unsigned)st.st_uid, (unsigned)st.st_gid);
	return buf;
}

/*
 * P9_OWNER_GUEST: what a guest user (fid attached as 1000, walked to a
 * second fid) creates belongs to 1000 and the request's gid. Where the
 * tests cannot chown (not root) the create fails with chown's EPERM and
 * leaves nothing behind, as it would for armlet on a share it cannot chown.
 */
START_TEST(test_owner_guest)
{
	static const char kinds[] = "fdlp";
	char mine[32];
	bool can = p9_owner_model_host() == P9_OWNER_GUEST;

	start(false);
	srv.owner = P9_OWNER_GUEST;
	attach_as(10, 1000);
	ck_assert_int_eq(walk(10, 11, 0, NULL), 0);
	for (const char *k = kinds; *k; k++) {
		char name[8] = { 'n', *k, 0 };

		ck_assert_int_eq(create_kind(*k, 11, name, 1001), can ? 0 : EPERM);
		ck_assert_str_eq(host_owner(name), can ? "1000:1001" : "none");
	}
	/* A fid attached with no numeric user and no gid: armlet's ids, no chown tried. */
	snprintf(mine, sizeof(mine), "%u:%u", (unsigned)geteuid(), (unsigned)getegid());
	attach_as(12, P9_NONUNAME);
	ck_assert_int_eq(create_kind('d', 12, "no-ids", (uint32_t)-1), 0);
	ck_assert_str_eq(host_owner("no-ids"), mine);
	if (can) { /* the gid alone */
		ck_assert_int_eq(create_kind('d', 12, "gid-only", 1001), 0);
		snprintf(mine, sizeof(mine), "%u:1001", (unsigned)geteuid());
		ck_assert_str_eq(host_owner("gid-only"), mine);
	}
	/* Tlcreate of a file that exists (no EXCL) opens it: neither chowned nor removed. */
	snprintf(mine, sizeof(mine), "%s", host_owner("hello"));
	ck_assert_int_eq(create_kind('f', 11, "hello", 1001), 0);
	ck_assert_str_eq(host_owner("hello"), mine);
	/* Tsetattr's uid and gid: a chown, refused (EPERM) where armlet may not. */
	ck_assert_int_eq(walk1(ROOT_FID, 13, "hello"), 0);
	msg(P9_TSETATTR);
	p9_put32(&m, 13);
	p9_put32(&m, 0x2 | 0x4); /* UID, GID */
	p9_put32(&m, 0), p9_put32(&m, 1000), p9_put32(&m, 1001);
	for (unsigned i = 0; i < 5; i++)
		p9_put64(&m, 0);
	ck_assert_int_eq(send_err(), can ? 0 : EPERM);
	ck_assert_str_eq(host_owner("hello"), can ? "1000:1001" : mine);
}
END_TEST

/* P9_OWNER_ARMLET (armlet without CAP_CHOWN): new files are armlet's, whoever asks. */
START_TEST(test_owner_armlet)
{
	char mine[32];

	snprintf(mine, sizeof(mine), "%u:%u", (unsigned)geteuid(), (unsigned)getegid());
	start(false);
	srv.owner = P9_OWNER_ARMLET;
	attach_as(10, 1000);
	ck_assert_int_eq(create_kind('f', 10, "f", 1001), 0);
	ck_assert_int_eq(create_kind('d', 10, "d", 1001), 0);
	ck_assert_str_eq(host_owner("f"), mine);
	ck_assert_str_eq(host_owner("d"), mine);
}
END_TEST

START_TEST(test_init_errors)
{
	struct p9_server s2;
	char err[200], path[512];

	ck_assert_int_eq(p9_server_init(&s2, "/nonexistent/dir", false, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/dir"));
	snprintf(path, sizeof(path), "%s/hello", share);
	ck_assert_int_eq(p9_server_init(&s2, path, false, err, sizeof(err)), -ENOTDIR);
}
END_TEST

Suite *p9_suite(void)
{
	Suite *s = suite_create("9p");
	TCase *tc = tcase_create("9p");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_wire_bounds);
	tcase_add_test(tc, test_name_check);
	tcase_add_test(tc, test_fid_table);
	tcase_add_test(tc, test_spec);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_too_many_fids);
	tcase_add_test(tc, test_dotdot);
	tcase_add_test(tc, test_bad_names);
	tcase_add_test(tc, test_symlinks_not_followed);
	tcase_add_test(tc, test_read_write);
	tcase_add_test(tc, test_dir_ops);
	tcase_add_test(tc, test_lock);
	tcase_add_test(tc, test_read_only);
	tcase_add_test(tc, test_init_errors);
	tcase_add_test(tc, test_owner_of);
	tcase_add_test(tc, test_owner_guest);
	tcase_add_test(tc, test_owner_armlet);
	suite_add_tcase(s, tc);
	return s;
}
