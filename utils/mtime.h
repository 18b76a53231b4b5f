/* utils/mtime.h: clocks. Wall time for timestamps, monotonic time for durations. */
#ifndef KVD_UTILS_MTIME_H
#define KVD_UTILS_MTIME_H

#include <stdint.h>

/* Wall-clock microseconds / milliseconds since the Unix epoch. */
long long time_us(void);
long long time_ms(void);
/* Monotonic microseconds (arbitrary origin) for measuring durations. */
uint64_t mono_us(void);

#endif
