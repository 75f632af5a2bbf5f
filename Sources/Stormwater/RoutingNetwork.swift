import CityModel
import Geometry
import Foundation

/// The drainage network compiled for routing: structure-of-arrays node and link data in the
/// engine's internal US units (ft, ft², ft³, cfs), topological link order for kinematic wave, and
/// the derived conduit parameters (slope, Manning factor β = 1.486·√S/n, full and maximum flow).
///
/// Built from the city model's `DrainageNode`/`DrainageLink` (SI), as SWMM's `project.c`/`link.c`
/// validate a model: junction depths are raised to the highest connected conduit crown, conduits
/// with adverse slope are reversed under dynamic wave and refused under kinematic wave.
public struct RoutingNetwork: Sendable {
    public enum NodeKind: UInt8, Sendable { case junction, storage, outfall, divider }
    public enum LinkKind: UInt8, Sendable { case conduit, pump, orifice, weir, outlet }

    // Nodes
    public internal(set) var nodeIDs: [String] = []
    var nodeIndex: [String: Int] = [:]
    var nodeKind: [NodeKind] = []
    /// Invert elevation (ft).
    var invert: [Double] = []
    /// Full depth (ft) and surcharge depth above it (ft).
    var fullDepth: [Double] = []
    var surDepth: [Double] = []
    /// Ponded area (ft²).
    var pondedArea: [Double] = []
    var initDepth: [Double] = []
    /// Highest conduit crown elevation at each node (ft).
    var crownElev: [Double] = []
    var fullVolume: [Double] = []
    /// Storage shape per node (nil for non-storage).
    var storage: [StorageGeometry?] = []
    var outfall: [OutfallSpec?] = []
    /// Upstream-terminal nodes (no inflowing link): the surcharge correction factor is 0.6 there.
    var upstreamTerminal: [Bool] = []
    /// Number of links leaving each node (kinematic wave).
    var outDegree: [Int] = []

    // Links
    public internal(set) var linkIDs: [String] = []
    var linkIndex: [String: Int] = [:]
    var linkKind: [LinkKind] = []
    var node1: [Int] = []
    var node2: [Int] = []
    /// Offsets of the link ends above the node inverts (ft).
    var offset1: [Double] = []
    var offset2: [Double] = []
    var xsect: [XSectionGeometry] = []
    var barrels: [Double] = []
    /// +1, or −1 for a conduit reversed because of its adverse slope (dynamic wave).
    var direction: [Double] = []
    var flapGate: [Bool] = []
    var initialFlow: [Double] = []
    var flowLimit: [Double] = []
    var conduit: [ConduitData] = []
    var pump: [PumpData?] = []
    var orifice: [OrificeData?] = []
    var weir: [WeirData?] = []
    var outlet: [OutletData?] = []
    /// Links in topological order (upstream first), for kinematic wave.
    var sortedLinks: [Int] = []
    /// Seepage hook: storage seepage of each node, initial state (Seepage.swift).
    var storageSeepage: [StorageSeepage?] = []

    var curves: [String: Table] = [:]
    var series: [String: Table] = [:]

    public var nodeCount: Int { nodeIDs.count }
    public var linkCount: Int { linkIDs.count }
}

struct ConduitData: Sendable {
    var length = 0.0, modLength = 0.0, roughness = 0.0, slope = 0.0
    var beta = 0.0, roughFactor = 0.0, qFull = 0.0, qMax = 0.0
    var lossInlet = 0.0, lossOutlet = 0.0, lossAverage = 0.0
    var hasLosses: Bool { lossInlet != 0 || lossOutlet != 0 || lossAverage != 0 }
    var culvertCode = 0
}

struct PumpData: Sendable {
    enum CurveType: Sendable { case ideal, type1, type2, type3, type4 }
    var type: CurveType
    var curve: Table
    var initiallyOn: Bool
    /// Startup and shutoff depths at the inlet node (ft).
    var yOn: Double, yOff: Double
}

