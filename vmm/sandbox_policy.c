// SPDX-License-Identifier: GPL-2.0-only
/*
 * What each kind of armlet thread may ask of the kernel (see sandbox.h for
 * how kinds stack). Names are libseccomp's, so one table serves arm64 and
 * the native unit tests; a name the build's architecture lacks (poll on
 * arm64, ppoll's older sibling) is skipped. A new device adds its calls to
 * device_rules[], a new main-loop duty to main_rules[], each with the reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>

#include "sandbox.h"

enum sandbox_arg {
	ARG_ANY,	  /* any arguments */
	ARG_CLONE_THREAD, /* clone(): threads only (CLONE_THREAD set), never a process */
	ARG_IOCTL_DEV,	  /* ioctl(): KVM's (type 0xAE), vhost's (0xAF), the terminal's (0x54) */
	ARG_OPEN_READ,	  /* open(), openat(): read-only opens; any other fails with EACCES */
};

struct sandbox_rule {
	const char *name;
	enum sandbox_arg arg;
	int err; /* 0: allowed; otherwise the call fails with this errno, not the process */
};

#define SANDBOX_PRIO_HOT 255	 /* seccomp_syscall_priority(): above every default */
#define IOC_TYPE_MASK	 0xff00u /* _IOC_TYPE's bits in an ioctl request */
#define IOC_TYPE_KVM	 0xae00u /* KVMIO */
#define IOC_TYPE_TTY	 0x5400u /* TCGETS, TCSETS, ... */
#define IOC_TYPE_VHOST                                                                             \
	0xaf00u /* VHOST_VIRTIO: a vhost device starts and stops at DRIVER_OK/reset */

/* Every thread: libc, malloc, threads, locks, the log, the SIGSYS report. */
static const struct sandbox_rule common_rules[] = {
	{ "read", ARG_ANY, 0 },		   /* eventfds, timerfd, sockets, files */
	{ "write", ARG_ANY, 0 },	   /* eventfds, the console, the log */
	{ "writev", ARG_ANY, 0 },	   /* stdio may gather a line */
	{ "close", ARG_ANY, 0 },	   /* fds a thread made or a device reset drops */
	{ "futex", ARG_ANY, 0 },	   /* mutexes, condition variables, pthread_join */
	{ "set_robust_list", ARG_ANY, 0 }, /* glibc, at every thread's start */
	{ "rseq", ARG_ANY, 0 },		   /* glibc 2.35+, at every thread's start */
	{ "mmap", ARG_ANY, 0 },		   /* malloc, thread stacks */
	{ "munmap", ARG_ANY, 0 },	   /* free, thread stacks, io_uring rings at teardown */
	{ "mprotect", ARG_ANY, 0 },	   /* thread stack guard pages */
	{ "madvise", ARG_ANY, 0 },	   /* glibc drops an exited thread's stack */
	{ "brk", ARG_ANY, 0 },		   /* malloc */
	{ "mremap", ARG_ANY, 0 },	   /* realloc of large blocks */
	{ "rt_sigprocmask", ARG_ANY, 0 },  /* threads block the main loop's signals */
	{ "rt_sigaction", ARG_ANY, 0 },	   /* vCPU kick handler each boot; SIGSYS report */
	{ "rt_sigreturn", ARG_ANY, 0 },	   /* return from the vCPU kick handler */
	{ "clone", ARG_CLONE_THREAD, 0 },  /* pthread_create; never fork */
	/* glibc tries clone3 first; its flags sit in memory seccomp cannot read. */
	{ "clone3", ARG_ANY, ENOSYS },
	{ "exit", ARG_ANY, 0 },		   /* a thread ends */
	{ "exit_group", ARG_ANY, 0 },	   /* armlet ends */
	{ "gettid", ARG_ANY, 0 },	   /* the SIGSYS report */
	{ "getpid", ARG_ANY, 0 },	   /* pthread_kill, raise */
	{ "tgkill", ARG_ANY, 0 },	   /* vCPU kicks (pthread_kill), the SIGSYS report */
	{ "clock_gettime", ARG_ANY, 0 },   /* when the vDSO declines */
	{ "clock_nanosleep", ARG_ANY, 0 }, /* --reboot's pacing, pause timeouts */
	{ "nanosleep", ARG_ANY, 0 },	   /* the same where libc still uses it */
	{ "ppoll", ARG_ANY, 0 },	   /* poll(): device threads, the main loop */
	{ "poll", ARG_ANY, 0 },		   /* poll() where it is a system call */
	{ "getrandom", ARG_ANY, 0 },	   /* virtio-rng; the FDT's rng-seed at a reboot */
	{ "sched_yield", ARG_ANY, 0 },	   /* lock back-off */
	{ "prctl", ARG_ANY, 0 },	   /* thread names; seccomp state */
	{ "seccomp", ARG_ANY, 0 },	   /* sandbox_thread_enter(): only ever narrows */
	{ "fstat", ARG_ANY, 0 },	   /* stdio's first use of a stream */
	{ "newfstatat", ARG_ANY, 0 },	   /* the same, newer libc; stat() of the initrd */
	{ "ioctl", ARG_IOCTL_DEV, 0 },	   /* KVM_RUN, irqfds, KVM_IRQ_LINE; vhost; isatty() */
	{ "restart_syscall", ARG_ANY, 0 }, /* a sleep interrupted by a signal */
};

