// SPDX-License-Identifier: GPL-2.0-only
/* `armlet run` option parsing: every spelling lkvm accepts, and every refusal. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/cli.h"
#include "suites.h"

#define MAX_ARGS 32

static char err[256];

/* Parses a NULL-terminated list of arguments; err is cleared first. */
static int parse_list(struct vm_config *cfg, const char *const *args)
{
	char *argv[MAX_ARGS];
	int argc = 0;

	while (args[argc]) {
		ck_assert_int_lt(argc, MAX_ARGS);
		argv[argc] = (char *)args[argc];
		argc++;
	}
	memset(err, 0, sizeof(err));
	return cli_parse_run(argc, argv, cfg, err, sizeof(err));
}

#define PARSE(cfg, ...) parse_list(cfg, (const char *const[]){ __VA_ARGS__, NULL })

static void assert_parses(int ret)
{
	ck_assert_msg(ret == 0, "parse failed (%d): %s", ret, err);
}

START_TEST(test_defaults)
{
	struct vm_config cfg;

	assert_parses(PARSE(&cfg, "-k", "Image"));
	ck_assert_str_eq(cfg.kernel, "Image");
	ck_assert_uint_eq(cfg.ram_size, 256ULL << 20);
	ck_assert_uint_eq(cfg.nr_cpus, 1);
	ck_assert_int_eq(cfg.irqchip, IRQCHIP_AUTO);
	ck_assert_int_eq(cfg.loglevel, LOG_INFO);
	ck_assert_ptr_nonnull(cfg.params);
	ck_assert_str_eq(cfg.params, "");
	ck_assert_ptr_null(cfg.initrd);
	ck_assert_ptr_null(cfg.name);
	ck_assert_ptr_null(cfg.dump_dtb);
	ck_assert(!cfg.nodefaults && !cfg.pmu && !cfg.testdev && !cfg.help);
}
END_TEST

START_TEST(test_defaults_reset_cfg)
{
	struct vm_config cfg;

	memset(&cfg, 0xa5, sizeof(cfg));
	assert_parses(PARSE(&cfg, "Image"));
	ck_assert_uint_eq(cfg.nr_cpus, 1);
	ck_assert(!cfg.pmu);
	ck_assert_ptr_null(cfg.initrd);
}
END_TEST

/* One option taking a value, and how to check it landed. */
struct valued_opt {
	char short_name; /* 0: long only */
	const char *long_name;
	const char *value;
	void (*check)(const struct vm_config *cfg);
};

static void check_kernel(const struct vm_config *c)
{
	ck_assert_str_eq(c->kernel, "Image.gz");
}

static void check_initrd(const struct vm_config *c)
{
	ck_assert_str_eq(c->initrd, "rootfs.cpio");
}

static void check_params(const struct vm_config *c)
{
	ck_assert_str_eq(c->params, "console=ttyS0 a=b");
}

static void check_mem(const struct vm_config *c)
{
	ck_assert_uint_eq(c->ram_size, 1ULL << 30);
}

static void check_cpus(const struct vm_config *c)
{
	ck_assert_uint_eq(c->nr_cpus, 4);
}

static void check_irqchip(const struct vm_config *c)
{
	ck_assert_int_eq(c->irqchip, IRQCHIP_GICV3);
}

static void check_name(const struct vm_config *c)
{
	ck_assert_str_eq(c->name, "guest-1");
}

static void check_dump(const struct vm_config *c)
{
	ck_assert_str_eq(c->dump_dtb, "out.dtb");
}

static void check_loglevel(const struct vm_config *c)
{
	ck_assert_int_eq(c->loglevel, LOG_WARN);
}

static const struct valued_opt valued_opts[] = {
	{ 'k', "kernel", "Image.gz", check_kernel },
	{ 'i', "initrd", "rootfs.cpio", check_initrd },
	{ 'p', "params", "console=ttyS0 a=b", check_params },
	{ 'm', "mem", "1G", check_mem },
	{ 'c', "cpus", "4", check_cpus },
	{ 0, "irqchip", "gicv3", check_irqchip },
	{ 0, "name", "guest-1", check_name },
	{ 0, "dump-dtb", "out.dtb", check_dump },
	{ 0, "loglevel", "warn", check_loglevel },
};

