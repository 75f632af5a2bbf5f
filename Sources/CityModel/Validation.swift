import Geometry

/// One problem found by `CityModel.validate()`: an error makes the model unusable for simulation; a
/// warning is something a user should look at (an isolated node, a very steep conduit).
public struct ValidationIssue: Hashable, Codable, Sendable, CustomStringConvertible {
    public enum Severity: String, Codable, Sendable { case error, warning }
    public var severity: Severity
    public var code: ErrorCode
    public var entity: EntityRef?
    public var location: SourceLocation?
    public var message: String

    public var description: String {
        let head = location.map { "\($0): " } ?? ""
        let who = entity.map { "\($0): " } ?? ""
        return "\(head)\(severity.rawValue): \(code.label) \(who)\(message)"
    }
}

extension CityModel {
    /// Checks the model and returns every problem found, errors and warnings, sorted by layer and
    /// file position. An empty result (or warnings only) means the model can be simulated.
    ///
    /// Checked: IDs unique per layer; shapes present, of the layer's geometry type, with finite
    /// coordinates and valid for GEOS (polygons without self-intersections, closed rings); every
    /// reference resolves (edge ends, connections, signal programs, drainage link ends, subcatchment
    /// outlets and rain gauges, sensor targets); values in their physical range (heights, lanes,
    /// speeds, rim above invert, positive conduit lengths, slopes below 1 m/m, fractions in 0…1);
    /// the road network is one connected piece; every drainage node can reach an outfall; subcatchment
    /// routing has no cycles; the terrain has no NaN.
    public func validate() -> [ValidationIssue] {
        var v = Validator(model: self)
        v.run()
        return v.issues
    }

    /// True when `validate()` finds no errors (warnings allowed).
    public var isValid: Bool { !validate().contains { $0.severity == .error } }
}

struct Validator {
    let model: CityModel
    var issues: [ValidationIssue] = []
    let geos = GeosContext.forCurrentThread

    init(model: CityModel) { self.model = model }

    mutating func report(_ severity: ValidationIssue.Severity, _ code: ErrorCode, _ ref: EntityRef?, _ message: String) {
        issues.append(ValidationIssue(severity: severity, code: code, entity: ref,
                                      location: ref.map { model.location(of: $0) }, message: message))
    }
    mutating func error(_ code: ErrorCode, _ ref: EntityRef?, _ message: String) { report(.error, code, ref, message) }
    mutating func warning(_ code: ErrorCode, _ ref: EntityRef?, _ message: String) { report(.warning, code, ref, message) }

    /// Reports a value outside `range` (or not finite) as implausible.
    mutating func check(_ value: Double?, in range: ClosedRange<Double>, _ what: String, unit: String = "", _ ref: EntityRef) {
        guard let value else { return }
        if !value.isFinite || !range.contains(value) {
            error(.implausibleValue, ref, "\(what) \(value)\(unit) is outside \(range.lowerBound)…\(range.upperBound)\(unit)")
        }
    }

    mutating func run() {
        checkTerrain()
        checkShapes(model.buildings); checkShapes(model.landUse); checkShapes(model.roadNodes)
        checkShapes(model.roadEdges); checkShapes(model.roadConnections); checkShapes(model.signalPrograms)
        checkShapes(model.drainageNodes); checkShapes(model.drainageLinks); checkShapes(model.subcatchments)
        checkShapes(model.sensors)
        checkBuildingsAndLandUse()
        checkRoads()
        checkDrainage()
        checkSubcatchments()
        checkSensors()
        issues.sort { a, b in
            let la = a.location?.file ?? "", lb = b.location?.file ?? ""
            if la != lb { return la < lb }
            return (a.entity ?? EntityRef(.terrain, ""), a.message) < (b.entity ?? EntityRef(.terrain, ""), b.message)
        }
    }

    mutating func checkTerrain() {
        guard let t = model.terrain else { return }
        let g = t.grid
        let ref = EntityRef(.terrain, "dem")
        func fail(_ code: ErrorCode, _ m: String) {
            issues.append(ValidationIssue(severity: .error, code: code, entity: ref,
                                          location: model.terrainSource, message: m))
        }
        if g.width < 1 || g.height < 1 { fail(.badRasterHeader, "terrain grid is \(g.width)×\(g.height)") }
        if !(g.cellSize > 0) || !g.cellSize.isFinite { fail(.badRasterHeader, "terrain cell size \(g.cellSize) must be positive") }
        if let bad = t.elevation.values.firstIndex(where: { !$0.isFinite && $0 != t.elevation.noData }) {
            fail(.rasterValue, "terrain elevation at row \(bad / max(g.width, 1)), column \(bad % max(g.width, 1)) is \(t.elevation.values[bad])")
        }
    }

