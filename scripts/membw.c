/* Memory bandwidth roof for docs/performance.md: a STREAM-like triad a = b + 1.5 c over three
   64 MiB float arrays on 1 and 2 threads, best of 3 runs of 5 sweeps, reported counting 16 bytes per
   element (two reads, one write with write-allocate). Built and run by scripts/membw. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N (64L * 1024 * 1024 / 4)
static float *a, *b, *c;
static long threads;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *sweep(void *arg) {
    long id = (long)arg, lo = N / threads * id, hi = N / threads * (id + 1);
    for (int rep = 0; rep < 5; rep++)
        for (long i = lo; i < hi; i++) a[i] = b[i] + 1.5f * c[i];
    return 0;
}

int main(void) {
    a = aligned_alloc(64, N * 4); b = aligned_alloc(64, N * 4); c = aligned_alloc(64, N * 4);
    if (!a || !b || !c) return 1;
    for (long i = 0; i < N; i++) { a[i] = 0; b[i] = (float)i; c[i] = 1; }
    for (threads = 1; threads <= 2; threads++) {
        double best = 1e9;
        for (int k = 0; k < 3; k++) {
            pthread_t th[2];
            double t0 = now();
            for (long i = 0; i < threads; i++) pthread_create(&th[i], 0, sweep, (void *)i);
            for (long i = 0; i < threads; i++) pthread_join(th[i], 0);
            double d = now() - t0;
            if (d < best) best = d;
        }
        printf("threads %ld: triad %.1f GB/s (16 B per element incl. write-allocate)\n", threads, 5.0 * N * 16 / best / 1e9);
    }
    return 0;
}
