// SPDX-License-Identifier: GPL-2.0-only
/* The checked guest-memory accessor and the MMIO bus, with a recording device. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../vmm/bus.h"
#include "../../vmm/mem.h"
#include "suites.h"

/* --- guest_ptr ------------------------------------------------------------ */

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE 0x10000ULL

static uint8_t ram_buf[RAM_SIZE];
static const struct guest_mem ram = { .gpa = RAM_BASE, .size = RAM_SIZE, .hva = ram_buf };

START_TEST(test_guest_ptr_inside)
{
	ck_assert_ptr_eq(guest_ptr(&ram, RAM_BASE, 1), ram_buf);
	ck_assert_ptr_eq(guest_ptr(&ram, RAM_BASE, RAM_SIZE), ram_buf);
	ck_assert_ptr_eq(guest_ptr(&ram, RAM_BASE, 0), ram_buf);
	ck_assert_ptr_eq(guest_ptr(&ram, RAM_BASE + 0x1234, 0x100), ram_buf + 0x1234);
	ck_assert_ptr_eq(guest_ptr(&ram, RAM_BASE + RAM_SIZE - 1, 1), ram_buf + RAM_SIZE - 1);
	ck_assert_ptr_eq(guest_ptr(&ram, RAM_BASE + RAM_SIZE - 8, 8), ram_buf + RAM_SIZE - 8);
	/* An empty range at the very end is allowed (a one-past-the-end pointer). */
	ck_assert_ptr_eq(guest_ptr(&ram, RAM_BASE + RAM_SIZE, 0), ram_buf + RAM_SIZE);
}
END_TEST

START_TEST(test_guest_ptr_outside)
{
	ck_assert_ptr_null(guest_ptr(&ram, RAM_BASE + RAM_SIZE, 1));
	ck_assert_ptr_null(guest_ptr(&ram, RAM_BASE + RAM_SIZE + 1, 0));
	ck_assert_ptr_null(guest_ptr(&ram, RAM_BASE + RAM_SIZE - 1, 2));
	ck_assert_ptr_null(guest_ptr(&ram, RAM_BASE, RAM_SIZE + 1));
	ck_assert_ptr_null(guest_ptr(&ram, RAM_BASE - 1, 1));
	ck_assert_ptr_null(guest_ptr(&ram, RAM_BASE - 1, 2)); /* straddles the start */
	ck_assert_ptr_null(guest_ptr(&ram, RAM_BASE - 1, 0));
	ck_assert_ptr_null(guest_ptr(&ram, 0, 0));
	ck_assert_ptr_null(guest_ptr(&ram, 0, RAM_BASE + 1));
}
END_TEST

START_TEST(test_guest_ptr_overflow)
{
	ck_assert_ptr_null(guest_ptr(&ram, RAM_BASE, UINT64_MAX));
	ck_assert_ptr_null(guest_ptr(&ram, RAM_BASE + 1, UINT64_MAX));
	ck_assert_ptr_null(guest_ptr(&ram, UINT64_MAX, 1));
	ck_assert_ptr_null(guest_ptr(&ram, UINT64_MAX, 0));
	ck_assert_ptr_null(guest_ptr(&ram, UINT64_MAX, UINT64_MAX));
	/* gpa + len wraps around to land back inside RAM. */
	ck_assert_ptr_null(guest_ptr(&ram, RAM_BASE + 16, UINT64_MAX - 15));
	ck_assert_ptr_null(guest_ptr(&ram, RAM_BASE + RAM_SIZE - 1, UINT64_MAX));
}
END_TEST

START_TEST(test_guest_ptr_top_of_address_space)
{
	/* RAM ending exactly at 2^64: the last byte is reachable, nothing wraps. */
	const struct guest_mem top = { .gpa = UINT64_MAX - RAM_SIZE + 1,
				       .size = RAM_SIZE,
				       .hva = ram_buf };

	ck_assert_ptr_eq(guest_ptr(&top, UINT64_MAX, 1), ram_buf + RAM_SIZE - 1);
	ck_assert_ptr_eq(guest_ptr(&top, top.gpa, RAM_SIZE), ram_buf);
	ck_assert_ptr_null(guest_ptr(&top, UINT64_MAX, 2));
	ck_assert_ptr_null(guest_ptr(&top, top.gpa - 1, 1));
	ck_assert_ptr_null(guest_ptr(&top, 0, 1));
}
END_TEST

