// SPDX-License-Identifier: GPL-2.0-only
/*
 * The gicv2-user model's portable core with recorders for the two things
 * KVM does for it (the IRQ pin ioctl, the kick): device_irq_level bits to
 * PPIs, when a vCPU's pin is driven and when it is left alone, who gets
 * kicked (never the CPU that made the change), the frames on a real MMIO
 * bus with the accessing vCPU, and a change that lands between a vCPU's
 * read of its output and its ioctl.
 */
#include <errno.h>
#include <string.h>

#include "../../irqchip/gicv2_user_core.h"
#include "suites.h"

#define NR_CPUS	 4
#define NR_SPIS	 64
#define DIST	 0x10000
#define CPUIF	 0x20000
#define SPI	 5 /* INTID 37 */
#define SPI2	 6
#define MAX_PINS 32

struct pin_call {
	unsigned cpu;
	bool level;
};

/* What KVM would have been asked. */
static struct {
	struct pin_call pins[MAX_PINS];
	unsigned nr_pins;
	uint32_t kicked; /* CPUs kicked since the last rec_clear() */
	unsigned nr_kicks;
	int pin_error;				      /* what set_pin returns */
	void (*in_set_pin)(unsigned cpu, bool level); /* runs inside set_pin, once */
} rec;

static struct gicv2_user u;
static struct mmio_bus bus;

static int rec_set_pin(void *ctx, unsigned cpu, bool level)
{
	void (*hook)(unsigned, bool) = rec.in_set_pin;

	ck_assert_ptr_eq(ctx, &rec);
	ck_assert_uint_lt(rec.nr_pins, MAX_PINS);
	rec.pins[rec.nr_pins++] = (struct pin_call){ cpu, level };
	rec.in_set_pin = NULL;
	if (hook)
		hook(cpu, level);
	return rec.pin_error;
}

static void rec_kick(void *ctx, unsigned cpu)
{
	ck_assert_ptr_eq(ctx, &rec);
	rec.kicked |= 1u << cpu;
	rec.nr_kicks++;
}

static void rec_clear(void)
{
	memset(&rec, 0, sizeof(rec));
}

static void setup(void)
{
	rec_clear();
	bus_init(&bus);
	ck_assert_int_eq(gicv2_user_init(&u, NR_CPUS, NR_SPIS, rec_set_pin, rec_kick, &rec), 0);
	ck_assert_int_eq(bus_add(&bus, DIST, GICV2_DIST_SIZE, &gicv2_user_dist_mmio_ops, &u), 0);
	ck_assert_int_eq(bus_add(&bus, CPUIF, GICV2_CPU_SIZE, &gicv2_user_cpu_mmio_ops, &u), 0);
}

static void teardown(void)
{
	gicv2_user_destroy(&u);
	bus_destroy(&bus);
}

/* --- the guest's side, through the bus as a vCPU's MMIO exit -------------- */

static uint32_t drd(unsigned cpu, uint64_t off)
{
	uint64_t val = 0xdead;

	ck_assert(bus_read_cpu(&bus, cpu, DIST + off, 4, &val));
	return (uint32_t)val;
}

static void dwr(unsigned cpu, uint64_t off, uint32_t val)
{
	ck_assert(bus_write_cpu(&bus, cpu, DIST + off, 4, val));
}

static uint32_t crd(unsigned cpu, uint64_t off)
{
	uint64_t val = 0xdead;

	ck_assert(bus_read_cpu(&bus, cpu, CPUIF + off, 4, &val));
	return (uint32_t)val;
}

static void cwr(unsigned cpu, uint64_t off, uint32_t val)
{
	ck_assert(bus_write_cpu(&bus, cpu, CPUIF + off, 4, val));
}

/* What Linux's GICv2 driver does for cpu: distributor and CPU interface on, nothing masked. */
static void enable_cpu(unsigned cpu)
{
	dwr(cpu, GICD_CTLR, GICD_CTLR_ENABLE);
	cwr(cpu, GICC_PMR, 0xf0);
	cwr(cpu, GICC_CTLR, GICC_CTLR_GRP0);
}

/* Brings every pin to a known level (low) and forgets the calls. */
static void sync_all(void)
{
	for (unsigned c = 0; c < NR_CPUS; c++)
		ck_assert_int_eq(gicv2_user_vcpu_sync(&u, c, 0), 0);
	rec_clear();
}

