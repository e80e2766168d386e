// SPDX-License-Identifier: GPL-2.0-only
/*
 * `armlet check`'s portable half on hand-made reports: arguments,
 * /proc/cpuinfo (big.LITTLE), the fix hints, the verdict, text and JSON.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/exitcode.h"
#include "../../vmm/hostcheck.h"
#include "suites.h"

/* An RK3399: four Cortex-A53 and two Cortex-A72 (trimmed). */
static const char cpuinfo_rk3399[] =
    "processor\t: 0\n"
    "BogoMIPS\t: 48.00\n"
    "Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 cpuid\n"
    "CPU implementer\t: 0x41\n"
    "CPU architecture: 8\n"
    "CPU variant\t: 0x0\n"
    "CPU part\t: 0xd03\n"
    "CPU revision\t: 4\n\n"
    "processor\t: 1\nCPU implementer\t: 0x41\nCPU part\t: 0xd03\n\n"
    "processor\t: 2\nCPU implementer\t: 0x41\nCPU part\t: 0xd03\n\n"
    "processor\t: 3\nCPU implementer\t: 0x41\nCPU part\t: 0xd03\n\n"
    "processor\t: 4\nCPU implementer\t: 0x41\nCPU part\t: 0xd08\n\n"
    "processor\t: 5\nCPU implementer\t: 0x41\nCPU part\t: 0xd08\n";

/* QEMU's -cpu max: implementer 0 ("software"), part 'Q'. */
static const char cpuinfo_qemu[] = "processor\t: 0\nCPU implementer\t: 0x00\nCPU part\t: 0x051\n\n"
				   "processor\t: 1\nCPU implementer\t: 0x00\nCPU part\t: 0x051\n";