struct OrificeData: Sendable {
    var bottom: Bool
    var cDisch: Double
    /// Time to open or close fully (s).
    var openCloseTime: Double
    /// Equivalent length used for its surface area (ft).
    var length: Double
}

struct WeirData: Sendable {
    var type: WeirParameters.WeirType
    /// Discharge coefficients in US units (cfs/ft^2.5 or cfs/ft^1.5).
    var cDisch1: Double, cDisch2: Double
    var endContractions: Double
    /// Side slope (run/rise) of v-notch and trapezoidal weirs.
    var slope: Double
    var canSurcharge: Bool
    var roadWidth: Double, paved: Bool
    /// Equivalent length for surface area (ft).
    var length: Double
}

struct OutletData: Sendable {
    /// Rating curve (ft → cfs), or coefficient/exponent in US units.
    var curve: Table?
    var coefficient: Double, exponent: Double
    /// True when the curve is a function of the head difference rather than the inlet depth.
    var onHead: Bool
}

/// How a storage unit's surface area varies with depth, in ft and ft².
enum StorageGeometry: Sendable {
    /// area = a·y^b + c
    case functional(a: Double, b: Double, c: Double)
    /// area = a0 + a1·y + a2·y² (frustums of cones and pyramids)
    case frustum(a0: Double, a1: Double, a2: Double)
    case tabular(Table)

    func area(_ y: Double) -> Double {
        switch self {
        case .functional(let a, let b, let c): return y <= 0 ? max(c + (b == 0 ? a : 0), 0) : a * pow(y, b) + c
        case .frustum(let a0, let a1, let a2): let yy = max(y, 0); return a0 + a1 * yy + a2 * yy * yy
        case .tabular(let t): return t.lookupExtrapolated(max(y, 0))
        }
    }

    /// Volume (ft³) up to depth y: the integral of the area.
    func volume(_ y: Double) -> Double {
        if y <= 0 { return 0 }
        switch self {
        case .functional(let a, let b, let c): return c * y + a / (b + 1) * pow(y, b + 1)
        case .frustum(let a0, let a1, let a2): return y * (a0 + y * (a1 / 2 + y * a2 / 3))
        case .tabular(let t):
            // Exact integral of the piecewise-linear area (extrapolated beyond the ends).
            var v = 0.0, y0 = 0.0, a0 = t.lookupExtrapolated(0)
            for xi in t.x where xi > 0 && xi < y {
                let a1 = t.lookupExtrapolated(xi)
                v += 0.5 * (a0 + a1) * (xi - y0); y0 = xi; a0 = a1
            }
            return v + 0.5 * (a0 + t.lookupExtrapolated(y)) * (y - y0)
        }
    }

    /// Depth (ft) holding volume v (ft³), by safeguarded Newton on volume(y) − v.
    func depth(volume v: Double, maxDepth: Double) -> Double {
        if v <= 0 { return 0 }
        var lo = 0.0, hi = max(maxDepth, 1e-6)
        while volume(hi) < v && hi < 1e7 { hi *= 2 }
        var y = 0.5 * (lo + hi)
        for _ in 0..<100 {
            let f = volume(y) - v
            if abs(f) <= 1e-10 * max(v, 1) { break }
            if f > 0 { hi = y } else { lo = y }
            let a = area(y)
            var next = a > 0 ? y - f / a : 0.5 * (lo + hi)
            if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
            if abs(next - y) < 1e-12 { y = next; break }
            y = next
        }
        return y
    }
}

/// An outfall's boundary condition in internal units.
struct OutfallSpec: Sendable {
    enum Kind: Sendable { case free, normal, fixed(Double), tidal(Table), timeSeries(Table) }
    var kind: Kind
    var flapGate: Bool
}

