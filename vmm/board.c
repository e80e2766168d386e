// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../virtio/9p.h"
#include "../virtio/blk.h"
#include "../virtio/console.h"
#include "../virtio/net.h"
#include "../virtio/pci.h"
#include "../virtio/rng.h"
#include "../virtio/vsock.h"
#include "board.h"
#include "log.h"

enum board_virtio_kind { BOARD_BLK, BOARD_CONSOLE, BOARD_RNG, BOARD_VSOCK, BOARD_9P, BOARD_NET };

static const char *const board_virtio_kind_names[] = {
	[BOARD_BLK] = "blk",	 [BOARD_CONSOLE] = "console", [BOARD_RNG] = "rng",
	[BOARD_VSOCK] = "vsock", [BOARD_9P] = "9p",	      [BOARD_NET] = "net",
};

/* One virtio device and its transport; allocated whole, never moved. */
struct board_virtio {
	struct virtio_pci vp;
	enum board_virtio_kind kind;
	struct virtio_dev *dev; /* set once the device's init succeeded */
	/* virtio_pci_init() succeeded: virtio_pci_destroy() is owed, and destroys dev. */
	bool vp_ready;
	union {
		struct blk blk;
		struct virtio_console console;
		struct virtio_rng rng;
		struct virtio_vsock vsock;
		struct virtio_9p p9;
		struct virtio_net net;
	} u;
};

static int board_add_pci_host(struct board *b, char *err, size_t len)
{
	struct vm *vm = b->vm;
	struct pci_host *host = &b->pci;
	int ret;

	pci_host_init(host);
	b->pci_ready = true;
	for (unsigned i = 0; i < PCI_NR_INTX; i++)
		host->intx_spi[i] = LAYOUT_SPI_PCI_INTA + i;
	host->mmio64_base = vm->pci_mmio64_base;
	host->mmio64_size = vm->pci_mmio64_size;
	host->msi_parent_phandle = vm->irqchip->msi_phandle;
	host->msi_devid = vm->irqchip->msi_devid;
	ret = bus_add(&vm->bus, layout_base(LAYOUT_PCI_ECAM), layout_size(LAYOUT_PCI_ECAM),
		      &pci_ecam_mmio_ops, host);
	ret = ret
		  ?: bus_add(&vm->bus, layout_base(LAYOUT_PCI_MMIO), layout_size(LAYOUT_PCI_MMIO),
			     &pci_mem_window_mmio_ops, host);
	ret = ret
		  ?: bus_add(&vm->bus, layout_base(LAYOUT_PCI_IO), layout_size(LAYOUT_PCI_IO),
			     &pci_io_window_mmio_ops, host);
	if (!ret && host->mmio64_size)
		ret = bus_add(&vm->bus, host->mmio64_base, host->mmio64_size,
			      &pci_mem_window_mmio_ops, host);
	if (ret)
		return err_set(err, len, ret, "cannot map the PCI host bridge: %s", strerror(-ret));
	return 0;
}

/* Allocates the next device slot; the caller fills u and calls board_attach(). */
static struct board_virtio *board_new_virtio(struct board *b, enum board_virtio_kind kind)
{
	struct board_virtio *bv;

	if (b->nr_virtio == BOARD_MAX_VIRTIO)
		return NULL;
	bv = calloc(1, sizeof(*bv));
	if (bv) {
		bv->kind = kind;
		b->virtio[b->nr_virtio++] = bv;
	}
	return bv;
}

static int board_attach(struct board *b, struct board_virtio *bv, struct virtio_dev *dev, char *err,
			size_t len)
{
	struct fastpath fp;
	int ret;

	bv->dev = dev;
	fastpath_kvm_get(&b->fk, &fp);
	ret = virtio_pci_init(&bv->vp, dev, &fp, err, len);
	if (ret)
		return ret;
	bv->vp_ready = true;
	ret = virtio_pci_add(&bv->vp, &b->pci);
	if (ret)
		return err_set(err, len, ret, "%s: cannot add it to the PCI bus: %s", dev->name,
			       strerror(-ret));
	return 0;
}

