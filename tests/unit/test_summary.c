// SPDX-License-Identifier: GPL-2.0-only
/*
 * The --stats / `armlet stat` run summary, written from fixed counters: it
 * must parse as JSON (RFC 8259, checked by the small strict parser below),
 * hold every key with the value it was given, and never repeat a key within
 * an object. Both the final ("stopped") and the live variants.
 */
#include <stdlib.h>
#include <string.h>

#include "../../vmm/summary.h"
#include "suites.h"

/* --- a strict JSON parser into a small tree ------------------------------ */

enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
	enum jv_type type;
	bool b;
	char *text; /* JV_STR: decoded (UTF-8); JV_NUM: as written */
	size_t n;   /* JV_ARR, JV_OBJ: how many items */
	char **keys;
	struct jv **items;
};

struct jp {
	const char *p;
	unsigned depth;
};

#define JP_MAX_DEPTH 64

static struct jv *jp_value(struct jp *jp);

static void jv_free(struct jv *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		if (v->keys)
			free(v->keys[i]);
		jv_free(v->items[i]);
	}
	free(v->keys);
	free(v->items);
	free(v->text);
	free(v);
}

static struct jv *jv_new(enum jv_type type)
{
	struct jv *v = calloc(1, sizeof(*v));

	ck_assert_ptr_nonnull(v);
	v->type = type;
	return v;
}

