/*
 * Entry points of a test guest: the boot CPU at the load address, and
 * secondary_entry for PSCI CPU_ON. Both give the CPU a known SCTLR_EL1,
 * the vector table, its logical index in TPIDR_EL1 and its own stack, then
 * call C (lib/smp.c).
 */
#include "platform.h"

/*
 * MMU, caches and alignment checks off, little-endian. The ARMv8.0 RES1
 * bits (11, 20, 22, 23, 28, 29) are set so the value means the same on
 * later cores; SA (bit 3) makes a misaligned SP fault at once instead of
 * corrupting a neighbour's stack quietly.
 */
#define SCTLR_EL1_GUEST		0x30d00808

	.macro	adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm

	/* Write w1 to the test device's EXIT register and stop here. */
	.macro	exit_now
	movz	x2, #(TESTDEV_BASE >> 16), lsl #16
	str	w1, [x2]			/* TESTDEV_EXIT is offset 0 */
9:	wfe
	b	9b
	.endm

	/* x0 = logical cpu index. Clobbers x1-x3. */
	.macro	cpu_setup
	movz	x1, #(SCTLR_EL1_GUEST >> 16), lsl #16
	movk	x1, #(SCTLR_EL1_GUEST & 0xffff)
	msr	sctlr_el1, x1
	adr_l	x1, exception_vectors
	msr	vbar_el1, x1
	msr	tpidr_el1, x0
	msr	spsel, #1
	isb
	adr_l	x1, guest_stacks	/* stack top = base + (cpu + 1) * size */
	add	x2, x0, #1
	mov	x3, #GUEST_STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	mov	x29, xzr		/* end of the frame chain for gdb */
	mov	x30, xzr
	.endm

	.section .head.text, "ax"

	.global	_start
	.type	_start, %function
_start:					/* x0 = device tree PA */
	msr	daifset, #0xf
	mrs	x1, CurrentEL
	cmp	x1, #(1 << 2)
	b.ne	not_el1
	mov	x19, x0
	mov	x0, xzr
	cpu_setup
	adr_l	x1, __bss_start		/* 16-byte aligned by lib/guest.ld */
	adr_l	x2, __bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	mov	x0, x19
	bl	guest_boot_main		/* does not return */
	b	.
	.size	_start, . - _start

	/*
	 * CPU_ON entry: x0 = context id = logical cpu index. Index 0 is the
	 * boot CPU's and larger ones have no stack, so both can only be
	 * reported straight through the test device.
	 */
	.global	secondary_entry
	.type	secondary_entry, %function
secondary_entry:
	msr	daifset, #0xf
	cbz	x0, bad_context_id
	cmp	x0, #GUEST_MAX_CPUS
	b.hs	bad_context_id
	cpu_setup
	bl	guest_secondary_main	/* does not return */
	b	.
	.size	secondary_entry, . - secondary_entry

bad_context_id:
	and	x1, x0, #0xffff
	movz	w2, #(FAIL_BAD_CONTEXT_ID >> 16), lsl #16
	orr	w1, w1, w2
	exit_now

not_el1:
	lsr	x1, x1, #2
	movz	w2, #(FAIL_NOT_EL1 >> 16), lsl #16
	orr	w1, w1, w2
	exit_now

	.section .stacks, "aw", %nobits
	.balign	16
	.global	guest_stacks
guest_stacks:
	.space	GUEST_MAX_CPUS * GUEST_STACK_SIZE
	.size	guest_stacks, . - guest_stacks

	.section .note.GNU-stack, "", %progbits
