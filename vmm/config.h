/* SPDX-License-Identifier: GPL-2.0-only */
/* What `armlet run` was asked to do: the parsed command line, nothing more. */
#ifndef ARMLET_CONFIG_H
#define ARMLET_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "../irqchip/irqchip.h"
#include "log.h"

#define CONFIG_MAX_DISKS  8
#define CONFIG_MAX_SHARES 8
#define CONFIG_MAX_NICS	  8

enum console_kind {
	CONSOLE_SERIAL, /* the 16550 UART: ttyS0 */
	CONSOLE_VIRTIO, /* virtio-console: hvc0 */
};

#define CONFIG_DEFAULT_RAM (256ULL << 20)
#define CONFIG_MIN_RAM	   (16ULL << 20)

struct vm_config {
	const char *kernel;   /* -k: Image, Image.gz or flat binary */
	const char *initrd;   /* -i: NULL for none */
	const char *params;   /* -p: kernel command line, "" for none */
	const char *name;     /* --name: NULL for an anonymous VM */
	const char *dump_dtb; /* --dump-dtb: write the DTB here and exit */
	uint64_t ram_size;    /* -m: bytes, multiple of 2 MiB */
	/* -d: PATH[,ro][,direct][,io=...] each, parsed by blk_spec_parse() */
	const char *disks[CONFIG_MAX_DISKS];
	unsigned nr_disks;
	/* --9p: DIR,TAG[,ro] each, parsed by p9_spec_parse() */
	const char *shares[CONFIG_MAX_SHARES];
	unsigned nr_shares;
	uint32_t vsock_cid; /* --vsock: the guest's CID, 0 for no virtio-vsock */
	/* -n: mode=...[,tapif=...] each, parsed by net_spec_parse() */
	const char *nets[CONFIG_MAX_NICS];
	unsigned nr_nets;
	enum console_kind console; /* --console */
	const char *console_log;   /* --console-log: a copy of the guest's output */
	const char *stats_path;	   /* --stats=FILE; "-" for stderr; NULL: no summary */
	unsigned timeout;	   /* --timeout: seconds, 0 for none */
	unsigned nr_cpus;	   /* -c */
	enum irqchip_model irqchip;
	enum log_level loglevel;
	bool nodefaults; /* no default devices */
	bool pmu;	 /* expose PMUv3 */
	bool testdev;	 /* map the armlet test device */
	bool rng;	 /* --rng: virtio-rng */
	bool reboot;	 /* --reboot: a guest reset restarts the VM instead of ending it */
	bool no_sandbox; /* --sandbox=off: no seccomp filter (debugging) */
	bool help;	 /* -h: print usage, run nothing */
};

#endif