static int board_add_disk(struct board *b, unsigned index, const char *arg, char *err, size_t len)
{
	struct blk_spec *spec = malloc(sizeof(*spec));
	struct board_virtio *bv;
	char why[256];
	int ret;

	if (!spec)
		return -ENOMEM;
	ret = blk_spec_parse(arg, spec, why, sizeof(why));
	if (ret) {
		free(spec);
		return err_set(err, len, ret, "--disk %s: %s", arg, why);
	}
	bv = board_new_virtio(b, BOARD_BLK);
	/* One queue per vCPU (virtio-blk MQ), so no two vCPUs contend for a queue. */
	ret = bv ? blk_init(&bv->u.blk, spec, b->vm->nr_vcpus, &b->vm->mem, index, why, sizeof(why))
		 : -ENOMEM;
	free(spec);
	if (ret)
		return err_set(err, len, ret, "--disk %s: %s", arg, bv ? why : strerror(-ret));
	return board_attach(b, bv, &bv->u.blk.vdev, err, len);
}

static int board_add_console(struct board *b, char *err, size_t len)
{
	struct board_virtio *bv = board_new_virtio(b, BOARD_CONSOLE);
	int ret;

	if (!bv)
		return -ENOMEM;
	ret = virtio_console_init(&bv->u.console, STDOUT_FILENO, b->vm->console_log_fd, &b->vm->mem,
				  err, len);
	if (ret)
		return ret;
	b->console = &bv->u.console;
	b->console->first_output = &b->vm->t_first_output;
	return board_attach(b, bv, &bv->u.console.vdev, err, len);
}

static int board_add_rng(struct board *b, char *err, size_t len)
{
	struct board_virtio *bv = board_new_virtio(b, BOARD_RNG);
	int ret;

	if (!bv)
		return -ENOMEM;
	ret = virtio_rng_init(&bv->u.rng, &b->vm->mem, err, len);
	return ret ?: board_attach(b, bv, &bv->u.rng.vdev, err, len);
}

static int board_add_vsock(struct board *b, uint32_t cid, char *err, size_t len)
{
	struct board_virtio *bv = board_new_virtio(b, BOARD_VSOCK);
	int ret;

	if (!bv)
		return -ENOMEM;
	ret = virtio_vsock_init(&bv->u.vsock, cid, &b->vm->mem, VSOCK_DEFAULT_DEV, NULL, err, len);
	return ret ?: board_attach(b, bv, &bv->u.vsock.vdev, err, len);
}

static int board_add_share(struct board *b, unsigned index, const char *arg, char *err, size_t len)
{
	struct p9_spec *spec = malloc(sizeof(*spec));
	struct board_virtio *bv;
	char why[128];
	int ret;

	if (!spec)
		return -ENOMEM;
	ret = p9_spec_parse(arg, spec, why, sizeof(why));
	if (ret) {
		free(spec);
		return err_set(err, len, ret, "--9p %s: %s", arg, why);
	}
	bv = board_new_virtio(b, BOARD_9P);
	ret = bv ? virtio_9p_init(&bv->u.p9, spec, index, &b->vm->mem, err, len) : -ENOMEM;
	free(spec);
	return ret ?: board_attach(b, bv, &bv->u.p9.vdev, err, len);
}