    mutating func checkShapes<E: ModelEntity>(_ entities: [E]) {
        var seen = Set<String>()
        for e in entities {
            let ref = EntityRef(e)
            if e.id.rawValue.isEmpty { error(.missingField, ref, "empty ID") }
            if !seen.insert(e.id.rawValue).inserted { error(.duplicateID, ref, "ID '\(e.id)' is used more than once in \(E.layer)") }
            guard let s = e.shape else {
                if E.shapeRequired { error(.invalidGeometry, ref, "has no geometry") }
                continue
            }
            let kind = ShapeKind(s)
            guard E.shapeKinds.contains(kind) else {
                let allowed = E.shapeKinds.map(\.rawValue).sorted().joined(separator: " or ")
                error(.unsupportedGeometry, ref, "geometry is a \(s.typeName); \(E.layer) takes \(allowed)")
                continue
            }
            if let c = s.allCoordinates.first(where: { !$0.isFinite }) {
                error(.invalidGeometry, ref, "coordinate \(c) is not a finite number")
                continue
            }
            switch s {
            case .lineString(let l) where l.points.count < 2 || l.length == 0:
                error(.invalidGeometry, ref, "line has fewer than two distinct points")
            case .polygon, .multiPolygon:
                do {
                    if let reason = try geos.validityReason(s) { error(.invalidGeometry, ref, "invalid polygon: \(reason)") }
                } catch {
                    self.error(.invalidGeometry, ref, "invalid polygon: \(error)")
                }
            default: break
            }
        }
    }

    mutating func checkBuildingsAndLandUse() {
        for b in model.buildings {
            let ref = EntityRef(b)
            check(b.height, in: 0.5...1000, "height", unit: " m", ref)
            if let f = b.floors, f < 0 || f > 300 { error(.implausibleValue, ref, "floors \(f) is outside 0…300") }
        }
        for p in model.landUse {
            let ref = EntityRef(p)
            check(p.imperviousness, in: 0...1, "imperviousness", ref)
            check(p.manningN, in: 0.001...1, "Manning n", ref)
        }
    }

    mutating func checkSensors() {
        for s in model.sensors {
            guard let t = s.target else { continue }
            let ref = EntityRef(s)
            guard let target = s.targetRef else {
                error(.badValue, ref, "target '\(t)' is not of the form layer:id (e.g. drainage_nodes:J1)")
                continue
            }
            if !model.contains(target) { error(.danglingReference, ref, "target \(target) does not exist") }
        }
    }
}

extension CityModel {
    /// Whether the model has an entity with this layer and ID.
    public func contains(_ ref: EntityRef) -> Bool {
        func has<E: ModelEntity>(_ es: [E]) -> Bool { es.contains { $0.id.rawValue == ref.id } }
        switch ref.layer {
        case .terrain: return terrain != nil
        case .buildings: return has(buildings)
        case .landUse: return has(landUse)
        case .roadNodes: return has(roadNodes)
        case .roadEdges: return has(roadEdges)
        case .roadConnections: return has(roadConnections)
        case .signalPrograms: return has(signalPrograms)
        case .drainageNodes: return has(drainageNodes)
        case .drainageLinks: return has(drainageLinks)
        case .subcatchments: return has(subcatchments)
        case .sensors: return has(sensors)
        }
    }
}

/// Connected components of an undirected graph given as edge pairs over `n` vertices (union–find).
/// Returns, for each vertex, the index of its component's root.
func connectedComponents(vertexCount n: Int, edges: [(Int, Int)]) -> [Int] {
    var parent = Array(0..<n)
    func find(_ x: Int) -> Int {
        var r = x
        while parent[r] != r { r = parent[r] }
        var y = x
        while parent[y] != r { let next = parent[y]; parent[y] = r; y = next }
        return r
    }
    for (a, b) in edges {
        let ra = find(a), rb = find(b)
        if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
    }
    return (0..<n).map(find)
}

/// Lists up to `limit` names, then "and N more".
func listNames(_ names: [String], limit: Int = 5) -> String {
    let shown = names.prefix(limit).joined(separator: ", ")
    return names.count > limit ? "\(shown) and \(names.count - limit) more" : shown
}