START_TEST(test_guest_mem_map)
{
	struct guest_mem m = { 0 };
	uint8_t *p;

	ck_assert_int_eq(guest_mem_map(&m, RAM_BASE, 4ULL << 20), 0);
	ck_assert_uint_eq(m.gpa, RAM_BASE);
	ck_assert_uint_eq(m.size, 4ULL << 20);
	p = guest_ptr(&m, RAM_BASE + (4ULL << 20) - 1, 1);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(*p, 0); /* anonymous memory starts zeroed */
	*p = 0x5a;
	guest_mem_unmap(&m);
	ck_assert_ptr_null(m.hva);
	guest_mem_unmap(&m); /* twice is harmless */
}
END_TEST

/* --- the bus -------------------------------------------------------------- */

/* A device that records the last access and answers reads with tag | off. */
struct recorder {
	uint64_t tag;
	unsigned reads, writes;
	uint64_t off;
	unsigned len;
	uint64_t val;
};

static void rec_read(struct mmio_region *r, uint64_t off, unsigned len, uint64_t *val)
{
	struct recorder *rec = r->opaque;

	rec->reads++;
	rec->off = off;
	rec->len = len;
	*val = rec->tag | off;
}

static void rec_write(struct mmio_region *r, uint64_t off, unsigned len, uint64_t val)
{
	struct recorder *rec = r->opaque;

	rec->writes++;
	rec->off = off;
	rec->len = len;
	rec->val = val;
}

static const struct mmio_ops rec_ops = { .name = "recorder", .read = rec_read, .write = rec_write };

static struct mmio_bus bus;

static void bus_setup(void)
{
	bus_init(&bus);
}

static void bus_teardown(void)
{
	bus_destroy(&bus);
}

static const struct mmio_region *find_region(uint64_t base)
{
	for (unsigned i = 0; i < bus.nr; i++)
		if (bus.regions[i].base == base)
			return &bus.regions[i];
	return NULL;
}

START_TEST(test_bus_add_sorted)
{
	struct recorder a = { 0 }, b = { 0 }, c = { 0 };

	ck_assert_int_eq(bus_add(&bus, 0x3000, 0x100, &rec_ops, &c), 0);
	ck_assert_int_eq(bus_add(&bus, 0x1000, 0x100, &rec_ops, &a), 0);
	ck_assert_int_eq(bus_add(&bus, 0x2000, 0x100, &rec_ops, &b), 0);
	ck_assert_uint_eq(bus.nr, 3);
	ck_assert_uint_eq(bus.regions[0].base, 0x1000);
	ck_assert_ptr_eq(bus.regions[0].opaque, &a);
	ck_assert_uint_eq(bus.regions[1].base, 0x2000);
	ck_assert_ptr_eq(bus.regions[1].opaque, &b);
	ck_assert_uint_eq(bus.regions[2].base, 0x3000);
	ck_assert_ptr_eq(bus.regions[2].opaque, &c);
	ck_assert_uint_eq(bus.regions[2].size, 0x100);
	ck_assert_ptr_eq(bus.regions[2].ops, &rec_ops);
	ck_assert_uint_eq(bus.regions[2].hits, 0);
}
END_TEST

START_TEST(test_bus_add_adjacent)
{
	ck_assert_int_eq(bus_add(&bus, 0x2000, 0x1000, &rec_ops, NULL), 0);
	ck_assert_int_eq(bus_add(&bus, 0x1000, 0x1000, &rec_ops, NULL), 0);
	ck_assert_int_eq(bus_add(&bus, 0x3000, 0x1000, &rec_ops, NULL), 0);
	ck_assert_uint_eq(bus.nr, 3);
}
END_TEST