static void jp_ws(struct jp *jp)
{
	while (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r')
		jp->p++;
}

static int hex4(const char *s)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;

		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static size_t utf8_put(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A \u escape at s (after the backslash-u), surrogate pairs joined; -1 if invalid. */
static long jp_unicode(const char **s)
{
	int hi = hex4(*s), lo;

	if (hi < 0)
		return -1;
	*s += 4;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return -1;
	if (hi < 0xd800 || hi > 0xdbff)
		return hi;
	if ((*s)[0] != '\\' || (*s)[1] != 'u' || (lo = hex4(*s + 2)) < 0xdc00 || lo > 0xdfff)
		return -1;
	*s += 6;
	return 0x10000 + ((long)(hi - 0xd800) << 10) + (lo - 0xdc00);
}

/* One escape after the backslash into out; returns the bytes written, 0 if invalid. */
static size_t jp_escape(const char **s, char *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e = **s ? strchr(from, **s) : NULL;
	long cp;

	if (e) {
		(*s)++;
		*out = to[e - from];
		return 1;
	}
	if (**s != 'u')
		return 0;
	(*s)++;
	cp = jp_unicode(s);
	return cp < 0 ? 0 : utf8_put(out, (unsigned)cp);
}

/* A string at jp->p (on its opening quote), decoded into a new buffer; NULL if invalid. */
static char *jp_string(struct jp *jp)
{
	const char *s = jp->p + 1;
	char *out = malloc(strlen(s) + 1), *o = out;

	ck_assert_ptr_nonnull(out);
	while (*s != '"') {
		size_t n = 1;

		/* RFC 8259 §7: no raw control characters; escapes only as listed. */
		if ((unsigned char)*s < 0x20)
			n = 0;
		else if (*s == '\\')
			s++, n = jp_escape(&s, o);
		else
			*o = *s++;
		if (!n) {
			free(out);
			return NULL;
		}
		o += n;
	}
	*o = '\0';
	jp->p = s + 1;
	return out;
}

static const char *digits(const char *s)
{
	while (*s >= '0' && *s <= '9')
		s++;
	return s;
}

/* RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static struct jv *jp_number(struct jp *jp)
{
	const char *s = jp->p + (*jp->p == '-'), *e;
	struct jv *v;

	if (*s == '0')
		e = s + 1;
	else if ((e = digits(s)) == s)
		return NULL;
	if (*e == '.' && (s = e + 1, (e = digits(s)) == s))
		return NULL;
	if ((*e == 'e' || *e == 'E') &&
	    (s = e + 1 + (e[1] == '+' || e[1] == '-'), (e = digits(s)) == s))
		return NULL;
	v = jv_new(JV_NUM);
	v->text = strndup(jp->p, (size_t)(e - jp->p));
	jp->p = e;
	return v;
}

static void jv_push(struct jv *v, char *key, struct jv *item)
{
	v->items = realloc(v->items, (v->n + 1) * sizeof(*v->items));
	ck_assert_ptr_nonnull(v->items);
	if (v->type == JV_OBJ) {
		v->keys = realloc(v->keys, (v->n + 1) * sizeof(*v->keys));
		ck_assert_ptr_nonnull(v->keys);
		v->keys[v->n] = key;
	}
	v->items[v->n++] = item;
}

/* One member ("key": value) of an object, or an item of an array; false if invalid. */
static bool jp_item(struct jp *jp, struct jv *v)
{
	char *key = NULL;
	struct jv *item;

	jp_ws(jp);
	if (v->type == JV_OBJ) {
		if (*jp->p != '"' || !(key = jp_string(jp)))
			return false;
		jp_ws(jp);
		if (*jp->p++ != ':') {
			free(key);
			return false;
		}
	}
	item = jp_value(jp);
	if (!item) {
		free(key);
		return false;
	}
	jv_push(v, key, item);
	jp_ws(jp);
	return true;
}

/* An object or array at jp->p (on its opening bracket). */
static struct jv *jp_container(struct jp *jp, enum jv_type type, char close)
{
	struct jv *v = jv_new(type);

	jp->p++;
	jp_ws(jp);
	if (*jp->p == close) {
		jp->p++;
		return v;
	}
	while (jp_item(jp, v)) {
		if (*jp->p == close) {
			jp->p++;
			return v;
		}
		if (*jp->p++ != ',')
			break;
	}
	jv_free(v);
	return NULL;
}

static struct jv *jp_literal(struct jp *jp)
{
	static const struct {
		const char *word;
		enum jv_type type;
		bool b;
	} lits[] = { { "null", JV_NULL, false },
		     { "true", JV_BOOL, true },
		     { "false", JV_BOOL, false } };

	for (size_t i = 0; i < sizeof(lits) / sizeof(lits[0]); i++) {
		size_t n = strlen(lits[i].word);

		if (strncmp(jp->p, lits[i].word, n) == 0) {
			struct jv *v = jv_new(lits[i].type);

			v->b = lits[i].b;
			jp->p += n;
			return v;
		}
	}
	return NULL;
}

static struct jv *jp_value(struct jp *jp)
{
	struct jv *v = NULL;
	char *s;

	jp_ws(jp);
	if (++jp->depth > JP_MAX_DEPTH)
		return NULL;
	if (*jp->p == '{') {
		v = jp_container(jp, JV_OBJ, '}');
	} else if (*jp->p == '[') {
		v = jp_container(jp, JV_ARR, ']');
	} else if (*jp->p == '"') {
		s = jp_string(jp);
		if (s) {
			v = jv_new(JV_STR);
			v->text = s;
		}
	} else if (*jp->p == '-' || (*jp->p >= '0' && *jp->p <= '9')) {
		v = jp_number(jp);
	} else {
		v = jp_literal(jp);
	}
	jp->depth--;
	return v;
}

/* The whole of text as one JSON value, or NULL if it is not exactly that. */
static struct jv *json_parse(const char *text)
{
	struct jp jp = { .p = text };
	struct jv *v = jp_value(&jp);

	jp_ws(&jp);
	if (v && *jp.p) {
		jv_free(v);
		return NULL;
	}
	return v;
}

/* RFC 8259 §4 only says SHOULD; armlet's readers (grep, jq) need them unique. */
static bool jv_keys_unique(const struct jv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		if (!jv_keys_unique(v->items[i]))
			return false;
		for (size_t k = 0; v->keys && k < i; k++)
			if (strcmp(v->keys[k], v->keys[i]) == 0)
				return false;
	}
	return true;
}

/* --- asserting on the tree ------------------------------------------------ */

static const struct jv *jv_get(const struct jv *obj, const char *key)
{
	ck_assert_int_eq(obj->type, JV_OBJ);
	for (size_t i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	ck_abort_msg("no key \"%s\"", key);
	return NULL;
}

static const struct jv *jv_has(const struct jv *obj, const char *key, enum jv_type type)
{
	const struct jv *v = jv_get(obj, key);

	ck_assert_msg(v->type == type, "\"%s\" has type %d, expected %d", key, v->type, type);
	return v;
}

static void assert_u64(const struct jv *obj, const char *key, uint64_t want)
{
	const struct jv *v = jv_has(obj, key, JV_NUM);
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)want);
	ck_assert_msg(strcmp(v->text, buf) == 0, "\"%s\" is %s, expected %s", key, v->text, buf);
}