extension RoutingNetwork {
    /// Compiles the city model's drainage network (SI) into routing arrays in SWMM's internal US
    /// units, converting with `project.units` (SWMM's own factors, so metric models reproduce
    /// SWMM's arithmetic).
    ///
    /// - Throws: `InputError` naming the feature for links to unknown nodes, unknown curves,
    ///   cross-sections this engine does not model, and adverse slopes under kinematic wave.
    public init(nodes: [DrainageNode], links: [DrainageLink], project: StormwaterProject = StormwaterProject(),
                file: String = "network") throws {
        let options = RoutingOptions(project.options)
        let units = project.units
        let ft = units.toInternal(1, .length), cfs = units.toInternal(1, .flow)
        let ft2 = units.toInternal(1, .area), ft3 = units.toInternal(1, .volume)
        func fail(_ code: ErrorCode, _ feature: String, _ msg: String) -> InputError {
            InputError(code, msg, at: SourceLocation(file: file, feature: feature))
        }
        var curveKinds: [String: Curve.Kind] = [:]
        for c in project.curves {
            let key = c.name.uppercased()
            curveKinds[key] = c.kind
            switch c.kind {
            case .storage: self.curves[key] = Table(x: c.x.map { $0 * ft }, y: c.y.map { $0 * ft2 })
            case .rating, .pump3, .pump4, .pump2, .pump5: self.curves[key] = Table(x: c.x.map { $0 * ft }, y: c.y.map { $0 * cfs })
            case .pump1: self.curves[key] = Table(x: c.x.map { $0 * ft3 }, y: c.y.map { $0 * cfs })
            case .tidal: self.curves[key] = Table(x: c.x, y: c.y.map { $0 * ft })
            case .diversion: self.curves[key] = Table(x: c.x.map { $0 * cfs }, y: c.y.map { $0 * cfs })
            default: self.curves[key] = Table(x: c.x, y: c.y)
            }
        }
        let lengthPerFileUnit = units.internalPerFileUnit(.length)
        for s in project.timeSeries { series[s.name.uppercased()] = Table(x: s.times, y: s.values) }
        let stageFactor = lengthPerFileUnit

        for (i, n) in nodes.enumerated() {
            let id = n.id.rawValue
            if nodeIndex.updateValue(i, forKey: id) != nil { throw fail(.duplicateID, id, "duplicate node \(id)") }
            nodeIDs.append(id)
            let kind: NodeKind = switch n.kind { case .junction: .junction; case .storage: .storage; case .outfall: .outfall; case .divider: .divider }
            nodeKind.append(kind)
            invert.append(n.invert * ft)
            fullDepth.append((n.maxDepth ?? 0) * ft)
            surDepth.append(n.surchargeDepth * ft)
            pondedArea.append(n.pondedArea * ft * ft)
            initDepth.append(n.initialDepth * ft)
            var geometry: StorageGeometry? = nil
            if kind == .storage {
                switch n.storage {
                case .functional(let a, let b, let c)?:
                    // A[m²] = a·y[m]^b + c  →  A[ft²] = a·(1/ft)^b·ft2·y[ft]^b + c·ft2
                    geometry = .functional(a: a * pow(1 / ft, b) * ft2, b: b, c: c * ft2)
                case .tabular(let d, let a)?:
                    geometry = .tabular(Table(x: d.map { $0 * ft }, y: a.map { $0 * ft2 }))
                case .cylindrical(let major, let minor)?:
                    geometry = .functional(a: 0, b: 0, c: Double.pi / 4 * major * minor * ft2)
                case .conical(let major, let minor, let z)?:
                    // Elliptical frustum: A(y) = π/4·(L + 2zy)(W + 2zy·W/L)
                    let l = major * ft, w = minor * ft
                    geometry = .frustum(a0: Double.pi / 4 * l * w, a1: Double.pi / 4 * (2 * z * w + 2 * z * w), a2: Double.pi / 4 * 4 * z * z * w / max(l, 1e-12))
                case .paraboloid(let major, let minor, let height)?:
                    // Area grows linearly with depth: A = π/4·L·W·y/H
                    geometry = .functional(a: Double.pi / 4 * major * minor * ft2 / max(height * ft, 1e-12), b: 1, c: 0)
                case .pyramidal(let l0, let w0, let z)?:
                    let l = l0 * ft, w = w0 * ft
                    geometry = .frustum(a0: l * w, a1: 2 * z * (l + w), a2: 4 * z * z)
                case nil: throw fail(.missingField, id, "storage unit \(id) has no storage curve")
                }
            }
            storage.append(geometry)
            var spec: OutfallSpec? = nil
            if kind == .outfall {
                let gate = n.flapGate ?? false
                switch n.outfall ?? .free {
                case .free: spec = OutfallSpec(kind: .free, flapGate: gate)
                case .normal: spec = OutfallSpec(kind: .normal, flapGate: gate)
                case .fixed(let stage): spec = OutfallSpec(kind: .fixed(stage * ft), flapGate: gate)
                case .timeSeries(let name):
                    guard let s = self.series[name.uppercased()] else { throw fail(.danglingReference, id, "outfall \(id): unknown stage series \(name)") }
                    spec = OutfallSpec(kind: .timeSeries(Table(x: s.x, y: s.y.map { $0 * stageFactor })), flapGate: gate)
                case .tidal(let name):
                    guard let t = self.curves[name.uppercased()] else { throw fail(.danglingReference, id, "outfall \(id): unknown tidal curve \(name)") }
                    spec = OutfallSpec(kind: .tidal(t), flapGate: gate)
                }
            }
            outfall.append(spec)
        }

        let n = nodes.count
        crownElev = invert
        upstreamTerminal = Array(repeating: true, count: n)
        outDegree = Array(repeating: 0, count: n)
        var hasLink = Array(repeating: false, count: n)

        for (j, l) in links.enumerated() {
            let id = l.id.rawValue
            if linkIndex.updateValue(j, forKey: id) != nil { throw fail(.duplicateID, id, "duplicate link \(id)") }
            guard let a = nodeIndex[l.from.rawValue] else { throw fail(.danglingReference, id, "link \(id): unknown node \(l.from)") }
            guard let b = nodeIndex[l.to.rawValue] else { throw fail(.danglingReference, id, "link \(id): unknown node \(l.to)") }
            linkIDs.append(id)
            let kind: LinkKind = switch l.kind { case .conduit: .conduit; case .pump: .pump; case .orifice: .orifice; case .weir: .weir; case .outlet: .outlet }
            linkKind.append(kind)
            node1.append(a); node2.append(b)
            offset1.append(l.inletOffset * ft); offset2.append(l.outletOffset * ft)
            direction.append(1)
            hasLink[a] = true; hasLink[b] = true
            var x = XSectionGeometry(kind: .dummy, height: 0)
            var nBarrels = 1.0
            if let cs = l.crossSection, kind != .pump {
                x = try Self.geometry(cs, id: id, ft: ft, fail: fail)
                nBarrels = Double(max(cs.barrels, 1))
            } else if kind != .pump && kind != .outlet {
                throw fail(.missingField, id, "link \(id) has no cross-section")
            }
            xsect.append(x); barrels.append(nBarrels)
            flapGate.append(project.conduitDetails[id]?.flapGate ?? false)
            initialFlow.append((l.conduit?.initialFlow ?? 0) * cfs)
            flowLimit.append((l.conduit?.maxFlow ?? 0) * cfs)
            var cd = ConduitData()
            var pd: PumpData? = nil, od: OrificeData? = nil, wd: WeirData? = nil, ud: OutletData? = nil
            switch kind {
            case .conduit:
                guard let p = l.conduit else { throw fail(.missingField, id, "conduit \(id) has no length/roughness") }
                if p.length <= 0 { throw fail(.badValue, id, "conduit \(id): length must be positive") }
                if p.roughness <= 0 { throw fail(.badValue, id, "conduit \(id): roughness must be positive") }
                cd.length = p.length * ft; cd.modLength = cd.length; cd.roughness = p.roughness
                cd.lossInlet = p.entryLoss; cd.lossOutlet = p.exitLoss; cd.lossAverage = p.averageLoss
                cd.culvertCode = project.conduitDetails[id]?.culvertCode ?? 0
                // Junctions (and dividers) are deepened to the crown of every conduit they hold.
                for (node, off) in [(a, l.inletOffset * ft), (b, l.outletOffset * ft)] where nodeKind[node] != .outfall {
                    if nodeKind[node] != .storage || fullDepth[node] == 0 {
                        fullDepth[node] = max(fullDepth[node], off + x.yFull)
                    }
                }
            case .pump:
                guard let p = l.pump else { throw fail(.missingField, id, "pump \(id) has no parameters") }
                var type = PumpData.CurveType.ideal
                var table = Table(x: [], y: [])
                if let name = p.curve, name != "*" {
                    guard let t = self.curves[name.uppercased()] else { throw fail(.danglingReference, id, "pump \(id): unknown curve \(name)") }
                    table = t
                    type = switch curveKinds[name.uppercased()]! {
                    case .pump1: .type1; case .pump2: .type2; case .pump3, .pump5: .type3; case .pump4: .type4
                    default: throw fail(.badValue, id, "pump \(id): curve \(name) is not a pump curve")
                    }
                }
                pd = PumpData(type: type, curve: table, initiallyOn: p.initiallyOn, yOn: p.startupDepth * ft, yOff: p.shutoffDepth * ft)
            case .orifice:
                guard let p = l.orifice else { throw fail(.missingField, id, "orifice \(id) has no parameters") }
                offset1[j] = p.offset * ft
                od = OrificeData(bottom: p.type == .bottom, cDisch: p.dischargeCoefficient, openCloseTime: p.openCloseTime,
                                 length: max(200, 2 * options.routingStep * (Hydraulics.gravity * x.yFull).squareRoot()))
                flapGate[j] = p.flapGate
            case .weir:
                guard let p = l.weir else { throw fail(.missingField, id, "weir \(id) has no parameters") }
                offset1[j] = p.crestHeight * ft
                // SI coefficient → the file's units, then SWMM's evaluation in file units converted
                // to internal flow: q = Cd·L^a·h^b with a + b = 2.5 for every weir type.
                let fileCoefficient = 1 / units.siPerFileUnit(.length).squareRoot()
                let toUS = fileCoefficient * pow(1 / lengthPerFileUnit, 2.5) * units.internalPerFileUnit(.volume)
                let details = project.weirDetails[id]
                let slope = x.yFull > 0 ? (x.kind == .triangular ? x.wMax / (2 * x.yFull) : (x.slopeLeft + x.slopeRight) / 2) : 0
                                wd = WeirData(type: p.type, cDisch1: p.dischargeCoefficient * toUS,
                              cDisch2: (details?.endCoefficient ?? 0) * toUS,
                              endContractions: Double(p.endContractions), slope: slope,
                              canSurcharge: details?.canSurcharge ?? true,
                              roadWidth: (details?.roadWidth ?? 0) * ft, paved: (details?.roadSurface ?? "PAVED").uppercased() != "GRAVEL",
                              length: max(200, 2 * options.routingStep * (Hydraulics.gravity * x.yFull).squareRoot()))
                flapGate[j] = p.flapGate
            case .outlet:
                guard let p = l.outlet else { throw fail(.missingField, id, "outlet \(id) has no parameters") }
                offset1[j] = p.offset * ft
                if let name = p.curve {
                    guard let t = self.curves[name.uppercased()] else { throw fail(.danglingReference, id, "outlet \(id): unknown curve \(name)") }
                    ud = OutletData(curve: t, coefficient: 0, exponent: 0, onHead: project.outletDetails[id]?.ratingUsesHead ?? false)
                } else {
                    // Q[m³/s] = c·h[m]^e  →  Q[cfs] = c·(1/ft)^e·cfs·h[ft]^e
                    let c = p.coefficient ?? 0, e = p.exponent ?? 0
                    ud = OutletData(curve: nil, coefficient: c * pow(1 / ft, e) * cfs, exponent: e,
                                    onHead: project.outletDetails[id]?.ratingUsesHead ?? false)
                }
                flapGate[j] = p.flapGate
            }
            conduit.append(cd); pump.append(pd); orifice.append(od); weir.append(wd); outlet.append(ud)
        }

        // Conduit slopes, reversal of adverse conduits (DW), derived parameters, node crowns.
        for j in 0..<linkIDs.count where linkKind[j] == .conduit {
            var slope = conduitSlope(j, minSlope: options.minSlope)
            if slope < 0 && xsect[j].kind != .dummy {
                if options.method == .dynamicWave {
                    swapAt(j); direction[j] = -1; slope = -slope
                } else {
                    throw fail(.implausibleValue, linkIDs[j], "conduit \(linkIDs[j]) has an adverse slope (not allowed under kinematic wave)")
                }
            }
            conduit[j].slope = slope
            conduit[j].roughFactor = Hydraulics.gravity * pow(conduit[j].roughness / Hydraulics.manningFactor, 2)
            conduit[j].beta = xsect[j].kind == .dummy ? 0 : Hydraulics.manningFactor * abs(slope).squareRoot() / conduit[j].roughness
            conduit[j].qFull = xsect[j].sFull * conduit[j].beta
            conduit[j].qMax = xsect[j].sMax * conduit[j].beta
            if options.method == .dynamicWave && options.lengtheningStep > 0 { lengthen(j, step: options.lengtheningStep) }
        }
        for j in 0..<linkIDs.count {
            if linkKind[j] == .conduit && xsect[j].kind != .dummy {
                crownElev[node1[j]] = max(crownElev[node1[j]], invert[node1[j]] + offset1[j] + xsect[j].yFull)
                crownElev[node2[j]] = max(crownElev[node2[j]], invert[node2[j]] + offset2[j] + xsect[j].yFull)
            }
            upstreamTerminal[node2[j]] = false
            outDegree[node1[j]] += 1
        }
        fullVolume = (0..<n).map { i in storage[i].map { $0.volume(fullDepth[i]) } ?? 0 }
        storageSeepage = try Self.storageSeepage(nodes: nodes, project: project, file: file)  // Seepage hook
        if options.method != .dynamicWave { sortedLinks = try topologicalOrder(fail: fail) } else { sortedLinks = Array(0..<linkIDs.count) }
    }

