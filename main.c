// SPDX-License-Identifier: GPL-2.0-only
/*
 * armlet: a small virtual machine monitor for arm64 KVM hosts.
 *
 * cmd_run() reads top to bottom in the order the VM must be built:
 * parse -> open KVM -> create VM -> RAM -> irqchip -> vCPUs -> devices ->
 * irqchip finalize -> load kernel/initrd -> FDT -> run; with --reboot, a
 * guest reset resets the machine, loads the guest again and runs it again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fdt/fdt.h"
#include "vmm/board.h"
#include "vmm/cli.h"
#include "vmm/control.h"
#include "vmm/dev/testdev.h"
#include "vmm/dev/uart.h"
#include "vmm/exitcode.h"
#include "vmm/hostcheck.h"
#include "vmm/kvm.h"
#include "vmm/layout.h"
#include "vmm/loader.h"
#include "vmm/log.h"
#include "vmm/loop.h"
#include "vmm/sandbox.h"
#include "vmm/summary.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

#ifndef ARMLET_VERSION
#define ARMLET_VERSION "unknown"
#endif

#define ERRLEN 512

/* Everything one run needs beyond struct vm, so cmd_run() can unwind it. */
struct run_ctx {
	struct vm_config cfg;
	struct vm vm;
	struct kernel_image kernel;
	struct uart uart;
	struct board board;
	struct control control; /* --name's socket */
	char *cmdline;		/* what vm->cmdline points at when armlet adds to -p */
	char err[ERRLEN];
};

static int setup_failed(const char *what, const char *err)
{
	log_error("%s: %s", what, err);
	return EXIT_SETUP;
}

static int read_kernel(struct run_ctx *c)
{
	int ret = kernel_image_read(c->cfg.kernel, c->cfg.ram_size, &c->kernel, c->err, ERRLEN);

	if (ret == 0)
		return 0;
	/* lkvm's wording: existing runners match this line. */
	if (ret == -ENOENT || ret == -EACCES || ret == -EISDIR || ret == -ENOTDIR || ret == -ELOOP)
		fprintf(stderr, "  Fatal: Unable to open kernel %s\n", c->cfg.kernel);
	else
		log_error("kernel %s %s", c->cfg.kernel, c->err);
	return EXIT_SETUP;
}

static int create_irqchip(struct run_ctx *c)
{
	struct vm *vm = &c->vm;
	int ret;

	vm->irqchip =
	    irqchip_select(vm, c->cfg.irqchip, vm->irqchip_reason, sizeof(vm->irqchip_reason));
	if (!vm->irqchip)
		return setup_failed("irqchip", vm->irqchip_reason);
	log_info("irqchip: %s", vm->irqchip_reason);
	if (c->cfg.irqchip == IRQCHIP_RVIC && c->kernel.kind == KERNEL_IMAGE)
		log_warn(
		    "a Linux Image will not boot on --irqchip=rvic: there is no Linux driver for "
		    "the rVIC in any released kernel (use it with bare-metal guests, or pick "
		    "another --irqchip)");
	ret = vm->irqchip->create(vm);
	if (ret) {
		snprintf(c->err, ERRLEN, "cannot create %s: %s", vm->irqchip->name, strerror(-ret));
		return setup_failed("irqchip", c->err);
	}
	return 0;
}

static size_t uart_console_input(void *uart, const uint8_t *buf, size_t n)
{
	return uart_rx_push(uart, buf, n);
}

/*
 * The guest's console: input goes to hvc0 with --console virtio, and Linux
 * is told to use it (as lkvm does) unless -p already names a console.
 */
static int setup_console(struct run_ctx *c)
{
	struct vm *vm = &c->vm;
	const char *params = c->cfg.params;

	vm->cmdline = params;
	vm->console_input = uart_console_input;
	vm->console_ctx = &c->uart;
	if (c->cfg.console != CONSOLE_VIRTIO)
		return 0;
	vm->console_input = board_console_input;
	vm->console_ctx = &c->board;
	if (strstr(params, "console="))
		return 0;
	if (asprintf(&c->cmdline, "console=hvc0%s%s", *params ? " " : "", params) < 0) {
		c->cmdline = NULL;
		return setup_failed("console", "out of memory");
	}
	vm->cmdline = c->cmdline;
	return 0;
}

