/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A streaming JSON writer (RFC 8259) for the run summary (--stats): values
 * go straight to a FILE, one member per line, indented, so that shell
 * scripts can grep a line and programs can parse the whole. Keys are given
 * inside objects and NULL inside arrays; strings are escaped here.
 */
#ifndef ARMLET_JSON_H
#define ARMLET_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	unsigned depth;
	unsigned too_deep;		/* levels opened beyond JSON_MAX_DEPTH */
	bool has_items[JSON_MAX_DEPTH]; /* a comma is due before the next member */
};

/* Starts the top-level object. */
void json_begin(struct json *j, FILE *f);
/* Ends it with a newline; returns 0, or -EIO if anything failed to write. */
int json_end(struct json *j);

void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);

void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_double(struct json *j, const char *key, double v);
void json_bool(struct json *j, const char *key, bool v);
/* NULL s writes null. */
void json_string(struct json *j, const char *key, const char *s);

#endif