    private mutating func swapAt(_ j: Int) {
        (node1[j], node2[j]) = (node2[j], node1[j])
        (offset1[j], offset2[j]) = (offset2[j], offset1[j])
    }

    /// SWMM's conduit slope: drop over horizontal length, at least `minSlope`, signed.
    func conduitSlope(_ j: Int, minSlope: Double) -> Double {
        let length = conduit[j].length
        let e1 = invert[node1[j]] + offset1[j], e2 = invert[node2[j]] + offset2[j]
        let delta = abs(e1 - e2)
        if delta < 0.001 { return minSlope }
        var slope = delta >= length ? delta / length : delta / (length * length - delta * delta).squareRoot()
        if minSlope > 0 && slope < minSlope { slope = minSlope }
        return e1 < e2 ? -slope : slope
    }

    /// Lengthens a short conduit so that its wave travel time is at least `step` (SWMM's
    /// LENGTHENING_STEP), keeping its friction loss by scaling the roughness by 1/√ratio.
    private mutating func lengthen(_ j: Int, step: Double) {
        let x = xsect[j]
        guard x.kind != .dummy, x.aFull > 0 else { return }
        let yFull = x.isClosed ? x.yFull : x.aFull / max(x.wMax, 1e-9)
        let vFull = conduit[j].qFull / x.aFull
        let tFull = conduit[j].length / (vFull + (Hydraulics.gravity * yFull).squareRoot())
        guard tFull < step else { return }
        let ratio = step / tFull
        conduit[j].modLength = conduit[j].length * ratio
        conduit[j].roughness /= ratio.squareRoot()
        conduit[j].roughFactor = Hydraulics.gravity * pow(conduit[j].roughness / Hydraulics.manningFactor, 2)
        conduit[j].beta = Hydraulics.manningFactor * conduit[j].slope.squareRoot() / conduit[j].roughness
        conduit[j].qFull = x.sFull * conduit[j].beta
        conduit[j].qMax = x.sMax * conduit[j].beta
    }