START_TEST(test_bus_add_overlap)
{
	static const struct {
		uint64_t base, size;
	} clash[] = {
		{ 0x2000, 0x1000 }, /* same */
		{ 0x1800, 0x1000 }, /* over the start */
		{ 0x2800, 0x1000 }, /* over the end */
		{ 0x2400, 0x10 },   /* inside */
		{ 0x1000, 0x4000 }, /* around */
		{ 0x2fff, 1 },	    /* last byte */
		{ 0x0, 0x2001 },    /* first byte */
	};

	ck_assert_int_eq(bus_add(&bus, 0x2000, 0x1000, &rec_ops, NULL), 0);
	ck_assert_int_eq(bus_add(&bus, 0x8000, 0x1000, &rec_ops, NULL), 0);
	for (unsigned i = 0; i < sizeof(clash) / sizeof(clash[0]); i++) {
		int ret = bus_add(&bus, clash[i].base, clash[i].size, &rec_ops, NULL);

		ck_assert_msg(ret == -EEXIST, "[0x%llx, +0x%llx): %d",
			      (unsigned long long)clash[i].base, (unsigned long long)clash[i].size,
			      ret);
	}
	/* Spanning the gap and touching the second region. */
	ck_assert_int_eq(bus_add(&bus, 0x3000, 0x5001, &rec_ops, NULL), -EEXIST);
	ck_assert_uint_eq(bus.nr, 2);
}
END_TEST

START_TEST(test_bus_add_invalid)
{
	ck_assert_int_eq(bus_add(&bus, 0x1000, 0, &rec_ops, NULL), -EINVAL);
	ck_assert_int_eq(bus_add(&bus, UINT64_MAX - 0xfff, 0x2000, &rec_ops, NULL), -EINVAL);
	ck_assert_int_eq(bus_add(&bus, UINT64_MAX, UINT64_MAX, &rec_ops, NULL), -EINVAL);
	ck_assert_uint_eq(bus.nr, 0);
}
END_TEST

START_TEST(test_bus_add_full)
{
	/* Descending bases: every insertion goes to the front. */
	for (unsigned i = 0; i < BUS_MAX_REGIONS; i++) {
		uint64_t base = (uint64_t)(BUS_MAX_REGIONS - i) * 0x1000;

		ck_assert_int_eq(bus_add(&bus, base, 0x100, &rec_ops, NULL), 0);
	}
	ck_assert_uint_eq(bus.nr, BUS_MAX_REGIONS);
	ck_assert_int_eq(bus_add(&bus, 0x100000, 0x100, &rec_ops, NULL), -ENOSPC);
	ck_assert_uint_eq(bus.nr, BUS_MAX_REGIONS);
	for (unsigned i = 1; i < bus.nr; i++)
		ck_assert_uint_lt(bus.regions[i - 1].base, bus.regions[i].base);
}
END_TEST

START_TEST(test_bus_dispatch)
{
	struct recorder a = { .tag = 0xa000000000000000ULL }, b = { .tag = 0xb000000000000000ULL };
	uint64_t val;

	ck_assert_int_eq(bus_add(&bus, 0x1000, 0x100, &rec_ops, &a), 0);
	ck_assert_int_eq(bus_add(&bus, 0x2000, 0x1000, &rec_ops, &b), 0);

	ck_assert(bus_read(&bus, 0x1010, 4, &val));
	ck_assert_uint_eq(val, a.tag | 0x10);
	ck_assert_uint_eq(a.reads, 1);
	ck_assert_uint_eq(a.off, 0x10);
	ck_assert_uint_eq(a.len, 4);
	ck_assert_uint_eq(b.reads, 0);

	ck_assert(bus_write(&bus, 0x2ff8, 8, 0x1122334455667788ULL));
	ck_assert_uint_eq(b.writes, 1);
	ck_assert_uint_eq(b.off, 0xff8);
	ck_assert_uint_eq(b.len, 8);
	ck_assert_uint_eq(b.val, 0x1122334455667788ULL);
	ck_assert_uint_eq(a.writes, 0);

	ck_assert(bus_read(&bus, 0x2000, 1, &val));
	ck_assert_uint_eq(val, b.tag);
	ck_assert(bus_read(&bus, 0x10ff, 1, &val));
	ck_assert_uint_eq(val, a.tag | 0xff);
	ck_assert(bus_write(&bus, 0x1000, 2, 0xbeef));
	ck_assert_uint_eq(a.off, 0);
	ck_assert_uint_eq(a.len, 2);
	ck_assert_uint_eq(a.val, 0xbeef);

	ck_assert_uint_eq(find_region(0x1000)->hits, 3);
	ck_assert_uint_eq(find_region(0x2000)->hits, 2);
	ck_assert_uint_eq(bus.unhandled, 0);
}
END_TEST

