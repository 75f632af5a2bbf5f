import Geometry

/// A city model: the validated layers of one district or city in one metric CRS.
///
/// Every vector layer is an array of entities in file order; IDs are unique within a layer.
/// Units are SI throughout (m, m², m/s, m³/s; elevations in m above the model's vertical datum);
/// readers convert at the boundary.
public struct CityModel: Sendable {
    /// A short name for the model (the folder or file stem when loaded).
    public var name: String
    /// The model's projected, metric CRS; every shape and the terrain are in it.
    public var crs: CRS
    public var terrain: Terrain?
    public var buildings: [Building] = []
    public var landUse: [Parcel] = []
    public var roadNodes: [RoadNode] = []
    public var roadEdges: [RoadEdge] = []
    public var roadConnections: [RoadConnection] = []
    public var signalPrograms: [SignalProgram] = []
    public var drainageNodes: [DrainageNode] = []
    public var drainageLinks: [DrainageLink] = []
    public var subcatchments: [Subcatchment] = []
    public var sensors: [Sensor] = []
    /// The stormwater simulation inputs that go with the drainage network (options, rainfall, inflows,
    /// controls …), when the model came from a SWMM file or carries them; nil otherwise.
    public var stormwater: StormwaterProject?
    /// Where each entity came from (file and feature or line), for messages. Not part of the model's
    /// content: writers do not store it.
    public var provenance: [EntityRef: SourceLocation] = [:]
    /// Where the terrain came from.
    public var terrainSource: SourceLocation?

    public init(name: String, crs: CRS) { self.name = name; self.crs = crs }

    /// Number of entities per vector layer (and 1 or 0 for the terrain).
    public func count(of layer: Layer) -> Int {
        switch layer {
        case .terrain: terrain == nil ? 0 : 1
        case .buildings: buildings.count
        case .landUse: landUse.count
        case .roadNodes: roadNodes.count
        case .roadEdges: roadEdges.count
        case .roadConnections: roadConnections.count
        case .signalPrograms: signalPrograms.count
        case .drainageNodes: drainageNodes.count
        case .drainageLinks: drainageLinks.count
        case .subcatchments: subcatchments.count
        case .sensors: sensors.count
        }
    }

    /// The box around every shape and the terrain grid, in the model's CRS (`empty` for an empty model).
    public var extent: BBox {
        var b = terrain?.grid.bbox ?? .empty
        forEachShape { _, s in b = b.union(s.bbox) }
        return b
    }

    /// Calls `body` with each entity's reference and shape, layer by layer in `Layer.vectorLayers` order.
    public func forEachShape(_ body: (EntityRef, Shape) -> Void) {
        func visit<E: ModelEntity>(_ es: [E]) { for e in es { if let s = e.shape { body(EntityRef(e), s) } } }
        visit(buildings); visit(landUse); visit(roadNodes); visit(roadEdges); visit(roadConnections)
        visit(signalPrograms); visit(drainageNodes); visit(drainageLinks); visit(subcatchments); visit(sensors)
    }

    /// Where an entity came from, as `file:feature` or `file:line`, or the layer and ID when unknown.
    public func location(of ref: EntityRef) -> SourceLocation {
        provenance[ref] ?? SourceLocation(file: "\(name)/\(ref.layer.rawValue)", feature: "id \(ref.id)")
    }
}

/// Access to the entity arrays by type, so generic readers and writers can fill and walk every layer.
public protocol LayerVisitor {
    mutating func visit<E: ModelEntity>(_ entities: inout [E]) throws
}

extension CityModel {
    /// Runs `visitor` over every vector layer, in `Layer.vectorLayers` order, with write access.
    public mutating func visitLayers<V: LayerVisitor>(_ visitor: inout V) throws {
        try visitor.visit(&buildings); try visitor.visit(&landUse); try visitor.visit(&roadNodes)
        try visitor.visit(&roadEdges); try visitor.visit(&roadConnections); try visitor.visit(&signalPrograms)
        try visitor.visit(&drainageNodes); try visitor.visit(&drainageLinks); try visitor.visit(&subcatchments)
        try visitor.visit(&sensors)
    }
}