/* The main thread: the main loop, the control socket, --reboot, --stats, exit. */
static const struct sandbox_rule main_rules[] = {
	{ "openat", ARG_ANY, 0 },	     /* --reboot re-reads the kernel and initrd; --stats */
	{ "open", ARG_ANY, 0 },		     /* the same where open is a system call */
	{ "lseek", ARG_ANY, 0 },	     /* the loader, stdio on the --stats file */
	{ "timerfd_create", ARG_ANY, 0 },    /* --timeout, each boot */
	{ "timerfd_settime", ARG_ANY, 0 },   /* --timeout's deadline */
	{ "accept4", ARG_ANY, 0 },	     /* control clients (armlet stop, stat, ...) */
	{ "sendto", ARG_ANY, 0 },	     /* their replies: send() */
	{ "recvfrom", ARG_ANY, 0 },	     /* their requests, where read() is recv() */
	{ "unlinkat", ARG_ANY, 0 },	     /* the control socket goes at exit */
	{ "unlink", ARG_ANY, 0 },	     /* the same where unlink is a system call */
	{ "fcntl", ARG_ANY, 0 },	     /* stdin non-blocking for console input */
	{ "epoll_ctl", ARG_ANY, 0 },	     /* irqfd bindings dropped at teardown */
	{ "io_destroy", ARG_ANY, 0 },	     /* io=aio queues at teardown */
	{ "io_uring_register", ARG_ANY, 0 }, /* io=uring queues at teardown */
	{ "ioctl", ARG_ANY, 0 },	     /* reset paths, terminal restore: any request */
};

/* vCPU threads: KVM_RUN (in common_rules[]) and what MMIO handlers do. */
static const struct sandbox_rule vcpu_rules[] = {
	{ "rt_sigtimedwait", ARG_ANY, 0 }, /* vcpu_eat_kicks(): a kick that came between runs */
};

/* Device threads: block I/O for each backend, waiting on eventfds. */
static const struct sandbox_rule device_rules[] = {
	/*
	 * Neither devices nor vCPUs open files, but libc does in whatever
	 * thread needs it: freeing memory of a thread's arena reads
	 * /proc/sys/vm/overcommit_memory once (glibc's shrink_heap()), and
	 * pthread_setname_np() on a thread a vCPU just started opens
	 * /proc/self/task/N/comm. Refused softly (EACCES), as glibc copes and
	 * a thread name is cosmetic. In vCPU threads too: their filter holds
	 * this table (a driver starts device threads).
	 */
	{ "openat", ARG_ANY, EACCES },	  { "open", ARG_ANY, EACCES },
	{ "pread64", ARG_ANY, 0 },	  /* io=sync reads */
	{ "pwrite64", ARG_ANY, 0 },	  /* io=sync writes, write-zeroes */
	{ "preadv", ARG_ANY, 0 },	  /* io=sync scattered reads */
	{ "pwritev", ARG_ANY, 0 },	  /* io=sync scattered writes */
	{ "fdatasync", ARG_ANY, 0 },	  /* FLUSH (io=sync, and aio's FLUSH) */
	{ "fsync", ARG_ANY, 0 },	  /* FLUSH where fdatasync is not enough */
	{ "fallocate", ARG_ANY, 0 },	  /* DISCARD, WRITE_ZEROES */
	{ "io_uring_enter", ARG_ANY, 0 }, /* io=uring submit and reap */
	{ "io_submit", ARG_ANY, 0 },	  /* io=aio submit */
	{ "io_getevents", ARG_ANY, 0 },	  /* io=aio reap */
	{ "io_pgetevents", ARG_ANY, 0 },  /* io=aio reap, newer libaio */
	{ "epoll_pwait", ARG_ANY, 0 },	  /* the irqfd resample thread */
	{ "epoll_wait", ARG_ANY, 0 },	  /* the same where epoll_wait is a system call */
	{ "eventfd2", ARG_ANY, 0 },	  /* none today; kept for queue restarts */
};

