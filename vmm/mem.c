// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <sys/mman.h>

#include "mem.h"

int guest_mem_map(struct guest_mem *mem, uint64_t gpa, uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	/* Transparent huge pages cut stage-2 faults; a hint, so ignore failure. */
	madvise(p, size, MADV_HUGEPAGE);
	mem->gpa = gpa;
	mem->size = size;
	mem->hva = p;
	return 0;
}

void guest_mem_unmap(struct guest_mem *mem)
{
	if (mem->hva)
		munmap(mem->hva, mem->size);
	mem->hva = NULL;
}
