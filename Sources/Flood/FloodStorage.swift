/// The flood state and work buffers: flat, 64-byte-aligned `Float` arrays that the band workers read
/// and write through raw pointers. Owned by one `FloodSimulation` (copied on write when shared).
final class FloodStorage: @unchecked Sendable {
    let width: Int
    let height: Int
    let rowsPerBand: Int
    let bandCount: Int

    /// Depth per cell (m).
    let h: UnsafeMutablePointer<Float>
    /// The rounding error of each depth (m): the depth is the unevaluated sum h + hLow, carried by
    /// compensated (TwoSum) updates, so that Float rounding cannot accumulate into a mass error in
    /// steady flows, where every step would round the same way. The fluxes see h alone.
    let hLow: UnsafeMutablePointer<Float>
    /// Unit discharges through x- and y-faces (m²/s), two buffers each: `cur` holds the current step.
    let qx: [UnsafeMutablePointer<Float>]
    let qy: [UnsafeMutablePointer<Float>]
    var cur = 0
    let dzx: UnsafeMutablePointer<Float>
    let dzy: UnsafeMutablePointer<Float>
    let manning: UnsafeMutablePointer<Float>?
    /// Rows (x-faces) and face rows (y-faces) with a face steeper than `steepDz` (see `SweepBuffers`).
    let steepX: UnsafeMutablePointer<Bool>
    let steepY: UnsafeMutablePointer<Bool>
    let steepDz: Float
    let rainPattern: UnsafeMutablePointer<Float>?
    /// Depth infiltrated so far per cell (m), for Green-Ampt.
    let infiltrated: UnsafeMutablePointer<Float>?

    let activeLo: UnsafeMutablePointer<Int32>, activeHi: UnsafeMutablePointer<Int32>
    let wetLo: UnsafeMutablePointer<Int32>, wetHi: UnsafeMutablePointer<Int32>
    /// Possibly non-zero interior face ranges of each q buffer.
    let xnzLo: [UnsafeMutablePointer<Int32>], xnzHi: [UnsafeMutablePointer<Int32>]
    let ynzLo: [UnsafeMutablePointer<Int32>], ynzHi: [UnsafeMutablePointer<Int32>]
    let haloAbove: UnsafeMutablePointer<Float>, haloBelow: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
    let bandMax: UnsafeMutablePointer<Int32>
    let bandNegatives: UnsafeMutablePointer<[Int32]>
    let bandSums: UnsafeMutablePointer<Double>

    /// Every array has this many spare elements after its end, so eight-lane loads that start at
    /// the last element stay inside the allocation (the extra lanes are computed and discarded).
    static let padding = 16

    static func allocate<T>(_ count: Int, _ fill: T) -> UnsafeMutablePointer<T> {
        let n = count + padding
        let raw = UnsafeMutableRawPointer.allocate(byteCount: n * MemoryLayout<T>.stride, alignment: 64)
        let p = raw.bindMemory(to: T.self, capacity: n)
        p.initialize(repeating: fill, count: n)
        return p
    }

    init(width: Int, height: Int, rowsPerBand: Int, dzx: [Float], dzy: [Float], manning: [Float]?, rainPattern: [Float]?,
         greenAmpt: Bool, steepDz: Float) {
        self.width = width; self.height = height; self.rowsPerBand = rowsPerBand; self.steepDz = steepDz
        steepX = Self.allocate(height, false); steepY = Self.allocate(height + 1, false)
        for r in 0..<height { steepX[r] = (0...width).contains { abs(dzx[r * (width + 1) + $0]) > steepDz } }
        for r in 0...height { steepY[r] = (0..<width).contains { abs(dzy[r * width + $0]) > steepDz } }
        bandCount = (height + rowsPerBand - 1) / rowsPerBand
        let n = width * height, nx = (width + 1) * height, ny = width * (height + 1)
        h = Self.allocate(n, 0)
        hLow = Self.allocate(n, 0)
        qx = [Self.allocate(nx, 0), Self.allocate(nx, 0)]
        qy = [Self.allocate(ny, 0), Self.allocate(ny, 0)]
        self.dzx = Self.allocate(nx, 0); self.dzx.update(from: dzx, count: nx)
        self.dzy = Self.allocate(ny, 0); self.dzy.update(from: dzy, count: ny)
        if let manning { let p: UnsafeMutablePointer<Float> = Self.allocate(n, 0); p.update(from: manning, count: n); self.manning = p } else { self.manning = nil }
        if let rainPattern { let p: UnsafeMutablePointer<Float> = Self.allocate(n, 0); p.update(from: rainPattern, count: n); self.rainPattern = p } else { self.rainPattern = nil }
        infiltrated = greenAmpt ? Self.allocate(n, 0) : nil
        activeLo = Self.allocate(height, 0); activeHi = Self.allocate(height, 0)
        wetLo = Self.allocate(height, 0); wetHi = Self.allocate(height, 0)
        xnzLo = [Self.allocate(height, 0), Self.allocate(height, 0)]; xnzHi = [Self.allocate(height, 0), Self.allocate(height, 0)]
        ynzLo = [Self.allocate(height + 1, 0), Self.allocate(height + 1, 0)]; ynzHi = [Self.allocate(height + 1, 0), Self.allocate(height + 1, 0)]
        haloAbove = Self.allocate(bandCount * width, 0); haloBelow = Self.allocate(bandCount * width, 0)
        scratch = Self.allocate(bandCount * width, 0)
        bandMax = Self.allocate(bandCount, 0)
        bandNegatives = Self.allocate(bandCount, [])
        bandSums = Self.allocate(bandCount * 4, 0)
    }