static int add_devices(struct run_ctx *c)
{
	struct vm *vm = &c->vm;
	int ret;

	if (c->cfg.console_log) {
		/* Opened before the devices, which copy their output into it. */
		vm->console_log_fd = open(
		    c->cfg.console_log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
		if (vm->console_log_fd < 0) {
			snprintf(c->err, ERRLEN, "cannot open %s: %s", c->cfg.console_log,
				 strerror(errno));
			return setup_failed("--console-log", c->err);
		}
	}
	uart_init(&c->uart, STDOUT_FILENO, vm_spi_handle(vm, LAYOUT_SPI_UART));
	uart_set_log_fd(&c->uart, vm->console_log_fd);
	c->uart.first_output = &vm->t_first_output;
	vm->uart = &c->uart;
	if (board_init(&c->board, vm, c->err, ERRLEN))
		return setup_failed("devices", c->err);
	ret = bus_add(&vm->bus, layout_base(LAYOUT_UART), layout_size(LAYOUT_UART), &uart_mmio_ops,
		      &c->uart);
	if (!ret && c->cfg.testdev)
		ret = bus_add(&vm->bus, layout_base(LAYOUT_TESTDEV), layout_size(LAYOUT_TESTDEV),
			      &testdev_mmio_ops, vm);
	if (ret) {
		snprintf(c->err, ERRLEN, "cannot map devices: %s", strerror(-ret));
		return setup_failed("devices", c->err);
	}
	return setup_console(c);
}

static int load_guest(struct run_ctx *c)
{
	struct vm *vm = &c->vm;
	uint64_t kernel = layout_base(LAYOUT_RAM) + c->kernel.load_offset;
	uint64_t initrd_size = 0;
	struct stat st;
	int ret;

	if (c->cfg.initrd) {
		if (stat(c->cfg.initrd, &st) || !S_ISREG(st.st_mode)) {
			fprintf(stderr, "  Fatal: Unable to open initrd %s\n", c->cfg.initrd);
			return EXIT_SETUP;
		}
		initrd_size = (uint64_t)st.st_size;
	}
	ret = layout_place_boot(vm->mem.size, kernel, kernel + c->kernel.footprint, initrd_size,
				&vm->boot);
	if (ret) {
		snprintf(c->err, ERRLEN,
			 "kernel (%llu MiB) and initrd (%llu MiB) do not fit in %llu MiB "
			 "of RAM; raise -m",
			 (unsigned long long)(c->kernel.footprint >> 20),
			 (unsigned long long)(initrd_size >> 20),
			 (unsigned long long)(vm->mem.size >> 20));
		return setup_failed("load", c->err);
	}
	ret = kernel_image_load(&c->kernel, &vm->mem, kernel);
	/* The copy in guest RAM is the one that counts: do not hold tens of MiB twice. */
	kernel_image_free(&c->kernel);
	if (!ret && c->cfg.initrd)
		ret = loader_load_file(c->cfg.initrd, &vm->mem, vm->boot.initrd, initrd_size);
	if (ret) {
		snprintf(c->err, ERRLEN, "cannot load the guest: %s", strerror(-ret));
		return setup_failed("load", c->err);
	}
	vm->entry = kernel;
	return 0;
}

static int write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	if (close(fd) || n != (ssize_t)len)
		return n < 0 ? -errno : -EIO;
	return 0;
}

/* Builds the DTB in place in guest RAM; with --dump-dtb also writes it out. */
static int build_fdt(struct run_ctx *c)
{
	struct vm *vm = &c->vm;
	void *blob = guest_ptr(&vm->mem, vm->boot.fdt, LAYOUT_FDT_MAX);
	int size, ret;

	size = blob ? fdt_build(vm, blob, LAYOUT_FDT_MAX) : -ERANGE;
	if (size < 0) {
		snprintf(c->err, ERRLEN, "cannot build the device tree: %s", strerror(-size));
		return setup_failed("fdt", c->err);
	}
	if (!c->cfg.dump_dtb)
		return 0;
	ret = write_file(c->cfg.dump_dtb, blob, (size_t)size);
	if (ret) {
		snprintf(c->err, ERRLEN, "cannot write %s: %s", c->cfg.dump_dtb, strerror(-ret));
		return setup_failed("--dump-dtb", c->err);
	}
	return 0;
}

