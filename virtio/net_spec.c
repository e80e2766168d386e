// SPDX-License-Identifier: GPL-2.0-only
/*
 * -n/--network: kvmtool's "mode=...,tapif=...,guest_mac=..." option list,
 * and the MAC addresses NICs get when it names none.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vmm/log.h"
#include "net.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int net_mac_parse(const char *s, uint8_t mac[6])
{
	uint8_t out[6];

	for (int i = 0; i < 6; i++) {
		int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);

		if (lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5 && *s != ':' && *s != '-')
			return -EINVAL;
		if (i < 5)
			s++;
	}
	/* A NIC's own address is unicast (IEEE 802: bit 0 of the first byte). */
	if (*s || (out[0] & 1))
		return -EINVAL;
	memcpy(mac, out, 6);
	return 0;
}

void net_mac_default(const char *vm_name, unsigned index, bool host, uint8_t mac[6])
{
	static const uint8_t kvmtool_guest[6] = { 0x02, 0x15, 0x15, 0x15, 0x15, 0x15 };
	static const uint8_t kvmtool_host[6] = { 0x02, 0x01, 0x01, 0x01, 0x01, 0x01 };
	uint32_t h = 2166136261u; /* FNV-1a */

	memcpy(mac, host ? kvmtool_host : kvmtool_guest, 6);
	if (vm_name) {
		for (const char *p = vm_name; *p; p++)
			h = (h ^ (uint8_t)*p) * 16777619u;
		mac[1] = (uint8_t)(h >> 24);
		mac[2] = (uint8_t)(h >> 16);
		mac[3] = (uint8_t)(h >> 8);
		mac[4] = (uint8_t)h;
		mac[5] = host ? 0x80 : 0;
	}
	/* Locally administered, unicast: whatever the hash gave. */
	mac[0] = 0x02;
	mac[5] = (uint8_t)(mac[5] + index);
}

/* "tcp:HOSTPORT:GUESTPORT" or "udp:...". */
static int net_hostfwd_parse(const char *v, size_t n, struct net_hostfwd *f)
{
	char buf[32], *end;
	unsigned long hp, gp;

	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, v, n);
	buf[n] = 0;
	if (!strncmp(buf, "tcp:", 4))
		f->udp = false;
	else if (!strncmp(buf, "udp:", 4))
		f->udp = true;
	else
		return -EINVAL;
	if (!isdigit((unsigned char)buf[4]))
		return -EINVAL;
	hp = strtoul(buf + 4, &end, 10);
	if (*end != ':' || !isdigit((unsigned char)end[1]))
		return -EINVAL;
	gp = strtoul(end + 1, &end, 10);
	if (*end || hp == 0 || hp > 65535 || gp == 0 || gp > 65535)
		return -EINVAL;
	f->host_port = (uint16_t)hp;
	f->guest_port = (uint16_t)gp;
	return 0;
}

static bool net_key_is(const char *opt, size_t n, const char *key, const char **val, size_t *vlen)
{
	size_t k = strlen(key);

	if (n <= k || memcmp(opt, key, k) || opt[k] != '=')
		return false;
	*val = opt + k + 1;
	*vlen = n - k - 1;
	return true;
}

static int net_mode_parse(const char *v, size_t n, enum net_mode *mode)
{
	static const char *const names[] = {
		[NET_MODE_USER] = "user",
		[NET_MODE_TAP] = "tap",
		[NET_MODE_NONE] = "none",
	};

	for (unsigned m = 0; m < sizeof(names) / sizeof(names[0]); m++) {
		if (strlen(names[m]) == n && !memcmp(v, names[m], n)) {
			*mode = (enum net_mode)m;
			return 0;
		}
	}
	return -EINVAL;
}

static int net_mac_option(const char *v, size_t n, uint8_t mac[6], bool *set)
{
	char buf[24];

	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, v, n);
	buf[n] = 0;
	if (net_mac_parse(buf, mac))
		return -EINVAL;
	*set = true;
	return 0;
}

