// SPDX-License-Identifier: GPL-2.0-only
/* The JSON writer: exact output for a small document, escaping, and nesting. */
#include <stdlib.h>
#include <string.h>

#include "../../vmm/json.h"
#include "suites.h"

/* Runs fn on a memstream and returns what it wrote (caller frees). */
static char *render(void (*fn)(struct json *j))
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct json j;

	ck_assert_ptr_nonnull(f);
	json_begin(&j, f);
	fn(&j);
	ck_assert_int_eq(json_end(&j), 0);
	fclose(f);
	return text;
}

static void doc_small(struct json *j)
{
	json_string(j, "name", "vm0");
	json_u64(j, "code", 0);
	json_i64(j, "neg", -3);
	json_bool(j, "ok", true);
	json_string(j, "none", NULL);
	json_object_begin(j, "dev");
	json_u64(j, "kicks", 18446744073709551615ULL);
	json_object_end(j);
	json_array_begin(j, "cpus");
	json_u64(j, NULL, 1);
	json_u64(j, NULL, 2);
	json_array_end(j);
	json_object_begin(j, "empty");
	json_object_end(j);
}

START_TEST(test_small_document)
{
	char *text = render(doc_small);

	ck_assert_str_eq(text, "{\n"
			       "  \"name\": \"vm0\",\n"
			       "  \"code\": 0,\n"
			       "  \"neg\": -3,\n"
			       "  \"ok\": true,\n"
			       "  \"none\": null,\n"
			       "  \"dev\": {\n"
			       "    \"kicks\": 18446744073709551615\n"
			       "  },\n"
			       "  \"cpus\": [\n"
			       "    1,\n"
			       "    2\n"
			       "  ],\n"
			       "  \"empty\": {}\n"
			       "}\n");
	free(text);
}
END_TEST

static void doc_escapes(struct json *j)
{
	json_string(j, "s", "a\"b\\c\nd\te\x01\x1f/\xc3\xa9");
	json_string(j, "k\"ey", "");
	json_double(j, "nan", 0.0 / 0.0);
	json_double(j, "half", 0.5);
}

START_TEST(test_escapes)
{
	char *text = render(doc_escapes);

	ck_assert_str_eq(text, "{\n"
			       "  \"s\": \"a\\\"b\\\\c\\nd\\te\\u0001\\u001f/\xc3\xa9\",\n"
			       "  \"k\\\"ey\": \"\",\n"
			       "  \"nan\": null,\n"
			       "  \"half\": 0.500000\n"
			       "}\n");
	free(text);
}
END_TEST

static void doc_deep(struct json *j)
{
	for (int i = 0; i < 2 * JSON_MAX_DEPTH; i++)
		json_array_begin(j, i ? NULL : "deep");
	for (int i = 0; i < 2 * JSON_MAX_DEPTH; i++)
		json_array_end(j);
	json_u64(j, "after", 1);
}

/* Too deep is not expected, but must stay balanced and never overflow. */
START_TEST(test_too_deep_stays_balanced)
{
	char *text = render(doc_deep);
	int open = 0, close = 0;

	for (char *p = text; *p; p++) {
		open += *p == '[' || *p == '{';
		close += *p == ']' || *p == '}';
	}
	ck_assert_int_eq(open, close);
	free(text);
}
END_TEST

Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("writer");

	tcase_add_test(tc, test_small_document);
	tcase_add_test(tc, test_escapes);
	tcase_add_test(tc, test_too_deep_stays_balanced);
	suite_add_tcase(s, tc);
	return s;
}
