// SPDX-License-Identifier: GPL-2.0-only
#include "testdev.h"
#include "../exitcode.h"
#include "../log.h"
#include "../vm.h"

static void testdev_read(struct mmio_region *r, uint64_t off, unsigned len, uint64_t *val)
{
	const struct vm *vm = r->opaque;

	(void)len;
	switch (off) {
	case TESTDEV_NR_CPUS: *val = vm->nr_vcpus; break;
	case TESTDEV_RAM_LO: *val = (uint32_t)vm->mem.size; break;
	case TESTDEV_RAM_HI: *val = vm->mem.size >> 32; break;
	default: *val = 0; break;
	}
}

static void testdev_write(struct mmio_region *r, uint64_t off, unsigned len, uint64_t val)
{
	struct vm *vm = r->opaque;

	(void)len;
	if (off != TESTDEV_EXIT)
		return;
	/* Only an all-zero value passes: a wide write must not truncate to a pass. */
	if (val == 0)
		vm_request_stop(vm, EXIT_POWEROFF, "test guest reported pass");
	else
		vm_request_stop(vm, EXIT_TEST_FAIL, "test guest reported failure, code %llu",
				(unsigned long long)val);
}

const struct mmio_ops testdev_mmio_ops = {
	.name = "testdev",
	.read = testdev_read,
	.write = testdev_write,
};