/* One -n NIC (index counts the NICs, for default MACs and names); mode=none adds nothing. */
static int board_add_net(struct board *b, unsigned *index, const char *arg, char *err, size_t len)
{
	static const struct net_backend_ops *const ops[] = {
		[NET_MODE_USER] = &net_user_ops,
		[NET_MODE_TAP] = &net_tap_ops,
	};
	struct board_virtio *bv;
	struct net_spec spec;
	char why[320];
	int ret;

	ret = net_spec_parse(arg, &spec, why, sizeof(why));
	if (ret)
		return err_set(err, len, ret, "--network: %s", why);
	if (spec.mode == NET_MODE_NONE)
		return 0;
	bv = board_new_virtio(b, BOARD_NET);
	if (!bv)
		return -ENOMEM;
	ret = virtio_net_init(&bv->u.net, &spec, (*index)++, b->vm->cfg->name,
			      spec.vhost ? &net_vhost_ops : ops[spec.mode], &b->vm->mem, err, len);
	if (ret)
		return ret;
	bv->dev = &bv->u.net.vdev; /* from here, destroy() owns what the backend opens */
	ret = spec.mode == NET_MODE_TAP ? net_tap_open(&bv->u.net, err, len)
					: net_user_open(&bv->u.net, err, len);
	return ret ?: board_attach(b, bv, &bv->u.net.vdev, err, len);
}

static int board_add_nets(struct board *b, char *err, size_t len)
{
	const struct vm_config *cfg = b->vm->cfg;
	unsigned index = 0;
	int ret = 0;

	/* Like kvmtool: one user-mode NIC unless told otherwise. */
	if (!cfg->nr_nets && !cfg->nodefaults)
		return board_add_net(b, &index, "mode=user", err, len);
	for (unsigned i = 0; !ret && i < cfg->nr_nets; i++)
		ret = board_add_net(b, &index, cfg->nets[i], err, len);
	return ret;
}

int board_init(struct board *b, struct vm *vm, char *err, size_t len)
{
	const struct vm_config *cfg = vm->cfg;
	int ret;

	memset(b, 0, sizeof(*b));
	b->vm = vm;
	ret = fastpath_kvm_init(&b->fk, vm);
	if (ret)
		return err_set(err, len, ret, "cannot set up ioeventfd/irqfd: %s", strerror(-ret));
	b->fk_ready = true;
	ret = board_add_pci_host(b, err, len);
	for (unsigned i = 0; !ret && i < cfg->nr_disks; i++)
		ret = board_add_disk(b, i, cfg->disks[i], err, len);
	if (!ret && cfg->console == CONSOLE_VIRTIO)
		ret = board_add_console(b, err, len);
	if (!ret && cfg->rng)
		ret = board_add_rng(b, err, len);
	for (unsigned i = 0; !ret && i < cfg->nr_shares; i++)
		ret = board_add_share(b, i, cfg->shares[i], err, len);
	if (!ret && cfg->vsock_cid)
		ret = board_add_vsock(b, cfg->vsock_cid, err, len);
	if (!ret)
		ret = board_add_nets(b, err, len);
	if (ret == -ENOMEM && !err[0])
		err_set(err, len, ret, "out of memory for the virtio devices");
	return ret;
}

int board_finalize(struct board *b, char *err, size_t len)
{
	int ret = fastpath_kvm_finalize(&b->fk);

	if (ret)
		return err_set(err, len, ret, "cannot enable irqfds: %s", strerror(-ret));
	return 0;
}

size_t board_console_input(void *board, const uint8_t *buf, size_t n)
{
	struct board *b = board;

	return b->console ? virtio_console_input(b->console, buf, n) : 0;
}

/*
 * pci_host_reset() takes each device back to power-on: config space, BAR
 * decode and doorbells, the virtio device as after its driver's reset
 * (its threads stopped), MSI-X and INTx. The devices are all quiet then,
 * so the INTx lines go low: a line an irqfd raised stays up in KVM until
 * the guest's EOI, which the guest that reset will never send.
 */
void board_reset(struct board *b)
{
	if (!b->pci_ready)
		return;
	pci_host_reset(&b->pci);
	for (unsigned i = 0; i < PCI_NR_INTX; i++)
		b->vm->irqchip->set_line(b->vm, b->pci.intx_spi[i], false);
}

