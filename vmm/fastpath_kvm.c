// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fast paths on KVM (Documentation/virt/kvm/api.rst: KVM_IOEVENTFD,
 * KVM_IRQFD, KVM_SET_GSI_ROUTING, KVM_SIGNAL_MSI).
 *
 * GSIs. On arm64 a GSI is only an index into the VM's routing table. When
 * the vGIC initialises, KVM installs GSI n -> irqchip 0, pin n for each SPI
 * (kvm_vgic_setup_default_irq_routing()), and pin n is SPI n, INTID 32 + n
 * (vgic_irqfd_set_irq()). INTx irqfds use GSI = SPI, so they work on that
 * default table; MSIs get GSIs from FP_MSI_GSI_BASE up, clear of any SPI.
 * An MSI's route is an MSI route (the ITS translates it), or, when the
 * irqchip turns MSIs into SPIs (GICv2m: msi_to_spi), an irqchip route to
 * that SPI's pin: the irqfd then pulses it, an edge, with no resampling.
 * KVM_SET_GSI_ROUTING replaces the whole table, so every table armlet sets
 * keeps an irqchip route for each bound INTx SPI: without one the irqfd
 * raises nothing, and the EOI is never resampled (KVM finds the resampler
 * through the table's pin -> GSI map, kvm_notify_acked_irq()).
 *
 * Locking: the ops serialise on fk->lock and never call out while holding
 * it; the resample thread takes it only to look up a binding, and calls the
 * transport's resample() without it.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../irqchip/irqchip.h"
#include "fastpath_kvm.h"
#include "kvm.h"
#include "vm.h"

/* Above the last SPI a GIC can have (INTID 1019, SPI 987). */
#define FP_MSI_GSI_BASE 1024
/* KVM_MAX_IRQ_ROUTES: KVM refuses GSIs at or above it. */
#define FP_MAX_GSI 4096
/* Resample event handle that means "stop". */
#define FP_STOP_ID 0

/* The widths a doorbell is registered for without KVM_CAP_IOEVENTFD_ANY_LENGTH. */
static const uint32_t doorbell_widths[] = {
	2, /* virtio-pci: the driver writes the 16-bit queue index (virtio 1.2 §4.1.5.2) */
	4, /* virtio-mmio QueueNotify and most other doorbells */
};

enum fp_kind {
	FP_MSI,
	FP_INTX,
};

struct fastpath_kvm_binding {
	int fd; /* the transport's eventfd: the key */
	enum fp_kind kind;
	uint32_t gsi;
	bool wanted; /* the transport wants it bound (queued until finalize) */
	bool bound;  /* KVM_IRQFD assigned */
	bool routed; /* KVM's table has this binding's route as it is now */
	struct msi_msg msg;
	int msi_spi; /* MSI only: the SPI msg raises (GICv2m), or -1 for an MSI route */
	/* INTx only. */
	int resample_fd; /* ours: KVM signals it at the guest's EOI */
	uint64_t id;	 /* the resample thread's handle */
	void (*resample)(void *opaque);
	void *opaque;
};

static void stat_inc(uint64_t *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/* --- bindings ------------------------------------------------------------------- */

static struct fastpath_kvm_binding *binding_find(struct fastpath_kvm *fk, int fd)
{
	for (unsigned i = 0; i < fk->nr_bindings; i++)
		if (fk->bindings[i].fd == fd)
			return &fk->bindings[i];
	return NULL;
}

static struct fastpath_kvm_binding *binding_new(struct fastpath_kvm *fk, int fd, enum fp_kind kind)
{
	struct fastpath_kvm_binding *b;

	if (fk->nr_bindings == fk->max_bindings) {
		unsigned max = fk->max_bindings ? 2 * fk->max_bindings : 16;

		b = realloc(fk->bindings, max * sizeof(*b));
		if (!b)
			return NULL;
		fk->bindings = b;
		fk->max_bindings = max;
	}
	b = &fk->bindings[fk->nr_bindings++];
	*b = (struct fastpath_kvm_binding){
		.fd = fd, .kind = kind, .resample_fd = -1, .msi_spi = -1
	};
	return b;
}

/* Forgets b, which must be unbound; pointers into the array are invalid after. */
static void binding_remove(struct fastpath_kvm *fk, struct fastpath_kvm_binding *b)
{
	if (b->resample_fd >= 0) {
		epoll_ctl(fk->epoll_fd, EPOLL_CTL_DEL, b->resample_fd, NULL);
		close(b->resample_fd);
	}
	*b = fk->bindings[--fk->nr_bindings];
}

/* --- the routing table ---------------------------------------------------------- */

static int routes_reserve(struct fastpath_kvm *fk, unsigned nr)
{
	struct kvm_irq_routing *r;

	if (nr <= fk->max_routes && fk->routes)
		return 0;
	r = realloc(fk->routes, sizeof(*r) + nr * sizeof(r->entries[0]));
	if (!r)
		return -ENOMEM;
	fk->routes = r;
	fk->max_routes = nr;
	return 0;
}

static bool routes_have_gsi(const struct fastpath_kvm *fk, uint32_t gsi)
{
	for (unsigned i = 0; fk->routes && i < fk->routes->nr; i++)
		if (fk->routes->entries[i].gsi == gsi)
			return true;
	return false;
}

static struct kvm_irq_routing_entry route_of(const struct fastpath_kvm *fk,
					     const struct fastpath_kvm_binding *b)
{
	struct kvm_irq_routing_entry e = { .gsi = b->gsi };

	if (b->kind == FP_INTX || b->msi_spi >= 0) {
		e.type = KVM_IRQ_ROUTING_IRQCHIP;
		e.u.irqchip.irqchip = 0; /* arm64 has one: the vGIC */
		e.u.irqchip.pin = b->kind == FP_INTX ? b->gsi : (uint32_t)b->msi_spi;
		return e;
	}
	e.type = KVM_IRQ_ROUTING_MSI;
	e.u.msi.address_lo = (uint32_t)b->msg.addr;
	e.u.msi.address_hi = (uint32_t)(b->msg.addr >> 32);
	e.u.msi.data = b->msg.data;
	if (fk->caps.msi_devid) {
		e.flags = KVM_MSI_VALID_DEVID;
		e.u.msi.devid = b->msg.devid;
	}
	return e;
}

/* Sets KVM's table to one route per binding (INTx lines that share an SPI share it). */
static int routes_commit(struct fastpath_kvm *fk)
{
	struct kvm_irq_routing *r;
	int ret = routes_reserve(fk, fk->nr_bindings);

	if (ret)
		return ret;
	r = fk->routes;
	r->nr = 0;
	r->flags = 0;
	for (unsigned i = 0; i < fk->nr_bindings; i++) {
		/* KVM allows one route per GSI and irqchip. */
		if (!routes_have_gsi(fk, fk->bindings[i].gsi))
			r->entries[r->nr++] = route_of(fk, &fk->bindings[i]);
	}
	stat_inc(&fk->stats.route_commits);
	if (ioctl(fk->vm->vm_fd, KVM_SET_GSI_ROUTING, r) < 0) {
		ret = -errno;
		r->nr = 0; /* KVM kept its old table: assume nothing of it */
		return ret;
	}
	fk->routes_set = true;
	for (unsigned i = 0; i < fk->nr_bindings; i++)
		fk->bindings[i].routed = true;
	return 0;
}

/* Whether b's route must be (re)committed before its irqfd can work. */
static bool route_needed(const struct fastpath_kvm *fk, const struct fastpath_kvm_binding *b)
{
	if (b->kind == FP_INTX) /* KVM's default table routes every SPI */
		return fk->routes_set && !routes_have_gsi(fk, b->gsi);
	return !b->routed;
}

/* --- irqfds --------------------------------------------------------------------- */

static int irqfd_assign(struct fastpath_kvm *fk, struct fastpath_kvm_binding *b)
{
	struct kvm_irqfd req = { .fd = (uint32_t)b->fd, .gsi = b->gsi };

	if (b->kind == FP_INTX) {
		req.flags = KVM_IRQFD_FLAG_RESAMPLE;
		req.resamplefd = (uint32_t)b->resample_fd;
	}
	/* KVM delivers at once what the eventfd counted while unbound. */
	if (ioctl(fk->vm->vm_fd, KVM_IRQFD, &req) < 0)
		return -errno;
	b->bound = true;
	stat_inc(&fk->stats.irqfd_binds);
	return 0;
}

static void irqfd_deassign(struct fastpath_kvm *fk, struct fastpath_kvm_binding *b)
{
	struct kvm_irqfd req = {
		.fd = (uint32_t)b->fd,
		.gsi = b->gsi,
		.flags = KVM_IRQFD_FLAG_DEASSIGN,
	};

	/* KVM waits for injections under way, and lowers a resampled line. */
	if (b->bound)
		ioctl(fk->vm->vm_fd, KVM_IRQFD, &req);
	b->bound = false;
}

/* Brings KVM in line with a wanted binding once the irqchip is finalised. */
static int binding_apply(struct fastpath_kvm *fk, struct fastpath_kvm_binding *b)
{
	int ret = 0;

	if (!fk->finalized)
		return 0; /* fastpath_kvm_finalize() will */
	if (route_needed(fk, b))
		ret = routes_commit(fk);
	if (!ret && !b->bound)
		ret = irqfd_assign(fk, b);
	return ret;
}

/* --- the ops -------------------------------------------------------------------- */

static int ioeventfd(struct fastpath_kvm *fk, uint64_t gpa, int fd, uint32_t len, uint32_t flags)
{
	/* MMIO: arm64 has no port I/O, so never KVM_IOEVENTFD_FLAG_PIO; no datamatch. */
	struct kvm_ioeventfd req = { .addr = gpa, .len = len, .fd = fd, .flags = flags };

	return ioctl(fk->vm->vm_fd, KVM_IOEVENTFD, &req) < 0 ? -errno : 0;
}

/* Doorbells touch no shared state: KVM serialises them itself. */
static int fk_doorbell_add(void *ctx, uint64_t gpa, int fd)
{
	struct fastpath_kvm *fk = ctx;
	int ret = 0;

	if (!fk->caps.ioeventfd)
		return -ENOSYS;
	if (fk->caps.ioeventfd_any_len)
		return ioeventfd(fk, gpa, fd, 0, 0);
	/*
	 * One ioeventfd per width. KVM allows it: ioeventfds at one address
	 * collide only when a length matches or one is 0
	 * (ioeventfd_check_collision()). Other widths exit as usual.
	 */
	for (unsigned i = 0; i < sizeof(doorbell_widths) / sizeof(doorbell_widths[0]); i++) {
		ret = ioeventfd(fk, gpa, fd, doorbell_widths[i], 0);
		if (ret) {
			while (i-- > 0)
				ioeventfd(fk, gpa, fd, doorbell_widths[i],
					  KVM_IOEVENTFD_FLAG_DEASSIGN);
			break;
		}
	}
	return ret;
}

static int fk_doorbell_del(void *ctx, uint64_t gpa, int fd)
{
	struct fastpath_kvm *fk = ctx;
	int ret = 0;

	if (!fk->caps.ioeventfd)
		return -ENOSYS;
	if (fk->caps.ioeventfd_any_len)
		return ioeventfd(fk, gpa, fd, 0, KVM_IOEVENTFD_FLAG_DEASSIGN);
	for (unsigned i = 0; i < sizeof(doorbell_widths) / sizeof(doorbell_widths[0]); i++) {
		int r = ioeventfd(fk, gpa, fd, doorbell_widths[i], KVM_IOEVENTFD_FLAG_DEASSIGN);

		ret = ret ?: r;
	}
	return ret;
}

/* The MSI binding for fd, made if need be. Returns NULL with ret set. */
static struct fastpath_kvm_binding *msi_binding_get(struct fastpath_kvm *fk, int fd, int *ret)
{
	struct fastpath_kvm_binding *b = binding_find(fk, fd);

	*ret = 0;
	if (b && b->kind == FP_MSI)
		return b;
	/* An INTx binding exists only while bound: unbind it first. */
	*ret = -EBUSY;
	if (b)
		return NULL;
	*ret = -ENOSPC;
	if (fk->next_msi_gsi >= FP_MAX_GSI)
		return NULL;
	*ret = -ENOMEM;
	b = binding_new(fk, fd, FP_MSI);
	if (b)
		b->gsi = fk->next_msi_gsi++; /* kept for later binds of this fd */
	return b;
}

/*
 * Where msg goes: *spi is the SPI it raises when the irqchip turns MSIs
 * into SPIs (GICv2m), -1 when the kernel takes MSIs itself (the ITS).
 * Returns -EINVAL when the irqchip would drop msg (a bad address or data).
 */
static int msi_target(const struct fastpath_kvm *fk, const struct msi_msg *msg, int *spi)
{
	const struct irqchip_ops *chip = fk->vm->irqchip;

	*spi = -1;
	if (!chip->msi_to_spi)
		return 0;
	*spi = chip->msi_to_spi(fk->vm, msg->addr, msg->data);
	return *spi < 0 ? *spi : 0;
}

static int fk_msi_bind(void *ctx, int fd, const struct msi_msg *msg)
{
	struct fastpath_kvm *fk = ctx;
	struct fastpath_kvm_binding *b;
	int spi, ret = 0;

	if (!fk->can_msi_bind)
		return -ENOSYS;
	/* Refused before anything changes: the transport unbinds and goes slow. */
	ret = msi_target(fk, msg, &spi);
	if (ret)
		return ret;
	pthread_mutex_lock(&fk->lock);
	b = msi_binding_get(fk, fd, &ret);
	if (b) {
		if (memcmp(&b->msg, msg, sizeof(*msg)) != 0) {
			b->msg = *msg;
			b->msi_spi = spi;
			b->routed = false;
		}
		b->wanted = true;
		ret = binding_apply(fk, b);
		if (ret)
			b->wanted = b->bound;
	}
	pthread_mutex_unlock(&fk->lock);
	return ret;
}

static void fk_msi_unbind(void *ctx, int fd)
{
	struct fastpath_kvm *fk = ctx;
	struct fastpath_kvm_binding *b;

	pthread_mutex_lock(&fk->lock);
	b = binding_find(fk, fd);
	/* The GSI and its route stay: the next bind reuses them. */
	if (b && b->kind == FP_MSI) {
		irqfd_deassign(fk, b);
		b->wanted = false;
	}
	pthread_mutex_unlock(&fk->lock);
}

/* A new INTx binding with its resamplefd watched by the resample thread. */
static struct fastpath_kvm_binding *intx_binding_new(struct fastpath_kvm *fk, int fd, unsigned spi,
						     int *ret)
{
	struct fastpath_kvm_binding *b = binding_new(fk, fd, FP_INTX);
	struct epoll_event ev = { .events = EPOLLIN };

	*ret = -ENOMEM;
	if (!b)
		return NULL;
	b->gsi = spi;
	b->id = ev.data.u64 = ++fk->next_id;
	b->resample_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->resample_fd < 0 || epoll_ctl(fk->epoll_fd, EPOLL_CTL_ADD, b->resample_fd, &ev)) {
		*ret = -errno;
		binding_remove(fk, b);
		return NULL;
	}
	*ret = 0;
	return b;
}

/* The INTx binding for fd on spi, made if need be. Returns NULL with ret set. */
static struct fastpath_kvm_binding *intx_binding_get(struct fastpath_kvm *fk, int fd, unsigned spi,
						     int *ret)
{
	struct fastpath_kvm_binding *b = binding_find(fk, fd);

	*ret = 0;
	if (b && b->kind == FP_INTX && b->gsi == spi)
		return b; /* a new callback for the same line */
	/* Bound to another line, or as an MSI: unbind first. */
	*ret = -EBUSY;
	if (b && (b->kind == FP_INTX || b->wanted))
		return NULL;
	if (b)
		binding_remove(fk, b); /* an unbound MSI binding of a reused fd number */
	return intx_binding_new(fk, fd, spi, ret);
}

static int fk_intx_bind(void *ctx, unsigned spi, int fd, void (*resample)(void *opaque),
			void *opaque)
{
	struct fastpath_kvm *fk = ctx;
	struct fastpath_kvm_binding *b;
	int ret = 0;

	if (!fk->can_intx)
		return -ENOSYS;
	if (spi >= FP_MSI_GSI_BASE)
		return -EINVAL;
	pthread_mutex_lock(&fk->lock);
	b = intx_binding_get(fk, fd, spi, &ret);
	if (b) {
		b->resample = resample;
		b->opaque = opaque;
		b->wanted = true;
		ret = binding_apply(fk, b);
		if (ret && !b->bound)
			binding_remove(fk, b);
	}
	pthread_mutex_unlock(&fk->lock);
	return ret;
}

static void fk_intx_unbind(void *ctx, int fd)
{
	struct fastpath_kvm *fk = ctx;
	struct fastpath_kvm_binding *b;

	pthread_mutex_lock(&fk->lock);
	b = binding_find(fk, fd);
	if (b && b->kind == FP_INTX) {
		irqfd_deassign(fk, b);
		binding_remove(fk, b);
	}
	pthread_mutex_unlock(&fk->lock);
}

/* An MSI the irqchip turns into SPI spi: the edge its frame would make. */
static int msi_send_spi(struct fastpath_kvm *fk, unsigned spi)
{
	struct vm *vm = fk->vm;
	int ret = vm->irqchip->set_line(vm, spi, true);

	return ret ?: vm->irqchip->set_line(vm, spi, false);
}

static int fk_msi_send(void *ctx, const struct msi_msg *msg)
{
	struct fastpath_kvm *fk = ctx;
	struct kvm_msi m = {
		.address_lo = (uint32_t)msg->addr,
		.address_hi = (uint32_t)(msg->addr >> 32),
		.data = msg->data,
	};

	if (!fk->can_msi_send)
		return -ENOSYS;
	if (fk->vm->irqchip->msi_to_spi) {
		int spi, ret = msi_target(fk, msg, &spi);

		stat_inc(&fk->stats.msi_sends);
		/* One the frame would ignore is dropped, as on hardware. */
		return ret ?: msi_send_spi(fk, (unsigned)spi);
	}
	if (fk->caps.msi_devid) {
		m.flags = KVM_MSI_VALID_DEVID;
		m.devid = msg->devid;
	}
	stat_inc(&fk->stats.msi_sends);
	vm_count_irq_ioctl(&fk->vm->irq_ioctl);
	/* 0 means the guest has not mapped the event: dropped, as on hardware. */
	return ioctl(fk->vm->vm_fd, KVM_SIGNAL_MSI, &m) < 0 ? -errno : 0;
}

static int fk_spi_set(void *ctx, unsigned spi, bool level)
{
	struct fastpath_kvm *fk = ctx;

	stat_inc(&fk->stats.spi_sets);
	return fk->vm->irqchip->set_line(fk->vm, spi, level);
}

static const struct fastpath_ops fastpath_kvm_ops = {
	.doorbell_add = fk_doorbell_add,
	.doorbell_del = fk_doorbell_del,
	.msi_bind = fk_msi_bind,
	.msi_unbind = fk_msi_unbind,
	.intx_bind = fk_intx_bind,
	.intx_unbind = fk_intx_unbind,
	.msi_send = fk_msi_send,
	.spi_set = fk_spi_set,
};

/* --- the resample thread -------------------------------------------------------- */

/* One EOI of a bound INTx line: clears the resamplefd, then tells the transport. */
static void resample_one(struct fastpath_kvm *fk, uint64_t id)
{
	void (*resample)(void *opaque) = NULL;
	void *opaque = NULL;
	uint64_t count;

	pthread_mutex_lock(&fk->lock);
	for (unsigned i = 0; i < fk->nr_bindings; i++) {
		struct fastpath_kvm_binding *b = &fk->bindings[i];

		if (b->kind != FP_INTX || b->id != id)
			continue;
		if (read(b->resample_fd, &count, sizeof(count)) == sizeof(count)) {
			resample = b->resample;
			opaque = b->opaque;
		}
		break;
	}
	pthread_mutex_unlock(&fk->lock);
	/* Unlocked: the transport may bind, unbind or raise from here. */
	if (resample) {
		stat_inc(&fk->stats.resamples);
		resample(opaque);
	}
}

static void *resample_thread(void *arg)
{
	struct fastpath_kvm *fk = arg;
	struct epoll_event ev[16];

	for (;;) {
		int n = epoll_wait(fk->epoll_fd, ev, sizeof(ev) / sizeof(ev[0]), -1);

		if (n < 0 && errno != EINTR)
			return NULL;
		for (int i = 0; i < n; i++) {
			if (ev[i].data.u64 == FP_STOP_ID)
				return NULL;
			resample_one(fk, ev[i].data.u64);
		}
	}
}

/* --- lifecycle ------------------------------------------------------------------ */

static void caps_probe(struct fastpath_kvm *fk)
{
	struct vm *vm = fk->vm;
	struct fastpath_kvm_caps *c = &fk->caps;
	bool in_kernel = vm->irqchip && vm->irqchip_fd >= 0, in_kernel_msi, msi_as_spi;

	c->ioeventfd = kvm_check_cap(vm, KVM_CAP_IOEVENTFD) > 0;
	c->ioeventfd_any_len = kvm_check_cap(vm, KVM_CAP_IOEVENTFD_ANY_LENGTH) > 0;
	c->irqfd = kvm_check_cap(vm, KVM_CAP_IRQFD) > 0;
	c->irqfd_resample = kvm_check_cap(vm, KVM_CAP_IRQFD_RESAMPLE) > 0;
	c->irq_routing = kvm_check_cap(vm, KVM_CAP_IRQ_ROUTING) > 0;
	c->signal_msi = kvm_check_cap(vm, KVM_CAP_SIGNAL_MSI) > 0;
	/* Per VM: 1 once an ITS device exists. */
	c->msi_devid = kvm_check_cap(vm, KVM_CAP_MSI_DEVID) > 0;
	in_kernel_msi = in_kernel && vm->irqchip->msi_phandle;
	/*
	 * KVM_SIGNAL_MSI needs an ITS; MSIs that are SPIs go through the
	 * irqchip's set_line() (KVM_IRQ_LINE, or a GIC in armlet: gicv2-user).
	 */
	msi_as_spi = vm->irqchip && vm->irqchip->msi_to_spi;
	fk->can_msi_bind = in_kernel_msi && c->irqfd && c->irq_routing;
	fk->can_msi_send = msi_as_spi || (in_kernel_msi && c->signal_msi);
	fk->can_intx = in_kernel && c->irqfd && c->irqfd_resample;
}

int fastpath_kvm_init(struct fastpath_kvm *fk, struct vm *vm)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = FP_STOP_ID };
	int ret;

	*fk = (struct fastpath_kvm){
		.vm = vm,
		.next_msi_gsi = FP_MSI_GSI_BASE,
		.epoll_fd = -1,
		.stop_fd = -1,
	};
	ret = -pthread_mutex_init(&fk->lock, NULL);
	if (ret) {
		fk->vm = NULL;
		return ret;
	}
	caps_probe(fk);
	fk->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	fk->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fk->epoll_fd < 0 || fk->stop_fd < 0 ||
	    epoll_ctl(fk->epoll_fd, EPOLL_CTL_ADD, fk->stop_fd, &ev)) {
		ret = -errno;
		fastpath_kvm_destroy(fk);
		return ret;
	}
	return 0;
}