static void expect_pin(unsigned i, unsigned cpu, bool level)
{
	ck_assert_uint_gt(rec.nr_pins, i);
	ck_assert_uint_eq(rec.pins[i].cpu, cpu);
	ck_assert_int_eq(rec.pins[i].level, level);
}

/* --- tests ---------------------------------------------------------------- */

START_TEST(test_init_checks)
{
	struct gicv2_user bad;

	ck_assert_int_eq(gicv2_user_init(&bad, 0, NR_SPIS, rec_set_pin, rec_kick, &rec), -EINVAL);
	ck_assert_int_eq(
	    gicv2_user_init(&bad, GICV2_MAX_CPUS + 1, NR_SPIS, rec_set_pin, rec_kick, &rec),
	    -EINVAL);
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, NR_CPUS, 0), -EINVAL);
	ck_assert_int_eq(gicv2_user_set_line(&u, NR_SPIS, true), -EINVAL);
	ck_assert_int_eq(gicv2_user_set_line(&u, GICV2_MAX_SPIS, true), -EINVAL);
	ck_assert_int_eq(gicv2_user_set_line(&u, ~0u, true), -EINVAL);
	ck_assert_uint_eq(rec.nr_pins + rec.nr_kicks, 0);
}
END_TEST

/* A pin starts unknown: the first sync drives it, later ones only on a change. */
START_TEST(test_first_sync_drives_pin)
{
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 2, 0), 0);
	ck_assert_uint_eq(rec.nr_pins, 1);
	expect_pin(0, 2, false);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 2, 0), 0);
	ck_assert_uint_eq(rec.nr_pins, 1);
	ck_assert_uint_eq(rec.nr_kicks, 0);
}
END_TEST

/* The virtual timer's level is PPI 27: taken, acknowledged, lowered, taken again. */
START_TEST(test_vtimer_drives_pin)
{
	enable_cpu(0);
	dwr(0, GICD_ISENABLER, 1u << 27);
	sync_all();

	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 0, GICV2_USER_DEV_VTIMER), 0);
	ck_assert_uint_eq(rec.nr_pins, 1);
	expect_pin(0, 0, true);
	/* The same level again is no change: no ioctl. */
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 0, GICV2_USER_DEV_VTIMER), 0);
	ck_assert_uint_eq(rec.nr_pins, 1);
	/* GICC_IAR: active, so the output drops even though the line is still high. */
	ck_assert_uint_eq(GICV2_IAR_INTID(crd(0, GICC_IAR)), 27);
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 0, GICV2_USER_DEV_VTIMER), 0);
	ck_assert_uint_eq(rec.nr_pins, 2);
	expect_pin(1, 0, false);
	/* The guest reprograms the timer (line low), then EOIs: nothing to signal. */
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 0, 0), 0);
	cwr(0, GICC_EOIR, 27);
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 0, 0), 0);
	ck_assert_uint_eq(rec.nr_pins, 2);
	/* The next deadline. */
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 0, GICV2_USER_DEV_VTIMER), 0);
	ck_assert_uint_eq(rec.nr_pins, 3);
	expect_pin(2, 0, true);
	/* A timer is private: no other CPU was bothered. */
	ck_assert_uint_eq(rec.nr_kicks, 0);
}
END_TEST

/* Each device_irq_level bit is its PPI on the syncing CPU only. */
START_TEST(test_dev_level_ppis)
{
	static const struct {
		uint64_t bit;
		unsigned intid;
	} map[] = {
		{ GICV2_USER_DEV_VTIMER, 27 },
		{ GICV2_USER_DEV_PTIMER, 30 },
		{ GICV2_USER_DEV_PMU, 23 },
	};
	uint64_t all = 0;

	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 1, map[i].bit), 0);
		ck_assert_uint_eq(drd(1, GICD_ISPENDR) & 0xffff0000u, 1u << map[i].intid);
		ck_assert_uint_eq(drd(0, GICD_ISPENDR) & 0xffff0000u, 0);
		all |= map[i].bit;
	}
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 1, all), 0);
	ck_assert_uint_eq(drd(1, GICD_ISPENDR) & 0xffff0000u, 1u << 23 | 1u << 27 | 1u << 30);
	/* Bits KVM may add later are not PPIs armlet knows: ignored. */
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 1, 1u << 3), 0);
	ck_assert_uint_eq(drd(1, GICD_ISPENDR) & 0xffff0000u, 0);
	/* Disabled PPIs: pending, but nothing to signal. */
	for (unsigned i = 0; i < rec.nr_pins; i++)
		ck_assert(!rec.pins[i].level);
}
END_TEST