/* Parses one or two argument words for o, adding a kernel unless o is -k. */
static int parse_opt(const struct valued_opt *o, struct vm_config *cfg, const char *a,
		     const char *b)
{
	const char *args[5] = { a, b, NULL, NULL, NULL };
	unsigned n = b ? 2 : 1;

	if (o->check != check_kernel) {
		args[n++] = "-k";
		args[n++] = "vmlinux";
	}
	return parse_list(cfg, args);
}

/* "-kX", "-k X", "--kernel X", "--kernel=X". */
START_TEST(test_valued_option_spellings)
{
	const struct valued_opt *o = &valued_opts[_i];
	char joined_short[128], joined_long[128], opt_short[4], opt_long[64];
	struct vm_config cfg;

	snprintf(opt_short, sizeof(opt_short), "-%c", o->short_name);
	snprintf(opt_long, sizeof(opt_long), "--%s", o->long_name);
	snprintf(joined_short, sizeof(joined_short), "-%c%s", o->short_name, o->value);
	snprintf(joined_long, sizeof(joined_long), "--%s=%s", o->long_name, o->value);

	assert_parses(parse_opt(o, &cfg, opt_long, o->value));
	o->check(&cfg);
	assert_parses(parse_opt(o, &cfg, joined_long, NULL));
	o->check(&cfg);
	if (!o->short_name)
		return;
	assert_parses(parse_opt(o, &cfg, opt_short, o->value));
	o->check(&cfg);
	assert_parses(parse_opt(o, &cfg, joined_short, NULL));
	o->check(&cfg);
}
END_TEST

START_TEST(test_flags)
{
	struct vm_config cfg;

	assert_parses(PARSE(&cfg, "--pmu", "-k", "I"));
	ck_assert(cfg.pmu && !cfg.nodefaults && !cfg.testdev);
	assert_parses(PARSE(&cfg, "--nodefaults", "-k", "I"));
	ck_assert(cfg.nodefaults && !cfg.pmu);
	assert_parses(PARSE(&cfg, "--testdev", "-k", "I"));
	ck_assert(cfg.testdev && !cfg.pmu);
	ck_assert(!cfg.reboot);
	assert_parses(PARSE(&cfg, "--reboot", "-k", "I"));
	ck_assert(cfg.reboot && !cfg.testdev);
	assert_parses(PARSE(&cfg, "--debug", "-k", "I"));
	ck_assert_int_eq(cfg.loglevel, LOG_DEBUG);
	assert_parses(PARSE(&cfg, "--loglevel=error", "-k", "I"));
	ck_assert_int_eq(cfg.loglevel, LOG_ERROR);
}
END_TEST

START_TEST(test_help_needs_no_kernel)
{
	struct vm_config cfg;

	assert_parses(PARSE(&cfg, "-h"));
	ck_assert(cfg.help);
	ck_assert_ptr_null(cfg.kernel);
	assert_parses(PARSE(&cfg, "--help"));
	ck_assert(cfg.help);
}
END_TEST

START_TEST(test_positional_kernel)
{
	struct vm_config cfg;

	assert_parses(PARSE(&cfg, "Image"));
	ck_assert_str_eq(cfg.kernel, "Image");
	assert_parses(PARSE(&cfg, "-c", "2", "Image", "-m", "512"));
	ck_assert_str_eq(cfg.kernel, "Image");
	ck_assert_uint_eq(cfg.nr_cpus, 2);
	ck_assert_uint_eq(cfg.ram_size, 512ULL << 20);
}
END_TEST

START_TEST(test_long_value_split_at_first_equals)
{
	struct vm_config cfg;

	assert_parses(PARSE(&cfg, "-k", "I", "--params=root=/dev/vda rw"));
	ck_assert_str_eq(cfg.params, "root=/dev/vda rw");
	assert_parses(PARSE(&cfg, "-k", "I", "--params="));
	ck_assert_str_eq(cfg.params, "");
}
END_TEST

START_TEST(test_later_option_wins)
{
	struct vm_config cfg;

	assert_parses(PARSE(&cfg, "-k", "I", "-c", "2", "--cpus=3"));
	ck_assert_uint_eq(cfg.nr_cpus, 3);
}
END_TEST

