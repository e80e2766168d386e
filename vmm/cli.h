/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Command-line parsing, with kvmtool's spellings so `lkvm run` lines work:
 * "-k X", "-kX", "--kernel X" and "--kernel=X" are all accepted.
 */
#ifndef ARMLET_CLI_H
#define ARMLET_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

/*
 * Parses the arguments after "run" (argv[0] is the first option) into cfg,
 * which it first sets to the defaults. On error returns -EINVAL and writes
 * one line saying what is wrong into err. Pointers in cfg point into argv.
 */
int cli_parse_run(int argc, char *const argv[], struct vm_config *cfg, char *err, size_t errlen);

/*
 * Parses a memory size: a number with an optional K/M/G/T suffix (binary
 * units, optional trailing "B" or "iB"); a bare number means MiB, as in lkvm.
 */
int cli_parse_size(const char *s, uint64_t *bytes);

void cli_usage_run(FILE *out);
void cli_usage_main(FILE *out);

#endif
