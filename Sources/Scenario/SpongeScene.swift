import CityModel
import Foundation
import Geometry

/// A pump switched off from a time on (`interventions.pump_failures`).
public struct PumpFailure: Hashable, Sendable {
    /// The pump's link ID in the model.
    public var pump: String
    /// Time from the start of the run when it fails (s).
    public var at: Double
}

extension DrainageScene {
    /// Keys of one `interventions.sponge` entry.
    static let spongeKeys = ["type", "parcel", "parcels", "land_use", "subcatchment", "area", "fraction", "candidates", "initial_saturation"]

    /// Reads `interventions:` of a drainage scene and puts the sponge facilities (as SWMM LID units)
    /// and pump failures (as control rules) into the model's stormwater project:
    ///
    /// ```yaml
    /// interventions:
    ///   sponge:
    ///     - {type: bio_retention, parcels: all, land_use: [residential, park], candidates: 1.0}
    ///                                   # each such parcel's candidate area × 1.0
    ///     - {type: green_roof, parcels: [P0001, P0002], candidates: 0.5}
    ///     - {type: permeable_pavement, parcel: R0012, area: 800}   # m² on that parcel
    ///     - {type: rain_barrel, subcatchment: SP0003, fraction: 0.01} # share of the subcatchment's area
    ///   pump_failures:
    ///     - {pump: PU1, at: 30min}
    /// ```
    /// A parcel's facilities go into the subcatchment that carries the parcel's ID in its `parcel`
    /// attribute. Facilities on impervious surface (permeable pavement, green roofs, rain barrels)
    /// take their area from the subcatchment's impervious area, the others (bio-retention,
    /// infiltration trenches) from its pervious area; the impervious share of what is left is set
    /// so that the impervious area is unchanged except for the facilities. Facilities with a
    /// loading ratio take the runoff of that many times their area of impervious surface.
    ///
    /// Refused, with the file, line and key: an unknown type, parcel, subcatchment or pump; a second
    /// facility of the same type on the same subcatchment (overlapping placements); facilities that
    /// cover more than 100 % of a subcatchment's impervious or pervious area; a non-positive area,
    /// a fraction or candidate share outside (0, 1].
    /// The interventions of the storm sewer (the traffic ones are `TrafficScene`'s).
    public static let interventionKeys = ["sponge", "pump_failures"]

    mutating func applyInterventions(_ node: SceneNode, scene: String) throws {
        let k = try node.fields(Self.interventionKeys + TrafficScene.interventionKeys)
        let before = model
        if let s = k["sponge"] { try placeSponge(s) }
        if let p = k["pump_failures"] { try failPumps(p) }
        if !sponge.isEmpty { modelWithoutSponge = Self.withoutLID(before, project: model.stormwater!) }
    }

    /// The model before the sponge facilities, with the final project's other changes (pump rules).
    static func withoutLID(_ m: CityModel, project: StormwaterProject) -> CityModel {
        var out = m
        var p = project
        p.lidControls.removeAll { $0.name.hasPrefix("SPONGE_") }
        p.lidUsage.removeAll { $0.control.hasPrefix("SPONGE_") }
        out.stormwater = p
        return out
    }

