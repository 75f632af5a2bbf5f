#ifndef CITYTWIN_CPREFETCH_SHIM_H
#define CITYTWIN_CPREFETCH_SHIM_H
// Software prefetch for hot loops: a compiler builtin, no library to link. Swift has no
// prefetch of its own, and a static inline function is imported and inlined like Swift code.

/// Asks the processor to start loading the cache line holding `p` into all cache levels
/// (a hint: it never faults, even on an invalid address, and changes no program state).
static inline __attribute__((always_inline)) void citytwin_prefetch(const void *p) {
    __builtin_prefetch(p, 0, 3);
}
#endif