void board_stop(struct board *b)
{
	if (b->stopped)
		return;
	b->stopped = true;
	/* Devices first: their resample callbacks may run until the fast paths stop. */
	for (unsigned i = 0; i < b->nr_virtio; i++)
		if (b->virtio[i]->vp_ready)
			virtio_pci_destroy(&b->virtio[i]->vp);
	if (b->fk_ready)
		fastpath_kvm_destroy(&b->fk);
	b->fk_ready = false;
}

void board_destroy(struct board *b)
{
	board_stop(b);
	for (unsigned i = 0; i < b->nr_virtio; i++) {
		struct board_virtio *bv = b->virtio[i];

		/* A device whose transport never took it still owns what its init made. */
		if (!bv->vp_ready && bv->dev && bv->dev->ops->destroy)
			bv->dev->ops->destroy(bv->dev);
		free(bv);
	}
	b->nr_virtio = 0;
	if (b->pci_ready)
		pci_host_destroy(&b->pci);
	b->pci_ready = false;
}

bool board_has_net(const struct board *b)
{
	for (unsigned i = 0; i < b->nr_virtio; i++)
		if (b->virtio[i]->kind == BOARD_NET)
			return true;
	return false;
}

uint64_t board_irq_irqfd(const struct board *b)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < b->nr_virtio; i++) {
		struct virtio_pci_stats st;

		if (!b->virtio[i]->vp_ready)
			continue;
		virtio_pci_stats_get(&b->virtio[i]->vp, &st);
		sum += st.irq_irqfd;
	}
	return sum;
}

void board_summary(const struct board *b, struct json *j)
{
	json_object_begin(j, "pci");
	json_u64(j, "cfg_reads", b->pci.cfg_reads);
	json_u64(j, "cfg_writes", b->pci.cfg_writes);
	json_u64(j, "bar_accesses", b->pci.bar_accesses);
	json_u64(j, "bar_absent", b->pci.bar_absent);
	json_object_end(j);
	json_object_begin(j, "devices");
	for (unsigned i = 0; i < b->nr_virtio; i++) {
		const struct virtio_pci *vp = &b->virtio[i]->vp;
		const struct virtio_dev *dev = b->virtio[i]->dev;
		struct virtio_pci_stats st;
		uint64_t kicks, mmio;

		if (!b->virtio[i]->vp_ready)
			continue;
		virtio_pci_stats_get(vp, &st);
		virtio_pci_kicks(vp, &kicks, &mmio);
		json_object_begin(j, dev->name);
		json_string(j, "type", board_virtio_kind_names[b->virtio[i]->kind]);
		json_u64(j, "pci_slot", vp->pci.slot);
		json_bool(j, "msix", __atomic_load_n(&vp->msix_enabled, __ATOMIC_RELAXED));
		json_u64(j, "kicks_ioeventfd", kicks);
		json_u64(j, "kicks_mmio", mmio);
		json_u64(j, "irq_irqfd", st.irq_irqfd);
		json_u64(j, "irq_slow", st.irq_slow);
		json_u64(j, "irq_masked", st.irq_masked);
		json_u64(j, "config_changes", st.config_changes);
		json_u64(j, "resets", st.resets);
		json_u64(j, "requests", dev->stats.requests);
		json_u64(j, "bytes_read", dev->stats.bytes_read);
		json_u64(j, "bytes_written", dev->stats.bytes_written);
		json_u64(j, "errors", dev->stats.errors);
		if (b->virtio[i]->kind == BOARD_NET) {
			const struct net_stats *ns = &((const struct virtio_net *)dev->priv)->stats;

			json_u64(j, "tx_frames", __atomic_load_n(&ns->tx_frames, __ATOMIC_RELAXED));
			json_u64(j, "rx_frames", __atomic_load_n(&ns->rx_frames, __ATOMIC_RELAXED));
			json_u64(j, "tx_dropped",
				 __atomic_load_n(&ns->tx_dropped, __ATOMIC_RELAXED));
			json_u64(j, "rx_dropped",
				 __atomic_load_n(&ns->rx_dropped, __ATOMIC_RELAXED));
		}
		json_object_end(j);
	}
	json_object_end(j);
}
