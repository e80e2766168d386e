// SPDX-License-Identifier: GPL-2.0-only
/*
 * `armlet check`, the portable half: /proc/cpuinfo, the verdict, and the
 * report as a table or as JSON. Nothing here touches KVM.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../irqchip/irqchip.h"
#include "exitcode.h"
#include "hostcheck.h"
#include "json.h"
#include "layout.h"

/* --- arguments ------------------------------------------------------------ */

int hostcheck_parse_args(int argc, char *const argv[], struct hostcheck_opts *o, char *err,
			 size_t len)
{
	*o = (struct hostcheck_opts){ 0 };
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			o->json = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			o->help = true;
		} else {
			snprintf(err, len, "check: unknown option '%s' (see armlet check --help)",
				 argv[i]);
			return -EINVAL;
		}
	}
	return 0;
}

void hostcheck_usage(FILE *out)
{
	fprintf(out, "\n usage: armlet check [--json]\n\n"
		     " Reports whether this host can run armlet VMs: /dev/kvm, the KVM\n"
		     " capabilities armlet uses, the vGIC models, and the CPUs. Exit status\n"
		     " 0 when a VM can run here, 1 when not (with what to do about it).\n\n"
		     "    --json    one JSON object instead of the table\n"
		     "    -h, --help\n\n"
		     " ARMLET_KVM_DEV names another KVM device than /dev/kvm.\n\n");
}

/* --- /proc/cpuinfo -------------------------------------------------------- */

/* "name<blanks>: value" with a number (decimal or 0x) as value. */
static bool cpuinfo_field(const char *line, const char *name, unsigned *val)
{
	size_t n = strlen(name);
	const char *p = line + n;

	if (strncmp(line, name, n) != 0)
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != ':')
		return false;
	*val = (unsigned)strtoul(p + 1, NULL, 0);
	return true;
}

static struct host_cpu *cpu_new(struct host_report *r, unsigned id)
{
	struct host_cpu *c;

	if (r->nr_cpus >= HOST_MAX_CPUS)
		return NULL;
	c = &r->cpus[r->nr_cpus++];
	*c = (struct host_cpu){ .id = id };
	return c;
}

/*
 * Each CPU's block starts with "processor : N" (arm64 since Linux 3.19);
 * a second "CPU implementer" without one also starts a CPU, so a format
 * without processor lines still counts.
 */
