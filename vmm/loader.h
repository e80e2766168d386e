/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel and initrd loading. The parsing half works on a buffer and needs no
 * KVM, so the unit tests feed it truncated and corrupt files.
 *
 * Accepted kernels (Documentation/arch/arm64/booting.rst):
 *   - arm64 Image: header magic "ARM\x64" at 0x38; loaded at RAM base +
 *     text_offset (RAM base is 2 MiB aligned) with image_size bytes free.
 *   - gzip-compressed Image (Image.gz, Debian's vmlinuz on some releases):
 *     inflated first, then treated as above.
 *   - anything else without a header: a flat binary at RAM base + 0x80000,
 *     as lkvm does; bare-metal test guests rely on this.
 * Refused with advice: ELF (vmlinux), EFI zboot (vmlinuz.efi), big-endian.
 */
#ifndef ARMLET_LOADER_H
#define ARMLET_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "mem.h"

#define LOADER_FLAT_OFFSET 0x80000ULL

enum kernel_kind {
	KERNEL_IMAGE, /* arm64 Image (possibly after gunzip) */
	KERNEL_FLAT,  /* no header: flat binary */
};

struct kernel_image {
	uint8_t *data; /* owned; freed by kernel_image_free() */
	size_t size;   /* bytes of data */
	enum kernel_kind kind;
	uint64_t load_offset; /* from the RAM base */
	uint64_t footprint;   /* bytes it occupies once loaded, bss included */
	int gzipped;	      /* it came compressed */
};

/*
 * Classifies a buffer holding a whole (already inflated) kernel file and
 * fills kind, load_offset and footprint. Returns 0, or -EINVAL with a
 * one-line explanation in err.
 */
int loader_parse(const uint8_t *buf, size_t len, struct kernel_image *img, char *err,
		 size_t errlen);

/*
 * Inflates a gzip stream of at most max_out bytes of output. On success
 * *out is a malloc'd buffer the caller frees. Returns -EINVAL (corrupt or
 * truncated), -EFBIG (larger than max_out) or -ENOMEM.
 */
int loader_gunzip(const uint8_t *in, size_t len, size_t max_out, uint8_t **out, size_t *out_len);

/*
 * Reads and classifies the kernel at path, inflating gzip. max is the most
 * it may occupy (the RAM size). Returns -errno; for -ENOENT/-EACCES and other
 * open failures the caller prints lkvm's "Fatal: Unable to open kernel".
 */
int kernel_image_read(const char *path, uint64_t max, struct kernel_image *img, char *err,
		      size_t errlen);
void kernel_image_free(struct kernel_image *img);

/* Copies the image into RAM at gpa. Returns -ERANGE when it does not fit. */
int kernel_image_load(const struct kernel_image *img, struct guest_mem *mem, uint64_t gpa);

/*
 * Copies the file at path into RAM at gpa; at most max bytes. Returns -errno
 * (-EFBIG when longer than max).
 */
int loader_load_file(const char *path, struct guest_mem *mem, uint64_t gpa, uint64_t max);

#endif
