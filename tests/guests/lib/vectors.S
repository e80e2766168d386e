/*
 * EL1 exception vector table. Every entry saves the full register state as
 * a struct exc_frame on the current stack and calls
 * exception_dispatch(frame, vector index) in lib/exception.c. If that
 * returns (a test installed a handler), the frame is restored and the
 * exception returns, so handlers can be used for IRQs and expected faults.
 */
#include "platform.h"

	/* 0x80 bytes per entry; the real work is shared in exc_common. */
	.macro	ventry, idx
	.balign	0x80
	sub	sp, sp, #EXC_FRAME_SIZE
	stp	x0, x1, [sp, #EXC_FRAME_X(0)]
	mov	x0, #\idx
	b	exc_common
	.endm

	.text
	.balign	0x800			/* VBAR_EL1[10:0] are RES0 */
	.global	exception_vectors
exception_vectors:
	ventry	0			/* current EL, SP_EL0: sync */
	ventry	1			/*   irq */
	ventry	2			/*   fiq */
	ventry	3			/*   serror */
	ventry	4			/* current EL, SP_ELx: sync */
	ventry	5			/*   irq */
	ventry	6			/*   fiq */
	ventry	7			/*   serror */
	ventry	8			/* lower EL, AArch64: sync */
	ventry	9			/*   irq */
	ventry	10			/*   fiq */
	ventry	11			/*   serror */
	ventry	12			/* lower EL, AArch32: sync */
	ventry	13			/*   irq */
	ventry	14			/*   fiq */
	ventry	15			/*   serror */

exc_common:				/* x0 = vector index */
	stp	x2, x3, [sp, #EXC_FRAME_X(2)]
	stp	x4, x5, [sp, #EXC_FRAME_X(4)]
	stp	x6, x7, [sp, #EXC_FRAME_X(6)]
	stp	x8, x9, [sp, #EXC_FRAME_X(8)]
	stp	x10, x11, [sp, #EXC_FRAME_X(10)]
	stp	x12, x13, [sp, #EXC_FRAME_X(12)]
	stp	x14, x15, [sp, #EXC_FRAME_X(14)]
	stp	x16, x17, [sp, #EXC_FRAME_X(16)]
	stp	x18, x19, [sp, #EXC_FRAME_X(18)]
	stp	x20, x21, [sp, #EXC_FRAME_X(20)]
	stp	x22, x23, [sp, #EXC_FRAME_X(22)]
	stp	x24, x25, [sp, #EXC_FRAME_X(24)]
	stp	x26, x27, [sp, #EXC_FRAME_X(26)]
	stp	x28, x29, [sp, #EXC_FRAME_X(28)]
	add	x1, sp, #EXC_FRAME_SIZE
	stp	x30, x1, [sp, #EXC_FRAME_X(30)]	/* x30, then sp */
	mrs	x1, elr_el1
	mrs	x2, spsr_el1
	stp	x1, x2, [sp, #EXC_FRAME_ELR]
	mrs	x1, esr_el1
	mrs	x2, far_el1
	stp	x1, x2, [sp, #EXC_FRAME_ESR]

	mov	x1, x0
	mov	x0, sp
	bl	exception_dispatch

	/* A handler may have changed elr/spsr (e.g. to skip an instruction). */
	ldp	x1, x2, [sp, #EXC_FRAME_ELR]
	msr	elr_el1, x1
	msr	spsr_el1, x2
	ldp	x0, x1, [sp, #EXC_FRAME_X(0)]
	ldp	x2, x3, [sp, #EXC_FRAME_X(2)]
	ldp	x4, x5, [sp, #EXC_FRAME_X(4)]
	ldp	x6, x7, [sp, #EXC_FRAME_X(6)]
	ldp	x8, x9, [sp, #EXC_FRAME_X(8)]
	ldp	x10, x11, [sp, #EXC_FRAME_X(10)]
	ldp	x12, x13, [sp, #EXC_FRAME_X(12)]
	ldp	x14, x15, [sp, #EXC_FRAME_X(14)]
	ldp	x16, x17, [sp, #EXC_FRAME_X(16)]
	ldp	x18, x19, [sp, #EXC_FRAME_X(18)]
	ldp	x20, x21, [sp, #EXC_FRAME_X(20)]
	ldp	x22, x23, [sp, #EXC_FRAME_X(22)]
	ldp	x24, x25, [sp, #EXC_FRAME_X(24)]
	ldp	x26, x27, [sp, #EXC_FRAME_X(26)]
	ldp	x28, x29, [sp, #EXC_FRAME_X(28)]
	ldr	x30, [sp, #EXC_FRAME_X(30)]
	add	sp, sp, #EXC_FRAME_SIZE
	eret

	.section .note.GNU-stack, "", %progbits
