/*
 * meter.c - the process-wide input byte count (see meter.h).
 */
#include "meter.h"

static uint64_t bytes_read;

void cairn_meter_add(uint64_t n)
{
	__atomic_fetch_add(&bytes_read, n, __ATOMIC_RELAXED);
}

uint64_t cairn_meter_get(void)
{
	return __atomic_load_n(&bytes_read, __ATOMIC_RELAXED);
}