/*
 * SANDBOX_FS, in every kind (its device thread is started by a vCPU):
 * virtio-9p serves the guest's file operations inside the shared
 * directory, every path one component under an O_PATH fid, opened with
 * openat2(RESOLVE_BENEATH) (virtio/9p_server.c).
 */
static const struct sandbox_rule fs_rules[] = {
	{ "openat2", ARG_ANY, 0 },    /* walk, lopen, lcreate */
	{ "openat", ARG_ANY, 0 },     /* reopening an O_PATH fid for I/O */
	{ "fstatfs", ARG_ANY, 0 },    /* statfs */
	{ "getdents64", ARG_ANY, 0 }, /* readdir */
	{ "mkdirat", ARG_ANY, 0 },    /* mkdir */
	{ "mknodat", ARG_ANY, 0 },    /* mknod (FIFOs and sockets only) */
	{ "unlinkat", ARG_ANY, 0 },   /* unlinkat, remove */
	{ "renameat", ARG_ANY, 0 },   /* renameat (where it is a system call) */
	{ "renameat2", ARG_ANY, 0 },  /* renameat (arm64 has only renameat2) */
	{ "linkat", ARG_ANY, 0 },     /* link */
	{ "symlinkat", ARG_ANY, 0 },  /* symlink */
	{ "readlinkat", ARG_ANY, 0 }, /* readlink */
	{ "fchownat", ARG_ANY, 0 },   /* setattr uid/gid */
	{ "fchmodat", ARG_ANY, 0 },   /* setattr mode (chmod of /proc/self/fd/N) */
	{ "utimensat", ARG_ANY, 0 },  /* setattr times */
	{ "truncate", ARG_ANY, 0 },   /* setattr size, through /proc/self/fd/N */
	{ "fcntl", ARG_ANY, 0 },      /* lock/getlock (F_OFD_*), fd flags */
	{ "lseek", ARG_ANY, 0 },      /* readdir offsets */
	{ "dup", ARG_ANY, 0 },	      /* readdir on a copy of the fid's fd */
	{ "dup3", ARG_ANY, 0 },	      /* dup() where libc maps it to dup3 */
};

/*
 * SANDBOX_NET, in every kind (a NIC's thread is started by a vCPU):
 * user-mode networking is libslirp, which carries the guest's TCP and UDP
 * on armlet's own sockets and accepts on hostfwd= listeners
 * (virtio/net_user.c); a tap's frames come in with readv.
 */
static const struct sandbox_rule net_rules[] = {
	{ "socket", ARG_ANY, 0 },	/* slirp: the guest's outbound connections */
	{ "connect", ARG_ANY, 0 },	/* slirp: outbound TCP, UDP */
	{ "bind", ARG_ANY, 0 },		/* slirp: UDP and hostfwd sockets */
	{ "listen", ARG_ANY, 0 },	/* slirp: hostfwd listeners */
	{ "accept", ARG_ANY, 0 },	/* slirp: hostfwd connections */
	{ "accept4", ARG_ANY, 0 },	/* the same, newer libc */
	{ "sendto", ARG_ANY, 0 },	/* slirp: UDP, TCP send() */
	{ "recvfrom", ARG_ANY, 0 },	/* slirp: UDP, TCP recv() */
	{ "sendmsg", ARG_ANY, 0 },	/* slirp: scattered sends */
	{ "recvmsg", ARG_ANY, 0 },	/* slirp: scattered receives */
	{ "setsockopt", ARG_ANY, 0 },	/* slirp: SO_REUSEADDR, TCP_NODELAY, ... */
	{ "getsockopt", ARG_ANY, 0 },	/* slirp: SO_ERROR after a connect */
	{ "getsockname", ARG_ANY, 0 },	/* slirp: the address a socket got */
	{ "getpeername", ARG_ANY, 0 },	/* slirp: a hostfwd connection's peer */
	{ "shutdown", ARG_ANY, 0 },	/* slirp: half-closed TCP */
	{ "fcntl", ARG_ANY, 0 },	/* slirp: non-blocking sockets */
	{ "readv", ARG_ANY, 0 },	/* tap: a frame into the guest's buffers */
	{ "openat", ARG_OPEN_READ, 0 }, /* slirp: reads /etc/resolv.conf for DNS, on change */
	{ "open", ARG_OPEN_READ, 0 },	/* the same where open is a system call */
};