/* A report of a host that can run VMs with gicv3-its. */
static struct host_report *report_good(void)
{
	struct host_report *r = calloc(1, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	strcpy(r->kernel, "6.12.107+deb13-arm64");
	r->page_size = 4096;
	hostcheck_parse_cpuinfo(cpuinfo_qemu, r);
	strcpy(r->kvm_path, "/dev/kvm");
	r->api_version = 12;
	r->ipa_limit = 44;
	r->max_vcpus = 512;
	r->vm_ok = true;
	r->vgic_v2 = -ENODEV;
	r->psci_0_2 = r->pmu_v3 = r->ioeventfd = r->irqfd = r->irqfd_resample = true;
	r->nested_virt = HOST_UNKNOWN;
	r->msi_devid = HOST_YES;
	strcpy(r->irqchip_auto, "gicv3-its");
	strcpy(r->irqchip_reason, "gicv3-its (auto; the best model this host offers)");
	return r;
}

static char *render_text(const struct host_report *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	hostcheck_print_text(r, f);
	fclose(f);
	return text;
}

static char *render_json(const struct host_report *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(hostcheck_print_json(r, f), 0);
	fclose(f);
	return text;
}

static void assert_has(const char *text, const char *what)
{
	ck_assert_msg(strstr(text, what), "no '%s' in:\n%s", what, text);
}

START_TEST(test_args)
{
	char *ok[] = { "--json" }, *help[] = { "--help" }, *bad[] = { "--jsn" };
	struct hostcheck_opts o;
	char err[128] = "";

	ck_assert_int_eq(hostcheck_parse_args(0, NULL, &o, err, sizeof(err)), 0);
	ck_assert(!o.json && !o.help);
	ck_assert_int_eq(hostcheck_parse_args(1, ok, &o, err, sizeof(err)), 0);
	ck_assert(o.json);
	ck_assert_int_eq(hostcheck_parse_args(1, help, &o, err, sizeof(err)), 0);
	ck_assert(o.help);
	ck_assert_int_eq(hostcheck_parse_args(1, bad, &o, err, sizeof(err)), -EINVAL);
	assert_has(err, "unknown option '--jsn'");
}
END_TEST

START_TEST(test_cpuinfo_big_little)
{
	struct host_report *r = calloc(1, sizeof(*r));
	char *text;

	hostcheck_parse_cpuinfo(cpuinfo_rk3399, r);
	ck_assert_uint_eq(r->nr_cpus, 6);
	ck_assert_uint_eq(r->cpus[0].implementer, 0x41);
	ck_assert_uint_eq(r->cpus[0].part, 0xd03);
	ck_assert_uint_eq(r->cpus[5].id, 5);
	ck_assert_uint_eq(r->cpus[5].part, 0xd08);
	ck_assert(hostcheck_cpus_mixed(r));
	text = render_text(r);
	assert_has(text, "4 x Arm Cortex-A53 (cpu 0-3), 2 x Arm Cortex-A72 (cpu 4-5); "
			 "mixed types (big.LITTLE)");
	free(text);
	free(r);
}
END_TEST

START_TEST(test_cpuinfo_uniform)
{
	struct host_report *r = calloc(1, sizeof(*r));
	char *text;

	hostcheck_parse_cpuinfo(cpuinfo_qemu, r);
	ck_assert_uint_eq(r->nr_cpus, 2);
	ck_assert(!hostcheck_cpus_mixed(r));
	ck_assert_ptr_null(hostcheck_cpu_name(0x00, 0x051));
	text = render_text(r);
	assert_has(text, "2 x implementer 0x00 part 0x051 (cpu 0-1)\n");
	ck_assert_ptr_null(strstr(text, "mixed"));
	free(text);
	free(r);
}
END_TEST

/* Without "processor" lines each "CPU implementer" starts a CPU; ids may have gaps. */
START_TEST(test_cpuinfo_odd)
{
	struct host_report *r = calloc(1, sizeof(*r));
	char *text;

	hostcheck_parse_cpuinfo("CPU implementer : 0x41\nCPU part : 0xd0c\n"
				"CPU implementer : 0x41\nCPU part : 0xd0c\n",
				r);
	ck_assert_uint_eq(r->nr_cpus, 2);
	ck_assert_uint_eq(r->cpus[1].id, 1);
	ck_assert_str_eq(hostcheck_cpu_name(0x41, 0xd0c), "Arm Neoverse-N1");
	hostcheck_parse_cpuinfo("processor : 0\nCPU implementer : 0x41\nCPU part : 0xd05\n"
				"processor : 2\nCPU implementer : 0x41\nCPU part : 0xd05\n"
				"processor : 3\nCPU implementer : 0x41\nCPU part : 0xd05\n"
				"processor : 5\nCPU implementer : 0x41\nCPU part : 0xd05\n",
				r);
	text = render_text(r);
	assert_has(text, "4 x Arm Cortex-A55 (cpu 0,2-3,5)\n");
	free(text);
	hostcheck_parse_cpuinfo("", r);
	ck_assert_uint_eq(r->nr_cpus, 0);
	free(r);
}
END_TEST

START_TEST(test_kernel_versions)
{
	ck_assert(hostcheck_kernel_at_least("6.16.0", 6, 16));
	ck_assert(hostcheck_kernel_at_least("7.0.1-arm64", 6, 16));
	ck_assert(!hostcheck_kernel_at_least("6.12.107+deb13-arm64", 6, 16));
	ck_assert(!hostcheck_kernel_at_least("garbage", 6, 16));
	ck_assert_int_eq(hostcheck_nested_virt(1, "6.12.0"), HOST_YES);
	ck_assert_int_eq(hostcheck_nested_virt(0, "6.12.0"), HOST_UNKNOWN);
	ck_assert_int_eq(hostcheck_nested_virt(0, "6.16.2"), HOST_NO);
}
END_TEST

START_TEST(test_hint_eacces)
{
	struct host_report *r = report_good();
	char buf[512];
	char *text;

	r->kvm_errno = EACCES;
	r->vm_ok = false;
	ck_assert_int_eq(hostcheck_verdict(r, buf, sizeof(buf)), EXIT_SETUP);
	ck_assert_str_eq(buf, "/dev/kvm: Permission denied \u2014 add yourself to group kvm "
			      "(sudo usermod -aG kvm $USER) and log in again");
	text = render_text(r);
	assert_has(text, "not ready: /dev/kvm: Permission denied");
	ck_assert_ptr_null(strstr(text, "vgic-v3"));
	free(text);
	free(r);
}
END_TEST

START_TEST(test_hint_enoent)
{
	struct host_report *r = report_good();
	char buf[512];
	char *json;

	strcpy(r->kvm_path, "/nonexistent/kvm");
	r->kvm_errno = ENOENT;
	r->vm_ok = false;
	ck_assert_int_eq(hostcheck_verdict(r, buf, sizeof(buf)), EXIT_SETUP);
	assert_has(buf, "no /nonexistent/kvm \u2014 enable KVM");
	assert_has(buf, "on a VM, nested virtualization must be on");
	/* The JSON keeps every key, with null for what was not probed. */
	r->irqchip_auto[0] = '\0';
	json = render_json(r);
	assert_has(json, "  \"ok\": false,\n");
	assert_has(json, "    \"usable\": false,\n");
	assert_has(json, "    \"error\": \"No such file or directory\",\n");
	assert_has(json, "    \"api_version\": null\n");
	assert_has(json, "    \"v3\": null,\n");
	assert_has(json, "  \"irqchip_auto\": null,\n");
	assert_has(json, "  \"msi_devid\": null\n");
	free(json);
	free(r);
}
END_TEST

/* Other errors keep kvm_open()'s own line. */
START_TEST(test_hint_other)
{
	struct host_report *r = report_good();
	char buf[512];

	r->kvm_errno = EINVAL;
	strcpy(r->kvm_detail, "/dev/null speaks KVM API version -1, armlet needs 12");
	hostcheck_kvm_problem(r, buf, sizeof(buf));
	ck_assert_str_eq(buf, r->kvm_detail);
	r->kvm_errno = 0;
	hostcheck_kvm_problem(r, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	free(r);
}
END_TEST

START_TEST(test_verdict_no_irqchip)
{
	struct host_report *r = report_good();
	char buf[512];

	r->irqchip_auto[0] = '\0';
	r->vgic_v3 = r->vgic_its = -ENODEV;
	r->vgic_v2 = 0;
	strcpy(r->irqchip_reason, "no interrupt controller model is available: "
				  "KVM_CREATE_DEVICE vgic-v3: ENODEV");
	ck_assert_int_eq(hostcheck_verdict(r, buf, sizeof(buf)), EXIT_SETUP);
	/* The reason line names every model and why: it is the verdict as it is. */
	ck_assert_str_eq(buf, r->irqchip_reason);
	r->vm_ok = false;
	strcpy(r->vm_detail, "KVM_CREATE_VM (IPA 32 bits) failed: Invalid argument");
	ck_assert_int_eq(hostcheck_verdict(r, buf, sizeof(buf)), EXIT_SETUP);
	assert_has(buf, "KVM cannot create a VM: KVM_CREATE_VM");
	free(r);
}
END_TEST

START_TEST(test_text_good)
{
	struct host_report *r = report_good();
	char buf[512];
	char *text = render_text(r);

	ck_assert_int_eq(hostcheck_verdict(r, buf, sizeof(buf)), 0);
	assert_has(text, "\n  /dev/kvm           usable (KVM API version 12)\n");
	assert_has(text, "\n  IPA limit          44 bits\n");
	assert_has(text, "\n  vgic-v3            yes\n");
	assert_has(text, "\n  vgic-v2            no (KVM_CREATE_DEVICE: ENODEV)\n");
	assert_has(text, "\n  rVIC (in kernel)   no (not in upstream Linux)\n");
	assert_has(text,
		   "\n  irqchip auto       gicv3-its (auto; the best model this host offers)\n");
	assert_has(text, "\n  nested virt (EL2)  unknown (KVM_CAP_ARM_EL2 is Linux 6.16+; this is "
			 "6.12.107+deb13-arm64)\n");
	assert_has(text, "\n  MSI device IDs     yes (on a VM with an ITS)\n");
	assert_has(text, "\nready: armlet can run VMs here (irqchip gicv3-its)\n");
	free(text);
	free(r);
}
END_TEST

START_TEST(test_json_good)
{
	struct host_report *r = report_good();
	char *json = render_json(r);
	int depth = 0;

	ck_assert_int_eq(json[0], '{');
	for (char *p = json; *p; p++) {
		depth += (*p == '{' || *p == '[') - (*p == '}' || *p == ']');
		ck_assert_int_ge(depth, 0);
	}
	ck_assert_int_eq(depth, 0);
	assert_has(json, "  \"ok\": true,\n  \"problem\": null,\n");
	assert_has(json, "  \"kvm\": {\n    \"device\": \"/dev/kvm\",\n    \"usable\": true,\n");
	assert_has(json, "  \"ipa_limit\": 44,\n");
	assert_has(json, "    \"v3\": true,\n    \"its\": true,\n    \"v2\": false,\n"
			 "    \"hidden\": false\n");
	assert_has(json, "  \"irqchip_auto\": \"gicv3-its\",\n");
	assert_has(json, "  \"implementer\": \"0x00\",\n");
	assert_has(json, "  \"cpus_mixed\": false,\n");
	assert_has(json, "  \"rvic\": false,\n");
	assert_has(json, "  \"nested_virt\": null,\n");
	assert_has(json, "  \"msi_devid\": true\n}\n");
	free(json);
	free(r);
}
END_TEST

/* ARMLET_TEST_NO_VGIC: the vGIC rows say the test hook hid them, and auto fell back. */
START_TEST(test_vgic_hidden)
{
	struct host_report *r = report_good();
	char buf[512];
	char *text, *json;

	r->vgic_hidden = true;
	r->vgic_v3 = r->vgic_its = r->vgic_v2 = -ENODEV;
	r->user_irq = true;
	r->msi_devid = HOST_UNKNOWN;
	strcpy(r->irqchip_auto, "gicv2-user");
	strcpy(r->irqchip_reason, "gicv2-user (auto; better models unavailable: gicv3-its, gicv3: "
				  "KVM_CREATE_DEVICE vgic-v3: hidden by ARMLET_TEST_NO_VGIC (test "
				  "hook); gicv2m, gicv2: KVM_CREATE_DEVICE vgic-v2: hidden by "
				  "ARMLET_TEST_NO_VGIC (test hook))");
	ck_assert_int_eq(hostcheck_verdict(r, buf, sizeof(buf)), 0);
	text = render_text(r);
	assert_has(text,
		   "\n  vgic-v3            no (hidden by ARMLET_TEST_NO_VGIC, a test hook)\n");
	assert_has(text,
		   "\n  vgic-its           no (hidden by ARMLET_TEST_NO_VGIC, a test hook)\n");
	assert_has(text,
		   "\n  vgic-v2            no (hidden by ARMLET_TEST_NO_VGIC, a test hook)\n");
	assert_has(text, "\nready: armlet can run VMs here (irqchip gicv2-user)\n");
	json = render_json(r);
	assert_has(json, "    \"v3\": false,\n    \"its\": false,\n    \"v2\": false,\n"
			 "    \"hidden\": true\n");
	assert_has(json, "  \"irqchip_auto\": \"gicv2-user\",\n");
	assert_has(json, "  \"ok\": true,\n");
	free(json);
	free(text);
	free(r);
}
END_TEST

Suite *hostcheck_suite(void)
{
	Suite *s = suite_create("hostcheck");
	TCase *tc = tcase_create("report");

	tcase_add_test(tc, test_args);
	tcase_add_test(tc, test_cpuinfo_big_little);
	tcase_add_test(tc, test_cpuinfo_uniform);
	tcase_add_test(tc, test_cpuinfo_odd);
	tcase_add_test(tc, test_kernel_versions);
	tcase_add_test(tc, test_hint_eacces);
	tcase_add_test(tc, test_hint_enoent);
	tcase_add_test(tc, test_hint_other);
	tcase_add_test(tc, test_verdict_no_irqchip);
	tcase_add_test(tc, test_text_good);
	tcase_add_test(tc, test_json_good);
	tcase_add_test(tc, test_vgic_hidden);
	suite_add_tcase(s, tc);
	return s;
}