START_TEST(test_bus_unhandled)
{
	struct recorder a = { .tag = 0xa0 }, c = { .tag = 0xc0 };
	uint64_t val;

	ck_assert_int_eq(bus_add(&bus, 0x1000, 0x100, &rec_ops, &a), 0);
	ck_assert_int_eq(bus_add(&bus, 0x1100, 0x100, &rec_ops, &c), 0);

	/* Nothing there: below, in the gap after, far above. */
	val = 0xdead;
	ck_assert(!bus_read(&bus, 0xfff, 1, &val));
	ck_assert_uint_eq(val, 0);
	val = 0xdead;
	ck_assert(!bus_read(&bus, 0x1200, 4, &val));
	ck_assert_uint_eq(val, 0);
	ck_assert(!bus_write(&bus, UINT64_MAX, 1, 1));
	ck_assert(!bus_read(&bus, UINT64_MAX - 3, 8, &val));
	ck_assert_uint_eq(bus.unhandled, 4);

	/* Straddling the end of a region, even into an adjacent one: not split. */
	val = 0xdead;
	ck_assert(!bus_read(&bus, 0x10fe, 4, &val));
	ck_assert_uint_eq(val, 0);
	ck_assert(!bus_write(&bus, 0x11fc, 8, 1));
	ck_assert(!bus_write(&bus, 0x0ffe, 4, 1));
	ck_assert_uint_eq(bus.unhandled, 7);

	ck_assert_uint_eq(a.reads + a.writes + c.reads + c.writes, 0);
	ck_assert_uint_eq(bus.regions[0].hits, 0);
	ck_assert_uint_eq(bus.regions[1].hits, 0);
}
END_TEST

/* A region banked per CPU: read_cpu/write_cpu get the accessing vCPU; read/write never run. */
struct cpu_recorder {
	struct recorder rec;
	unsigned cpu;
};

static void rec_read_cpu(struct mmio_region *r, unsigned cpu, uint64_t off, unsigned len,
			 uint64_t *val)
{
	((struct cpu_recorder *)r->opaque)->cpu = cpu;
	rec_read(r, off, len, val);
}

static void rec_write_cpu(struct mmio_region *r, unsigned cpu, uint64_t off, unsigned len,
			  uint64_t val)
{
	((struct cpu_recorder *)r->opaque)->cpu = cpu;
	rec_write(r, off, len, val);
}

static void rec_never(struct mmio_region *r, uint64_t off, unsigned len, uint64_t val)
{
	(void)r, (void)off, (void)len, (void)val;
	ck_abort_msg("write() called on a region with write_cpu()");
}

static const struct mmio_ops rec_cpu_ops = {
	.name = "per-cpu",
	.write = rec_never,
	.read_cpu = rec_read_cpu,
	.write_cpu = rec_write_cpu,
};