void hostcheck_parse_cpuinfo(const char *text, struct host_report *r)
{
	struct host_cpu *cur = NULL;
	bool has_impl = false;
	unsigned v;

	r->nr_cpus = 0;
	for (const char *line = text; line && *line;) {
		if (cpuinfo_field(line, "processor", &v)) {
			cur = cpu_new(r, v);
			has_impl = false;
		} else if (cpuinfo_field(line, "CPU implementer", &v)) {
			if (!cur || has_impl)
				cur = cpu_new(r, r->nr_cpus);
			if (cur)
				cur->implementer = v;
			has_impl = true;
		} else if (cur && cpuinfo_field(line, "CPU part", &v)) {
			cur->part = v;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
}

static bool cpu_same_type(const struct host_cpu *a, const struct host_cpu *b)
{
	return a->implementer == b->implementer && a->part == b->part;
}

bool hostcheck_cpus_mixed(const struct host_report *r)
{
	for (unsigned i = 1; i < r->nr_cpus; i++)
		if (!cpu_same_type(&r->cpus[i], &r->cpus[0]))
			return true;
	return false;
}

/* From Linux arch/arm64/include/asm/cputype.h; a few common ones only. */
static const struct {
	unsigned implementer, part;
	const char *name;
} cpu_names[] = {
	{ 0x41, 0xd03, "Arm Cortex-A53" },     { 0x41, 0xd04, "Arm Cortex-A35" },
	{ 0x41, 0xd05, "Arm Cortex-A55" },     { 0x41, 0xd07, "Arm Cortex-A57" },
	{ 0x41, 0xd08, "Arm Cortex-A72" },     { 0x41, 0xd09, "Arm Cortex-A73" },
	{ 0x41, 0xd0a, "Arm Cortex-A75" },     { 0x41, 0xd0b, "Arm Cortex-A76" },
	{ 0x41, 0xd0c, "Arm Neoverse-N1" },    { 0x41, 0xd0d, "Arm Cortex-A77" },
	{ 0x41, 0xd40, "Arm Neoverse-V1" },    { 0x41, 0xd41, "Arm Cortex-A78" },
	{ 0x41, 0xd44, "Arm Cortex-X1" },      { 0x41, 0xd46, "Arm Cortex-A510" },
	{ 0x41, 0xd47, "Arm Cortex-A710" },    { 0x41, 0xd48, "Arm Cortex-X2" },
	{ 0x41, 0xd49, "Arm Neoverse-N2" },    { 0x41, 0xd4d, "Arm Cortex-A715" },
	{ 0x41, 0xd4e, "Arm Cortex-X3" },      { 0x41, 0xd4f, "Arm Neoverse-V2" },
	{ 0x41, 0xd80, "Arm Cortex-A520" },    { 0x41, 0xd81, "Arm Cortex-A720" },
	{ 0x41, 0xd82, "Arm Cortex-X4" },      { 0x46, 0x001, "Fujitsu A64FX" },
	{ 0x48, 0xd01, "HiSilicon TSV110" },   { 0x61, 0x022, "Apple M1 Icestorm" },
	{ 0x61, 0x023, "Apple M1 Firestorm" }, { 0xc0, 0xac3, "Ampere-1" },
};

const char *hostcheck_cpu_name(unsigned implementer, unsigned part)
{
	for (size_t i = 0; i < sizeof(cpu_names) / sizeof(cpu_names[0]); i++)
		if (cpu_names[i].implementer == implementer && cpu_names[i].part == part)
			return cpu_names[i].name;
	return NULL;
}

/* Appends "start" or "start-last" to buf (len bytes, used so far); returns the new used. */
static size_t ids_put_range(char *buf, size_t len, size_t used, unsigned start, unsigned last)
{
	int n;

	if (used >= len)
		return used;
	if (start == last)
		n = snprintf(buf + used, len - used, "%s%u", used ? "," : "", start);
	else
		n = snprintf(buf + used, len - used, "%s%u-%u", used ? "," : "", start, last);
	used += n > 0 ? (size_t)n : 0;
	return used < len ? used : len;
}

/* The "processor" numbers of every CPU of cpus[first]'s type, as "0-3,6". */
static void cpu_ids_of_type(const struct host_report *r, unsigned first, char *buf, size_t len)
{
	const struct host_cpu *type = &r->cpus[first];
	unsigned start = type->id, last = type->id;
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = first + 1; i < r->nr_cpus; i++) {
		if (!cpu_same_type(&r->cpus[i], type))
			continue;
		if (r->cpus[i].id != last + 1) {
			used = ids_put_range(buf, len, used, start, last);
			start = r->cpus[i].id;
		}
		last = r->cpus[i].id;
	}
	ids_put_range(buf, len, used, start, last);
}

/* --- kernel release ------------------------------------------------------- */

bool hostcheck_kernel_at_least(const char *release, unsigned major, unsigned minor)
{
	unsigned ma = 0, mi = 0;

	if (!release || sscanf(release, "%u.%u", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

enum host_tri hostcheck_nested_virt(int cap, const char *release)
{
	if (cap > 0)
		return HOST_YES;
	return hostcheck_kernel_at_least(release, 6, 16) ? HOST_NO : HOST_UNKNOWN;
}

/* --- the verdict ---------------------------------------------------------- */

void hostcheck_kvm_problem(const struct host_report *r, char *buf, size_t len)
{
	const char *path = r->kvm_path;
	int e = r->kvm_errno;

	switch (e) {
	case 0: buf[0] = '\0'; break;
	case ENOENT:
		snprintf(buf, len,
			 "no %s \u2014 enable KVM: a kernel with CONFIG_KVM, booted at EL2 "
			 "(virtualization on); on a VM, nested virtualization must be on",
			 path);
		break;
	case EACCES:
	case EPERM:
		snprintf(buf, len,
			 "%s: %s \u2014 add yourself to group kvm (sudo usermod -aG kvm $USER) "
			 "and log in again",
			 path, strerror(e));
		break;
	case ENODEV:
	case ENXIO:
		snprintf(buf, len,
			 "%s: %s \u2014 KVM did not initialise (dmesg | grep -i kvm says why)",
			 path, strerror(e));
		break;
	default:
		if (r->kvm_detail[0])
			snprintf(buf, len, "%s", r->kvm_detail);
		else
			snprintf(buf, len, "%s: %s", path, strerror(e));
	}
}

int hostcheck_verdict(const struct host_report *r, char *buf, size_t len)
{
	if (r->kvm_errno) {
		hostcheck_kvm_problem(r, buf, len);
		return EXIT_SETUP;
	}
	if (!r->vm_ok) {
		snprintf(buf, len, "KVM cannot create a VM: %s", r->vm_detail);
		return EXIT_SETUP;
	}
	if (!r->irqchip_auto[0]) {
		/* The reason already names every model and why it cannot be had. */
		snprintf(buf, len, "%s", r->irqchip_reason);
		return EXIT_SETUP;
	}
	buf[0] = '\0';
	return 0;
}

/* --- text ----------------------------------------------------------------- */

#define LABEL_WIDTH 18

static void row(FILE *out, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void row(FILE *out, const char *label, const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "  %-*s ", LABEL_WIDTH, label);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static const char *tri(enum host_tri t)
{
	return t == HOST_YES ? "yes" : t == HOST_NO ? "no" : "unknown";
}

/* One entry per CPU type, in order of first appearance. */
static void text_cpus(const struct host_report *r, FILE *out)
{
	char ids[128], what[64];
	bool first_type = true;

	fprintf(out, "  %-*s ", LABEL_WIDTH, "CPUs");
	if (!r->nr_cpus)
		fputs("unknown (no CPU implementer lines in /proc/cpuinfo)", out);
	for (unsigned i = 0; i < r->nr_cpus; i++) {
		const struct host_cpu *c = &r->cpus[i];
		const char *name = hostcheck_cpu_name(c->implementer, c->part);
		unsigned n = 0;
		bool seen = false;

		for (unsigned k = 0; k < i && !seen; k++)
			seen = cpu_same_type(&r->cpus[k], c);
		if (seen)
			continue;
		for (unsigned k = i; k < r->nr_cpus; k++)
			n += cpu_same_type(&r->cpus[k], c);
		if (name)
			snprintf(what, sizeof(what), "%s", name);
		else
			snprintf(what, sizeof(what), "implementer 0x%02x part 0x%03x",
				 c->implementer, c->part);
		cpu_ids_of_type(r, i, ids, sizeof(ids));
		fprintf(out, "%s%u x %s (cpu %s)", first_type ? "" : ", ", n, what, ids);
		first_type = false;
	}
	if (hostcheck_cpus_mixed(r))
		fputs("; mixed types (big.LITTLE)", out);
	fputc('\n', out);
}

static void text_vgic(const struct host_report *r, FILE *out, const char *label, int ret)
{
	if (r->vgic_hidden)
		row(out, label, "no (hidden by %s, a test hook)", IRQCHIP_TEST_NO_VGIC_ENV);
	else if (ret == 0)
		row(out, label, "yes");
	else
		row(out, label, "no (KVM_CREATE_DEVICE: %s)", strerrorname_np(-ret) ?: "error");
}

static void text_ipa(const struct host_report *r, FILE *out)
{
	if (r->ipa_limit > 0)
		row(out, "IPA limit", "%d bits", r->ipa_limit);
	else
		row(out, "IPA limit", "40 bits (fixed: no KVM_CAP_ARM_VM_IPA_SIZE)");
}

static void text_nested(const struct host_report *r, FILE *out)
{
	if (r->nested_virt == HOST_UNKNOWN)
		row(out, "nested virt (EL2)",
		    "unknown (KVM_CAP_ARM_EL2 is Linux 6.16+; this is %s)",
		    r->kernel[0] ? r->kernel : "an unknown kernel");
	else
		row(out, "nested virt (EL2)", "%s", tri(r->nested_virt));
}

/* What the scratch VM answered. */
static void text_vm(const struct host_report *r, FILE *out)
{
	row(out, "max vCPUs", "%d (armlet runs up to %d)", r->max_vcpus, LAYOUT_MAX_VCPUS);
	text_vgic(r, out, "vgic-v3", r->vgic_v3);
	text_vgic(r, out, "vgic-its", r->vgic_its);
	text_vgic(r, out, "vgic-v2", r->vgic_v2);
	row(out, "rVIC (in kernel)", "%s",
	    r->rvic_kernel ? "yes (--irqchip=rvic uses it)" : "no (not in upstream Linux)");
	row(out, "irqchip auto", "%s", r->irqchip_reason);
	row(out, "user IRQ lines", "%s", yes_no(r->user_irq));
	row(out, "SMCCC filter", "%s", yes_no(r->smccc_filter));
	row(out, "rVIC (in armlet)", "%s",
	    r->smccc_filter && r->user_irq
		? "yes (SMCCC filter and user IRQ lines)"
		: "no (needs the SMCCC filter, Linux >= 6.4, and user IRQ "
		  "lines)");
	row(out, "PSCI 0.2", "%s", yes_no(r->psci_0_2));
	row(out, "PMUv3", "%s", yes_no(r->pmu_v3));
	row(out, "SVE", "%s", yes_no(r->sve));
	row(out, "pointer auth", "address %s, generic %s", yes_no(r->ptrauth_address),
	    yes_no(r->ptrauth_generic));
	row(out, "MTE", "%s", yes_no(r->mte));
	text_nested(r, out);
	row(out, "ioeventfd", "%s (any length: %s)", yes_no(r->ioeventfd),
	    yes_no(r->ioeventfd_any_len));
	row(out, "irqfd", "%s (resample: %s)", yes_no(r->irqfd), yes_no(r->irqfd_resample));
	if (r->msi_devid == HOST_UNKNOWN)
		row(out, "MSI device IDs", "unknown (needs an ITS to ask with)");
	else
		row(out, "MSI device IDs", "%s (on a VM with an ITS)", tri(r->msi_devid));
}

void hostcheck_print_text(const struct host_report *r, FILE *out)
{
	char problem[512];
	int status;

	fputs("armlet check: this host for running VMs\n\n", out);
	row(out, "kernel", "%s", r->kernel[0] ? r->kernel : "unknown");
	text_cpus(r, out);
	if (r->page_size > 0)
		row(out, "page size", "%ld KiB", r->page_size >> 10);
	else
		row(out, "page size", "unknown");
	if (r->kvm_errno) {
		hostcheck_kvm_problem(r, problem, sizeof(problem));
		row(out, r->kvm_path, "not usable: %s", problem);
	} else {
		row(out, r->kvm_path, "usable (KVM API version %d)", r->api_version);
		text_ipa(r, out);
		if (r->vm_ok)
			text_vm(r, out);
		else
			row(out, "scratch VM", "cannot be created: %s", r->vm_detail);
	}
	status = hostcheck_verdict(r, problem, sizeof(problem));
	if (status == 0)
		fprintf(out, "\nready: armlet can run VMs here (irqchip %s)\n", r->irqchip_auto);
	else
		fprintf(out, "\nnot ready: %s\n", problem);
}

/* --- JSON ----------------------------------------------------------------- */

/* A boolean, or null when it was not probed. */
static void json_bool_known(struct json *j, const char *key, bool known, bool v)
{
	if (known)
		json_bool(j, key, v);
	else
		json_string(j, key, NULL);
}

static void json_tri(struct json *j, const char *key, bool known, enum host_tri t)
{
	json_bool_known(j, key, known && t != HOST_UNKNOWN, t == HOST_YES);
}

static void json_cpus(const struct host_report *r, struct json *j)
{
	char hex[16];

	json_array_begin(j, "cpus");
	for (unsigned i = 0; i < r->nr_cpus; i++) {
		const struct host_cpu *c = &r->cpus[i];

		json_object_begin(j, NULL);
		json_u64(j, "cpu", c->id);
		snprintf(hex, sizeof(hex), "0x%02x", c->implementer);
		json_string(j, "implementer", hex);
		snprintf(hex, sizeof(hex), "0x%03x", c->part);
		json_string(j, "part", hex);
		json_string(j, "name", hostcheck_cpu_name(c->implementer, c->part));
		json_object_end(j);
	}
	json_array_end(j);
	json_bool(j, "cpus_mixed", hostcheck_cpus_mixed(r));
}

static void json_kvm(const struct host_report *r, struct json *j)
{
	char problem[512];

	hostcheck_kvm_problem(r, problem, sizeof(problem));
	json_object_begin(j, "kvm");
	json_string(j, "device", r->kvm_path);
	json_bool(j, "usable", r->kvm_errno == 0);
	json_string(j, "error", r->kvm_errno ? strerror(r->kvm_errno) : NULL);
	json_string(j, "problem", r->kvm_errno ? problem : NULL);
	if (r->kvm_errno)
		json_string(j, "api_version", NULL);
	else
		json_i64(j, "api_version", r->api_version);
	json_object_end(j);
	if (r->kvm_errno)
		json_string(j, "ipa_limit", NULL);
	else
		json_u64(j, "ipa_limit", r->ipa_limit > 0 ? (unsigned)r->ipa_limit : 40);
	json_bool_known(j, "ipa_size_cap", !r->kvm_errno, r->ipa_limit > 0);
}

static void json_vm(const struct host_report *r, struct json *j)
{
	bool k = r->vm_ok;

	if (k)
		json_i64(j, "max_vcpus", r->max_vcpus);
	else
		json_string(j, "max_vcpus", NULL);
	json_object_begin(j, "vgic");
	json_bool_known(j, "v3", k, r->vgic_v3 == 0);
	json_bool_known(j, "its", k, r->vgic_its == 0);
	json_bool_known(j, "v2", k, r->vgic_v2 == 0);
	json_bool_known(j, "hidden", k, r->vgic_hidden); /* by the test hook */
	json_object_end(j);
	json_string(j, "irqchip_auto", r->irqchip_auto[0] ? r->irqchip_auto : NULL);
	json_string(j, "irqchip_reason", k ? r->irqchip_reason : NULL);
	json_bool(j, "rvic", k && r->rvic_kernel); /* proposed in 2020, never merged */
	json_bool_known(j, "user_irq", k, r->user_irq);
	json_bool_known(j, "smccc_filter", k, r->smccc_filter);
	json_bool_known(j, "psci_0_2", k, r->psci_0_2);
	json_bool_known(j, "pmu_v3", k, r->pmu_v3);
	json_bool_known(j, "sve", k, r->sve);
	json_bool_known(j, "ptrauth_address", k, r->ptrauth_address);
	json_bool_known(j, "ptrauth_generic", k, r->ptrauth_generic);
	json_bool_known(j, "mte", k, r->mte);
	json_tri(j, "nested_virt", k, r->nested_virt);
	json_bool_known(j, "ioeventfd", k, r->ioeventfd);
	json_bool_known(j, "ioeventfd_any_length", k, r->ioeventfd_any_len);
	json_bool_known(j, "irqfd", k, r->irqfd);
	json_bool_known(j, "irqfd_resample", k, r->irqfd_resample);
	json_tri(j, "msi_devid", k, r->msi_devid);
}

int hostcheck_print_json(const struct host_report *r, FILE *out)
{
	char problem[512];
	int status = hostcheck_verdict(r, problem, sizeof(problem));
	struct json j;

	json_begin(&j, out);
	json_bool(&j, "ok", status == 0);
	json_string(&j, "problem", status ? problem : NULL);
	json_string(&j, "kernel", r->kernel[0] ? r->kernel : NULL);
	json_u64(&j, "page_size", (uint64_t)r->page_size);
	json_cpus(r, &j);
	json_kvm(r, &j);
	json_vm(r, &j);
	return json_end(&j);
}