/* clang-format off */
static const struct {
	const char *value;
	uint64_t bytes;
} mem_ok[] = {
	{ "512", 512ULL << 20 },   /* bare number: MiB, as lkvm */
	{ "16", 16ULL << 20 },     /* the minimum */
	{ "1G", 1ULL << 30 },
	{ "1g", 1ULL << 30 },
	{ "1024M", 1ULL << 30 },
	{ "512MB", 512ULL << 20 },
	{ "1GiB", 1ULL << 30 },
	{ "18M", 18ULL << 20 },
	{ "65536K", 64ULL << 20 },
	{ "1T", 1ULL << 40 },
};
/* clang-format on */

START_TEST(test_mem_sizes)
{
	struct vm_config cfg;

	assert_parses(PARSE(&cfg, "-k", "I", "-m", mem_ok[_i].value));
	ck_assert_msg(cfg.ram_size == mem_ok[_i].bytes, "-m %s gave %llu", mem_ok[_i].value,
		      (unsigned long long)cfg.ram_size);
}
END_TEST

/* Arguments that must be refused, and a word the message must contain. */
/* clang-format off */
static const struct {
	const char *args[6];
	const char *must_mention;
} bad_args[] = {
	{ { "-k", "I", "--bogus" }, "--bogus" },
	{ { "-k", "I", "--bogus=3" }, "--bogus" },
	{ { "-k", "I", "-x" }, "-x" },
	{ { "-k" }, "kernel" },
	{ { "-k", "I", "-m" }, "mem" },
	{ { "-k", "I", "--cpus" }, "cpus" },
	{ { "-k", "I", "--pmu=1" }, "pmu" },
	{ { "-k", "I", "--help=yes" }, "help" },
	{ { "-k", "I", "-hx" }, "-h" },
	{ { "-k", "I", "-m", "abc" }, "abc" },
	{ { "-k", "I", "-m", "" }, "memory size" },
	{ { "-k", "I", "-m", "0" }, "memory size 0" },
	{ { "-k", "I", "-m", "-1" }, "-1" },
	{ { "-k", "I", "-m", "15M" }, "15M" },
	{ { "-k", "I", "-m", "2048K" }, "2048K" },  /* 2 MiB: below the minimum */
	{ { "-k", "I", "-m", "17M" }, "2 MiB" },    /* not a multiple of 2 MiB */
	{ { "-k", "I", "-m", "8192T" }, "8192T" },  /* beyond the 52-bit map */
	{ { "-k", "I", "-m", "1GG" }, "1GG" },
	{ { "-k", "I", "-c", "0" }, "'0'" },
	{ { "-k", "I", "-c", "65" }, "65" },
	{ { "-k", "I", "-c", "2x" }, "2x" },
	{ { "-k", "I", "-c", "" }, "CPU" },
	{ { "-k", "I", "-c", "-1" }, "-1" },
	{ { "-k", "I", "-c", "99999999999999999999999" }, "99999999999999999999999" },
	{ { "-k", "I", "--irqchip", "bogus" }, "bogus" },
	{ { "-k", "I", "--irqchip=GICV3" }, "GICV3" },
	{ { "-k", "I", "--loglevel", "loud" }, "loud" },
	{ { "-k", "I", "--name", "a/b" }, "a/b" },
	{ { "-k", "I", "--name=" }, "name" },
	{ { "-k", "I", "--name",
	    "a123456789b123456789c123456789d123456789e123456789f123456789g1234" }, "name" },
	{ { "-k", "I", "--console", "hvc" }, "hvc" },
	{ { "-k", "I", "--console" }, "console" },
	{ { "-k", "I", "--rng=1" }, "rng" },
	{ { "-k", "I", "--stats=" }, "stats" },
	{ { "-k", "I", "--console-log=" }, "console-log" },
	{ { "-k", "I", "--console-log" }, "console-log" },
	{ { "-k", "I", "-d", "" }, "disk" },
	{ { "-k", "I", "-d" }, "disk" },
	{ { "Image", "Other" }, "Other" },
	{ { "-k", "Image", "Other" }, "Other" },
	{ { NULL }, "kernel" },
	{ { "-c", "2", "--pmu" }, "kernel" },
};
/* clang-format on */

