/*
 * meter.h - a process-wide count of the input bytes cairn's readers have
 * consumed, for progress lines (cairn_progress_meter_start() in cli.h).
 *
 * The snapshot reader adds the compressed bytes it feeds to zstd, whether
 * they come from a file or from memory (a store blob), from any thread.
 * A tool that knows how many bytes its run will read shows read / total.
 */
#ifndef CAIRN_METER_H
#define CAIRN_METER_H

#include <stdint.h>

/* Add n bytes (thread-safe, lock-free). */
void cairn_meter_add(uint64_t n);
/* Bytes added since the process started. */
uint64_t cairn_meter_get(void);

#endif
