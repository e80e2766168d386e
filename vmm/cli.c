// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "control.h"
#include "exitcode.h"
#include "layout.h"

struct cli_opt;
typedef int (*cli_handler)(struct vm_config *cfg, const char *arg, char *err, size_t len);

struct cli_opt {
	char short_name; /* 0 for none */
	const char *long_name;
	const char *arg_name; /* NULL for a flag */
	const char *help;
	cli_handler handle;
};

/*
 * An arg_name in brackets ("[=<file>]") marks a value that may be left out;
 * it can then only be given as --name=value.
 */
static bool cli_opt_optional(const struct cli_opt *o)
{
	return o->arg_name && o->arg_name[0] == '[';
}

int cli_parse_size(const char *s, uint64_t *bytes)
{
	uint64_t shift = 20, n;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (toupper((unsigned char)*end)) {
	case 'K':
		shift = 10;
		end++;
		break;
	case 'M':
		shift = 20;
		end++;
		break;
	case 'G':
		shift = 30;
		end++;
		break;
	case 'T':
		shift = 40;
		end++;
		break;
	case '\0': break;
	default: return -EINVAL;
	}
	if (strcasecmp(end, "") != 0 && strcasecmp(end, "B") != 0 && strcasecmp(end, "iB") != 0)
		return -EINVAL;
	if (n > (UINT64_MAX >> shift))
		return -EINVAL;
	*bytes = n << shift;
	return 0;
}

static int opt_kernel(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	(void)err, (void)len;
	cfg->kernel = arg;
	return 0;
}

static int opt_initrd(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	(void)err, (void)len;
	cfg->initrd = arg;
	return 0;
}

static int opt_params(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	(void)err, (void)len;
	cfg->params = arg;
	return 0;
}

static int opt_mem(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	uint64_t bytes;

	if (cli_parse_size(arg, &bytes))
		return err_set(err, len, -EINVAL,
			       "invalid memory size '%s' (examples: 512, 512M, 2G)", arg);
	if (bytes < CONFIG_MIN_RAM)
		return err_set(err, len, -EINVAL, "memory size %s is too small (at least %llu MiB)",
			       arg, CONFIG_MIN_RAM >> 20);
	if (bytes % SZ_2M)
		return err_set(err, len, -EINVAL, "memory size %s is not a multiple of 2 MiB", arg);
	if (bytes > layout_size(LAYOUT_RAM))
		return err_set(err, len, -EINVAL,
			       "memory size %s is larger than the memory map allows", arg);
	cfg->ram_size = bytes;
	return 0;
}

/* A decimal number in [min, max], nothing else; false otherwise. */
static bool parse_uint(const char *arg, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || *end || end == arg || n < min || n > max)
		return false;
	*out = (unsigned)n;
	return true;
}

static int opt_cpus(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	if (!parse_uint(arg, 1, LAYOUT_MAX_VCPUS, &cfg->nr_cpus))
		return err_set(err, len, -EINVAL, "invalid CPU count '%s' (1 to %d)", arg,
			       LAYOUT_MAX_VCPUS);
	return 0;
}

static int opt_timeout(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	if (!parse_uint(arg, 1, 1000000, &cfg->timeout))
		return err_set(err, len, -EINVAL,
			       "invalid timeout '%s' (whole seconds, 1 to 1000000)", arg);
	return 0;
}

static int opt_irqchip(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	if (irqchip_model_parse(arg, &cfg->irqchip) == 0)
		return 0;
	char names[256] = "";

	for (int m = 0; m < IRQCHIP_NR_MODELS; m++) {
		strncat(names, m ? ", " : "", sizeof(names) - strlen(names) - 1);
		strncat(names, irqchip_model_name((enum irqchip_model)m),
			sizeof(names) - strlen(names) - 1);
	}
	return err_set(err, len, -EINVAL, "unknown irqchip '%s' (one of: %s)", arg, names);
}

static int opt_name(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	/* One rule for --name and `armlet stop NAME`: the name is a socket's file name. */
	int ret = control_name_check(arg, err, len);

	if (ret)
		return ret;
	cfg->name = arg;
	return 0;
}

