// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's calls into the rVIC/rVID model (rvic_model.h): one handler per
 * function ID, each checking its arguments in order, so the first bad one
 * is the one the status names (bits [15:8]: 0 for x1, 1 for x2, 2 for x3).
 */
#include "rvic_internal.h"

typedef void rvic_fn_t(struct rvic *r, unsigned cpu, const uint64_t *arg, struct rvic_result *res);

/* The vCPU arg[i] names, or -1 with INVALID_CPU for argument i in res. */
static int arg_cpu(const struct rvic *r, const uint64_t *arg, unsigned i, struct rvic_result *res)
{
	int c = rvic_cpu_of_mpidr(r, arg[i]);

	if (c < 0)
		res->a0 = RVIC_STATUS(RVIC_INVALID_CPU, i);
	return c;
}

/* Whether arg[i] is an INTID in [lo, nr_total); if not, ERROR_PARAMETER for argument i. */
static bool arg_intid(const struct rvic *r, const uint64_t *arg, unsigned i, unsigned lo,
		      struct rvic_result *res)
{
	if (arg[i] >= lo && arg[i] < r->nr_total)
		return true;
	res->a0 = RVIC_STATUS(RVIC_ERROR_PARAMETER, i);
	return false;
}

/* (mpidr, intid) in x1, x2: the target vCPU, or -1 with the status set. */
static int arg_target(const struct rvic *r, const uint64_t *arg, struct rvic_result *res)
{
	int target = arg_cpu(r, arg, 0, res);

	if (target < 0 || !arg_intid(r, arg, 1, 0, res))
		return -1;
	return target;
}

static void fn_version(struct rvic *r, unsigned cpu, const uint64_t *arg, struct rvic_result *res)
{
	(void)r, (void)cpu, (void)arg;
	res->a1 = RVIC_VERSION;
}

static void fn_info(struct rvic *r, unsigned cpu, const uint64_t *arg, struct rvic_result *res)
{
	(void)cpu;
	if (arg[0] == RVIC_INFO_TRUSTED)
		res->a1 = r->nr_trusted;
	else if (arg[0] == RVIC_INFO_UNTRUSTED)
		res->a1 = r->nr_total - r->nr_trusted;
	else
		res->a0 = RVIC_STATUS(RVIC_ERROR_PARAMETER, 0);
}

static void fn_enable(struct rvic *r, unsigned cpu, const uint64_t *arg, struct rvic_result *res)
{
	(void)arg;
	r->cpu[cpu].enabled = true;
	res->changed = 1ull << cpu;
}

static void fn_disable(struct rvic *r, unsigned cpu, const uint64_t *arg, struct rvic_result *res)
{
	(void)arg;
	r->cpu[cpu].enabled = false;
	res->changed = 1ull << cpu;
}

/* SET_MASKED, CLEAR_MASKED, CLEAR_PENDING: one flag of (mpidr, intid). */
static void set_flag(struct rvic *r, const uint64_t *arg, struct rvic_result *res, bool masked,
		     bool v)
{
	int t = arg_target(r, arg, res);
	struct rvic_cpu *c;

	if (t < 0)
		return;
	c = &r->cpu[t];
	rvic_bit_assign(masked ? c->masked : c->pending, (unsigned)arg[1], v);
	rvic_requeue(r, c, (unsigned)arg[1]);
	res->changed = 1ull << t;
}

static void fn_set_masked(struct rvic *r, unsigned cpu, const uint64_t *arg,
			  struct rvic_result *res)
{
	(void)cpu;
	set_flag(r, arg, res, true, true);
}

static void fn_clear_masked(struct rvic *r, unsigned cpu, const uint64_t *arg,
			    struct rvic_result *res)
{
	(void)cpu;
	set_flag(r, arg, res, true, false);
}

static void fn_clear_pending(struct rvic *r, unsigned cpu, const uint64_t *arg,
			     struct rvic_result *res)
{
	(void)cpu;
	set_flag(r, arg, res, false, false);
}

static void fn_is_pending(struct rvic *r, unsigned cpu, const uint64_t *arg,
			  struct rvic_result *res)
{
	int t = arg_target(r, arg, res);

	(void)cpu;
	if (t >= 0)
		res->a1 = rvic_bit(r->cpu[t].pending, (unsigned)arg[1]);
}

/* Pends intid on vCPU t; a disabled rVIC drops it with DISABLED. */
static void pend(struct rvic *r, unsigned t, unsigned intid, struct rvic_result *res)
{
	if (rvic_pend(r, t, intid, &res->changed) != RVIC_SUCCESS)
		res->a0 = RVIC_STATUS(RVIC_DISABLED, 0);
}

static void fn_signal(struct rvic *r, unsigned cpu, const uint64_t *arg, struct rvic_result *res)
{
	int t = arg_target(r, arg, res);

	(void)cpu;
	if (t >= 0)
		pend(r, (unsigned)t, (unsigned)arg[1], res);
}