static void assert_ms(const struct jv *obj, const char *key, double want)
{
	double got = strtod(jv_has(obj, key, JV_NUM)->text, NULL);

	ck_assert_double_eq_tol(got, want, 1e-6);
}

static void assert_str(const struct jv *obj, const char *key, const char *want)
{
	ck_assert_str_eq(jv_has(obj, key, JV_STR)->text, want);
}

/* obj has exactly these keys, in this order. */
static void assert_keys(const struct jv *obj, const char *const *keys, size_t n)
{
	ck_assert_int_eq(obj->type, JV_OBJ);
	for (size_t i = 0; i < n && i < obj->n; i++)
		ck_assert_str_eq(obj->keys[i], keys[i]);
	ck_assert_uint_eq(obj->n, n);
}

#define ASSERT_KEYS(obj, ...)                                                                      \
	do {                                                                                       \
		static const char *const keys_[] = { __VA_ARGS__ };                                \
		assert_keys(obj, keys_, sizeof(keys_) / sizeof(keys_[0]));                         \
	} while (0)

/* --- the summary, from fixed values --------------------------------------- */

/* Characters the writer must escape: quotes, backslash, newline, tab, a control character. */
static const char exit_reason[] = "guest said \"bye\" \\o/\n\tthen \x01 reset (caf\xc3\xa9)";
static const char irqchip_reason[] = "gicv3-its (auto; the best model this host offers)";

/* What the device callback writes: the board's members, from its context. */
static void fake_devices(const void *ctx, struct json *j)
{
	const uint64_t *kicks = ctx;

	json_object_begin(j, "pci");
	json_u64(j, "cfg_reads", 120);
	json_u64(j, "cfg_writes", 48);
	json_object_end(j);
	json_object_begin(j, "devices");
	json_object_begin(j, "virtio-blk0");
	json_string(j, "type", "blk");
	json_bool(j, "msix", true);
	json_u64(j, "kicks_ioeventfd", *kicks);
	json_object_end(j);
	json_object_end(j);
}

static const uint64_t blk_kicks = 4242;

static void summary_fixed(struct summary *s, enum summary_state state)
{
	static const uint64_t exits[2][VCPU_NR_EXIT_KINDS] = {
		{ [VCPU_EXIT_MMIO] = 1500, [VCPU_EXIT_SYSTEM_EVENT] = 1, [VCPU_EXIT_INTR] = 30 },
		{ [VCPU_EXIT_MMIO] = 7, [VCPU_EXIT_INTR] = 2, [VCPU_EXIT_OTHER] = UINT64_MAX },
	};

	*s = (struct summary){
		.state = state,
		.exit_code = 3,
		.exit_reason = exit_reason,
		.irqchip = "gicv3-its",
		.irqchip_reason = irqchip_reason,
		.ipa_bits = 33,
		.ram_bytes = 256ull << 20,
		.reboots = 2,
		.first_kvm_run_ms = 312.5,
		.first_console_byte_ms = 0.0, /* the guest printed nothing yet */
		.end_ms = 2048.25,
		.nr_vcpus = 2,
		.nr_mmio = 4,
		.mmio = {
			{ "uart", 0x1000000, 900 },
			{ "pci-ecam", 0x40000000, 64 },
			{ "pci-mem", 0x50000000, 5 },
			{ "pci-mem", 0x100000000, 9 }, /* the 64-bit window: same name, another base */
		},
		.mmio_unhandled = 2,
		.irq_irqfd = 41,
		.irq_ioctl = 7,
		.irq_user_gic = 0,
		.irq_rvic = 1ull << 40,
		.devices = fake_devices,
		.devices_ctx = &blk_kicks,
	};
	memcpy(s->vcpu_exits, exits, sizeof(exits));
}

