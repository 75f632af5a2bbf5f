import CityIO
import CityModel
import Foundation
import Geometry
import Report
import Scenario
import TestSupport

/// Engine-free stand-ins for a storm on the demo district, for drawing and exporting: the
/// maximum depth is what the DEM's closed hollows hold when filled to 0.25 m below their spill
/// level (priority-flood depression filling, Barnes, Lehman & Mulla 2014), node flooding is
/// proportional to the depth at each flooded manhole, traffic slows with depth and with distance
/// to the centre, and the rain is Wuhan's 50-year, 2-hour Chicago storm. None of these numbers is
/// a simulation result; they exercise the report.
struct DistrictDemo {
    let model: CityModel
    let basemap: Basemap
    let results: RunResults

    /// The committed demo district, loaded once per test process.
    nonisolated(unsafe) static var cached: DistrictDemo?

    static func load() throws -> DistrictDemo {
        if let c = cached { return c }
        let model = try ModelStore.load((packageRoot as NSString).appendingPathComponent("Models/district"))
        let d = try DistrictDemo(model: model)
        cached = d
        return d
    }

    init(model: CityModel) throws {
        self.model = model
        basemap = Basemap(model: model)
        let dem = model.terrain!.elevation
        let depth = Self.hollowDepth(dem, below: 0.25)
        var nodes: [NodeFlooding] = []
        for n in model.drainageNodes where n.kind == .junction {
            guard let p = n.position, let d = depth.value(at: p), d > 0.05 else { continue }
            nodes.append(NodeFlooding(id: n.id.rawValue, position: p, volume: (d * 400).rounded(), peakRate: d * 0.8, duration: d * 3000))
        }
        let centre = dem.grid.bbox.center
        var links: [LinkResult] = []
        for e in model.roadEdges {
            guard let line = e.polyline, let mid = line.point(atDistance: line.length / 2) else { continue }
            let d = FloodedRoads.measure([(e.id.rawValue, line)], depth: depth).first?.maxDepth ?? 0
            let urban = max(0, 1 - mid.distance(to: centre) / 1400)
            let ratio = max(0.08, min(1, 0.95 - 0.55 * urban * Double(e.priority) / 3 - 2.5 * d))
            let v = e.speed * ratio
            let len = line.length
            links.append(LinkResult(id: e.id.rawValue, shape: line, lanes: e.lanes, freeSpeed: e.speed, meanSpeed: v,
                                    flow: Double(e.lanes) * (250 + 500 * urban), delay: max(0, len / v - len / e.speed)))
        }
        let signals = model.roadNodes.filter { $0.control == .trafficLight }
        let junctions = signals.compactMap { n -> JunctionResult? in
            guard let p = n.position else { return nil }
            let urban = max(0, 1 - p.distance(to: centre) / 1400)
            return JunctionResult(id: n.id.rawValue, position: p, delay: 15 + 30 * urban, maxQueue: (6 + 14 * urban).rounded(), throughput: 1800 + 900 * urban)
        }
        let storm = try DesignStorm(preset: "wuhan", returnPeriod: 50, duration: 120, step: 5, peakRatio: 0.4)
        let rain = storm.timeSeries(name: "RG1 (P = 50 a, 2 h)")
        // Outfall flows: each outfall's share of the district's impervious runoff through a linear reservoir.
        let outfalls = model.drainageNodes.filter { $0.kind == .outfall }.map(\.id.rawValue).sorted()
        var flows: [TimeSeries] = []
        for (k, id) in outfalls.prefix(4).enumerated() {
            let area = 40.0 + 15 * Double(k), lag = 900.0 + 300 * Double(k)       // ha, s
            var q = 0.0
            var times: [Double] = [], values: [Double] = []
            for t in stride(from: 0.0, through: 3 * 3600, by: 60) {
                let i = rain.value(at: t) / 3_600_000                          // m/s
                q += (0.7 * i * area * 10_000 - q) * 60 / lag
                times.append(t); values.append((q * 1000).rounded() / 1000)
            }
            flows.append(TimeSeries(name: id, unit: "m3/s", times: times, values: values))
        }
        let queues = signals.prefix(3).enumerated().map { k, n in
            TimeSeries(name: "\(n.id.rawValue) approach", unit: "veh",
                       times: stride(from: 0.0, through: 3600, by: 30).map { $0 },
                       values: stride(from: 0.0, through: 3600, by: 30).map { t in
                           (max(0, 8 + 6 * sin(t / 120 * .pi) + Double(k) * 3 + (t > 1800 ? 6 : 0))).rounded() })
        }
        let classes = try DepthPolygons.classes(depth)
        let flooded = FloodedRoads.measure(basemap.streets.map { ($0.id, $0.line) }, depth: depth)
        let kpis = [
            KPI(group: "Flooding", name: "flooded area over 0.15 m", value: classes[0].area, unit: "m²"),
            KPI(group: "Flooding", name: "flooded area over 0.3 m", value: classes[1].area, unit: "m²"),
            KPI(group: "Flooding", name: "flooded road length over 0.15 m", value: flooded.reduce(0) { $0 + $1.lengthOver015 }, unit: "m"),
            KPI(group: "Flooding", name: "flooded road length over 0.3 m", value: flooded.reduce(0) { $0 + $1.lengthOver030 }, unit: "m"),
            KPI(group: "Flooding", name: "maximum depth", value: depth.values.max() ?? 0, unit: "m", decimals: 2),
            KPI(group: "Drainage", name: "node flooding volume", value: nodes.reduce(0) { $0 + $1.volume }, unit: "m³"),
            KPI(group: "Drainage", name: "rain depth", value: storm.totalDepth, unit: "mm", decimals: 1),
            KPI(group: "Traffic", name: "mean link delay", value: links.reduce(0) { $0 + $1.delay } / Double(max(links.count, 1)), unit: "s/veh", decimals: 1),
        ]
        let info = RunInfo(scene: "demo: synthetic depth in the hollows", model: model.name, crs: model.crs,
                           started: Date(timeIntervalSince1970: 1_780_000_000), simulatedDuration: 3 * 3600)
        results = RunResults(info: info, kpis: kpis, maxDepth: depth, nodeFlooding: nodes, links: links, junctions: junctions,
                             rainfall: rain, outfallFlows: flows, queues: Array(queues))
    }

