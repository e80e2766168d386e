/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * armlet's own messages. Everything here goes to stderr: stdout carries only
 * what the guest prints, so `armlet run ... > log` captures exactly the guest.
 */
#ifndef ARMLET_LOG_H
#define ARMLET_LOG_H

#include <stddef.h>

enum log_level {
	LOG_ERROR,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
};

/* Parses "error", "warn", "info" or "debug"; returns -EINVAL otherwise. */
int log_level_parse(const char *s, enum log_level *out);

/*
 * The threshold is the one process-wide setting: it describes the terminal
 * armlet writes to, not a VM, so two VMs in one unit test share it harmlessly.
 */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Writes a one-line explanation into err (len bytes) and returns ret, so a
 * failing function can say why and return its -errno in one statement.
 */
int err_set(char *err, size_t len, int ret, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)                                                                             \
	do {                                                                                       \
		if (log_get_level() >= LOG_DEBUG)                                                  \
			log_msg(LOG_DEBUG, __VA_ARGS__);                                           \
	} while (0)

#endif
