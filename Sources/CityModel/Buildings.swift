import Geometry

/// A building: its footprint polygon, height and use. Footprints are blocked or raised cells for the
/// surface flood model and obstacles for line-of-sight queries.
public struct Building: ModelEntity, Hashable {
    public static let layer = Layer.buildings
    public static let shapeKinds: Set<ShapeKind> = [.polygon, .multiPolygon]
    public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

    public var id: EntityID<Building>
    public var shape: Shape?
    public var attributes: [String: JSONValue] = [:]
    /// Height above ground to the roof (m).
    public var height: Double
    /// Number of storeys above ground.
    public var floors: Int?
    /// Use class (residential, commercial, …), free text.
    public var use: String?

    public init(id: EntityID<Building>, footprint: Shape, height: Double, floors: Int? = nil, use: String? = nil) {
        self.id = id; self.shape = footprint; self.height = height; self.floors = floors; self.use = use
    }

    public enum CodingKeys: String, CodingKey, CaseIterable { case id, height, floors, use }
}

/// Soil texture classes (USDA), with which Green-Ampt parameters are tabulated (Rawls et al. 1983).
public enum SoilTexture: String, Codable, Sendable, CaseIterable {
    case sand, loamySand = "loamy_sand", sandyLoam = "sandy_loam", loam, siltLoam = "silt_loam"
    case sandyClayLoam = "sandy_clay_loam", clayLoam = "clay_loam", siltyClayLoam = "silty_clay_loam"
    case sandyClay = "sandy_clay", siltyClay = "silty_clay", clay
}

/// A land-use parcel: what covers the ground, which sets runoff (imperviousness), surface roughness
/// and infiltration (soil) for the parcels' subcatchments and the flood grid.
public struct Parcel: ModelEntity, Hashable {
    public static let layer = Layer.landUse
    public static let shapeKinds: Set<ShapeKind> = [.polygon, .multiPolygon]
    public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

    public var id: EntityID<Parcel>
    public var shape: Shape?
    public var attributes: [String: JSONValue] = [:]
    /// Land-use class (residential, commercial, industrial, park, water, road, …), free text.
    public var landUse: String
    /// Impervious fraction of the parcel area, 0…1.
    public var imperviousness: Double
    /// Manning roughness of the surface (s·m^-1/3).
    public var manningN: Double
    public var soil: SoilTexture?

    public init(id: EntityID<Parcel>, shape: Shape, landUse: String, imperviousness: Double, manningN: Double, soil: SoilTexture? = nil) {
        self.id = id; self.shape = shape; self.landUse = landUse; self.imperviousness = imperviousness
        self.manningN = manningN; self.soil = soil
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, landUse = "land_use", imperviousness, manningN = "manning_n", soil
    }
}

/// What a sensor measures.
public enum SensorKind: String, Codable, Sendable, CaseIterable {
    case rainGauge = "rain_gauge", waterLevel = "water_level", flow, trafficCounter = "traffic_counter", camera, other
}

/// A sensor at a point: a rain gauge, a level or flow gauge on a drainage node or link, a traffic
/// counter on a road edge. `target` names the entity it observes (`layer:id`), if any.
public struct Sensor: ModelEntity, Hashable {
    public static let layer = Layer.sensors
    public static let shapeKinds: Set<ShapeKind> = [.point]
    public static let fieldNames = CodingKeys.allCases.map(\.rawValue)

    public var id: EntityID<Sensor>
    public var shape: Shape?
    public var attributes: [String: JSONValue] = [:]
    public var kind: SensorKind
    /// The observed entity as `layer:id`, e.g. `drainage_nodes:J12`.
    public var target: String?

    public init(id: EntityID<Sensor>, position: Coordinate, kind: SensorKind, target: String? = nil) {
        self.id = id; self.shape = .point(position); self.kind = kind; self.target = target
    }

    public enum CodingKeys: String, CodingKey, CaseIterable { case id, kind, target }

    /// The target parsed as a layer and ID, nil when absent or not of the form `layer:id`.
    public var targetRef: EntityRef? {
        guard let t = target, let colon = t.firstIndex(of: ":"), let layer = Layer(rawValue: String(t[..<colon])) else { return nil }
        return EntityRef(layer, String(t[t.index(after: colon)...]))
    }
}