void fastpath_kvm_get(struct fastpath_kvm *fk, struct fastpath *out)
{
	*out = (struct fastpath){ .ops = &fastpath_kvm_ops, .ctx = fk };
}

int fastpath_kvm_finalize(struct fastpath_kvm *fk)
{
	bool any_msi = false;
	int ret = 0;

	pthread_mutex_lock(&fk->lock);
	fk->finalized = true;
	for (unsigned i = 0; i < fk->nr_bindings; i++)
		any_msi |= fk->bindings[i].kind == FP_MSI;
	/* Routes first: an irqfd fires as soon as it is assigned if its eventfd counted. */
	if (any_msi)
		ret = routes_commit(fk);
	for (unsigned i = 0; i < fk->nr_bindings && !ret; i++)
		if (fk->bindings[i].wanted && !fk->bindings[i].bound)
			ret = irqfd_assign(fk, &fk->bindings[i]);
	pthread_mutex_unlock(&fk->lock);
	if (!ret && fk->can_intx) {
		ret = -pthread_create(&fk->thread, NULL, resample_thread, fk);
		fk->thread_started = ret == 0;
	}
	return ret;
}

void fastpath_kvm_stats_read(const struct fastpath_kvm *fk, struct fastpath_kvm_stats *out)
{
	out->irqfd_binds = __atomic_load_n(&fk->stats.irqfd_binds, __ATOMIC_RELAXED);
	out->route_commits = __atomic_load_n(&fk->stats.route_commits, __ATOMIC_RELAXED);
	out->msi_sends = __atomic_load_n(&fk->stats.msi_sends, __ATOMIC_RELAXED);
	out->spi_sets = __atomic_load_n(&fk->stats.spi_sets, __ATOMIC_RELAXED);
	out->resamples = __atomic_load_n(&fk->stats.resamples, __ATOMIC_RELAXED);
}

void fastpath_kvm_destroy(struct fastpath_kvm *fk)
{
	uint64_t one = 1;

	if (!fk->vm)
		return;
	if (fk->thread_started && write(fk->stop_fd, &one, sizeof(one)) == sizeof(one))
		pthread_join(fk->thread, NULL);
	fk->thread_started = false;
	while (fk->nr_bindings) {
		irqfd_deassign(fk, &fk->bindings[0]);
		binding_remove(fk, &fk->bindings[0]);
	}
	if (fk->epoll_fd >= 0)
		close(fk->epoll_fd);
	if (fk->stop_fd >= 0)
		close(fk->stop_fd);
	free(fk->bindings);
	free(fk->routes);
	pthread_mutex_destroy(&fk->lock);
	fk->vm = NULL;
}
