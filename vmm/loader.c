// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "le.h"
#include "loader.h"
#include "log.h"

#define IMAGE_MAGIC	 0x644d5241U /* "ARM\x64" */
#define IMAGE_HEADER_LEN 64
#define IMAGE_FLAG_BE	 (1ULL << 0)
#define GZIP_MAGIC0	 0x1f
#define GZIP_MAGIC1	 0x8b

static int parse_image_header(const uint8_t *buf, size_t len, struct kernel_image *img, char *err,
			      size_t errlen)
{
	uint64_t text_offset = le_bytes_get(buf + 0x08, 8);
	uint64_t image_size = le_bytes_get(buf + 0x10, 8);
	uint64_t flags = le_bytes_get(buf + 0x18, 8);

	if (flags & IMAGE_FLAG_BE)
		return err_set(err, errlen, -EINVAL,
			       "is a big-endian kernel; armlet runs little-endian guests");
	if (image_size == 0) {
		/* Before Linux 3.17: text_offset is 0x80000 whatever the field says. */
		text_offset = 0x80000;
		image_size = len;
	}
	if (image_size < len)
		return err_set(err, errlen, -EINVAL,
			       "has a corrupt Image header (image_size %llu is smaller than the "
			       "file, %zu bytes)",
			       (unsigned long long)image_size, len);
	if (text_offset >= (1ULL << 21) || text_offset % 4096)
		return err_set(err, errlen, -EINVAL,
			       "has a corrupt Image header (text_offset 0x%llx)",
			       (unsigned long long)text_offset);
	img->kind = KERNEL_IMAGE;
	img->load_offset = text_offset;
	img->footprint = image_size;
	return 0;
}

int loader_parse(const uint8_t *buf, size_t len, struct kernel_image *img, char *err, size_t errlen)
{
	if (len == 0)
		return err_set(err, errlen, -EINVAL, "is empty");
	if (len >= 4 && memcmp(buf, "\177ELF", 4) == 0)
		return err_set(
		    err, errlen, -EINVAL,
		    "is an ELF file (vmlinux?); pass arch/arm64/boot/Image or Image.gz instead");
	/* EFI zboot (CONFIG_EFI_ZBOOT): "MZ", 2 bytes, then "zimg". */
	if (len >= 8 && buf[0] == 'M' && buf[1] == 'Z' && memcmp(buf + 4, "zimg", 4) == 0)
		return err_set(err, errlen, -EINVAL,
			       "is an EFI zboot image (vmlinuz.efi); pass arch/arm64/boot/Image "
			       "or Image.gz instead");
	if (len >= IMAGE_HEADER_LEN && le_bytes_get(buf + 0x38, 4) == IMAGE_MAGIC)
		return parse_image_header(buf, len, img, err, errlen);
	/* An Image's first instruction is "MZ" for its EFI stub; a short one is cut off. */
	if (len < IMAGE_HEADER_LEN && buf[0] == 'M' && len >= 2 && buf[1] == 'Z')
		return err_set(err, errlen, -EINVAL,
			       "is truncated (%zu bytes, shorter than an Image header)", len);
	img->kind = KERNEL_FLAT;
	img->load_offset = LOADER_FLAT_OFFSET;
	img->footprint = len;
	return 0;
}

