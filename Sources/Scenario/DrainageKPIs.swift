import CityModel
import Foundation
import Report
import Stormwater

/// KPIs of a drainage run, computed from the stormwater engine's statistics (SI units).
public enum DrainageKPIs {
    /// Group names in the KPI tables.
    public static let group = "Drainage", outfallGroup = "Outfalls", nodeGroup = "Node flooding", spongeGroup = "Sponge city"
    /// Nodes listed one by one in the KPI table (largest flooding volume first); every node is in
    /// the `node_flooding` layer and `drainage_summary.json`.
    public static let listedNodes = 10

    /// - **Rain depth** (mm, the scene's rain) and **rain on the subcatchments** (m³).
    /// - **Runoff to the network** (m³): surface runoff plus LID underdrain flow; **runoff coefficient**.
    /// - **Total flooding volume** (m³): water lost from the network at manholes (sum of the per-node
    ///   volumes); **flooded nodes** (nodes with flooding volume > 0.01 m³) and **surcharged nodes**
    ///   (nodes whose water rose above the crown of their highest conduit).
    /// - **Outfall volume** (m³, all outfalls and each one) and **peak outfall flow** (m³/s: of the
    ///   summed outfall hydrograph, sampled every `sampleStep`, and each outfall's peak as the
    ///   engine saw it at every routing step).
    /// - **Runoff** and **flow-routing continuity errors** (%, as SWMM reports them).
    /// - **Flooding volume at** each of the `listedNodes` most flooded nodes (m³).
    public static func drainage(_ r: DrainageRun) -> [KPI] {
        var out: [KPI] = []
        let g = group
        let rainDepth = rainDepthMM(r.scene)
        out.append(KPI(group: g, name: "Rain depth", value: rainDepth, unit: "mm", decimals: 1))
        if let c = r.runoffContinuity {
            out.append(KPI(group: g, name: "Rain on the subcatchments", value: c.rainfall, unit: "m³", decimals: 0))
            out.append(KPI(group: g, name: "Runoff to the network", value: r.runoffVolume, unit: "m³", decimals: 0))
            out.append(KPI(group: g, name: "Runoff coefficient", value: c.rainfall > 0 ? r.runoffVolume / c.rainfall : 0, unit: "", decimals: 3))
        }
        let flood = r.nodeFlooding
        let total = flood.reduce(0) { $0 + $1.volume }
        out.append(KPI(group: g, name: "Total flooding volume", value: total, unit: "m³", decimals: 0))
        out.append(KPI(group: g, name: "Flooded nodes", value: Double(flood.filter { $0.volume > floodedVolume }.count), unit: "", decimals: 0))
        out.append(KPI(group: g, name: "Surcharged nodes", value: Double(r.simulation.nodeSurcharged.filter { $0 }.count), unit: "", decimals: 0))
        out.append(KPI(group: g, name: "Nodes", value: Double(flood.count), unit: "", decimals: 0))
        let vol = r.simulation.outfallVolumeSI, peak = r.simulation.outfallPeakSI
        let idx = Dictionary(r.simulation.nodeIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        out.append(KPI(group: g, name: "Outfall volume", value: r.outfallIDs.reduce(0) { $0 + vol[idx[$1]!] }, unit: "m³", decimals: 0))
        out.append(KPI(group: g, name: "Peak outfall flow (all outfalls)", value: r.totalOutfallFlow.max() ?? 0, unit: "m³/s", decimals: 3))
        let cont = r.simulation.summary
        out.append(KPI(group: g, name: "Runoff continuity error", value: r.simulation.runoffModel?.continuity.errorPercent ?? 0, unit: "%", decimals: 3))
        out.append(KPI(group: g, name: "Flow routing continuity error", value: cont.flowRoutingErrorPercent, unit: "%", decimals: 3))
        for id in r.outfallIDs {
            out.append(KPI(group: outfallGroup, name: "Volume at \(id)", value: vol[idx[id]!], unit: "m³", decimals: 0))
            out.append(KPI(group: outfallGroup, name: "Peak flow at \(id)", value: peak[idx[id]!], unit: "m³/s", decimals: 3))
        }
        if let y = r.annual, let h = r.scene.annualRain {
            let s = spongeGroup
            out.append(KPI(group: s, name: "Annual rain (record)", value: h.reduce(0, +), unit: "mm", decimals: 0))
            out.append(KPI(group: s, name: "Annual runoff volume capture ratio", value: 100 * y.ratio, unit: "%", decimals: 1))
            out.append(KPI(group: s, name: "Annual runoff sent to the network", value: y.discharged, unit: "m³", decimals: 0))
            out.append(KPI(group: s, name: "Annual runoff continuity error", value: y.continuityError, unit: "%", decimals: 3))
            let daily = CaptureRatio.daily(hourly: h)
            for a in [0.75, 0.8, 0.85] {
                if let d = CaptureRatio.designDepth(daily: daily, ratio: a) {
                    out.append(KPI(group: s, name: "Design rainfall depth for \(Int(a * 100)) % capture (record)", value: d, unit: "mm", decimals: 1))
                }
            }
        }
        for n in flood.filter({ $0.volume > floodedVolume }).sorted(by: { ($0.volume, $1.id) > ($1.volume, $0.id) }).prefix(listedNodes) {
            out.append(KPI(group: nodeGroup, name: "Flooding volume at \(n.id)", value: n.volume, unit: "m³", decimals: 1))
        }
        return out
    }

    /// A node counts as flooded above this volume (m³), so round-off never counts.
    public static let floodedVolume = 0.01

    /// Depth of the scene's rain (mm): the integral of the step series over the run.
    public static func rainDepthMM(_ s: DrainageScene) -> Double {
        let t = s.rain.times, v = s.rain.values
        guard t.count >= 1 else { return 0 }
        let interval = t.count >= 2 ? t[1] - t[0] : 0
        var depth = 0.0
        for k in t.indices {
            let end = min(k + 1 < t.count ? t[k + 1] : t[k] + interval, s.duration)
            if end > t[k] { depth += v[k] * (end - t[k]) / 3600 }
        }
        return depth
    }

    /// Sponge-city KPIs of a run with sponge facilities against the same scene without them:
    /// - **Facility area** (m²) and its share of the subcatchments' area (%);
    /// - **Peak outfall flow reduction** (%): 100·(1 − Q_with/Q_without) of the summed outfall
    ///   hydrograph's peak;
    /// - **Runoff volume reduction** (%): 100·(1 − V_with/V_without) of the water the subcatchments
    ///   send to the network (surface runoff + underdrains);
    /// - **Flooding volume reduction** (m³).
    public static func sponge(_ r: DrainageRun, baseline b: DrainageRun) -> [KPI] {
        let g = spongeGroup
        let area = r.scene.sponge.reduce(0) { $0 + $1.area }
        let total = r.scene.model.subcatchments.reduce(0) { $0 + $1.area }
        let qa = r.totalOutfallFlow.max() ?? 0, qb = b.totalOutfallFlow.max() ?? 0
        let va = r.runoffVolume, vb = b.runoffVolume
        let fa = r.nodeFlooding.reduce(0) { $0 + $1.volume }, fb = b.nodeFlooding.reduce(0) { $0 + $1.volume }
        var out = [
            KPI(group: g, name: "Sponge facility area", value: area, unit: "m²", decimals: 0),
            KPI(group: g, name: "Sponge facility share of the catchment", value: total > 0 ? 100 * area / total : 0, unit: "%", decimals: 2),
            KPI(group: g, name: "Peak outfall flow without sponge facilities", value: qb, unit: "m³/s", decimals: 3),
            KPI(group: g, name: "Peak outfall flow reduction", value: qb > 0 ? 100 * (1 - qa / qb) : 0, unit: "%", decimals: 2),
            KPI(group: g, name: "Runoff volume without sponge facilities", value: vb, unit: "m³", decimals: 0),
            KPI(group: g, name: "Runoff volume reduction", value: vb > 0 ? 100 * (1 - va / vb) : 0, unit: "%", decimals: 2),
            KPI(group: g, name: "Flooding volume without sponge facilities", value: fb, unit: "m³", decimals: 0),
            KPI(group: g, name: "Flooding volume reduction", value: fb - fa, unit: "m³", decimals: 0),
        ]
        if let ya = r.annual, let yb = b.annual {
            out.append(KPI(group: g, name: "Annual runoff volume capture ratio without sponge facilities", value: 100 * yb.ratio, unit: "%", decimals: 1))
            out.append(KPI(group: g, name: "Annual capture ratio gain", value: 100 * (ya.ratio - yb.ratio), unit: "%", decimals: 1))
        }
        for (type, a) in Dictionary(grouping: r.scene.sponge, by: \.type).mapValues({ $0.reduce(0) { $0 + $1.area } }).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            out.append(KPI(group: g, name: "Area of \(type.label)", value: a, unit: "m²", decimals: 0))
        }
        return out
    }

    /// What `drainage_summary.json` holds: the engine's summary in SI (node flooding, outfalls,
    /// link peaks, continuity) plus the runoff continuity, and the same for the scene without its
    /// sponge facilities when it ran.
    public struct Summary: Codable, Sendable {
        public var routing: RoutingSummary
        public var runoff: RunoffContinuity?
        public var wallSeconds: Double
        public var routingSteps: Int
        public var withoutSponge: RoutingSummary?
        public var withoutSpongeRunoff: RunoffContinuity?
        /// The continuous year (annual capture ratio) with and without the sponge facilities.
        public var annual: CaptureRatio.Year?
        public var annualWithoutSponge: CaptureRatio.Year?
    }

    public static func summary(_ r: DrainageRun, baseline b: DrainageRun?) -> Summary {
        Summary(routing: r.simulation.summary, runoff: r.runoffContinuity, wallSeconds: r.wallSeconds,
                routingSteps: r.simulation.statistics.routingSteps, withoutSponge: b?.simulation.summary,
                withoutSpongeRunoff: b?.runoffContinuity, annual: r.annual, annualWithoutSponge: b?.annual)
    }
}
