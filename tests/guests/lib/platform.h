/*
 * The armlet guest platform and this library's fixed layout.
 *
 * Shared by C and assembly, so only plain #defines live here. The platform
 * half is the contract armlet gives a guest (tests/guests/README.md); the
 * library half is what lib/start.S, lib/vectors.S and the C code agree on.
 */
#ifndef GUEST_PLATFORM_H
#define GUEST_PLATFORM_H

/* ---- Platform (fixed by armlet) ---------------------------------------- */

#define GUEST_RAM_BASE	0x80000000
#define GUEST_LOAD_ADDR 0x80080000 /* GUEST_RAM_BASE + 0x80000 */

/* 16550-compatible UART: byte registers, stride 1, 8-bit accesses only. */
#define UART_BASE     0x01000000
#define UART_THR      0x0
#define UART_LSR      0x5
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40

/* armlet test device (armlet --testdev): 32-bit registers, 32-bit accesses. */
#define TESTDEV_BASE	    0x01020000
#define TESTDEV_EXIT	    0x00 /* W: 0 = PASS, else FAIL with this code */
#define TESTDEV_NR_CPUS	    0x04 /* R: number of vCPUs */
#define TESTDEV_RAM_SIZE_LO 0x08 /* R: RAM size in bytes, low word */
#define TESTDEV_RAM_SIZE_HI 0x0c /* R: RAM size in bytes, high word */

/* ---- Library layout ---------------------------------------------------- */

/* Logical CPU indexes 0 .. GUEST_MAX_CPUS-1 have a stack; 0 is the boot CPU. */
#ifndef GUEST_MAX_CPUS
#define GUEST_MAX_CPUS 64
#endif
#define GUEST_STACK_SIZE 8192

/*
 * Exit codes the library reports by itself. Tests use small codes; these
 * all have the top nibble 0xE so they stand out in armlet's output.
 */
#define FAIL_EXCEPTION	    0xE0000000 /* | vector << 8 | ESR_EL1.EC */
#define FAIL_NESTED	    0x00800000 /* or'ed in: fault while reporting */
#define FAIL_BAD_CONTEXT_ID 0xE1000000 /* | (CPU_ON context id & 0xffff) */
#define FAIL_NO_ENTRY	    0xE2000000 /* | cpu: started without cpu_on() */
#define FAIL_NOT_EL1	    0xE3000000 /* | CurrentEL: not entered at EL1 */
#define FAIL_UNEXPECTED_IRQ 0xE4000000 /* | INTID: no gic_handler_set() for it */

/* struct exc_frame (lib/guest.h), as laid out by lib/vectors.S. */
#define EXC_FRAME_X(n) ((n)*8)
#define EXC_FRAME_SP   248
#define EXC_FRAME_ELR  256
#define EXC_FRAME_SPSR 264
#define EXC_FRAME_ESR  272
#define EXC_FRAME_FAR  280
#define EXC_FRAME_SIZE 288 /* multiple of 16: SP stays aligned */

#endif /* GUEST_PLATFORM_H */
