// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>

#include "bus.h"

void bus_init(struct mmio_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
	pthread_rwlock_init(&bus->lock, NULL);
}

void bus_destroy(struct mmio_bus *bus)
{
	pthread_rwlock_destroy(&bus->lock);
}

int bus_add(struct mmio_bus *bus, uint64_t base, uint64_t size, const struct mmio_ops *ops,
	    void *opaque)
{
	unsigned i;
	int ret = 0;

	if (size == 0 || base + size < base)
		return -EINVAL;
	pthread_rwlock_wrlock(&bus->lock);
	if (bus->nr == BUS_MAX_REGIONS) {
		ret = -ENOSPC;
		goto out;
	}
	for (i = 0; i < bus->nr; i++) {
		struct mmio_region *r = &bus->regions[i];

		if (base < r->base + r->size && r->base < base + size) {
			ret = -EEXIST;
			goto out;
		}
		if (r->base > base)
			break;
	}
	memmove(&bus->regions[i + 1], &bus->regions[i], (bus->nr - i) * sizeof(bus->regions[0]));
	bus->regions[i] =
	    (struct mmio_region){ .base = base, .size = size, .ops = ops, .opaque = opaque };
	bus->nr++;
out:
	pthread_rwlock_unlock(&bus->lock);
	return ret;
}

/* Region containing the whole of [addr, addr + len), or NULL. Lock held. */
static struct mmio_region *bus_find(struct mmio_bus *bus, uint64_t addr, unsigned len)
{
	unsigned lo = 0, hi = bus->nr;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		struct mmio_region *r = &bus->regions[mid];

		if (addr < r->base) {
			hi = mid;
		} else if (addr - r->base >= r->size) {
			lo = mid + 1;
		} else {
			/* Straddling the end is refused rather than split. */
			if (len > r->size - (addr - r->base))
				return NULL;
			return r;
		}
	}
	return NULL;
}

bool bus_read_cpu(struct mmio_bus *bus, unsigned cpu, uint64_t addr, unsigned len, uint64_t *val)
{
	struct mmio_region *r;

	*val = 0;
	pthread_rwlock_rdlock(&bus->lock);
	r = bus_find(bus, addr, len);
	if (r && (r->ops->read_cpu || r->ops->read)) {
		__atomic_fetch_add(&r->hits, 1, __ATOMIC_RELAXED);
		if (r->ops->read_cpu)
			r->ops->read_cpu(r, cpu, addr - r->base, len, val);
		else
			r->ops->read(r, addr - r->base, len, val);
	} else if (!r) {
		__atomic_fetch_add(&bus->unhandled, 1, __ATOMIC_RELAXED);
	}
	pthread_rwlock_unlock(&bus->lock);
	return r != NULL;
}

bool bus_write_cpu(struct mmio_bus *bus, unsigned cpu, uint64_t addr, unsigned len, uint64_t val)
{
	struct mmio_region *r;

	pthread_rwlock_rdlock(&bus->lock);
	r = bus_find(bus, addr, len);
	if (r && (r->ops->write_cpu || r->ops->write)) {
		__atomic_fetch_add(&r->hits, 1, __ATOMIC_RELAXED);
		if (r->ops->write_cpu)
			r->ops->write_cpu(r, cpu, addr - r->base, len, val);
		else
			r->ops->write(r, addr - r->base, len, val);
	} else if (!r) {
		__atomic_fetch_add(&bus->unhandled, 1, __ATOMIC_RELAXED);
	}
	pthread_rwlock_unlock(&bus->lock);
	return r != NULL;
}

bool bus_read(struct mmio_bus *bus, uint64_t addr, unsigned len, uint64_t *val)
{
	return bus_read_cpu(bus, BUS_NO_CPU, addr, len, val);
}

bool bus_write(struct mmio_bus *bus, uint64_t addr, unsigned len, uint64_t val)
{
	return bus_write_cpu(bus, BUS_NO_CPU, addr, len, val);
}