    /// Links ordered so that every link comes after the links flowing into its upstream node
    /// (Kahn's algorithm; ties broken by input order, so the order is deterministic).
    func topologicalOrder(fail: (ErrorCode, String, String) -> InputError) throws -> [Int] {
        let n = nodeIDs.count
        var indegree = Array(repeating: 0, count: n)
        var outLinks = Array(repeating: [Int](), count: n)
        for j in 0..<linkIDs.count { indegree[node2[j]] += 1; outLinks[node1[j]].append(j) }
        for i in 0..<n where outLinks[i].count > 1 && nodeKind[i] == .junction {
            throw fail(.implausibleValue, nodeIDs[i], "node \(nodeIDs[i]) has more than one outlet link (only dividers and storage units may under kinematic wave)")
        }
        var queue = (0..<n).filter { indegree[$0] == 0 }
        var head = 0
        var order: [Int] = []
        while head < queue.count {
            let i = queue[head]; head += 1
            for j in outLinks[i] {
                order.append(j)
                indegree[node2[j]] -= 1
                if indegree[node2[j]] == 0 { queue.append(node2[j]) }
            }
        }
        if order.count != linkIDs.count {
            let inLoop = (0..<n).first { indegree[$0] > 0 }.map { nodeIDs[$0] } ?? "?"
            throw fail(.disconnectedNetwork, inLoop, "the network has a closed loop through node \(inLoop) (not allowed under kinematic wave)")
        }
        return order
    }