/* An SGI: the target is kicked and raises its own pin; the sender is not kicked. */
START_TEST(test_sgi_kicks_target)
{
	uint32_t iar;

	enable_cpu(0);
	enable_cpu(1);
	sync_all();

	dwr(0, GICD_SGIR, 1u << (16 + 1) | 3); /* CPUTargetList = CPU 1, SGI 3 */
	ck_assert_uint_eq(rec.kicked, 1u << 1);
	ck_assert_uint_eq(rec.nr_pins, 0); /* nobody drove a pin for CPU 1 but CPU 1 */
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 0, 0), 0);
	ck_assert_uint_eq(rec.nr_pins, 0);
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 1, 0), 0);
	ck_assert_uint_eq(rec.nr_pins, 1);
	expect_pin(0, 1, true);

	iar = crd(1, GICC_IAR);
	ck_assert_uint_eq(GICV2_IAR_INTID(iar), 3);
	ck_assert_uint_eq(GICV2_IAR_CPUID(iar), 0);
	ck_assert_uint_eq(rec.kicked, 1u << 1); /* its own read: no kick */
	ck_assert_uint_eq(rec.nr_kicks, 1);
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 1, 0), 0);
	expect_pin(1, 1, false);
}
END_TEST

/* A CPU that sends itself an SGI is not kicked, but its next sync raises its pin. */
START_TEST(test_self_sgi_no_kick)
{
	enable_cpu(2);
	sync_all();
	dwr(2, GICD_SGIR, 2u << 24 | 5); /* TargetListFilter = this CPU only */
	ck_assert_uint_eq(rec.nr_kicks, 0);
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 2, 0), 0);
	ck_assert_uint_eq(rec.nr_pins, 1);
	expect_pin(0, 2, true);
}
END_TEST

/* A device's SPI reaches the CPU ITARGETSR names, on the way up and down. */
START_TEST(test_spi_from_device)
{
	enable_cpu(0);
	enable_cpu(3);
	dwr(0, GICD_ITARGETSR + 32 + SPI - 1, 1u << (3 + 8)); /* INTID 37 is byte 1 */
	dwr(0, GICD_ISENABLER + 4, 1u << SPI);
	sync_all();

	ck_assert_int_eq(gicv2_user_set_line(&u, SPI, true), 0);
	ck_assert_uint_eq(rec.kicked, 1u << 3);
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 0, 0), 0);
	ck_assert_uint_eq(rec.nr_pins, 0);
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 3, 0), 0);
	expect_pin(0, 3, true);
	/* The same level again changes nothing: no kick. */
	ck_assert_int_eq(gicv2_user_set_line(&u, SPI, true), 0);
	ck_assert_uint_eq(rec.nr_kicks, 1);
	/* Lowered before the guest took it: the pin follows. */
	ck_assert_int_eq(gicv2_user_set_line(&u, SPI, false), 0);
	ck_assert_uint_eq(rec.nr_kicks, 2);
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 3, 0), 0);
	ck_assert_uint_eq(rec.nr_pins, 2);
	expect_pin(1, 3, false);
	/* A line nobody is enabled for or targeted by: no kick at all. */
	ck_assert_int_eq(gicv2_user_set_line(&u, SPI2, true), 0);
	ck_assert_uint_eq(rec.nr_kicks, 2);
}
END_TEST

/* While a vCPU drives its pin, a device lowers the line: the vCPU syncs again, and the pin follows.
 */
static void lower_spi(unsigned cpu, bool level)
{
	ck_assert_uint_eq(cpu, 3);
	ck_assert(level);
	ck_assert_int_eq(gicv2_user_set_line(&u, SPI, false), 0);
}