int loader_gunzip(const uint8_t *in, size_t len, size_t max_out, uint8_t **out, size_t *out_len)
{
	z_stream zs = { 0 };
	size_t cap = len * 4 < max_out ? len * 4 : max_out;
	uint8_t *buf = NULL;
	int zret, ret = -EINVAL;

	if (cap < 4096)
		cap = 4096;
	/* Never start above the limit: the limit is only checked when the buffer fills. */
	if (cap > max_out)
		cap = max_out ? max_out : 1;
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) /* 16: gzip wrapper only */
		return -ENOMEM;
	zs.next_in = (uint8_t *)in;
	zs.avail_in = (uInt)len;
	do {
		if (zs.total_out == cap) {
			if (cap >= max_out) {
				ret = -EFBIG;
				goto fail;
			}
			cap = cap * 2 < max_out ? cap * 2 : max_out;
		}
		uint8_t *nbuf = realloc(buf, cap);

		if (!nbuf) {
			ret = -ENOMEM;
			goto fail;
		}
		buf = nbuf;
		zs.next_out = buf + zs.total_out;
		zs.avail_out = (uInt)(cap - zs.total_out);
		zret = inflate(&zs, Z_NO_FLUSH);
		if (zret == Z_STREAM_END)
			break;
		/* Z_BUF_ERROR with input left means "grow the output". */
		if (zret != Z_OK && !(zret == Z_BUF_ERROR && zs.avail_in))
			goto fail;
		if (zs.avail_in == 0 && zs.avail_out != 0)
			goto fail; /* input ended before the stream did: truncated */
	} while (1);
	*out = buf;
	*out_len = zs.total_out;
	inflateEnd(&zs);
	return 0;
fail:
	free(buf);
	inflateEnd(&zs);
	return ret;
}

/* Reads exactly len bytes; a file that ends early is -EIO. */
static int read_full(int fd, uint8_t *dst, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, dst + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

static int read_whole(int fd, uint64_t max, uint8_t **out, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int ret;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((uint64_t)st.st_size > max)
		return -EFBIG;
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf)
		return -ENOMEM;
	ret = read_full(fd, buf, (size_t)st.st_size);
	if (ret) {
		free(buf);
		return ret;
	}
	*out = buf;
	*len = (size_t)st.st_size;
	return 0;
}

int kernel_image_read(const char *path, uint64_t max, struct kernel_image *img, char *err,
		      size_t errlen)
{
	uint8_t *raw = NULL;
	size_t len = 0;
	int fd, ret;

	memset(img, 0, sizeof(*img));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		return err_set(err, errlen, ret, "%s", strerror(-ret));
	}
	ret = read_whole(fd, max, &raw, &len);
	close(fd);
	if (ret == -EFBIG)
		return err_set(err, errlen, ret, "is larger than guest RAM (%llu MiB); raise -m",
			       (unsigned long long)(max >> 20));
	if (ret)
		return err_set(err, errlen, ret, "cannot be read: %s", strerror(-ret));
	if (len >= 2 && raw[0] == GZIP_MAGIC0 && raw[1] == GZIP_MAGIC1) {
		uint8_t *inflated;
		size_t ilen;

		ret = loader_gunzip(raw, len, max, &inflated, &ilen);
		free(raw);
		if (ret == -EFBIG)
			return err_set(err, errlen, ret,
				       "inflates to more than guest RAM (%llu MiB); raise -m",
				       (unsigned long long)(max >> 20));
		if (ret)
			return err_set(err, errlen, -EINVAL, "is a corrupt or truncated gzip file");
		raw = inflated;
		len = ilen;
		img->gzipped = 1;
	}
	img->data = raw;
	img->size = len;
	ret = loader_parse(raw, len, img, err, errlen);
	if (ret)
		kernel_image_free(img);
	return ret;
}

void kernel_image_free(struct kernel_image *img)
{
	free(img->data);
	img->data = NULL;
}

int kernel_image_load(const struct kernel_image *img, struct guest_mem *mem, uint64_t gpa)
{
	void *dst = guest_ptr(mem, gpa, img->footprint);

	if (!dst)
		return -ERANGE;
	memcpy(dst, img->data, img->size);
	return 0;
}

int loader_load_file(const char *path, struct guest_mem *mem, uint64_t gpa, uint64_t max)
{
	struct stat st;
	uint8_t *dst;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		ret = -EFBIG;
		goto out;
	}
	dst = guest_ptr(mem, gpa, (uint64_t)st.st_size);
	if (!dst) {
		ret = -ERANGE;
		goto out;
	}
	ret = read_full(fd, dst, (size_t)st.st_size);
out:
	close(fd);
	return ret;
}