START_TEST(test_bad_args)
{
	struct vm_config cfg;
	int ret = parse_list(&cfg, bad_args[_i].args);

	ck_assert_msg(ret == -EINVAL, "case %d (%s ...): got %d, want -EINVAL", _i,
		      bad_args[_i].args[0] ? bad_args[_i].args[0] : "<none>", ret);
	ck_assert_msg(err[0] != '\0', "case %d: empty error message", _i);
	ck_assert_msg(strstr(err, bad_args[_i].must_mention), "case %d: '%s' does not mention '%s'",
		      _i, err, bad_args[_i].must_mention);
	ck_assert_msg(!strchr(err, '\n'), "case %d: message is not one line: '%s'", _i, err);
}
END_TEST

START_TEST(test_irqchip_error_lists_models)
{
	struct vm_config cfg;

	ck_assert_int_eq(PARSE(&cfg, "-k", "I", "--irqchip", "v9"), -EINVAL);
	ck_assert_msg(strstr(err, "auto") && strstr(err, "gicv3"), "'%s' lists no models", err);
}
END_TEST

static const struct {
	const char *s;
	uint64_t bytes;
} size_ok[] = {
	{ "0", 0 },
	{ "1", 1ULL << 20 },
	{ "1K", 1ULL << 10 },
	{ "1k", 1ULL << 10 },
	{ "3M", 3ULL << 20 },
	{ "2G", 2ULL << 30 },
	{ "1T", 1ULL << 40 },
	{ "4KB", 4ULL << 10 },
	{ "4kib", 4ULL << 10 },
	{ "512MiB", 512ULL << 20 },
	{ "16777215T", UINT64_MAX - ((1ULL << 40) - 1) },
	{ "17592186044415", UINT64_MAX - ((1ULL << 20) - 1) },
};

START_TEST(test_parse_size_ok)
{
	uint64_t bytes = 12345;

	ck_assert_msg(cli_parse_size(size_ok[_i].s, &bytes) == 0, "'%s' refused", size_ok[_i].s);
	ck_assert_msg(bytes == size_ok[_i].bytes, "'%s' gave %llu", size_ok[_i].s,
		      (unsigned long long)bytes);
}
END_TEST

/* clang-format off */
static const char *const size_bad[] = {
	"", "abc", "-1", " 1", "+1", "1X", "1GG", "1Gi", "1B", "1iB", "0x10", "1.5G", "G",
	"99999999999999999999G",  /* strtoull overflow */
	"18446744073709551616",   /* 2^64: overflow before the suffix */
	"17179869184G",           /* 2^34 GiB = 2^64 bytes */
	"16777216T",              /* 2^24 TiB = 2^64 bytes */
	"17592186044416",         /* 2^44 MiB = 2^64 bytes */
};
/* clang-format on */

START_TEST(test_parse_size_bad)
{
	uint64_t bytes = 12345;

	ck_assert_msg(cli_parse_size(size_bad[_i], &bytes) == -EINVAL, "'%s' accepted",
		      size_bad[_i]);
	ck_assert_uint_eq(bytes, 12345);
}
END_TEST

START_TEST(test_devices)
{
	struct vm_config cfg;

	assert_parses(PARSE(&cfg, "-k", "I"));
	ck_assert_uint_eq(cfg.nr_disks, 0);
	ck_assert_int_eq(cfg.console, CONSOLE_SERIAL);
	ck_assert(!cfg.rng);
	ck_assert_ptr_null(cfg.stats_path);
	assert_parses(PARSE(&cfg, "-k", "I", "-d", "a.img", "--disk=b.img,ro", "-dc.img,io=aio",
			    "--console", "virtio", "--rng", "--stats"));
	ck_assert_uint_eq(cfg.nr_disks, 3);
	ck_assert_str_eq(cfg.disks[0], "a.img");
	ck_assert_str_eq(cfg.disks[1], "b.img,ro");
	ck_assert_str_eq(cfg.disks[2], "c.img,io=aio");
	ck_assert_int_eq(cfg.console, CONSOLE_VIRTIO);
	ck_assert(cfg.rng);
	ck_assert_str_eq(cfg.stats_path, "-");
	/* --stats takes its file only after '=': a following word is the kernel. */
	assert_parses(PARSE(&cfg, "--stats", "Image"));
	ck_assert_str_eq(cfg.stats_path, "-");
	ck_assert_str_eq(cfg.kernel, "Image");
	assert_parses(PARSE(&cfg, "-k", "I", "--stats=run.json", "--console=serial",
			    "--console-log", "guest.log"));
	ck_assert_str_eq(cfg.stats_path, "run.json");
	ck_assert_str_eq(cfg.console_log, "guest.log");
	ck_assert_int_eq(cfg.console, CONSOLE_SERIAL);
}
END_TEST

