/*
 * capture_fuzz.h - what the capture fuzz targets (fuzz_capture.c,
 * fuzz_capture_logs.c) do with an analysis once their input is in: finish
 * it, judge it by an allowlist and render it as text, CSV and JSON, as
 * cairn-capture does.
 */
#ifndef CAIRN_TESTS_CAPTURE_FUZZ_H
#define CAIRN_TESTS_CAPTURE_FUZZ_H

#include "capture.h"

#include <string.h>

/* Finish c, apply the allowlist text allow, render every format. */
static inline void fz_capture_render(cairn_capture *c, const char *allow)
{
	cairn_capture_result *r = NULL;
	cairn_capture_allow *a = NULL;
	cairn_buf b = CAIRN_BUF_INIT;

	cairn_capture_finish(&r, c);
	if (cairn_capture_allow_parse(&a, allow, strlen(allow), "fuzz") == 0)
		cairn_capture_result_apply_allow(r, a);
	cairn_capture_write_text(&b, r, 0);
	cairn_capture_write_csv(&b, r, 1);
	cairn_capture_write_json(&b, r, NULL, 0, 0);
	cairn_buf_release(&b);
	cairn_capture_allow_free(a);
	cairn_capture_result_free(r);
}

#endif
