/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Timeline marks for the run summary: CLOCK_MONOTONIC nanoseconds, taken
 * once, from whichever thread gets there first. Cheap enough for hot paths:
 * after the first time, one relaxed load.
 */
#ifndef ARMLET_TIMELINE_H
#define ARMLET_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

static inline uint64_t timeline_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Stores the time in *slot unless it already holds one; slot may be NULL. */
static inline void timeline_mark_once(uint64_t *slot)
{
	uint64_t zero = 0;

	if (slot && !__atomic_load_n(slot, __ATOMIC_RELAXED))
		__atomic_compare_exchange_n(slot, &zero, timeline_now_ns(), false, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED);
}

#endif