/* Writes s, checks it parses as JSON with unique keys, and returns the tree. */
static struct jv *render_parse(const struct summary *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct jv *root;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(summary_print_json(s, f), 0);
	fclose(f);
	root = json_parse(text);
	ck_assert_msg(root, "not JSON:\n%s", text);
	ck_assert_msg(jv_keys_unique(root), "a key repeats within an object:\n%s", text);
	ck_assert_int_eq(root->type, JV_OBJ);
	free(text);
	return root;
}

static void assert_vcpu_exits(const struct jv *root)
{
	const struct jv *arr = jv_has(root, "vcpu_exits", JV_ARR);

	ck_assert_uint_eq(arr->n, 2);
	for (size_t i = 0; i < arr->n; i++)
		ASSERT_KEYS(arr->items[i], "mmio", "system_event", "intr", "hypercall", "other");
	assert_u64(arr->items[0], "mmio", 1500);
	assert_u64(arr->items[0], "system_event", 1);
	assert_u64(arr->items[0], "intr", 30);
	assert_u64(arr->items[0], "other", 0);
	assert_u64(arr->items[1], "mmio", 7);
	assert_u64(arr->items[1], "system_event", 0);
	assert_u64(arr->items[1], "intr", 2);
	assert_u64(arr->items[1], "other", UINT64_MAX);
}

static void assert_mmio_and_devices(const struct jv *root)
{
	const struct jv *mmio = jv_has(root, "mmio_regions", JV_OBJ), *blk;

	ASSERT_KEYS(mmio, "uart@1000000", "pci-ecam@40000000", "pci-mem@50000000",
		    "pci-mem@100000000", "unhandled");
	assert_u64(mmio, "uart@1000000", 900);
	assert_u64(mmio, "pci-ecam@40000000", 64);
	assert_u64(mmio, "pci-mem@50000000", 5);
	assert_u64(mmio, "pci-mem@100000000", 9);
	assert_u64(mmio, "unhandled", 2);
	assert_u64(jv_has(root, "pci", JV_OBJ), "cfg_reads", 120);
	blk = jv_has(jv_has(root, "devices", JV_OBJ), "virtio-blk0", JV_OBJ);
	assert_str(blk, "type", "blk");
	ck_assert(jv_has(blk, "msix", JV_BOOL)->b);
	assert_u64(blk, "kicks_ioeventfd", blk_kicks);
}

static void assert_interrupts(const struct jv *root)
{
	const struct jv *irq = jv_has(root, "interrupts", JV_OBJ);

	ASSERT_KEYS(irq, "irqfd", "ioctl", "user_gic", "rvic");
	assert_u64(irq, "irqfd", 41);
	assert_u64(irq, "ioctl", 7);
	assert_u64(irq, "user_gic", 0);
	assert_u64(irq, "rvic", 1ull << 40);
}

/* What the final and the live summaries share. */
static void assert_vm_fields(const struct jv *root)
{
	assert_str(root, "irqchip", "gicv3-its");
	assert_str(root, "irqchip_reason", irqchip_reason);
	assert_u64(root, "ipa_bits", 33);
	assert_u64(root, "vcpus", 2);
	assert_u64(root, "ram_bytes", 256ull << 20);
	assert_u64(root, "reboots", 2);
	assert_vcpu_exits(root);
	assert_mmio_and_devices(root);
	assert_interrupts(root);
}