START_TEST(test_sharing)
{
	struct vm_config cfg;

	assert_parses(PARSE(&cfg, "-k", "I"));
	ck_assert_uint_eq(cfg.nr_shares, 0);
	ck_assert_uint_eq(cfg.vsock_cid, 0);
	assert_parses(
	    PARSE(&cfg, "-k", "I", "--9p", "/srv,data", "--9p=/etc,etc,ro", "--vsock", "42"));
	ck_assert_uint_eq(cfg.nr_shares, 2);
	ck_assert_str_eq(cfg.shares[0], "/srv,data");
	ck_assert_str_eq(cfg.shares[1], "/etc,etc,ro");
	ck_assert_uint_eq(cfg.vsock_cid, 42);
	assert_parses(PARSE(&cfg, "-k", "I", "--vsock", "4294967294"));
	ck_assert_uint_eq(cfg.vsock_cid, 4294967294U);
	/* 0-2 are reserved, -1U is "any"; the message says which are allowed. */
	ck_assert_int_eq(PARSE(&cfg, "-k", "I", "--vsock", "2"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "reserved"));
	ck_assert_int_eq(PARSE(&cfg, "-k", "I", "--vsock", "4294967295"), -EINVAL);
	ck_assert_int_eq(PARSE(&cfg, "-k", "I", "--vsock", "-5"), -EINVAL);
	ck_assert_int_eq(PARSE(&cfg, "-k", "I", "--vsock", "3x"), -EINVAL);
	ck_assert_int_eq(PARSE(&cfg, "-k", "I", "--9p", ""), -EINVAL);
}
END_TEST

START_TEST(test_too_many_disks)
{
	struct vm_config cfg;
	const char *args[2 + 2 * (CONFIG_MAX_DISKS + 1) + 1] = { "-k", "I" };
	unsigned n = 2;

	for (unsigned i = 0; i <= CONFIG_MAX_DISKS; i++) {
		args[n++] = "-d";
		args[n++] = "x.img";
	}
	args[n] = NULL;
	ck_assert_int_eq(parse_list(&cfg, args), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "too many disks"));
}
END_TEST

START_TEST(test_usage_lists_options_and_exit_codes)
{
	/* clang-format off */
	static const char *const want[] = {
		"--kernel", "-k", "--initrd", "--params", "--mem", "--cpus", "--name",
		"--irqchip", "--pmu", "--nodefaults", "--dump-dtb", "--testdev", "--loglevel",
		"--debug", "--help", "--disk", "--console", "--rng", "--9p", "--vsock", "--stats[=<file>]",
		"--reboot", "unless --reboot", "130", "143",
	};
	/* clang-format on */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	cli_usage_run(f);
	fclose(f);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(strstr(text, want[i]), "usage does not mention %s", want[i]);
	free(text);
}
END_TEST

#define N(a) (sizeof(a) / sizeof((a)[0]))

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *run = tcase_create("parse_run");
	TCase *bad = tcase_create("refused");
	TCase *size = tcase_create("parse_size");

	tcase_add_test(run, test_defaults);
	tcase_add_test(run, test_defaults_reset_cfg);
	tcase_add_loop_test(run, test_valued_option_spellings, 0, N(valued_opts));
	tcase_add_test(run, test_flags);
	tcase_add_test(run, test_help_needs_no_kernel);
	tcase_add_test(run, test_positional_kernel);
	tcase_add_test(run, test_long_value_split_at_first_equals);
	tcase_add_test(run, test_later_option_wins);
	tcase_add_loop_test(run, test_mem_sizes, 0, N(mem_ok));
	tcase_add_test(run, test_usage_lists_options_and_exit_codes);
	tcase_add_test(run, test_devices);
	tcase_add_test(run, test_sharing);
	tcase_add_test(run, test_too_many_disks);
	suite_add_tcase(s, run);

	tcase_add_loop_test(bad, test_bad_args, 0, N(bad_args));
	tcase_add_test(bad, test_irqchip_error_lists_models);
	suite_add_tcase(s, bad);

	tcase_add_loop_test(size, test_parse_size_ok, 0, N(size_ok));
	tcase_add_loop_test(size, test_parse_size_bad, 0, N(size_bad));
	suite_add_tcase(s, size);
	return s;
}