/* The VM from KVM_CREATE_VM to the point where it could run. */
static int build_vm(struct run_ctx *c)
{
	struct vm *vm = &c->vm;
	int ret;

	if (kvm_open(vm, c->err, ERRLEN) || kvm_create_vm(vm, c->err, ERRLEN) ||
	    kvm_map_ram(vm, c->err, ERRLEN))
		return setup_failed("kvm", c->err);
	ret = create_irqchip(c);
	if (ret)
		return ret;
	if (vcpus_create(vm, c->err, ERRLEN))
		return setup_failed("vcpu", c->err);
	ret = add_devices(c);
	if (ret)
		return ret;
	ret = vm->irqchip->finalize(vm);
	if (ret) {
		snprintf(c->err, ERRLEN, "cannot initialise %s: %s", vm->irqchip->name,
			 strerror(-ret));
		return setup_failed("irqchip", c->err);
	}
	/* irqfds need an initialised vGIC: only now can they go live. */
	if (board_finalize(&c->board, c->err, ERRLEN))
		return setup_failed("devices", c->err);
	if (vcpus_init_pmu(vm, c->err, ERRLEN))
		return setup_failed("pmu", c->err);
	ret = load_guest(c);
	return ret ? ret : build_fdt(c);
}

/* What `armlet stop|pause|resume|stat NAME` does, from the main loop. */
static void run_control(void *ctx, enum control_cmd cmd, FILE *reply)
{
	struct run_ctx *c = ctx;
	struct vm *vm = &c->vm;
	int ret = 0;

	switch (cmd) {
	case CONTROL_STOP:
		vm_request_stop(vm, EXIT_STOPPED, "stopped by armlet stop %s", c->cfg.name);
		break;
	case CONTROL_PAUSE: ret = vcpus_pause(vm); break;
	case CONTROL_RESUME: vcpus_resume(vm); break;
	case CONTROL_STAT: summary_fprint(vm, &c->board, reply); return;
	case CONTROL_NR_CMDS: ret = -EINVAL; break;
	}
	if (ret)
		fprintf(reply, "error: %s\n",
			ret == -ETIMEDOUT ? "the vCPUs did not stop in time" : strerror(-ret));
	else
		fputs("ok\n", reply);
}

/*
 * --name: claims the name before the VM is built, so a second run of the
 * same name fails fast; served from loop_run(), removed by run_ctx_free().
 */
static int open_control(struct run_ctx *c)
{
	int ret;

	if (!c->cfg.name || c->cfg.dump_dtb)
		return 0;
	ret = control_open(&c->control, c->cfg.name, run_control, c, c->err, ERRLEN);
	if (ret == -EADDRINUSE) {
		log_error("%s", c->err);
		return EXIT_SETUP;
	}
	if (ret)
		return setup_failed("--name", c->err);
	c->vm.control = &c->control;
	return 0;
}

static int set_boot_regs(struct run_ctx *c)
{
	struct vm *vm = &c->vm;
	int ret = vcpu_set_boot_regs(vm, vm->entry, vm->boot.fdt);

	if (!ret)
		return 0;
	snprintf(c->err, ERRLEN, "cannot set the boot registers: %s", strerror(-ret));
	return setup_failed("vcpu", c->err);
}

/*
 * --reboot, after a guest reset: the machine back to power-on, as a real one
 * would be. Devices, UART, interrupt controller and vCPUs (secondaries off
 * again) are reset; RAM keeps what it held, as on a warm reset, but gets
 * the kernel (read again: its buffer was freed once loaded), the initrd
 * and a new device tree (a fresh rng-seed) as at the first boot. No vCPU
 * thread runs, and once board_reset() returned no device thread either.
 * Errors are logged; returns nonzero on failure.
 */
static int reset_vm(struct run_ctx *c)
{
	struct vm *vm = &c->vm;
	int ret = 0;

	board_reset(&c->board);
	uart_reset(&c->uart);
	if (vm->irqchip->reset)
		ret = vm->irqchip->reset(vm);
	if (ret) {
		snprintf(c->err, ERRLEN, "cannot reset %s: %s", vm->irqchip->name, strerror(-ret));
		return setup_failed("irqchip", c->err);
	}
	if (vcpus_reset(vm, c->err, ERRLEN))
		return setup_failed("vcpu", c->err);
	ret = read_kernel(c);
	ret = ret ?: load_guest(c);
	ret = ret ?: build_fdt(c);
	return ret ?: set_boot_regs(c);
}

/*
 * A guest that resets within this long of its start waits out the rest
 * before it restarts: a reset loop then costs a few restarts a second,
 * not a busy loop. A booting kernel takes longer than this by itself.
 */
#define REBOOT_MIN_RUN_NS 500000000ULL

static void reboot_pace(uint64_t t_boot)
{
	uint64_t ran = vm_now_ns() - t_boot;
	struct timespec ts;

	if (ran >= REBOOT_MIN_RUN_NS)
		return;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)(REBOOT_MIN_RUN_NS - ran);
	/* SIGINT and SIGTERM are blocked: they wait for the next loop_run(). */
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* One boot: from starting the vCPUs until the VM stops and every vCPU is joined. */
static void run_once(struct vm *vm)
{
	int ret = vcpus_start(vm);

	if (ret) {
		vm_request_stop(vm, EXIT_INTERNAL, "cannot start vCPU threads: %s", strerror(-ret));
		vcpus_kick_all(vm); /* the ones that did start */
	} else {
		loop_run(vm);
	}
	vcpus_join(vm);
}