START_TEST(test_stopped)
{
	struct summary s;
	struct jv *root;
	const struct jv *tl;

	summary_fixed(&s, SUMMARY_STOPPED);
	root = render_parse(&s);
	ASSERT_KEYS(root, "state", "exit_code", "exit_reason", "irqchip", "irqchip_reason",
		    "ipa_bits", "vcpus", "ram_bytes", "reboots", "timeline_ms", "vcpu_exits",
		    "mmio_regions", "interrupts", "pci", "devices");
	assert_str(root, "state", "stopped");
	assert_u64(root, "exit_code", 3);
	assert_str(root, "exit_reason", exit_reason);
	tl = jv_has(root, "timeline_ms", JV_OBJ);
	ASSERT_KEYS(tl, "first_kvm_run", "first_console_byte", "exit");
	assert_ms(tl, "first_kvm_run", 312.5);
	assert_ms(tl, "first_console_byte", 0.0);
	assert_ms(tl, "exit", 2048.25);
	assert_vm_fields(root);
	jv_free(root);
}
END_TEST

/* `armlet stat`: running or paused, no exit yet, "now" instead of "exit". */
START_TEST(test_live)
{
	static const enum summary_state states[] = { SUMMARY_RUNNING, SUMMARY_PAUSED };
	static const char *const names[] = { "running", "paused" };

	for (size_t i = 0; i < 2; i++) {
		struct summary s;
		struct jv *root;
		const struct jv *tl;

		summary_fixed(&s, states[i]);
		root = render_parse(&s);
		assert_str(root, "state", names[i]);
		ck_assert_int_eq(jv_get(root, "exit_code")->type, JV_NULL);
		ck_assert_int_eq(jv_get(root, "exit_reason")->type, JV_NULL);
		tl = jv_has(root, "timeline_ms", JV_OBJ);
		ASSERT_KEYS(tl, "first_kvm_run", "first_console_byte", "now");
		assert_ms(tl, "now", 2048.25);
		assert_vm_fields(root);
		jv_free(root);
	}
}
END_TEST

/* Before anything ran: no vCPUs, regions or devices, no irqchip chosen. */
START_TEST(test_empty)
{
	struct summary s = { .state = SUMMARY_RUNNING, .irqchip_reason = "" };
	struct jv *root = render_parse(&s);

	ASSERT_KEYS(root, "state", "exit_code", "exit_reason", "irqchip", "irqchip_reason",
		    "ipa_bits", "vcpus", "ram_bytes", "reboots", "timeline_ms", "vcpu_exits",
		    "mmio_regions", "interrupts");
	ck_assert_int_eq(jv_get(root, "irqchip")->type, JV_NULL);
	ck_assert_uint_eq(jv_has(root, "vcpu_exits", JV_ARR)->n, 0);
	ASSERT_KEYS(jv_get(root, "mmio_regions"), "unhandled");
	jv_free(root);
}
END_TEST

/* The parser above is what the other tests trust: it must refuse what is not JSON. */
START_TEST(test_parser_refuses)
{
	static const char *const bad[] = {
		"{\"a\": 1,}",	    "{\"a\": 1} {",
		"{\"a\" 1}",	    "{a: 1}",
		"{\"a\": 01}",	    "{\"a\": 1.}",
		"{\"a\": -}",	    "{\"a\": \"x\ny\"}",
		"{\"a\": \"\\x\"}", "{\"a\": \"\\ud800\"}",
		"{\"a\": [1, 2}",   "{\"a\": tru}",
		"{\"a\": \"open}",  "",
		"{\"a\": 1e}",	    "[1 2]",
	};
	struct jv *v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = json_parse(bad[i]);
		ck_assert_msg(!v, "parsed: %s", bad[i]);
	}
	v = json_parse(" {\"a\": {\"b\": 1, \"b\": 2}, \"s\": \"\\u00e9\\ud83d\\ude00\\/\", "
		       "\"n\": [-0.5e+3, 0, true, null]} ");
	ck_assert_ptr_nonnull(v);
	ck_assert(!jv_keys_unique(v));
	ck_assert_str_eq(jv_get(v, "s")->text, "\xc3\xa9\xf0\x9f\x98\x80/");
	jv_free(v);
}
END_TEST

Suite *summary_suite(void)
{
	Suite *s = suite_create("summary");
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, test_stopped);
	tcase_add_test(tc, test_live);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_parser_refuses);
	suite_add_tcase(s, tc);
	return s;
}
