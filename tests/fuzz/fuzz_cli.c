// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: `armlet run` option parsing (vmm/cli.c). The input is
 * split at NUL bytes into argv words (at most MAX_ARGS) and handed to
 * cli_parse_run(); every -d argument it accepts then goes through
 * blk_spec_parse() and every -n argument through net_spec_parse() as
 * board.c does, and every word through
 * cli_parse_size(). An accepted command line must leave a configuration
 * main() can trust: RAM a multiple of 2 MiB within the map, 1 to 64 vCPUs,
 * a kernel unless --help, a name fit for a file name, and strings that
 * point into argv.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../virtio/blk.h"
#include "../../virtio/net.h"
#include "../../vmm/cli.h"
#include "../../vmm/layout.h"
#include "fuzz_input.h"

#define MAX_ARGS 64

/* Whether s points into the argv words (a word, or inside one: -kX, --kernel=X). */
static bool in_argv(const char *s, const char *buf, size_t len)
{
	return s >= buf && s < buf + len;
}

static void cfg_check(const struct vm_config *cfg, const char *buf, size_t len)
{
	FUZZ_CHECK(cfg->ram_size >= CONFIG_MIN_RAM && cfg->ram_size % SZ_2M == 0);
	FUZZ_CHECK(cfg->ram_size <= layout_size(LAYOUT_RAM));
	FUZZ_CHECK(cfg->nr_cpus >= 1 && cfg->nr_cpus <= LAYOUT_MAX_VCPUS);
	FUZZ_CHECK(cfg->nr_disks <= CONFIG_MAX_DISKS);
	FUZZ_CHECK(cfg->help || cfg->kernel);
	FUZZ_CHECK((unsigned)cfg->irqchip < IRQCHIP_NR_MODELS);
	FUZZ_CHECK(cfg->loglevel >= LOG_ERROR && cfg->loglevel <= LOG_DEBUG);
	FUZZ_CHECK(cfg->console == CONSOLE_SERIAL || cfg->console == CONSOLE_VIRTIO);
	FUZZ_CHECK(cfg->timeout <= 1000000);
	if (cfg->kernel)
		FUZZ_CHECK(in_argv(cfg->kernel, buf, len));
	if (cfg->initrd)
		FUZZ_CHECK(in_argv(cfg->initrd, buf, len));
	if (cfg->name)
		FUZZ_CHECK(in_argv(cfg->name, buf, len) && cfg->name[0] && !strchr(cfg->name, '/'));
	for (unsigned i = 0; i < cfg->nr_disks; i++) {
		struct blk_spec spec;
		char err[256];

		FUZZ_CHECK(in_argv(cfg->disks[i], buf, len));
		if (blk_spec_parse(cfg->disks[i], &spec, err, sizeof(err)) == 0)
			FUZZ_CHECK(spec.path[0] && !strchr(spec.path, ','));
		else
			FUZZ_CHECK(err[0]);
	}
	FUZZ_CHECK(cfg->nr_nets <= CONFIG_MAX_NICS);
	for (unsigned i = 0; i < cfg->nr_nets; i++) {
		struct net_spec spec;
		char err[320];

		FUZZ_CHECK(in_argv(cfg->nets[i], buf, len));
		if (net_spec_parse(cfg->nets[i], &spec, err, sizeof(err)) == 0)
			FUZZ_CHECK(spec.nr_hostfwd <= NET_MAX_HOSTFWD &&
				   strlen(spec.tapif) < NET_IFNAME_MAX &&
				   !(spec.guest_mac[0] & 1) && !(spec.host_mac[0] & 1) &&
				   (spec.mode == NET_MODE_TAP || (!spec.vhost && !spec.tapif[0])));
		else
			FUZZ_CHECK(err[0]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[MAX_ARGS + 1];
	struct vm_config cfg;
	char err[512];
	int argc = 0, ret;
	uint64_t bytes;

	FUZZ_CHECK(buf);
	memcpy(buf, data, size);
	buf[size] = '\0';
	/* Words end at NULs; the last one at the terminator added above. */
	for (size_t i = 0; i <= size && argc < MAX_ARGS; i += strlen(buf + i) + 1)
		argv[argc++] = buf + i;
	argv[argc] = NULL;
	for (int i = 0; i < argc; i++)
		if (cli_parse_size(argv[i], &bytes) == 0)
			FUZZ_CHECK(argv[i][0] >= '0' && argv[i][0] <= '9');
	err[0] = '\0';
	ret = cli_parse_run(argc, argv, &cfg, err, sizeof(err));
	if (ret == 0)
		cfg_check(&cfg, buf, size + 1);
	else
		FUZZ_CHECK(ret == -EINVAL && err[0]);
	free(buf);
	return 0;
}
