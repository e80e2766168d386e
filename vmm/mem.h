/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest RAM as armlet sees it. Every access to guest memory goes through
 * guest_ptr(): guest addresses and lengths are hostile.
 */
#ifndef ARMLET_MEM_H
#define ARMLET_MEM_H

#include <stddef.h>
#include <stdint.h>

struct guest_mem {
	uint64_t gpa;  /* guest physical base of RAM */
	uint64_t size; /* bytes */
	uint8_t *hva;  /* host mapping of [gpa, gpa + size) */
};

/*
 * Host pointer to [gpa, gpa + len) if the whole range lies in RAM, NULL
 * otherwise (including on arithmetic overflow). len 0 is valid inside RAM.
 */
static inline void *guest_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	uint64_t off = gpa - mem->gpa;

	if (gpa < mem->gpa || off > mem->size || len > mem->size - off)
		return NULL;
	return mem->hva + off;
}

/*
 * Maps size bytes of anonymous memory for RAM at gpa. The memory is not
 * touched, so a large guest costs only what it uses. Returns -errno.
 */
int guest_mem_map(struct guest_mem *mem, uint64_t gpa, uint64_t size);
void guest_mem_unmap(struct guest_mem *mem);

#endif