/* Runs the guest, and with --reboot again after each reset, until it stops for good. */
static void run_boots(struct run_ctx *c)
{
	struct vm *vm = &c->vm;

	for (;;) {
		uint64_t t_boot = vm_now_ns();

		run_once(vm);
		if (vm->exit_code != EXIT_RESET || !c->cfg.reboot)
			return;
		vm->reboots++;
		log_info("guest reset; restarting (reboot %u)", vm->reboots);
		reboot_pace(t_boot);
		if (reset_vm(c)) {
			vm_stop_clear(vm);
			vm_request_stop(
			    vm, EXIT_INTERNAL,
			    "cannot restart the VM after the guest's reset (see above)");
			return;
		}
		vm_stop_clear(vm);
	}
}

static int run_vm(struct run_ctx *c)
{
	struct vm *vm = &c->vm;
	int ret = set_boot_regs(c);

	if (ret)
		return ret;
	run_boots(c);
	/* Device threads stop before the summary, so its counters are final. */
	board_stop(&c->board);
	if (c->cfg.stats_path && (ret = summary_write(vm, &c->board, c->cfg.stats_path)))
		log_error("--stats: cannot write %s: %s", c->cfg.stats_path, strerror(-ret));
	if (vm->exit_code == EXIT_POWEROFF)
		log_debug("%s", vm->exit_reason);
	else
		log_info("%s", vm->exit_reason);
	log_debug("start to first KVM_RUN: %.3f ms",
		  vm->t_first_run ? (double)(vm->t_first_run - vm->t_start) / 1e6 : 0.0);
	return vm->exit_code;
}

static void run_ctx_free(struct run_ctx *c)
{
	struct vm *vm = &c->vm;

	board_destroy(&c->board);
	free(c->cmdline);
	vcpus_destroy(vm);
	if (vm->irqchip && vm->irqchip->destroy)
		vm->irqchip->destroy(vm);
	if (vm->uart)
		uart_destroy(vm->uart);
	kvm_close(vm);
	kernel_image_free(&c->kernel);
	vm_destroy(vm);
	/* Last: `armlet stop`, held open until now, returns once disks are closed. */
	control_close(&c->control);
}

/*
 * The VM is built: every file, socket and /dev/kvm is open. From here each
 * thread may only make the calls its kind needs (vmm/sandbox.h).
 */
static int enter_sandbox(struct run_ctx *c)
{
	unsigned features =
	    (c->cfg.nr_shares ? SANDBOX_FS : 0) | (board_has_net(&c->board) ? SANDBOX_NET : 0);

	if (c->cfg.no_sandbox)
		return 0;
	if (sandbox_install(features, c->err, ERRLEN))
		return setup_failed("sandbox", c->err);
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct run_ctx *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return EXIT_SETUP;
	if (cli_parse_run(argc, argv, &c->cfg, c->err, ERRLEN)) {
		log_error("%s", c->err);
		free(c);
		return EXIT_SETUP;
	}
	if (c->cfg.help) {
		cli_usage_run(stdout);
		free(c);
		return 0;
	}
	log_set_level(c->cfg.loglevel);
	if (vm_init(&c->vm, &c->cfg)) {
		log_error("cannot set up the VM: %s", strerror(errno));
		free(c);
		return EXIT_SETUP;
	}
	ret = loop_block_signals() ? EXIT_SETUP : 0;
	if (!ret)
		ret = open_control(c);
	if (!ret)
		ret = read_kernel(c);
	if (!ret)
		ret = build_vm(c);
	if (!ret && !c->cfg.dump_dtb)
		ret = enter_sandbox(c);
	if (!ret && !c->cfg.dump_dtb)
		ret = run_vm(c);
	run_ctx_free(c);
	free(c);
	return ret;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "help";

	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 2, argv + 2);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 2, argv + 2);
	if (control_cmd_known(cmd))
		return control_cmd_main(argc - 1, argv + 1);
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("armlet version %s\n", ARMLET_VERSION);
		return 0;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		if (argc > 2 && strcmp(argv[2], "run") == 0)
			cli_usage_run(stdout);
		else
			cli_usage_main(stdout);
		return 0;
	}
	log_error("'%s' is not an armlet command (see armlet --help)", cmd);
	return EXIT_SETUP;
}