static int opt_dump_dtb(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	(void)err, (void)len;
	cfg->dump_dtb = arg;
	return 0;
}

static int opt_loglevel(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	if (log_level_parse(arg, &cfg->loglevel))
		return err_set(err, len, -EINVAL,
			       "unknown log level '%s' (error, warn, info or debug)", arg);
	return 0;
}

static int opt_disk(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	if (cfg->nr_disks == CONFIG_MAX_DISKS)
		return err_set(err, len, -EINVAL, "too many disks (at most %d)", CONFIG_MAX_DISKS);
	if (!*arg)
		return err_set(err, len, -EINVAL, "--disk needs a path");
	cfg->disks[cfg->nr_disks++] = arg;
	return 0;
}

static int opt_9p(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	if (cfg->nr_shares == CONFIG_MAX_SHARES)
		return err_set(err, len, -EINVAL, "too many --9p shares (at most %d)",
			       CONFIG_MAX_SHARES);
	if (!*arg)
		return err_set(err, len, -EINVAL, "--9p needs DIR,TAG");
	cfg->shares[cfg->nr_shares++] = arg;
	return 0;
}

/* 0-2 are the hypervisor, local and host; -1U is VMADDR_CID_ANY (virtio 1.2 §5.10.4). */
static int opt_vsock(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	unsigned cid;

	if (!parse_uint(arg, 3, UINT32_MAX - 1, &cid))
		return err_set(err, len, -EINVAL,
			       "invalid vsock CID '%s' (3 to 4294967294; 0-2 are reserved)", arg);
	cfg->vsock_cid = cid;
	return 0;
}

static int opt_network(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	if (cfg->nr_nets == CONFIG_MAX_NICS)
		return err_set(err, len, -EINVAL, "too many networks (at most %d)",
			       CONFIG_MAX_NICS);
	cfg->nets[cfg->nr_nets++] = arg;
	return 0;
}

static int opt_console(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	if (strcmp(arg, "serial") == 0)
		cfg->console = CONSOLE_SERIAL;
	else if (strcmp(arg, "virtio") == 0)
		cfg->console = CONSOLE_VIRTIO;
	else
		return err_set(err, len, -EINVAL, "unknown console '%s' (serial or virtio)", arg);
	return 0;
}

static int opt_console_log(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	if (!*arg)
		return err_set(err, len, -EINVAL, "--console-log needs a file name");
	cfg->console_log = arg;
	return 0;
}

/* --stats alone: the summary goes to stderr; --stats=FILE: into FILE. */
static int opt_stats(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	if (arg && !*arg)
		return err_set(err, len, -EINVAL, "--stats= needs a file name");
	cfg->stats_path = arg ? arg : "-";
	return 0;
}

#define FLAG_HANDLER(fn, field)                                                                    \
	static int fn(struct vm_config *cfg, const char *arg, char *err, size_t len)               \
	{                                                                                          \
		(void)arg, (void)err, (void)len;                                                   \
		cfg->field = true;                                                                 \
		return 0;                                                                          \
	}

FLAG_HANDLER(opt_nodefaults, nodefaults)
FLAG_HANDLER(opt_pmu, pmu)
FLAG_HANDLER(opt_testdev, testdev)
FLAG_HANDLER(opt_rng, rng)
FLAG_HANDLER(opt_reboot, reboot)
FLAG_HANDLER(opt_help, help)

static int opt_sandbox(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	if (strcmp(arg, "on") && strcmp(arg, "off"))
		return err_set(err, len, -EINVAL, "--sandbox takes on or off, not '%s'", arg);
	cfg->no_sandbox = strcmp(arg, "off") == 0;
	return 0;
}

static int opt_debug(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	(void)arg, (void)err, (void)len;
	cfg->loglevel = LOG_DEBUG;
	return 0;
}

