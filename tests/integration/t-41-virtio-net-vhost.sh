# t-40 with vhost=1: the same pings and transfers, the queues served by
# /dev/vhost-net in L1's kernel.
NET_VHOST=1
. tests/integration/t-40-virtio-net-tap.sh