/*
 * A sanitizer build's runtime (make check-asan) has needs of its own in
 * every thread; a release build has none of these. Not LeakSanitizer's:
 * its exit scan stops the threads from a ptrace()ing task, which no
 * sandbox should allow, so check-asan runs with detect_leaks=0.
 */
static const struct sandbox_rule sanitizer_rules[] = {
	{ "sched_getaffinity", ARG_ANY, 0 }, /* ASan's thread start */
	{ "sigaltstack", ARG_ANY, 0 },	     /* its per-thread signal stack */
	{ "openat", ARG_ANY, 0 },	     /* reports read /proc/self/maps */
	{ "readlinkat", ARG_ANY, 0 },	     /* reports name the binary */
	{ "getrlimit", ARG_ANY, 0 },	     /* stack bounds */
	{ "prlimit64", ARG_ANY, 0 },	     /* the same, newer libc */
	{ "dup3", ARG_ANY, 0 },		     /* report redirection */
	{ "pipe2", ARG_ANY, 0 },	     /* symbolizer */
};

/* Rule tables: one per kind, then those every thread's filter has. */
enum {
	TABLE_COMMON = SANDBOX_NR_KINDS,
	TABLE_SANITIZER,
	TABLE_FS,  /* SANDBOX_FS */
	TABLE_NET, /* SANDBOX_NET */
	NR_TABLES,
};

struct sandbox_table {
	const struct sandbox_rule *rules;
	size_t n;
};

#define TABLE(t)                                                                                   \
	{                                                                                          \
		t, sizeof(t) / sizeof(t[0])                                                        \
	}

static const struct sandbox_table tables[NR_TABLES] = {
	[SANDBOX_MAIN] = TABLE(main_rules),
	[SANDBOX_VCPU] = TABLE(vcpu_rules),
	[SANDBOX_DEVICE] = TABLE(device_rules),
	[TABLE_COMMON] = TABLE(common_rules),
	[TABLE_FS] = TABLE(fs_rules),
	[TABLE_NET] = TABLE(net_rules),
	[TABLE_SANITIZER] = { sanitizer_rules, SANDBOX_SANITIZER ? sizeof(sanitizer_rules) /
								       sizeof(sanitizer_rules[0])
								 : 0 },
};

#define ALWAYS (1u << TABLE_COMMON | 1u << TABLE_SANITIZER)

/*
 * Which tables make up a kind's filter: its own and those of every kind
 * below it (sandbox.h), as a thread's children inherit its filter.
 */
static const unsigned kind_tables_in[SANDBOX_NR_KINDS] = {
	[SANDBOX_MAIN] = ALWAYS | 1u << SANDBOX_MAIN | 1u << SANDBOX_VCPU | 1u << SANDBOX_DEVICE,
	[SANDBOX_VCPU] = ALWAYS | 1u << SANDBOX_VCPU | 1u << SANDBOX_DEVICE,
	[SANDBOX_DEVICE] = ALWAYS | 1u << SANDBOX_DEVICE,
};

static const char *const kind_names[SANDBOX_NR_KINDS] = {
	[SANDBOX_MAIN] = "main",
	[SANDBOX_VCPU] = "vcpu",
	[SANDBOX_DEVICE] = "device",
};

const char *sandbox_kind_name(enum sandbox_kind kind)
{
	return (unsigned)kind < SANDBOX_NR_KINDS ? kind_names[kind] : NULL;
}

/*
 * Read-only opens of open/openat (flags are argument arg) pass; one that
 * could write (write access, O_CREAT, O_TRUNC) fails with EACCES. Both
 * halves are conditional: libseccomp lets an unconditional refusal of the
 * same call override a conditional allow, so the refusal is spelt out as
 * the allow's complement (an access mode of 3 included).
 */
static int open_read_add(scmp_filter_ctx ctx, int nr, unsigned arg)
{
	static const struct {
		uint64_t mask, val;
	} refused[] = {
		{ O_ACCMODE, O_WRONLY }, { O_ACCMODE, O_RDWR }, { O_ACCMODE, O_ACCMODE },
		{ O_CREAT, O_CREAT },	 { O_TRUNC, O_TRUNC },
	};
	const uint64_t writes = O_ACCMODE | O_CREAT | O_TRUNC;
	int ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
				   SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, writes, O_RDONLY));

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]) && !ret; i++)
		ret = seccomp_rule_add(
		    ctx, SCMP_ACT_ERRNO(EACCES), nr, 1,
		    SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, refused[i].mask, refused[i].val));
	return ret;
}

