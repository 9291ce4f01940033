/*
 * Deadlines on CLOCK_MONOTONIC.  Waits never end before the timeout the
 * caller gave: remaining times are rounded up, never down (libev notes
 * that illumos' port_getn returns early; we do not copy that).
 */
#include "config.h"

#include <limits.h>

#include "evp.h"

void
evp__deadline(struct timespec *dl, const struct timespec *rel)
{
	clock_gettime(CLOCK_MONOTONIC, dl);
	if (rel->tv_sec > (time_t)(INT_MAX / 2)) {
		dl->tv_sec += INT_MAX / 2;	/* far enough: 34 years */
		return;
	}
	dl->tv_sec += rel->tv_sec;
	dl->tv_nsec += rel->tv_nsec;
	if (dl->tv_nsec >= 1000000000L) {
		dl->tv_sec++;
		dl->tv_nsec -= 1000000000L;
	}
}

/* A timespec with tv_sec >= 0 and 0 <= tv_nsec < 1e9. */
bool
evp__ts_valid(const struct timespec *ts)
{
	return (ts->tv_sec >= 0 && ts->tv_nsec >= 0 &&
	    ts->tv_nsec < 1000000000L);
}

bool
evp__expired(const struct timespec *dl)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec > dl->tv_sec ||
	    (now.tv_sec == dl->tv_sec && now.tv_nsec >= dl->tv_nsec));
}

/* Milliseconds until dl, rounded up; -1 for no deadline. */
int
evp__remaining_ms(const struct timespec *dl)
{
	struct timespec now;
	long long ns;

	if (dl == NULL)
		return (-1);
	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (long long)(dl->tv_sec - now.tv_sec) * 1000000000LL +
	    (dl->tv_nsec - now.tv_nsec);
	if (ns <= 0)
		return (0);
	if (ns >= (long long)INT_MAX * 1000000LL)
		return (INT_MAX);
	return ((int)((ns + 999999) / 1000000));
}

/* Time left until dl as a relative timespec, never negative. */
void
evp__remaining_ts(const struct timespec *dl, struct timespec *rel)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	rel->tv_sec = dl->tv_sec - now.tv_sec;
	rel->tv_nsec = dl->tv_nsec - now.tv_nsec;
	if (rel->tv_nsec < 0) {
		rel->tv_sec--;
		rel->tv_nsec += 1000000000L;
	}
	if (rel->tv_sec < 0)
		rel->tv_sec = rel->tv_nsec = 0;
}
