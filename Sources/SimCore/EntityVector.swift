#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Geometry

/// One `Double` per entity (node heads, inflows, road speed factors), keyed by string IDs.
///
/// The ID list is fixed when the vector is made; values are addressed by position (fast: resolve
/// `index(of:)` once in `prepare` and keep the integer) or by ID. Copies share storage until written.
public struct EntityVector: Hashable, Sendable, Codable, FieldValue {
    /// The entity IDs, in value order.
    public let ids: [String]
    /// One value per ID, in the unit of the field that holds the vector.
    public var values: [Double]
    private let lookup: [String: Int]

    /// A vector over `ids`, every value `fill`.
    ///
    /// - Precondition: IDs are unique.
    public init(ids: [String], fill: Double = 0) {
        self.init(ids: ids, values: Array(repeating: fill, count: ids.count))
    }

    /// A vector over `ids` with the given values.
    ///
    /// - Precondition: IDs are unique and `values.count == ids.count`.
    public init(ids: [String], values: [Double]) {
        precondition(values.count == ids.count, "EntityVector: \(values.count) values for \(ids.count) IDs")
        var lookup = [String: Int](minimumCapacity: ids.count)
        for (i, id) in ids.enumerated() {
            precondition(lookup.updateValue(i, forKey: id) == nil, "EntityVector: duplicate ID \(id)")
        }
        self.ids = ids; self.values = values; self.lookup = lookup
    }

    /// The number of entities.
    @inlinable public var count: Int { ids.count }

    /// The position of `id`, if present. O(1).
    public func index(of id: String) -> Int? { lookup[id] }

    /// The value at position `i`.
    @inlinable public subscript(i: Int) -> Double {
        get { values[i] }
        set { values[i] = newValue }
    }

    /// The value of entity `id`, nil if absent. Setting an absent ID is a precondition failure.
    public subscript(id id: String) -> Double? {
        get { lookup[id].map { values[$0] } }
        set {
            guard let i = lookup[id] else { preconditionFailure("EntityVector: no entity \(id)") }
            values[i] = newValue ?? 0
        }
    }

    public static func == (a: EntityVector, b: EntityVector) -> Bool { a.ids == b.ids && a.values == b.values }
    public func hash(into h: inout Hasher) { h.combine(ids); h.combine(values) }

    public static var fieldKind: FieldKind { .entities }
    public init?(fieldData: FieldData) { guard case .entities(let v) = fieldData else { return nil }; self = v }
    public var fieldData: FieldData { .entities(self) }

    enum CodingKeys: String, CodingKey { case ids, values }

    /// Values are encoded as their IEEE 754 bit patterns (little-endian bytes), so any encoder
    /// round-trips them exactly, NaN and infinities included.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let ids = try c.decode([String].self, forKey: .ids)
        let values = try unpackValues(c.decode(Data.self, forKey: .values), as: Double.self)
        guard values.count == ids.count, Set(ids).count == ids.count else {
            throw DecodingError.dataCorruptedError(forKey: .values, in: c, debugDescription: "EntityVector: \(values.count) values for \(ids.count) IDs, or duplicate IDs")
        }
        self.init(ids: ids, values: values)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ids, forKey: .ids)
        try c.encode(LittleEndian.pack(values), forKey: .values)
    }
}

extension FieldData: Codable {
    enum CodingKeys: String, CodingKey { case kind, scalar, entities, grid, cells, noData }

    /// Scalars, entity values and raster cells are encoded as their IEEE 754 bit patterns (raster
    /// cells as little-endian bytes), so any encoder round-trips them exactly.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(FieldKind.self, forKey: .kind) {
        case .scalar:
            self = .scalar(Double(bitPattern: try c.decode(UInt64.self, forKey: .scalar)))
        case .entities:
            self = .entities(try c.decode(EntityVector.self, forKey: .entities))
        case .raster:
            let grid = try c.decode(GridSpec.self, forKey: .grid)
            let cells = try unpackValues(c.decode(Data.self, forKey: .cells), as: Float.self)
            guard cells.count == grid.count else {
                throw DecodingError.dataCorruptedError(forKey: .cells, in: c, debugDescription: "raster: \(cells.count) cells for a \(grid.width)×\(grid.height) grid")
            }
            let noData = try c.decodeIfPresent(UInt32.self, forKey: .noData).map(Float.init(bitPattern:))
            self = .raster(Raster(grid: grid, values: cells, noData: noData))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        switch self {
        case .scalar(let v): try c.encode(v.bitPattern, forKey: .scalar)
        case .entities(let e): try c.encode(e, forKey: .entities)
        case .raster(let r):
            try c.encode(r.grid, forKey: .grid)
            try c.encode(LittleEndian.pack(r.values), forKey: .cells)
            try c.encodeIfPresent(r.noData?.bitPattern, forKey: .noData)
        }
    }
}

/// Unpacks snapshot values, refusing a byte count that is not a whole number of values.
func unpackValues<F: BitPatternFloat>(_ d: Data, as: F.Type) throws -> [F] {
    guard let v = LittleEndian.unpack(d, as: F.self) else {
        throw SimError(.snapshotMismatch, "packed \(F.self) values: \(d.count) bytes")
    }
    return v
}