    /// A deep copy (copy on write).
    func copy() -> FloodStorage {
        let n = width * height, nx = (width + 1) * height, ny = width * (height + 1)
        let s = FloodStorage(width: width, height: height, rowsPerBand: rowsPerBand,
                             dzx: Array(UnsafeBufferPointer(start: dzx, count: nx)), dzy: Array(UnsafeBufferPointer(start: dzy, count: ny)),
                             manning: manning.map { Array(UnsafeBufferPointer(start: $0, count: n)) },
                             rainPattern: rainPattern.map { Array(UnsafeBufferPointer(start: $0, count: n)) },
                             greenAmpt: infiltrated != nil, steepDz: steepDz)
        s.h.update(from: h, count: n)
        s.hLow.update(from: hLow, count: n)
        for b in 0..<2 {
            s.qx[b].update(from: qx[b], count: nx); s.qy[b].update(from: qy[b], count: ny)
            s.xnzLo[b].update(from: xnzLo[b], count: height); s.xnzHi[b].update(from: xnzHi[b], count: height)
            s.ynzLo[b].update(from: ynzLo[b], count: height + 1); s.ynzHi[b].update(from: ynzHi[b], count: height + 1)
        }
        s.cur = cur
        if let f = infiltrated { s.infiltrated!.update(from: f, count: n) }
        s.wetLo.update(from: wetLo, count: height); s.wetHi.update(from: wetHi, count: height)
        return s
    }

    deinit {
        func free<T>(_ p: UnsafeMutablePointer<T>, _ count: Int) {
            p.deinitialize(count: count + Self.padding); UnsafeMutableRawPointer(p).deallocate()
        }
        let n = width * height, nx = (width + 1) * height, ny = width * (height + 1)
        free(steepX, height); free(steepY, height + 1)
        free(h, n); free(hLow, n); qx.forEach { free($0, nx) }; qy.forEach { free($0, ny) }
        free(dzx, nx); free(dzy, ny)
        if let manning { free(manning, n) }
        if let rainPattern { free(rainPattern, n) }
        if let infiltrated { free(infiltrated, n) }
        free(activeLo, height); free(activeHi, height); free(wetLo, height); free(wetHi, height)
        xnzLo.forEach { free($0, height) }; xnzHi.forEach { free($0, height) }
        ynzLo.forEach { free($0, height + 1) }; ynzHi.forEach { free($0, height + 1) }
        free(haloAbove, bandCount * width); free(haloBelow, bandCount * width); free(scratch, bandCount * width)
        free(bandMax, bandCount); free(bandNegatives, bandCount); free(bandSums, bandCount * 4)
    }

    /// Views for a sweep that reads buffer `cur` and writes the other.
    func sweepBuffers() -> SweepBuffers {
        let nxt = 1 - cur
        return SweepBuffers(width: width, height: height, rowsPerBand: rowsPerBand, h: h, hLow: hLow,
                            qxOld: qx[cur], qxNew: qx[nxt], qyOld: qy[cur], qyNew: qy[nxt],
                            dzx: dzx, dzy: dzy, manning: manning.map { UnsafePointer($0) },
                            rainPattern: rainPattern.map { UnsafePointer($0) },
                            steepX: UnsafePointer(steepX), steepY: UnsafePointer(steepY),
                            activeLo: activeLo, activeHi: activeHi,
                            xnzLo: xnzLo[nxt], xnzHi: xnzHi[nxt], ynzLo: ynzLo[nxt], ynzHi: ynzHi[nxt],
                            wetLo: wetLo, wetHi: wetHi, haloAbove: haloAbove, haloBelow: haloBelow, scratch: scratch,
                            bandMax: bandMax, bandNegatives: bandNegatives)
    }

    /// Adds `x` to the depth of cell `i` with compensation (TwoSum, Knuth 1969).
    @inline(__always) func add(_ x: Float, at i: Int) {
        let a = h[i], b = x + hLow[i]
        let t = a + b, bp = t - a, ap = t - bp
        h[i] = t; hLow[i] = (a - ap) + (b - bp)
    }

    /// Recomputes every row's wet range from the depths.
    func recomputeWetRanges() {
        for r in 0..<height {
            let row = h + r * width
            var a = 0
            while a < width, !(row[a] > 0) { a += 1 }
            var e = width
            while e > a, !(row[e - 1] > 0) { e -= 1 }
            wetLo[r] = Int32(a < e ? a : 0); wetHi[r] = Int32(a < e ? e : 0)
        }
    }
}