START_TEST(test_bus_dispatch_cpu)
{
	struct cpu_recorder banked = { .rec.tag = 0xc0, .cpu = 99 };
	struct recorder plain = { .tag = 0xa0 };
	uint64_t val;

	ck_assert_int_eq(bus_add(&bus, 0x1000, 0x100, &rec_cpu_ops, &banked), 0);
	ck_assert_int_eq(bus_add(&bus, 0x2000, 0x100, &rec_ops, &plain), 0);

	ck_assert(bus_read_cpu(&bus, 3, 0x1004, 4, &val));
	ck_assert_uint_eq(banked.cpu, 3);
	ck_assert_uint_eq(val, 0xc4);
	ck_assert(bus_write_cpu(&bus, 7, 0x1008, 4, 0x55));
	ck_assert_uint_eq(banked.cpu, 7);
	ck_assert_uint_eq(banked.rec.val, 0x55);
	ck_assert_uint_eq(banked.rec.off, 8);
	/* No vCPU: the same handlers, told so. */
	ck_assert(bus_read(&bus, 0x1000, 4, &val));
	ck_assert_uint_eq(banked.cpu, BUS_NO_CPU);
	ck_assert(bus_write(&bus, 0x1000, 4, 1));
	ck_assert_uint_eq(banked.cpu, BUS_NO_CPU);
	ck_assert_uint_eq(banked.rec.reads, 2);
	ck_assert_uint_eq(banked.rec.writes, 2);
	/* Regions without them ignore the vCPU. */
	ck_assert(bus_read_cpu(&bus, 1, 0x2010, 4, &val));
	ck_assert_uint_eq(val, 0xa0 | 0x10);
	ck_assert(bus_write_cpu(&bus, 1, 0x2010, 4, 9));
	ck_assert_uint_eq(plain.val, 9);
	ck_assert(!bus_read_cpu(&bus, 1, 0x3000, 4, &val));
	ck_assert_uint_eq(find_region(0x1000)->hits, 4);
	ck_assert_uint_eq(bus.unhandled, 1);
}
END_TEST

START_TEST(test_bus_dispatch_many)
{
	/* Fill the bus in a scrambled order; every access must find its own region. */
	static struct recorder recs[BUS_MAX_REGIONS];
	uint64_t val;

	for (unsigned k = 0; k < BUS_MAX_REGIONS; k++) {
		unsigned i = (k * 37) % BUS_MAX_REGIONS; /* 37 is coprime with 64 */
		uint64_t base = 0x10000 + (uint64_t)i * 0x2000;

		recs[i] = (struct recorder){ .tag = (uint64_t)i << 32 };
		ck_assert_int_eq(bus_add(&bus, base, 0x1000, &rec_ops, &recs[i]), 0);
	}
	for (unsigned i = 0; i < BUS_MAX_REGIONS; i++) {
		uint64_t base = 0x10000 + (uint64_t)i * 0x2000;

		ck_assert(bus_read(&bus, base + 0x84, 4, &val));
		ck_assert_uint_eq(val, ((uint64_t)i << 32) | 0x84);
		ck_assert(!bus_read(&bus, base + 0x1000, 4, &val)); /* the gap after it */
		ck_assert_uint_eq(recs[i].reads, 1);
	}
	ck_assert_uint_eq(bus.unhandled, BUS_MAX_REGIONS);
}
END_TEST

Suite *mem_bus_suite(void)
{
	Suite *s = suite_create("mem_bus");
	TCase *mem = tcase_create("guest_ptr");
	TCase *b = tcase_create("bus");

	tcase_add_test(mem, test_guest_ptr_inside);
	tcase_add_test(mem, test_guest_ptr_outside);
	tcase_add_test(mem, test_guest_ptr_overflow);
	tcase_add_test(mem, test_guest_ptr_top_of_address_space);
	tcase_add_test(mem, test_guest_mem_map);
	suite_add_tcase(s, mem);

	tcase_add_checked_fixture(b, bus_setup, bus_teardown);
	tcase_add_test(b, test_bus_add_sorted);
	tcase_add_test(b, test_bus_add_adjacent);
	tcase_add_test(b, test_bus_add_overlap);
	tcase_add_test(b, test_bus_add_invalid);
	tcase_add_test(b, test_bus_add_full);
	tcase_add_test(b, test_bus_dispatch);
	tcase_add_test(b, test_bus_unhandled);
	tcase_add_test(b, test_bus_dispatch_cpu);
	tcase_add_test(b, test_bus_dispatch_many);
	suite_add_tcase(s, b);
	return s;
}
