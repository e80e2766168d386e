/*
 * Inline arm64 helpers: MMIO, barriers, system registers.
 *
 * MMIO helpers are single load/store instructions with a bare base register
 * ([xN], no offset, no writeback, no pairs) so that KVM can decode the
 * trapped access from ESR_EL2 (ISV=1) and hand it to armlet.
 */
#ifndef GUEST_ARM64_H
#define GUEST_ARM64_H

#include <stdint.h>

static inline void mmio_write8(uintptr_t addr, uint8_t val)
{
	asm volatile("strb %w0, [%x1]" : : "r"(val), "r"(addr) : "memory");
}

static inline void mmio_write32(uintptr_t addr, uint32_t val)
{
	asm volatile("str %w0, [%x1]" : : "r"(val), "r"(addr) : "memory");
}

static inline uint8_t mmio_read8(uintptr_t addr)
{
	uint32_t val;

	asm volatile("ldrb %w0, [%x1]" : "=r"(val) : "r"(addr) : "memory");
	return (uint8_t)val;
}

static inline uint32_t mmio_read32(uintptr_t addr)
{
	uint32_t val;

	asm volatile("ldr %w0, [%x1]" : "=r"(val) : "r"(addr) : "memory");
	return val;
}

static inline void mmio_write16(uintptr_t addr, uint16_t val)
{
	asm volatile("strh %w0, [%x1]" : : "r"(val), "r"(addr) : "memory");
}

static inline void mmio_write64(uintptr_t addr, uint64_t val)
{
	asm volatile("str %x0, [%x1]" : : "r"(val), "r"(addr) : "memory");
}

static inline uint16_t mmio_read16(uintptr_t addr)
{
	uint32_t val;

	asm volatile("ldrh %w0, [%x1]" : "=r"(val) : "r"(addr) : "memory");
	return (uint16_t)val;
}

static inline uint64_t mmio_read64(uintptr_t addr)
{
	uint64_t val;

	asm volatile("ldr %x0, [%x1]" : "=r"(val) : "r"(addr) : "memory");
	return val;
}

static inline void dsb_sy(void)
{
	asm volatile("dsb sy" : : : "memory");
}
static inline void dmb_sy(void)
{
	asm volatile("dmb sy" : : : "memory");
}
static inline void isb(void)
{
	asm volatile("isb" : : : "memory");
}
static inline void sev(void)
{
	asm volatile("sev" : : : "memory");
}
static inline void wfe(void)
{
	asm volatile("wfe" : : : "memory");
}
static inline void wfi(void)
{
	asm volatile("wfi" : : : "memory");
}
static inline void cpu_relax(void)
{
	asm volatile("yield" : : : "memory");
}

/* PSTATE.I: whether IRQs are taken (the GIC may still signal one while masked). */
static inline void local_irq_enable(void)
{
	asm volatile("msr daifclr, #2" : : : "memory");
}
static inline void local_irq_disable(void)
{
	asm volatile("msr daifset, #2" : : : "memory");
}

#define read_sysreg(reg)                                                                           \
	({                                                                                         \
		uint64_t __val;                                                                    \
		asm volatile("mrs %0, " #reg : "=r"(__val));                                       \
		__val;                                                                             \
	})

#define write_sysreg(reg, val)                                                                     \
	asm volatile("msr " #reg ", %x0" : : "rZ"((uint64_t)(val)) : "memory")

/*
 * Acquire/release accessors. These compile to LDAR/STLR, which are fine
 * with the MMU off; read-modify-write atomics are not (exclusives on Device
 * memory are CONSTRAINED UNPREDICTABLE), so the library has none: CPUs
 * coordinate through slots that only one CPU writes.
 */
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

#endif /* GUEST_ARM64_H */