static int net_spec_option(struct net_spec *s, const char *opt, size_t n, const char *arg,
			   char *err, size_t len)
{
	const char *v;
	size_t vn;

	if (net_key_is(opt, n, "mode", &v, &vn)) {
		if (net_mode_parse(v, vn, &s->mode))
			return err_set(err, len, -EINVAL,
				       "network '%s': unknown mode '%.*s' (tap, user or none)", arg,
				       (int)vn, v);
	} else if (net_key_is(opt, n, "tapif", &v, &vn)) {
		if (!vn || vn >= sizeof(s->tapif) || memchr(v, '/', vn))
			return err_set(err, len, -EINVAL,
				       "network '%s': tapif is not an interface name (at most %d "
				       "characters, no '/')",
				       arg, NET_IFNAME_MAX - 1);
		memcpy(s->tapif, v, vn);
		s->tapif[vn] = 0;
	} else if (net_key_is(opt, n, "vhost", &v, &vn)) {
		if (vn != 1 || (*v != '0' && *v != '1'))
			return err_set(err, len, -EINVAL, "network '%s': vhost= takes 0 or 1", arg);
		s->vhost = *v == '1';
	} else if (net_key_is(opt, n, "guest_mac", &v, &vn)) {
		if (net_mac_option(v, vn, s->guest_mac, &s->guest_mac_set))
			return err_set(err, len, -EINVAL,
				       "network '%s': guest_mac wants a unicast MAC like "
				       "02:15:15:15:15:15",
				       arg);
	} else if (net_key_is(opt, n, "host_mac", &v, &vn)) {
		if (net_mac_option(v, vn, s->host_mac, &s->host_mac_set))
			return err_set(err, len, -EINVAL,
				       "network '%s': host_mac wants a unicast MAC like "
				       "02:01:01:01:01:01",
				       arg);
	} else if (net_key_is(opt, n, "hostfwd", &v, &vn)) {
		if (s->nr_hostfwd == NET_MAX_HOSTFWD)
			return err_set(err, len, -EINVAL, "network '%s': at most %d hostfwd", arg,
				       NET_MAX_HOSTFWD);
		if (net_hostfwd_parse(v, vn, &s->hostfwd[s->nr_hostfwd]))
			return err_set(err, len, -EINVAL,
				       "network '%s': hostfwd wants tcp:HOSTPORT:GUESTPORT or "
				       "udp:HOSTPORT:GUESTPORT (ports 1 to 65535)",
				       arg);
		s->nr_hostfwd++;
	} else {
		return err_set(
		    err, len, -EINVAL,
		    "network '%s': unknown option '%.*s' (mode, tapif, vhost, guest_mac, "
		    "host_mac, hostfwd)",
		    arg, (int)n, opt);
	}
	return 0;
}

/* Options that only mean something in another mode would be silently ignored: refuse them. */
static int net_spec_check(const struct net_spec *s, const char *arg, char *err, size_t len)
{
	if (s->mode != NET_MODE_TAP && (s->tapif[0] || s->vhost))
		return err_set(err, len, -EINVAL, "network '%s': tapif and vhost need mode=tap",
			       arg);
	if (s->mode != NET_MODE_USER && s->nr_hostfwd)
		return err_set(err, len, -EINVAL, "network '%s': hostfwd needs mode=user", arg);
	return 0;
}

int net_spec_parse(const char *arg, struct net_spec *out, char *err, size_t len)
{
	const char *opt = arg;

	memset(out, 0, sizeof(*out));
	out->mode = NET_MODE_USER;
	if (!*arg)
		return err_set(err, len, -EINVAL, "--network needs options (e.g. mode=user)");
	for (;;) {
		const char *comma = strchr(opt, ',');
		size_t n = comma ? (size_t)(comma - opt) : strlen(opt);
		int ret = net_spec_option(out, opt, n, arg, err, len);

		if (ret)
			return ret;
		if (!comma)
			break;
		opt = comma + 1;
	}
	return net_spec_check(out, arg, err, len);
}
