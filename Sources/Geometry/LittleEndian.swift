import Foundation

/// A floating-point type stored by its IEEE bit pattern (`Double`, `Float`).
public protocol BitPatternFloat: BinaryFloatingPoint {
    associatedtype BitPattern: FixedWidthInteger & UnsignedInteger
    var bitPattern: BitPattern { get }
    init(bitPattern: BitPattern)
}
extension Double: BitPatternFloat {}
extension Float: BitPatternFloat {}

/// Arrays of floats as little-endian bytes, bit for bit (NaN payloads and infinities included):
/// the binary form of rasters and vectors in snapshots and database blobs.
public enum LittleEndian {
    /// The values' bit patterns, little-endian, back to back.
    public static func pack<F: BitPatternFloat>(_ values: [F]) -> Data {
        #if _endian(little)
        return values.withUnsafeBytes { Data($0) }
        #else
        var d = Data(capacity: values.count * MemoryLayout<F.BitPattern>.size)
        for x in values { withUnsafeBytes(of: x.bitPattern.littleEndian) { d.append(contentsOf: $0) } }
        return d
        #endif
    }

    /// The values packed by `pack`, or nil when the byte count is not a whole number of values.
    public static func unpack<F: BitPatternFloat>(_ data: Data, as: F.Type = F.self) -> [F]? {
        let size = MemoryLayout<F.BitPattern>.size
        guard data.count % size == 0 else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<data.count / size).map {
                F(bitPattern: F.BitPattern(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * size, as: F.BitPattern.self)))
            }
        }
    }
}
