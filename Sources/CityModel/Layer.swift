import Geometry

/// The layers of a city model, as named in model files (GeoJSON file stems, SpatiaLite table names).
public enum Layer: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    case terrain
    case buildings
    case landUse = "land_use"
    case roadNodes = "road_nodes"
    case roadEdges = "road_edges"
    case roadConnections = "road_connections"
    case signalPrograms = "signal_programs"
    case drainageNodes = "drainage_nodes"
    case drainageLinks = "drainage_links"
    case subcatchments
    case sensors

    public var description: String { rawValue }

    /// The vector layers (everything but the terrain raster), in load order.
    public static let vectorLayers: [Layer] = allCases.filter { $0 != .terrain }
}

/// One entity of a vector layer: a typed ID, an optional shape in the model's CRS, typed fields
/// (encoded as the layer's properties or columns, with the unit in DocC), and free-form attributes.
///
/// Encoding covers the typed fields only: `shape` and `attributes` travel separately (as the
/// GeoJSON geometry and the extra properties), so each conforming type lists its coding keys and
/// leaves those two out.
public protocol ModelEntity: Codable, Sendable, Identifiable where ID == EntityID<Self> {
    static var layer: Layer { get }
    /// The geometry types this layer accepts (nil shape allowed when `shapeRequired` is false).
    static var shapeKinds: Set<ShapeKind> { get }
    static var shapeRequired: Bool { get }
    /// Property names of the typed fields, as written in files.
    static var fieldNames: [String] { get }
    /// Values for typed fields that a file may leave out (merged under the file's properties on load).
    static var defaultFields: [String: JSONValue] { get }
    var id: ID { get set }
    var shape: Shape? { get set }
    var attributes: [String: JSONValue] { get set }
}

/// A geometry type name, for checking a layer's shapes.
public enum ShapeKind: String, Hashable, Sendable {
    case point, lineString, polygon, multiPolygon, multiLineString, multiPoint
    public init(_ s: Shape) {
        switch s {
        case .point: self = .point
        case .multiPoint: self = .multiPoint
        case .lineString: self = .lineString
        case .multiLineString: self = .multiLineString
        case .polygon: self = .polygon
        case .multiPolygon: self = .multiPolygon
        }
    }
}

extension ModelEntity {
    public static var shapeRequired: Bool { true }
    public static var defaultFields: [String: JSONValue] { [:] }
}

/// A reference to one entity of one layer, e.g. for validation messages and provenance.
public struct EntityRef: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    public var layer: Layer
    public var id: String
    public init(_ layer: Layer, _ id: String) { self.layer = layer; self.id = id }
    public init<E: ModelEntity>(_ e: E) { self.init(E.layer, e.id.rawValue) }
    public static func < (a: Self, b: Self) -> Bool { (a.layer.rawValue, a.id) < (b.layer.rawValue, b.id) }
    public var description: String { "\(layer.rawValue) '\(id)'" }
}
