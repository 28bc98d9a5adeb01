/*
 * rfc3339.c - RFC 3339 §5.6 date-time, strict, and back.
 */
#include "rfc3339.h"

#include "cairn.h"

#include <stdio.h>
#include <time.h>

static int digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), without timegm():
 * no dependence on the C library's range or the TZ environment.
 * Howard Hinnant's days_from_civil. */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int cairn_rfc3339_parse(int64_t *out_sec, long *out_nsec, const char *s)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0, scale = 100000000, i;
	long ns = 0;
	int64_t t;
	const char *p;

	if (!s)
		return CAIRN_EFORMAT;
	/* Each check stops at the first NUL, so a short string never reads
	 * past its end. */
	for (i = 0; i < 19; i++)
		if (!s[i])
			return CAIRN_EFORMAT;
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) ||
	    s[16] != ':' || digits(s + 17, 2, &se))
		return CAIRN_EFORMAT;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap(y)) || h > 23 || mi > 59 || se > 59)
		return CAIRN_EFORMAT;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return CAIRN_EFORMAT;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (scale) {
				ns += (long)(*p - '0') * scale;
				scale /= 10;
			}
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (!p[1] || !p[2] || digits(p + 1, 2, &oh) || p[3] != ':' ||
		    !p[4] || digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return CAIRN_EFORMAT;
		p += 6;
	} else {
		return CAIRN_EFORMAT;
	}
	if (*p)
		return CAIRN_EFORMAT;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
	    (int64_t)sign * (oh * 3600 + om * 60);
	/* The years bound the time in UTC, so that every accepted time
	 * formats back ("9999-12-31T23:59:59-01:00" is in year 10000). */
	if (t < 0 || t > 253402300799LL)
		return CAIRN_EFORMAT;
	*out_sec = t;
	*out_nsec = ns;
	return 0;
}

int cairn_rfc3339_parse_ns(int64_t *out_ns, const char *s)
{
	int64_t sec;
	long nsec;
	int rc = cairn_rfc3339_parse(&sec, &nsec, s);

	if (rc < 0)
		return rc;
	/* INT64_MAX ns is 2262-04-11T23:47:16.854775807Z */
	if (sec > INT64_MAX / 1000000000 - 1)
		return CAIRN_EFORMAT;
	*out_ns = sec * 1000000000 + nsec;
	return 0;
}

void cairn_rfc3339_format(char *out, size_t outlen, int64_t sec, long nsec)
{
	struct tm tm;
	time_t t = (time_t)sec;
	char base[32];

	if (!gmtime_r(&t, &tm)) {
		snprintf(out, outlen, "invalid-time(%lld)", (long long)sec);
		return;
	}
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	if (nsec >= 0)
		snprintf(out, outlen, "%s.%09ldZ", base, nsec);
	else
		snprintf(out, outlen, "%sZ", base);
}