    static func geometry(_ cs: CrossSection, id: String, ft: Double, fail: (ErrorCode, String, String) -> InputError) throws -> XSectionGeometry {
        let h = cs.geom1 * ft, w = cs.geom2 * ft
        if cs.shape != .dummy && h <= 0 { throw fail(.badValue, id, "link \(id): cross-section height must be positive") }
        switch cs.shape {
        case .circular, .forceMain: return XSectionGeometry(kind: .circular, height: h)
        case .rectangularClosed: return XSectionGeometry(kind: .rectClosed, height: h, width: w)
        case .rectangularOpen:
            return XSectionGeometry(kind: .rectOpen, height: h, width: w, sides: cs.geom3 > 0 ? 2 - cs.geom3 : 2)
        case .trapezoidal: return XSectionGeometry(kind: .trapezoidal, height: h, width: w, slopeLeft: cs.geom3, slopeRight: cs.geom4)
        case .triangular: return XSectionGeometry(kind: .triangular, height: h, width: w)
        case .rectangularTriangular:
            return XSectionGeometry(kind: .rectTriangular, height: h, width: w, bottomHeight: cs.geom3 * ft)
        case .parabolic: return XSectionGeometry(kind: .parabolic, height: h, width: w)
        case .power: return XSectionGeometry(kind: .power, height: h, width: w, exponent: cs.geom3 > 0 ? cs.geom3 : 1)
        case .horizontalEllipse:
            // SWMM gives the rise (geom1) and span (geom2); a standard size code leaves geom2 at 0.
            return XSectionGeometry(kind: .ellipse, height: h, width: w > 0 ? w : h * 1.5)
        case .verticalEllipse: return XSectionGeometry(kind: .ellipse, height: h, width: w > 0 ? w : h / 1.5)
        case .dummy: return XSectionGeometry(kind: .dummy, height: 0)
        default:
            throw fail(.unsupportedFormat, id, "link \(id): cross-section shape \(cs.shape.rawValue) is not modelled by the routing engine yet")
        }
    }
}
