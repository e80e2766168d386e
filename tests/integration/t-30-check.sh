# `armlet check`: the preflight report tells this host as it is. What the
# vGIC lines must say depends on L1's GIC, which the test learns from the
# host itself (/proc/interrupts names the GIC driver) and cross-checks with
# what scripts/nested asked QEMU for (ARMLET_GIC). Then the failure paths:
# a missing KVM device (ARMLET_KVM_DEV), one that is not KVM, and one this
# user may not open (a user namespace that does not map root).
. tests/integration/lib.sh

# run_check [ARGS...]: armlet check ARGS with no stdin; sets $rc.
run_check() {
	"$ARMLET" check "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}

# json_value KEY: the value of the first "KEY": line of the JSON in out.
json_value() {
	sed -n "s/^ *\"$1\": \(.*\)$/\1/p" "$T/out" | head -n 1 | sed 's/,$//'
}

# The JSON in out is one object: starts with {, ends with }, braces balance.
expect_one_object() {
	[ "$(head -c 1 "$T/out")" = "{" ] || fail "--json output does not start with {"
	[ "$(tail -n 1 "$T/out")" = "}" ] || fail "--json output does not end with }"
	opens=$(tr -cd '{[' <"$T/out" | wc -c)
	closes=$(tr -cd '}]' <"$T/out" | wc -c)
	[ "$opens" = "$closes" ] || fail "--json: $opens openings, $closes closings"
}

detect_host_gic
echo "host GIC: v$host_gic"

# --- the table ---------------------------------------------------------------
run_check
cat "$T/out"
expect_in out '^  /dev/kvm  *usable (KVM API version 12)$'
expect_in out '^  IPA limit  *[0-9][0-9]* bits'
expect_in out '^  rVIC (in kernel)  *no (not in upstream Linux)$'
expect_in out '^  CPUs  *[0-9]'
if [ "$host_gic" = 3 ]; then
	expect_rc 0
	expect_in out '^  vgic-v3  *yes$'
	expect_in out '^  vgic-its  *yes$'
	expect_in out '^  irqchip auto  *gicv3-its (auto'
	expect_in out '^  MSI device IDs  *yes'
	expect_in out '^ready: armlet can run VMs here (irqchip gicv3-its)$'
else
	# The in-kernel vGICv2 with armlet's GICv2m frame: MSIs without an ITS.
	expect_rc 0
	expect_in out '^  vgic-v3  *no (KVM_CREATE_DEVICE: '
	expect_in out '^  vgic-v2  *yes$'
	expect_in out '^  irqchip auto  *gicv2m (auto; better models unavailable: gicv3-its, gicv3: KVM_CREATE_DEVICE vgic-v3: '
	expect_in out '^ready: armlet can run VMs here (irqchip gicv2m)$'
fi
[ ! -s "$T/err" ] || fail "armlet check wrote to stderr: $(cat "$T/err")"
table_rc=$rc

# --- JSON ------------------------------------------------------------------
run_check --json
cat "$T/out"
[ "$rc" = "$table_rc" ] || fail "--json exited $rc, the table $table_rc"
expect_one_object
expect_in out '^  "kvm": {$'
expect_in out '^    "usable": true,$'
ipa=$(json_value ipa_limit)
[ "${ipa:-0}" -gt 0 ] 2>/dev/null || fail "ipa_limit is '$ipa', expected a number > 0"
vcpus=$(json_value max_vcpus)
[ "${vcpus:-0}" -gt 0 ] 2>/dev/null || fail "max_vcpus is '$vcpus', expected a number > 0"
page=$(json_value page_size)
case $page in 4096 | 16384 | 65536) ;; *) fail "page_size is '$page'" ;; esac
if [ "$host_gic" = 3 ]; then
	[ "$(json_value v3)" = true ] || fail "vgic v3 is $(json_value v3) on a GICv3 host"
	[ "$(json_value irqchip_auto)" = '"gicv3-its"' ] || fail "irqchip_auto $(json_value irqchip_auto)"
	[ "$(json_value msi_devid)" = true ] || fail "msi_devid $(json_value msi_devid)"
	[ "$(json_value ok)" = true ] || fail "ok is $(json_value ok)"
else
	[ "$(json_value v3)" = false ] || fail "vgic v3 is $(json_value v3) on a GICv2 host"
	[ "$(json_value v2)" = true ] || fail "vgic v2 is $(json_value v2) on a GICv2 host"
	[ "$(json_value irqchip_auto)" = '"gicv2m"' ] || fail "irqchip_auto $(json_value irqchip_auto)"
	[ "$(json_value ok)" = true ] || fail "ok is $(json_value ok)"
fi

# --- no KVM device ---------------------------------------------------------
export ARMLET_KVM_DEV=/nonexistent/kvm
run_check
expect_rc 1
expect_in out '^not ready: no /nonexistent/kvm .* enable KVM'
expect_in out 'on a VM, nested virtualization must be on$'
run_check --json
expect_rc 1
expect_one_object
expect_in out '^    "usable": false,$'
expect_in out '^  "irqchip_auto": null,$'
expect_in err 'no /nonexistent/kvm .* enable KVM'

# `armlet run` uses the same device.
run_armlet -k "$KERNEL"
expect_rc 1
expect_in err 'cannot open /nonexistent/kvm: No such file or directory'

# A device that is not KVM: kvm_open()'s own line.
export ARMLET_KVM_DEV=/dev/null
run_check
expect_rc 1
expect_in out '^not ready: /dev/null speaks KVM API version -1, armlet needs 12$'
unset ARMLET_KVM_DEV

# --- a KVM device this user may not open -----------------------------------
# A copy of /dev/kvm's node with mode 000, opened from a new user namespace:
# there root keeps its uid (the owner, who now has no permission) but has no
# CAP_DAC_OVERRIDE over the outer namespace's files, so open() fails EACCES.
# shellcheck disable=SC2046
set -- $(stat -c '%t %T' /dev/kvm)
if mknod -m 000 "$T/kvm" c $((0x$1)) $((0x$2)) 2>/dev/null && unshare -U true 2>/dev/null; then
	export ARMLET_KVM_DEV="$T/kvm"
	unshare -U "$ARMLET" check >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	unset ARMLET_KVM_DEV
	expect_rc 1
	expect_in out "^not ready: $T/kvm: Permission denied .* add yourself to group kvm (sudo usermod -aG kvm \$USER) and log in again$"
	echo "EACCES: $(tail -n 1 "$T/out")"
elif [ "${ARMLET_NESTED:-0}" = 1 ]; then
	fail "cannot make a mode-000 KVM node in a user namespace in L1 (mknod, unshare -U)"
else
	echo "note: no mknod or user namespaces here; the EACCES hint is covered by the unit tests only"
fi
