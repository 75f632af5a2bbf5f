/// A table of (x, y) points in internal units, with SWMM's lookups.
struct Table: Sendable, Hashable {
    var x: [Double]
    var y: [Double]

    /// Linear interpolation; the end values are held outside the table (SWMM `table_lookup`).
    func lookup(_ v: Double) -> Double {
        let n = x.count
        if n == 0 { return 0 }
        if v <= x[0] { return y[0] }
        if v >= x[n - 1] { return y[n - 1] }
        var lo = 0, hi = n - 1
        while hi - lo > 1 { let m = (lo + hi) / 2; if x[m] <= v { lo = m } else { hi = m } }
        let dx = x[hi] - x[lo]
        return dx > 0 ? y[lo] + (v - x[lo]) * (y[hi] - y[lo]) / dx : y[hi]
    }

    /// Linear interpolation, extrapolated from the end segments (SWMM `table_lookupEx`).
    func lookupExtrapolated(_ v: Double) -> Double {
        let n = x.count
        if n < 2 { return n == 1 ? y[0] : 0 }
        if v <= x[0] {
            let s = (y[1] - y[0]) / (x[1] - x[0]); return max(0, y[0] + (v - x[0]) * s)
        }
        if v >= x[n - 1] {
            let s = (y[n - 1] - y[n - 2]) / (x[n - 1] - x[n - 2]); return y[n - 1] + (v - x[n - 1]) * s
        }
        return lookup(v)
    }

    /// Slope of the segment containing v (0 outside the table).
    func slope(_ v: Double) -> Double {
        let n = x.count
        if n < 2 || v < x[0] || v > x[n - 1] { return 0 }
        var i = 1
        while i < n - 1 && x[i] < v { i += 1 }
        let dx = x[i] - x[i - 1]
        return dx > 0 ? (y[i] - y[i - 1]) / dx : 0
    }

    /// Step lookup: the y of the first point whose x is at or above v (the last y beyond the table)
    /// — SWMM's `table_intervalLookup` for type 1 and 2 pump curves.
    func intervalLookup(_ v: Double) -> Double {
        for i in 0..<x.count where v <= x[i] { return y[i] }
        return y.last ?? 0
    }
}