START_TEST(test_change_during_sync_not_lost)
{
	enable_cpu(3);
	dwr(0, GICD_ITARGETSR + 32 + SPI - 1, 1u << (3 + 8));
	dwr(0, GICD_ISENABLER + 4, 1u << SPI);
	sync_all();

	ck_assert_int_eq(gicv2_user_set_line(&u, SPI, true), 0);
	rec.in_set_pin = lower_spi;
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 3, 0), 0);
	/* Driven high from the output it read; the change after that kicked it... */
	expect_pin(0, 3, true);
	ck_assert_uint_eq(rec.kicked, 1u << 3);
	ck_assert_uint_eq(rec.nr_kicks, 2);
	/* ...and its next sync, before KVM_RUN, brings the pin down. */
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 3, 0), 0);
	ck_assert_uint_eq(rec.nr_pins, 2);
	expect_pin(1, 3, false);
}
END_TEST

/* A failed ioctl is reported, and tried again at the next sync. */
START_TEST(test_set_pin_error_retried)
{
	enable_cpu(1);
	dwr(1, GICD_SGIR, 2u << 24 | 1);
	rec.pin_error = -EIO;
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 1, 0), -EIO);
	rec.pin_error = 0;
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 1, 0), 0);
	ck_assert_uint_eq(rec.nr_pins, 2);
	expect_pin(1, 1, true);
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 1, 0), 0);
	ck_assert_uint_eq(rec.nr_pins, 2);
}
END_TEST

/* After a reset every pin is driven again, and the timer levels still count. */
START_TEST(test_reset)
{
	enable_cpu(0);
	dwr(0, GICD_ISENABLER, 1u << 27);
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 0, GICV2_USER_DEV_VTIMER), 0);
	rec_clear();

	gicv2_user_reset(&u);
	ck_assert_uint_eq(rec.nr_kicks, 0); /* no vCPU thread runs during a reset */
	for (unsigned c = 0; c < NR_CPUS; c++)
		ck_assert_int_eq(gicv2_user_vcpu_sync(&u, c, c ? 0 : GICV2_USER_DEV_VTIMER), 0);
	ck_assert_uint_eq(rec.nr_pins, NR_CPUS);
	for (unsigned c = 0; c < NR_CPUS; c++)
		expect_pin(c, c, false);
	/* The line is still high (the model keeps it): pending once the guest enables it. */
	ck_assert_uint_eq(drd(0, GICD_ISPENDR) & (1u << 27), 1u << 27);
	/* The timer's reset level arrives with the next KVM_RUN: the line follows it. */
	ck_assert_int_eq(gicv2_user_vcpu_sync(&u, 0, 0), 0);
	ck_assert_uint_eq(drd(0, GICD_ISPENDR) & (1u << 27), 0);
}
END_TEST

/* Accesses with no vCPU behind them read as zero and change nothing. */
START_TEST(test_no_cpu_access)
{
	uint64_t val = 0xdead;

	sync_all();
	ck_assert(bus_write(&bus, DIST + GICD_CTLR, 4, GICD_CTLR_ENABLE));
	ck_assert(bus_read(&bus, DIST + GICD_TYPER, 4, &val));
	ck_assert_uint_eq(val, 0);
	ck_assert_uint_eq(drd(0, GICD_CTLR), 0);
	ck_assert(bus_write(&bus, DIST + GICD_SGIR, 4, 1u << 16));
	ck_assert(bus_read(&bus, CPUIF + GICC_IAR, 4, &val));
	ck_assert_uint_eq(val, 0);
	ck_assert_uint_eq(rec.nr_kicks + rec.nr_pins, 0);
	/* A vCPU the model does not have: the same. */
	ck_assert(bus_read_cpu(&bus, NR_CPUS, DIST + GICD_TYPER, 4, &val));
	ck_assert_uint_eq(val, 0);
	/* The real thing answers: TYPER.CPUNumber says 4 CPUs. */
	ck_assert_uint_eq(drd(0, GICD_TYPER) >> 5 & 7, NR_CPUS - 1);
}
END_TEST

Suite *gicv2_user_suite(void)
{
	Suite *s = suite_create("gicv2_user");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_init_checks);
	tcase_add_test(tc, test_first_sync_drives_pin);
	tcase_add_test(tc, test_vtimer_drives_pin);
	tcase_add_test(tc, test_dev_level_ppis);
	tcase_add_test(tc, test_sgi_kicks_target);
	tcase_add_test(tc, test_self_sgi_no_kick);
	tcase_add_test(tc, test_spi_from_device);
	tcase_add_test(tc, test_change_during_sync_not_lost);
	tcase_add_test(tc, test_set_pin_error_retried);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_no_cpu_access);
	suite_add_tcase(s, tc);
	return s;
}
