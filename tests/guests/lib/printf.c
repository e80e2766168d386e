/* A printf subset for test output, straight to the UART. */
#include "guest.h"

struct fmt_spec {
	bool left; /* '-' */
	bool zero; /* '0' */
	int width;
	int longs; /* number of 'l' (z counts as one) */
};

static int put_pad(char c, int n)
{
	int done = 0;

	for (; n > 0; n--, done++)
		uart_putc(c);
	return done;
}

static int put_str(const char *s, const struct fmt_spec *spec)
{
	int len = (int)strlen(s);
	int done = 0;

	if (!spec->left)
		done += put_pad(' ', spec->width - len);
	uart_puts(s);
	done += len;
	if (spec->left)
		done += put_pad(' ', spec->width - len);
	return done;
}

static int put_num(uint64_t val, unsigned base, bool upper, bool neg, const struct fmt_spec *spec)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int n = 0, done;
	int pad;

	do {
		buf[n++] = digits[val % base];
		val /= base;
	} while (val);
	pad = spec->width - n - (neg ? 1 : 0);
	done = n + (neg ? 1 : 0);

	if (!spec->left && !spec->zero)
		done += put_pad(' ', pad);
	if (neg)
		uart_putc('-');
	if (!spec->left && spec->zero)
		done += put_pad('0', pad);
	while (n)
		uart_putc(buf[--n]);
	if (spec->left)
		done += put_pad(' ', pad);
	return done;
}

/* Parses flags, width and length at *fmt; leaves *fmt at the conversion. */
static void parse_spec(const char **fmt, struct fmt_spec *spec)
{
	const char *p = *fmt;

	*spec = (struct fmt_spec){ 0 };
	for (;; p++) {
		if (*p == '-')
			spec->left = true;
		else if (*p == '0')
			spec->zero = true;
		else
			break;
	}
	while (*p >= '0' && *p <= '9')
		spec->width = spec->width * 10 + (*p++ - '0');
	for (;; p++) {
		if (*p == 'l' || *p == 'z')
			spec->longs++;
		else if (*p != 'h')
			break;
	}
	*fmt = p;
}

static uint64_t arg_unsigned(va_list *ap, int longs)
{
	return longs ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned int);
}

static int64_t arg_signed(va_list *ap, int longs)
{
	return longs ? va_arg(*ap, long) : va_arg(*ap, int);
}

static int put_conv(char conv, const struct fmt_spec *spec, va_list *ap)
{
	int64_t sval;

	switch (conv) {
	case 'c': uart_putc((char)va_arg(*ap, int)); return 1;
	case 's': {
		const char *s = va_arg(*ap, const char *);

		return put_str(s ? s : "(null)", spec);
	}
	case 'd':
	case 'i':
		sval = arg_signed(ap, spec->longs);
		return put_num(sval < 0 ? -(uint64_t)sval : (uint64_t)sval, 10, false, sval < 0,
			       spec);
	case 'u': return put_num(arg_unsigned(ap, spec->longs), 10, false, false, spec);
	case 'x':
	case 'X': return put_num(arg_unsigned(ap, spec->longs), 16, conv == 'X', false, spec);
	case 'p':
		uart_puts("0x");
		return 2 + put_num((uintptr_t)va_arg(*ap, void *), 16, false, false, spec);
	case '%': uart_putc('%'); return 1;
	default: /* unknown: show it rather than guess its argument */
		uart_putc('%');
		uart_putc(conv);
		return 2;
	}
}

int vprintf(const char *fmt, va_list ap)
{
	struct fmt_spec spec;
	va_list args;
	int done = 0;

	/* va_list is an array type on some ABIs; go through a copy's address. */
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			uart_putc(*fmt++);
			done++;
			continue;
		}
		fmt++;
		parse_spec(&fmt, &spec);
		if (!*fmt)
			break;
		done += put_conv(*fmt++, &spec, &args);
	}
	va_end(args);
	return done;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int done;

	va_start(ap, fmt);
	done = vprintf(fmt, ap);
	va_end(ap);
	return done;
}
