// SPDX-License-Identifier: GPL-2.0-only
/*
 * dtbcheck FILE: validates a flattened device tree with libfdt and prints
 * every node's path and every property as "path:name = value", so shell
 * tests can grep a DTB without dtc (L1 has only busybox).
 */
#include <ctype.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_string(const char *p, int len)
{
	if (len <= 0 || p[len - 1])
		return 0;
	for (int i = 0; i < len - 1; i++)
		if (!isprint((unsigned char)p[i]) && p[i])
			return 0;
	return p[0] != 0;
}

static void print_prop(const char *path, const char *name, const char *val, int len)
{
	printf("%s:%s =", strcmp(path, "/") ? path : "", name);
	if (is_string(val, len)) {
		/* A string list prints its members separated by ", ". */
		for (int off = 0; off < len; off += (int)strlen(val + off) + 1)
			printf("%s\"%s\"", off ? ", " : " ", val + off);
	} else if (len % 4 == 0) {
		printf(" <");
		for (int i = 0; i < len; i += 4)
			printf("%s0x%x", i ? " " : "", fdt32_to_cpu(*(const fdt32_t *)(val + i)));
		printf(">");
	} else {
		printf(" [%d bytes]", len);
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	static char blob[1 << 20];
	char path[512];
	FILE *f;
	size_t n;
	int node = 0, depth = 0, ret;

	if (argc != 2) {
		fprintf(stderr, "usage: dtbcheck FILE\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	n = fread(blob, 1, sizeof(blob), f);
	fclose(f);
	ret = fdt_check_full(blob, n);
	if (ret) {
		fprintf(stderr, "dtbcheck: %s: %s\n", argv[1], fdt_strerror(ret));
		return 1;
	}
	for (; node >= 0 && depth >= 0; node = fdt_next_node(blob, node, &depth)) {
		int prop;

		if (fdt_get_path(blob, node, path, sizeof(path)))
			return 1;
		printf("%s\n", path);
		fdt_for_each_property_offset (prop, blob, node) {
			const char *name;
			int len;
			const char *val = fdt_getprop_by_offset(blob, prop, &name, &len);

			print_prop(path, name, val, len);
		}
	}
	return 0;
}