static const struct cli_opt run_opts[] = {
	{ 0, "name", "<guest name>",
	  "A name for the guest; opens its control socket (armlet list, stop, ...)", opt_name },
	{ 'c', "cpus", "<n>", "Number of CPUs", opt_cpus },
	{ 'm', "mem", "<size>", "Virtual machine memory size, in MiB unless suffixed (K, M, G, T)",
	  opt_mem },
	{ 'k', "kernel", "<kernel>", "Kernel to boot: arm64 Image, Image.gz, or a flat binary",
	  opt_kernel },
	{ 'i', "initrd", "<initrd>", "Initial RAM disk image", opt_initrd },
	{ 'p', "params", "<params>", "Kernel command-line arguments", opt_params },
	{ 'd', "disk", "<image>",
	  "Disk image or block device (virtio-blk): PATH[,ro][,direct][,io=uring|aio|sync]; "
	  "repeatable",
	  opt_disk },
	{ 'n', "network", "<params>",
	  "Network (virtio-net): mode=user|tap|none[,tapif=NAME][,vhost=1][,guest_mac=MAC]"
	  "[,host_mac=MAC][,hostfwd=tcp:HOSTPORT:GUESTPORT]; repeatable; default mode=user",
	  opt_network },
	{ 0, "console", "<serial|virtio>", "Guest console: 16550 UART (ttyS0) or virtio (hvc0)",
	  opt_console },
	{ 0, "console-log", "<file>",
	  "Also write everything the guest prints to <file> (even if stdout closes)",
	  opt_console_log },
	{ 0, "rng", NULL, "Add a virtio-rng device fed by getrandom()", opt_rng },
	{ 0, "9p", "<dir,tag[,ro]>",
	  "Share a host directory (virtio-9p): mount -t 9p -o trans=virtio TAG /mnt; repeatable",
	  opt_9p },
	{ 0, "vsock", "<cid>", "Add a virtio-vsock device (vhost-vsock) with this guest CID",
	  opt_vsock },
	{ 0, "stats", "[=<file>]", "At exit, write a JSON run summary to stderr or <file>",
	  opt_stats },
	{ 0, "irqchip", "<model>",
	  "Interrupt controller: auto, gicv3-its, gicv3, gicv2m, gicv2, gicv2-user", opt_irqchip },
	{ 0, "timeout", "<seconds>",
	  "Stop the VM (exit 4, registers dumped) after this long, counting every reboot",
	  opt_timeout },
	{ 0, "reboot", NULL, "When the guest resets, restart the VM instead of exiting (3)",
	  opt_reboot },
	{ 0, "sandbox", "<on|off>",
	  "seccomp filter on armlet's threads once the VM is built (default on)", opt_sandbox },
	{ 0, "pmu", NULL, "Create a PMUv3 for each vCPU", opt_pmu },
	{ 0, "nodefaults", NULL, "Disable implicit default devices", opt_nodefaults },
	{ 0, "dump-dtb", "<file>", "Write the generated device tree to <file> and exit",
	  opt_dump_dtb },
	{ 0, "testdev", NULL, "Map the armlet test device (for bare-metal test guests)",
	  opt_testdev },
	{ 0, "loglevel", "<level>", "Messages to show: error, warn, info (default), debug",
	  opt_loglevel },
	{ 0, "debug", NULL, "Enable debug messages (same as --loglevel debug)", opt_debug },
	{ 'h', "help", NULL, "Show this help", opt_help },
};

#define NR_RUN_OPTS (sizeof(run_opts) / sizeof(run_opts[0]))

static void config_defaults(struct vm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->params = "";
	cfg->ram_size = CONFIG_DEFAULT_RAM;
	cfg->nr_cpus = 1;
	cfg->irqchip = IRQCHIP_AUTO;
	cfg->loglevel = LOG_INFO;
}

static const struct cli_opt *find_long(const char *name, size_t n)
{
	for (size_t i = 0; i < NR_RUN_OPTS; i++)
		if (strlen(run_opts[i].long_name) == n &&
		    strncmp(run_opts[i].long_name, name, n) == 0)
			return &run_opts[i];
	return NULL;
}

static const struct cli_opt *find_short(char c)
{
	for (size_t i = 0; i < NR_RUN_OPTS; i++)
		if (run_opts[i].short_name == c)
			return &run_opts[i];
	return NULL;
}

