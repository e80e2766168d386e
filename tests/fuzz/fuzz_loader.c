// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the kernel loader (vmm/loader.c). The input is a
 * kernel file: written to a memfd (created once), read back through
 * kernel_image_read() with a small RAM size (gzip inflated, the Image
 * header parsed), then loaded into a small guest RAM; the same file goes
 * through loader_load_file() as an initrd would, and the raw bytes through
 * loader_gunzip() with a smaller limit. Whatever the file, an accepted
 * image must describe itself consistently and land in RAM byte for byte.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../vmm/loader.h"
#include "fuzz_input.h"

#define RAM_BASE   0x80000000ULL
#define MAX_KERNEL (4ULL << 20) /* the "RAM size" limit handed to the loader */
#define RAM_SIZE   (6ULL << 20) /* room for text_offset (< 2 MiB) plus the limit */
#define GUNZIP_MAX (64u << 10)

static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static int file_fd = -1;
static char file_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	file_fd = memfd_create("armlet-fuzz-kernel", MFD_CLOEXEC);
	if (file_fd < 0) {
		perror("fuzz_loader: memfd_create");
		abort();
	}
	snprintf(file_path, sizeof(file_path), "/proc/self/fd/%d", file_fd);
	return 0;
}

static void image_check(const struct kernel_image *img)
{
	FUZZ_CHECK(img->data && img->size > 0 && img->size <= MAX_KERNEL);
	FUZZ_CHECK(img->footprint >= img->size);
	if (img->kind == KERNEL_FLAT) {
		FUZZ_CHECK(img->load_offset == LOADER_FLAT_OFFSET && img->footprint == img->size);
	} else {
		FUZZ_CHECK(img->kind == KERNEL_IMAGE);
		FUZZ_CHECK(img->load_offset < (2ULL << 20) && img->load_offset % 4096 == 0);
	}
}

static void kernel_check(void)
{
	struct guest_mem mem = { .gpa = RAM_BASE, .size = RAM_SIZE, .hva = ram };
	struct kernel_image img;
	char err[256];
	int ret;

	ret = kernel_image_read(file_path, MAX_KERNEL, &img, err, sizeof(err));
	FUZZ_CHECK(ret <= 0);
	if (ret) {
		FUZZ_CHECK(err[0] != 0);
		FUZZ_CHECK(img.data == NULL); /* nothing left to free */
		return;
	}
	image_check(&img);
	ret = kernel_image_load(&img, &mem, RAM_BASE + img.load_offset);
	FUZZ_CHECK(ret == 0 || ret == -ERANGE);
	if (!ret)
		FUZZ_CHECK(!memcmp(ram + img.load_offset, img.data, img.size));
	kernel_image_free(&img);
}

static void initrd_check(const uint8_t *data, size_t size)
{
	struct guest_mem mem = { .gpa = RAM_BASE, .size = RAM_SIZE, .hva = ram };
	uint64_t gpa = RAM_BASE + RAM_SIZE - (size < RAM_SIZE ? size : 0);
	int ret = loader_load_file(file_path, &mem, gpa, MAX_KERNEL);

	FUZZ_CHECK(ret <= 0);
	if (!ret && size)
		FUZZ_CHECK(!memcmp(ram + (gpa - RAM_BASE), data, size));
}

static void gunzip_check(const uint8_t *data, size_t size)
{
	uint8_t *out = NULL;
	size_t out_len = 0;
	int ret = loader_gunzip(data, size, GUNZIP_MAX, &out, &out_len);

	FUZZ_CHECK(ret == 0 || ret == -EINVAL || ret == -EFBIG || ret == -ENOMEM);
	if (!ret) {
		FUZZ_CHECK(out_len <= GUNZIP_MAX);
		free(out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FUZZ_CHECK(ftruncate(file_fd, 0) == 0);
	FUZZ_CHECK(pwrite(file_fd, data, size, 0) == (ssize_t)size);
	kernel_check();
	initrd_check(data, size);
	gunzip_check(data, size);
	return 0;
}