    mutating func placeSponge(_ list: SceneNode) throws {
        let subs = model.subcatchments
        let subIndex = Dictionary(subs.enumerated().map { ($1.id.rawValue, $0) }, uniquingKeysWith: { a, _ in a })
        var byParcel: [String: Int] = [:]
        for (i, s) in subs.enumerated() { if case .string(let p)? = s.attributes["parcel"] { byParcel[p] = i } }
        let parcels = Dictionary(model.landUse.map { ($0.id.rawValue, $0) }, uniquingKeysWith: { a, _ in a })
        // Per subcatchment: facilities placed so far and their lines, areas on impervious and pervious ground.
        var placed: [Int: [SpongeType: Int?]] = [:]
        var onImpervious = [Double](repeating: 0, count: subs.count), onPervious = onImpervious
        var saturation: [SpongePlacement: Double] = [:]
        var out: [SpongePlacement] = []

        for item in try list.items() {
            let f = try item.fields(Self.spongeKeys)
            guard let tn = f["type"] else { throw item.error(.missingField, "type: missing (\(SpongeType.allCases.map(\.rawValue).joined(separator: ", ")))") }
            guard let type = SpongeType(rawValue: try tn.string()) else {
                throw tn.error(.badValue, "unknown sponge facility type '\(try tn.string())' (expected one of: \(SpongeType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let sizeKeys = ["area", "fraction", "candidates"].filter { f[$0] != nil }
            guard sizeKeys.count == 1 else {
                throw item.error(.missingField, sizeKeys.isEmpty ? "give its size: area (m²), fraction (of the subcatchment) or candidates (share of the parcel's candidate area)"
                                                              : "give one of \(sizeKeys.joined(separator: ", ")), not several")
            }
            let placeKeys = ["parcel", "parcels", "subcatchment"].filter { f[$0] != nil }
            guard placeKeys.count == 1 else {
                throw item.error(.missingField, placeKeys.isEmpty ? "give where: parcel, parcels (a list or all) or subcatchment"
                                                                 : "give one of \(placeKeys.joined(separator: ", ")), not several")
            }
            if let u = f["land_use"], f["parcels"]?.node.scalar == nil {
                throw u.error(.badValue, "land_use filters parcels: all; leave it out when naming parcels or a subcatchment")
            }
            let sat = try f["initial_saturation"]?.double(in: 0...1, "initial saturation") ?? 0
            // Targets: (subcatchment index, parcel ID, the node naming it).
            var targets: [(sub: Int, parcel: String?, node: SceneNode)] = []
            var all = false
            if let p = f["subcatchment"] {
                let id = try p.string()
                guard let i = subIndex[id] else { throw p.error(.badValue, "subcatchment '\(id)' is not in the model") }
                targets.append((i, nil, p))
            } else {
                var names: [(String, SceneNode)] = []
                if let p = f["parcel"] { names = [(try p.string(), p)] }
                if let p = f["parcels"] {
                    if p.node.scalar != nil {
                        guard try p.string() == "all" else { throw p.error(.badValue, "expected a list of parcel IDs or all") }
                        all = true
                        var uses: Set<String>?
                        if let u = f["land_use"] {
                            uses = Set(try u.items().map { try $0.string() })
                            let known = Set(model.landUse.map(\.landUse))
                            if let bad = uses!.subtracting(known).sorted().first {
                                throw u.error(.badValue, "no parcel has land use '\(bad)' (the model has: \(known.sorted().joined(separator: ", ")))")
                            }
                        }
                        names = model.landUse.filter { uses?.contains($0.landUse) ?? true }.map { ($0.id.rawValue, p) }
                    } else {
                        names = try p.items().map { (try $0.string(), $0) }
                        guard !names.isEmpty else { throw p.error(.badValue, "the list of parcels is empty") }
                    }
                }
                for (id, n) in names {
                    guard parcels[id] != nil else { throw n.error(.badValue, "parcel '\(id)' is not in the model") }
                    guard let i = byParcel[id] else {
                        if all { continue }
                        throw n.error(.badValue, "parcel '\(id)' has no subcatchment (none carries parcel: \(id))")
                    }
                    targets.append((i, id, n))
                }
            }
            for t in targets {
                let s = subs[t.sub]
                let area: Double
                if let a = f["area"] {
                    area = try a.double()
                    guard area > 0 else { throw a.error(.implausibleValue, "area \(area) m² must be positive") }
                } else if let a = f["fraction"] {
                    let x = try a.double()
                    guard x > 0, x <= 1 else { throw a.error(.implausibleValue, "fraction \(x) must be in (0, 1]") }
                    area = x * s.area
                } else {
                    let a = f["candidates"]!
                    let x = try a.double()
                    guard x > 0, x <= 1 else { throw a.error(.implausibleValue, "candidates \(x) must be in (0, 1] (share of the parcel's candidate area)") }
                    guard let pid = t.parcel else { throw a.error(.badValue, "candidates needs parcels (their sponge_candidates attribute)") }
                    guard let c = Self.candidateArea(parcels[pid]!, type), c > 0 else {
                        if all { continue }
                        throw a.error(.badValue, "parcel '\(pid)' has no \(type.rawValue) candidate area (attribute sponge_candidates)")
                    }
                    area = x * c
                }
                if let earlier = placed[t.sub]?[type] {
                    throw t.node.error(.badValue, "overlapping sponge facilities: \(type.rawValue) is already placed on subcatchment \(s.id.rawValue)"
                                       + (earlier.map { " by the entry at line \($0)" } ?? ""))
                }
                placed[t.sub, default: [:]][type] = .some(item.line)
                let imp = s.imperviousness * s.area, perv = (1 - s.imperviousness) * s.area
                if type.replacesImpervious {
                    onImpervious[t.sub] += area
                    if onImpervious[t.sub] > imp * (1 + 1e-9) {
                        throw t.node.error(.implausibleValue, "facilities on impervious surface would cover \(Int(onImpervious[t.sub].rounded())) m², \(Int((100 * onImpervious[t.sub] / max(imp, 1e-9)).rounded())) % of the \(Int(imp.rounded())) m² impervious area of subcatchment \(s.id.rawValue) (over 100 %)")
                    }
                } else {
                    onPervious[t.sub] += area
                    if onPervious[t.sub] > perv * (1 + 1e-9) {
                        throw t.node.error(.implausibleValue, "facilities on open ground would cover \(Int(onPervious[t.sub].rounded())) m², \(Int((100 * onPervious[t.sub] / max(perv, 1e-9)).rounded())) % of the \(Int(perv.rounded())) m² pervious area of subcatchment \(s.id.rawValue) (over 100 %)")
                    }
                }
                let p = SpongePlacement(type: type, subcatchment: s.id.rawValue, parcel: t.parcel, area: area, line: item.line)
                saturation[p] = sat
                out.append(p)
            }
        }
        guard !out.isEmpty else { throw list.error(.badValue, "no sponge facility was placed (no parcel has candidate area of the types given)") }
        sponge = out
        Self.putLID(out, saturation: saturation, into: &model)
    }

    /// The parcel's candidate area (m²) of `type` from its `sponge_candidates` attribute.
    static func candidateArea(_ p: Parcel, _ type: SpongeType) -> Double? {
        guard case .array(let list)? = p.attributes["sponge_candidates"] else { return nil }
        var total: Double?
        for c in list {
            guard case .object(let o) = c, case .string(let t)? = o["type"], t == type.rawValue, case .number(let a)? = o["area"] else { continue }
            total = (total ?? 0) + a
        }
        return total
    }

    /// Puts the placements into the model as LID controls and usages, and sets each touched
    /// subcatchment's imperviousness for the area left outside the facilities.
    static func putLID(_ placements: [SpongePlacement], saturation: [SpongePlacement: Double], into model: inout CityModel) {
        var project = model.stormwater ?? defaultProject()
        for t in SpongeType.allCases where placements.contains(where: { $0.type == t }) {
            project.lidControls.removeAll { $0.name == t.control.name }
            project.lidControls.append(t.control)
        }
        let bySub = Dictionary(grouping: placements, by: \.subcatchment)
        for (i, s) in model.subcatchments.enumerated() {
            guard let list = bySub[s.id.rawValue] else { continue }
            let a = s.area
            let aImp = list.filter { $0.type.replacesImpervious }.reduce(0) { $0 + $1.area }
            let aAll = list.reduce(0) { $0 + $1.area }
            let rest = a - aAll
            let impLeft = max(0, s.imperviousness * a - aImp)
            model.subcatchments[i].imperviousness = rest > 0 ? min(1, impLeft / rest) : 0
            // Impervious runoff routed onto the facilities with a loading ratio, at most all of it.
            var share = list.map { p in impLeft > 0 ? p.type.loadingRatio * p.area / impLeft : 0 }
            let sum = share.reduce(0, +)
            if sum > 1 { share = share.map { $0 / sum } }
            for (p, x) in zip(list, share) {
                project.lidUsage.append(LIDUsage(subcatchment: s.id.rawValue, control: p.type.control.name, count: 1,
                                                 unitArea: p.area, unitWidth: p.area.squareRoot(),
                                                 initialSaturation: saturation[p] ?? 0, fromImpervious: min(1, x)))
            }
        }
        model.stormwater = project
    }

    mutating func failPumps(_ list: SceneNode) throws {
        var project = model.stormwater ?? Self.defaultProject()
        let pumps = Set(model.drainageLinks.filter { $0.kind == .pump }.map(\.id.rawValue))
        for item in try list.items() {
            let f = try item.fields(["pump", "at"])
            guard let pn = f["pump"], let an = f["at"] else { throw item.error(.missingField, "a pump failure needs pump: (its ID) and at: (a time)") }
            let id = try pn.string()
            guard pumps.contains(id) else {
                throw pn.error(.badValue, "pump '\(id)' is not in the model" + (pumps.isEmpty ? " (the model has no pumps)" : " (pumps: \(pumps.sorted().prefix(10).joined(separator: ", ")))"))
            }
            let t = try an.seconds()
            guard t >= 0, t <= duration else { throw an.error(.implausibleValue, "time \(t) s must lie within the run (0 … \(duration) s)") }
            guard !pumpFailures.contains(where: { $0.pump == id }) else { throw pn.error(.badValue, "pump '\(id)' fails twice") }
            pumpFailures.append(PumpFailure(pump: id, at: t))
            // SWMM control rule, evaluated every routing step; the highest priority wins.
            let n = (project.controls.lines.last?.number ?? 0) + 1
            let hours = String(format: "%.6f", t / 3600)
            for (k, text) in ["RULE CITYTWIN_PUMP_FAILURE_\(id)", "IF SIMULATION TIME >= \(hours)",
                              "THEN PUMP \(id) STATUS = OFF", "PRIORITY 1000"].enumerated() {
                project.controls.lines.append(.init(number: n + k, text: text))
            }
        }
        if project.controls.file.isEmpty { project.controls.file = list.file }
        model.stormwater = project
    }
}