static void fn_acknowledge(struct rvic *r, unsigned cpu, const uint64_t *arg,
			   struct rvic_result *res)
{
	struct rvic_cpu *c = &r->cpu[cpu];
	unsigned intid;

	(void)arg;
	if (!c->enabled) {
		res->a0 = RVIC_STATUS(RVIC_DISABLED, 0);
		return;
	}
	if (!c->count) {
		res->a0 = RVIC_STATUS(RVIC_NO_INTERRUPTS, 0);
		return;
	}
	intid = c->queue[c->head];
	c->head = (c->head + 1) % r->nr_total;
	c->count--;
	rvic_bit_assign(c->queued, intid, false);
	/* Atomically masked and un-pended: the guest's CLEAR_MASKED ends it. */
	rvic_bit_assign(c->masked, intid, true);
	rvic_bit_assign(c->pending, intid, false);
	res->a1 = intid;
	res->changed = 1ull << cpu;
	__atomic_add_fetch(&r->delivered, 1, __ATOMIC_RELAXED);
}

/* Re-pends a trusted level interrupt of the caller's whose line is still high. */
static void fn_resample(struct rvic *r, unsigned cpu, const uint64_t *arg, struct rvic_result *res)
{
	if (arg[0] >= r->nr_trusted) {
		res->a0 = RVIC_STATUS(RVIC_ERROR_PARAMETER, 0);
		return;
	}
	if (rvic_bit(r->cpu[cpu].line, (unsigned)arg[0]))
		pend(r, cpu, (unsigned)arg[0], res);
}

static void fn_rvid_map(struct rvic *r, unsigned cpu, const uint64_t *arg, struct rvic_result *res)
{
	int t;

	(void)cpu;
	if (arg[0] >= r->nr_inputs) {
		res->a0 = RVIC_STATUS(RVIC_ERROR_PARAMETER, 0);
		return;
	}
	t = arg_cpu(r, arg, 1, res);
	/* Only untrusted interrupts take rVID inputs. */
	if (t < 0 || !arg_intid(r, arg, 2, r->nr_trusted, res))
		return;
	r->map[arg[0]] =
	    (struct rvid_map){ .valid = true, .cpu = (uint16_t)t, .intid = (uint16_t)arg[2] };
}

static void fn_rvid_unmap(struct rvic *r, unsigned cpu, const uint64_t *arg,
			  struct rvic_result *res)
{
	(void)cpu;
	if (arg[0] >= r->nr_inputs)
		res->a0 = RVIC_STATUS(RVIC_ERROR_PARAMETER, 0);
	else
		r->map[arg[0]].valid = false;
}

static rvic_fn_t *const rvic_fns[RVIC_NR_FNS] = {
	[RVIC_FN_VERSION] = fn_version,
	[RVIC_FN_INFO] = fn_info,
	[RVIC_FN_ENABLE] = fn_enable,
	[RVIC_FN_DISABLE] = fn_disable,
	[RVIC_FN_SET_MASKED] = fn_set_masked,
	[RVIC_FN_CLEAR_MASKED] = fn_clear_masked,
	[RVIC_FN_IS_PENDING] = fn_is_pending,
	[RVIC_FN_SIGNAL] = fn_signal,
	[RVIC_FN_CLEAR_PENDING] = fn_clear_pending,
	[RVIC_FN_ACKNOWLEDGE] = fn_acknowledge,
	[RVIC_FN_RESAMPLE] = fn_resample,
};

static rvic_fn_t *const rvid_fns[RVID_NR_FNS] = {
	[RVID_FN_VERSION] = fn_version,
	[RVID_FN_MAP] = fn_rvid_map,
	[RVID_FN_UNMAP] = fn_rvid_unmap,
};

static rvic_fn_t *fn_of(uint64_t fid)
{
	if (fid >= RVIC_FID_BASE && fid < RVIC_FID_BASE + RVIC_NR_FNS)
		return rvic_fns[fid - RVIC_FID_BASE];
	if (fid >= RVID_FID_BASE && fid < RVID_FID_BASE + RVID_NR_FNS)
		return rvid_fns[fid - RVID_FID_BASE];
	return NULL;
}

bool rvic_fid_known(uint64_t fid)
{
	return fn_of(fid) != NULL;
}

void rvic_call(struct rvic *r, unsigned cpu, uint64_t fid, const uint64_t arg[3],
	       struct rvic_result *res)
{
	rvic_fn_t *fn = fn_of(fid);

	*res = (struct rvic_result){ .a0 = RVIC_STATUS(RVIC_SUCCESS, 0) };
	if (!fn || cpu >= r->nr_cpus) {
		res->a0 = RVIC_SMCCC_NOT_SUPPORTED;
		return;
	}
	pthread_mutex_lock(&r->lock);
	fn(r, cpu, arg, res);
	pthread_mutex_unlock(&r->lock);
}