/*
 * Handles argv[*i]; advances *i past a separate argument it consumes.
 * Returns 0 or -EINVAL with the message in err.
 */
static int parse_one(int argc, char *const argv[], int *i, struct vm_config *cfg, char *err,
		     size_t len)
{
	const char *a = argv[*i], *val = NULL;
	const struct cli_opt *o;

	if (a[1] == '-') {
		const char *eq = strchr(a + 2, '=');
		size_t n = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);

		o = find_long(a + 2, n);
		if (!o)
			return err_set(err, len, -EINVAL,
				       "unknown option '%.*s' (see armlet run --help)",
				       (int)(n + 2), a);
		if (eq && !o->arg_name)
			return err_set(err, len, -EINVAL, "option '--%s' takes no value",
				       o->long_name);
		val = eq ? eq + 1 : NULL;
	} else {
		o = find_short(a[1]);
		if (!o)
			return err_set(err, len, -EINVAL,
				       "unknown option '-%c' (see armlet run --help)", a[1]);
		if (a[2] && !o->arg_name)
			return err_set(err, len, -EINVAL, "option '-%c' takes no value", a[1]);
		val = a[2] ? a + 2 : NULL;
	}
	if (cli_opt_optional(o) && !val)
		return o->handle(cfg, NULL, err, len);
	if (o->arg_name && !val) {
		if (*i + 1 >= argc)
			return err_set(err, len, -EINVAL, "option '--%s' needs a value %s",
				       o->long_name, o->arg_name);
		val = argv[++*i];
	}
	return o->handle(cfg, val, err, len);
}

int cli_parse_run(int argc, char *const argv[], struct vm_config *cfg, char *err, size_t errlen)
{
	config_defaults(cfg);
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int ret;

		if (a[0] == '-' && a[1]) {
			ret = parse_one(argc, argv, &i, cfg, err, errlen);
			if (ret)
				return ret;
		} else if (!cfg->kernel) {
			cfg->kernel = a; /* lkvm run [<options>] [<kernel image>] */
		} else {
			return err_set(err, errlen, -EINVAL, "unexpected argument '%s'", a);
		}
	}
	if (!cfg->help && !cfg->kernel)
		return err_set(err, errlen, -EINVAL, "no kernel given (use -k <kernel>)");
	return 0;
}

void cli_usage_run(FILE *out)
{
	fprintf(out, "\n usage: armlet run [<options>] [<kernel image>]\n\n");
	for (size_t i = 0; i < NR_RUN_OPTS; i++) {
		const struct cli_opt *o = &run_opts[i];
		char left[64];

		const char *sep = o->arg_name && !cli_opt_optional(o) ? " " : "";

		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->long_name,
				 sep, o->arg_name ? o->arg_name : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->long_name, sep,
				 o->arg_name ? o->arg_name : "");
		if (strlen(left) > 22)
			fprintf(out, "    %s\n%26s%s\n", left, "", o->help);
		else
			fprintf(out, "    %-22s%s\n", left, o->help);
	}
	fprintf(out, "\n Exit status:\n");
	for (unsigned i = 0; i < exitcode_table_len; i++)
		fprintf(out, "    %3d  %s\n", exitcode_table[i].code, exitcode_table[i].meaning);
	fprintf(out, "\n");
}

void cli_usage_main(FILE *out)
{
	fprintf(out, "\n usage: armlet [--version] [--help] COMMAND [ARGS]\n\n"
		     " The most commonly used armlet commands are:\n"
		     "   run        Start the virtual machine\n"
		     "   check      Report whether this host can run VMs (--json for JSON)\n"
		     "   list       List the running named VMs (NAME running|paused)\n"
		     "   stop       Stop the VM run with --name NAME (it exits 7)\n"
		     "   pause      Pause the VM NAME (all vCPUs wait; --timeout still runs)\n"
		     "   resume     Resume the paused VM NAME\n"
		     "   stat       Print VM NAME's live --stats JSON, with its \"state\"\n"
		     "   version    Print the version of armlet\n"
		     "   help       Display help information\n\n"
		     " See 'armlet help COMMAND' for more information on a specific command.\n\n");
}
