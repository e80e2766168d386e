// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <math.h>

#include "json.h"

static void json_escaped(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			/* RFC 8259 §7: control characters must be escaped. */
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* The separator, indentation and key that precede every member. */
static void json_member(struct json *j, const char *key)
{
	if (j->has_items[j->depth])
		fputc(',', j->f);
	j->has_items[j->depth] = true;
	fprintf(j->f, "\n%*s", 2 * (int)j->depth, "");
	if (key) {
		json_escaped(j->f, key);
		fputs(": ", j->f);
	}
}

static void json_open(struct json *j, const char *key, char c)
{
	json_member(j, key);
	fputc(c, j->f);
	/* Levels past the last one share its slot (and indentation), and are counted. */
	if (j->depth + 1 < JSON_MAX_DEPTH) {
		j->depth++;
		j->has_items[j->depth] = false;
	} else {
		j->too_deep++;
		j->has_items[j->depth] = false;
	}
}

static void json_close(struct json *j, char c)
{
	bool had = j->has_items[j->depth];

	if (j->too_deep)
		j->too_deep--;
	else if (j->depth)
		j->depth--;
	if (had)
		fprintf(j->f, "\n%*s", 2 * (int)j->depth, "");
	fputc(c, j->f);
	/* The container just closed is an item of its parent. */
	j->has_items[j->depth] = true;
}

void json_begin(struct json *j, FILE *f)
{
	*j = (struct json){ .f = f, .depth = 1 };
	fputc('{', f);
}

int json_end(struct json *j)
{
	json_close(j, '}');
	fputc('\n', j->f);
	return fflush(j->f) || ferror(j->f) ? -EIO : 0;
}

void json_object_begin(struct json *j, const char *key)
{
	json_open(j, key, '{');
}

void json_object_end(struct json *j)
{
	json_close(j, '}');
}

void json_array_begin(struct json *j, const char *key)
{
	json_open(j, key, '[');
}

void json_array_end(struct json *j)
{
	json_close(j, ']');
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	json_member(j, key);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

void json_i64(struct json *j, const char *key, int64_t v)
{
	json_member(j, key);
	fprintf(j->f, "%lld", (long long)v);
}

void json_double(struct json *j, const char *key, double v)
{
	json_member(j, key);
	/* JSON has no NaN or infinity. */
	if (isfinite(v))
		fprintf(j->f, "%.6f", v);
	else
		fputs("null", j->f);
}

void json_bool(struct json *j, const char *key, bool v)
{
	json_member(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_string(struct json *j, const char *key, const char *s)
{
	json_member(j, key);
	if (s)
		json_escaped(j->f, s);
	else
		fputs("null", j->f);
}
