import Foundation

/// Per-thread storage for live, non-`Sendable` resources (GEOS contexts, PROJ transformers) that
/// are costly to create and must never be shared between threads. Objects live in the thread's
/// `Thread.threadDictionary` and are released when the thread ends.
enum ThreadLocal {
    /// The object stored under `key` on the current thread, created by `make` on first use.
    static func value<T: AnyObject>(_ key: String, make: () throws -> T) rethrows -> T {
        let dict = Thread.current.threadDictionary
        if let v = dict[key] as? T { return v }
        let v = try make()
        dict[key] = v
        return v
    }
}

/// The memory layout `Coordinate` is known to have: `x` then `y`, 16 bytes apart, so a
/// `[Coordinate]` is an interleaved `[x0, y0, x1, y1, …]` buffer of `Double` that GEOS and PROJ can
/// read and write directly. Checked once; the bridges fall back to copying if it ever changes.
let coordinateIsInterleaved: Bool =
    MemoryLayout<Coordinate>.stride == 16 && MemoryLayout<Coordinate>.offset(of: \Coordinate.x) == 0
    && MemoryLayout<Coordinate>.offset(of: \Coordinate.y) == 8

extension Array where Element == Coordinate {
    /// Calls `body` with the coordinates as an interleaved `x, y` buffer of `2 * count` doubles.
    func withInterleavedDoubles<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        if coordinateIsInterleaved {
            return try withUnsafeBufferPointer { try $0.withMemoryRebound(to: Double.self, body) }
        }
        var flat = [Double]()
        flat.reserveCapacity(2 * count)
        for c in self { flat.append(c.x); flat.append(c.y) }
        return try flat.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the coordinates as a mutable interleaved `x, y` buffer; changes written
    /// there are the new coordinates.
    mutating func withMutableInterleavedDoubles<R>(_ body: (UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
        if coordinateIsInterleaved {
            return try withUnsafeMutableBufferPointer { try $0.withMemoryRebound(to: Double.self, body) }
        }
        var flat = [Double]()
        flat.reserveCapacity(2 * count)
        for c in self { flat.append(c.x); flat.append(c.y) }
        defer { for i in indices { self[i] = Coordinate(flat[2 * i], flat[2 * i + 1]) } }
        return try flat.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// `n` coordinates filled by `body` from an interleaved `x, y` buffer of `2 * n` doubles.
    init(interleavedCount n: Int, _ body: (UnsafeMutableBufferPointer<Double>) throws -> Void) rethrows {
        self.init(repeating: Coordinate(0, 0), count: n)
        try withMutableInterleavedDoubles(body)
    }
}
