# virtio-net in user mode (libslirp), no privileges: the guest gets
# 10.0.2.15 by DHCP (busybox udhcpc), fetches a file from an HTTP server on
# L1's loopback through slirp (10.0.2.2), and L1 reaches the guest's own
# HTTP server through hostfwd=tcp:HOSTPORT:80 (l2-net.sh,
# net-user-host.sh). t-44 runs the same as nobody, t-48 checks DNS.
. tests/integration/lib.sh
. tests/integration/net-user-host.sh

net_user_serve
net_user_boot "$T/stats.json" "$ARMLET" "$KERNEL" "$INITRD"

# Without privileges or -n, the default NIC is user mode too; mode=none has none.
boot_l2 1 uptime --dump-dtb "$T/dtb" -n mode=none
expect_rc 0