static int rule_add(scmp_filter_ctx ctx, const struct sandbox_rule *r)
{
	int nr = seccomp_syscall_resolve_name(r->name);
	uint32_t action = r->err ? SCMP_ACT_ERRNO((uint32_t)r->err) : SCMP_ACT_ALLOW;

	if (nr < 0)
		return 0; /* not a system call on this architecture */
	switch (r->arg) {
	case ARG_CLONE_THREAD:
		return seccomp_rule_add(ctx, action, nr, 1,
					SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	case ARG_IOCTL_DEV: {
		static const uint32_t types[] = { IOC_TYPE_KVM, IOC_TYPE_VHOST, IOC_TYPE_TTY };
		int ret = 0;

		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]) && !ret; i++)
			ret =
			    seccomp_rule_add(ctx, action, nr, 1,
					     SCMP_A1(SCMP_CMP_MASKED_EQ, IOC_TYPE_MASK, types[i]));
		return ret;
	}
	case ARG_OPEN_READ: return open_read_add(ctx, nr, strcmp(r->name, "open") == 0 ? 1 : 2);
	case ARG_ANY: break;
	}
	return seccomp_rule_add(ctx, action, nr, 0);
}

/* A rule for name with argument test arg and error err, in one of the tables in mask. */
static bool rule_in(const char *name, enum sandbox_arg arg, int err, unsigned mask)
{
	for (unsigned t = 0; t < NR_TABLES; t++) {
		if (!(mask & 1u << t))
			continue;
		for (size_t i = 0; i < tables[t].n; i++)
			if (tables[t].rules[i].arg == arg && tables[t].rules[i].err == err &&
			    strcmp(tables[t].rules[i].name, name) == 0)
				return true;
	}
	return false;
}

/* A rule that allows name whatever its arguments, in one of the tables in mask. */
static bool plainly_allowed(const char *name, unsigned mask)
{
	return rule_in(name, ARG_ANY, 0, mask);
}

/*
 * A call plainly allowed by one table and restricted or refused by another
 * in the same filter (ioctl, openat in main's) keeps only the plain allow:
 * libseccomp refuses conflicting rules, and the wider one is what was meant.
 * Likewise a call refused outright by one table (a device's open) and
 * allowed read-only by another (a NIC's) keeps the read-only rule, which
 * refuses the rest itself.
 */
static int table_add(scmp_filter_ctx ctx, const struct sandbox_table *t, unsigned mask)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct sandbox_rule *r = &t->rules[i];
		bool plain = r->arg == ARG_ANY && !r->err;
		bool wider =
		    plainly_allowed(r->name, mask) ||
		    (r->arg == ARG_ANY && r->err && rule_in(r->name, ARG_OPEN_READ, 0, mask));
		int ret = !plain && wider ? 0 : rule_add(ctx, r);

		if (ret)
			return ret;
	}
	return 0;
}

/* The tables of kind's filter under features. */
static unsigned kind_tables(enum sandbox_kind kind, unsigned features)
{
	return kind_tables_in[kind] | (features & SANDBOX_FS ? 1u << TABLE_FS : 0) |
	       (features & SANDBOX_NET ? 1u << TABLE_NET : 0);
}

int sandbox_filter_build(enum sandbox_kind kind, unsigned features, bool tsync,
			 scmp_filter_ctx *out)
{
	scmp_filter_ctx ctx;
	unsigned mask;
	int ret;

	if ((unsigned)kind >= SANDBOX_NR_KINDS)
		return -EINVAL;
	mask = kind_tables(kind, features);
	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx)
		return -ENOMEM;
	ret = tsync ? seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) : 0;
	for (unsigned t = 0; t < NR_TABLES && !ret; t++)
		if (mask & 1u << t)
			ret = table_add(ctx, &tables[t], mask);
	/*
	 * ioctl first: it is KVM_RUN, the one call of every vCPU exit, and its
	 * verdict depends on an argument, so the kernel's per-syscall seccomp
	 * cache cannot skip the filter for it. libseccomp puts calls with
	 * argument checks after the plain ones: last, it walked every other
	 * call's test first, in each of a vCPU thread's two filters.
	 */
	ret = ret ?: seccomp_syscall_priority(ctx, SCMP_SYS(ioctl), SANDBOX_PRIO_HOT);
	if (ret) {
		seccomp_release(ctx);
		return ret < 0 ? ret : -EINVAL;
	}
	*out = ctx;
	return 0;
}

bool sandbox_allows(enum sandbox_kind kind, unsigned features, const char *syscall)
{
	return (unsigned)kind < SANDBOX_NR_KINDS &&
	       plainly_allowed(syscall, kind_tables(kind, features));
}
