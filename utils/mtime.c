/* utils/mtime.c: wall-clock and monotonic time.
 *
 * Owns nothing but the clock calls; callers decide what a timestamp means (expiry, INFO,
 * timeouts). Durations must use mono_us(): the wall clock can jump.
 * Start at mono_us().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "utils/mtime.h"

#include <time.h>

long long time_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

long long time_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}
