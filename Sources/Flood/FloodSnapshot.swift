import Geometry

/// Everything that evolves in a `FloodSimulation`, for snapshots: a restored simulation continues
/// bit for bit like the one it was taken from.
public struct FloodState: Codable, Sendable {
    var time: Double
    var steps: Int
    var lastStep: Double
    var cellUpdates: Int
    var limitedCells: Int
    var balance: FloodMassBalance
    var boundaryIn: [Double]
    var boundaryOut: [Double]
    var inflowVolumes: [Double]
    var hmax: Float
    var nextBreak: Int
    var depth: [Float]
    var depthLow: [Float]
    var qx: [Float]
    var qy: [Float]
    var infiltrated: [Float]?
}

extension FloodSimulation {
    /// The evolving state.
    public func snapshot() -> FloodState {
        let s = storage, n = s.width * s.height
        let (qx, qy) = discharges
        return FloodState(time: time, steps: steps, lastStep: lastStep, cellUpdates: cellUpdates, limitedCells: limitedCells,
                          balance: balance, boundaryIn: boundaryVolumes.map(\.inflow), boundaryOut: boundaryVolumes.map(\.outflow),
                          inflowVolumes: inflowVolumes, hmax: hmax, nextBreak: nextBreak,
                          depth: Array(UnsafeBufferPointer(start: s.h, count: n)),
                          depthLow: Array(UnsafeBufferPointer(start: s.hLow, count: n)), qx: qx, qy: qy,
                          infiltrated: s.infiltrated.map { Array(UnsafeBufferPointer(start: $0, count: n)) })
    }

    /// Restores a state taken from a simulation of the same setup.
    /// - Throws: `InputError` `.implausibleValue` when the arrays do not fit the grid.
    public mutating func restore(_ st: FloodState) throws {
        makeUnique()
        let s = storage, w = s.width, ht = s.height, n = w * ht
        guard st.depth.count == n, st.depthLow.count == n, st.qx.count == (w + 1) * ht, st.qy.count == w * (ht + 1),
              st.boundaryIn.count == boundaryVolumes.count, st.inflowVolumes.count == inflowVolumes.count,
              (st.infiltrated == nil) == (s.infiltrated == nil), st.infiltrated.map({ $0.count == n }) ?? true else {
            throw InputError(.implausibleValue, "flood snapshot does not fit this grid and forcing")
        }
        time = st.time; steps = st.steps; lastStep = st.lastStep; cellUpdates = st.cellUpdates; limitedCells = st.limitedCells
        balance = st.balance; inflowVolumes = st.inflowVolumes; hmax = st.hmax; nextBreak = st.nextBreak
        boundaryVolumes = zip(st.boundaryIn, st.boundaryOut).map { ($0, $1) }
        s.h.update(from: st.depth, count: n)
        s.hLow.update(from: st.depthLow, count: n)
        if let f = st.infiltrated { s.infiltrated!.update(from: f, count: n) }
        s.cur = 0
        s.qx[0].update(from: st.qx, count: (w + 1) * ht); s.qy[0].update(from: st.qy, count: w * (ht + 1))
        s.qx[1].update(repeating: 0, count: (w + 1) * ht); s.qy[1].update(repeating: 0, count: w * (ht + 1))
        // Buffer 0 may hold non-zero values on every interior face; buffer 1 holds none.
        for r in 0..<ht { s.xnzLo[0][r] = 1; s.xnzHi[0][r] = Int32(max(w, 1)); s.xnzLo[1][r] = 0; s.xnzHi[1][r] = 0 }
        for r in 0...ht {
            let inner = r >= 1 && r < ht
            s.ynzLo[0][r] = 0; s.ynzHi[0][r] = inner ? Int32(w) : 0; s.ynzLo[1][r] = 0; s.ynzHi[1][r] = 0
        }
        s.recomputeWetRanges()
    }
}