    /// Depth of the DEM's closed depressions filled to `below` metres under their spill level (m, ≥ 0).
    static func hollowDepth(_ dem: Raster<Double>, below: Double) -> Raster<Double> {
        let w = dem.width, h = dem.height
        var filled = dem.values
        var done = [Bool](repeating: false, count: w * h)
        var heap = MinHeap()
        for r in 0..<h { for c in 0..<w where r == 0 || c == 0 || r == h - 1 || c == w - 1 {
            done[r * w + c] = true; heap.push(filled[r * w + c], r * w + c)
        } }
        while let (z, i) = heap.pop() {
            let r = i / w, c = i % w
            for (dr, dc) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                let rr = r + dr, cc = c + dc
                guard rr >= 0, rr < h, cc >= 0, cc < w, !done[rr * w + cc] else { continue }
                let j = rr * w + cc
                done[j] = true
                filled[j] = max(filled[j], z)
                heap.push(filled[j], j)
            }
        }
        var out = Raster<Double>(grid: dem.grid, fill: 0)
        for i in out.values.indices { out.values[i] = max(0, ((filled[i] - dem.values[i] - below) * 1000).rounded() / 1000) }
        return out
    }
}

/// A binary min-heap of (key, index), ties broken by index so the fill is deterministic.
struct MinHeap {
    private var a: [(Double, Int)] = []
    private func less(_ x: (Double, Int), _ y: (Double, Int)) -> Bool { x.0 < y.0 || (x.0 == y.0 && x.1 < y.1) }
    mutating func push(_ k: Double, _ i: Int) {
        a.append((k, i))
        var c = a.count - 1
        while c > 0 { let p = (c - 1) / 2; guard less(a[c], a[p]) else { break }; a.swapAt(c, p); c = p }
    }
    mutating func pop() -> (Double, Int)? {
        guard let top = a.first else { return nil }
        let last = a.removeLast()
        if !a.isEmpty {
            a[0] = last
            var p = 0
            while true {
                let l = 2 * p + 1, r = l + 1
                var m = p
                if l < a.count, less(a[l], a[m]) { m = l }
                if r < a.count, less(a[r], a[m]) { m = r }
                if m == p { break }
                a.swapAt(p, m); p = m
            }
        }
        return top
    }
}
