import CityIO
import Flood
import Foundation
import Geometry

extension FloodScene {
    /// `forcing:`: rain, inflows and boundaries onto the setup. Returns the rain intensity series
    /// (mm/h) when rain is given.
    @discardableResult
    static func readForcing(_ node: SceneNode, into setup: inout FloodSetup, scene: String) throws -> FloodSeries? {
        let k = try node.fields(["rain", "inflows", "boundaries"])
        let spec = setup.grid.spec
        var rainfall: FloodSeries?
        if let r = k["rain"] {
            let f = try r.fields(["series", "design_storm", "pattern", "interpolation"])
            let series: FloodSeries
            if let d = f["design_storm"] {
                guard f["series"] == nil else { throw d.error(.badValue, "give either series: or design_storm:, not both") }
                if let i = f["interpolation"] { throw i.error(.badValue, "a design storm is a step series; leave interpolation out") }
                series = try designStorm(d)
            } else {
                guard let s = f["series"] else { throw r.error(.missingField, "series: or design_storm: missing (mm/h)") }
                let interp = try f["interpolation"].map { try interpolation($0) } ?? .step
                series = try readSeries(s, scene: scene, interpolation: interp)
                if let bad = series.values.first(where: { $0 < 0 }) { throw s.error(.implausibleValue, "rain intensity \(bad) mm/h is negative") }
            }
            rainfall = series
            var pattern: [Float]?
            if let p = f["pattern"] {
                let g = try AsciiGrid.read(path: try p.path(relativeTo: scene))
                guard g.grid.width == spec.width, g.grid.height == spec.height else {
                    throw p.error(.rasterValue, "the pattern grid is \(g.grid.width)×\(g.grid.height), the terrain \(spec.width)×\(spec.height)")
                }
                pattern = g.values.map { $0 == g.noData ? 0 : Float(max($0, 0)) }
            }
            setup.rain = FloodRain(intensity: series.scaled(by: 1 / 3.6e6), pattern: pattern)
        }
        if let list = k["inflows"] {
            for item in try list.items() {
                let f = try item.fields(["name", "point", "line", "edge", "hydrograph", "interpolation"])
                let name = try f["name"]?.string() ?? "inflow \(setup.inflows.count + 1)"
                guard let h = f["hydrograph"] else { throw item.error(.missingField, "hydrograph: missing (m³/s)") }
                let series = try readSeries(h, scene: scene, interpolation: try f["interpolation"].map { try interpolation($0) } ?? .linear)
                if let bad = series.values.first(where: { $0 < 0 }) { throw h.error(.implausibleValue, "inflow \(bad) m³/s is negative") }
                let place: FloodInflow.Place
                if let p = f["point"] {
                    let c = try p.coordinate()
                    guard let cell = spec.cell(containing: c) else { throw p.error(.implausibleValue, "(\(c.x), \(c.y)) is outside the grid") }
                    place = .cells([spec.index(row: cell.row, col: cell.col)])
                } else if let l = f["line"] {
                    let pts = try l.items().map { try $0.coordinate() }
                    guard pts.count >= 2 else { throw l.error(.badValue, "a line needs at least two points") }
                    let cells = cellsAlong(pts, spec)
                    guard !cells.isEmpty else { throw l.error(.implausibleValue, "the line does not cross the grid") }
                    place = .cells(cells)
                } else if let e = f["edge"] {
                    let (side, cells) = try edgeCells(e, spec)
                    place = .edge(side, cells: cells)
                } else {
                    throw item.error(.missingField, "give point: [x, y], line: [[x, y], …] or edge: {side, from, to}")
                }
                if case .cells(let cells) = place, let b = cells.first(where: { setup.grid.blocked[$0] }) {
                    throw item.error(.implausibleValue, "the inflow falls on a blocked cell (row \(b / spec.width), column \(b % spec.width))")
                }
                setup.inflows.append(FloodInflow(name: name, place: place, hydrograph: series))
            }
        }
        if let list = k["boundaries"] {
            for item in try list.items() {
                let f = try item.fields(["name", "edge", "type", "slope", "stage", "interpolation"])
                let name = try f["name"]?.string() ?? "boundary \(setup.boundaries.count + 1)"
                guard let e = f["edge"] else { throw item.error(.missingField, "edge: missing ({side, from, to} or a side name)") }
                let (side, cells) = try edgeCells(e, spec)
                guard let t = f["type"] else { throw item.error(.missingField, "type: missing (free or stage)") }
                switch try t.string() {
                case "free":
                    let slope = try f["slope"].map { try $0.double(in: 1e-6...10, "slope") }
                    setup.boundaries.append(FloodBoundary(name: name, edge: side, cells: cells, kind: .free(slope: slope)))
                case "stage":
                    guard let s = f["stage"] else { throw item.error(.missingField, "stage: missing (m above datum, a number or a series)") }
                    let series = s.node.scalar != nil ? FloodSeries.constant(try s.double())
                        : try readSeries(s, scene: scene, interpolation: try f["interpolation"].map { try interpolation($0) } ?? .linear)
                    setup.boundaries.append(FloodBoundary(name: name, edge: side, cells: cells, kind: .stage(series)))
                case let other: throw t.error(.badValue, "expected free or stage, found '\(other)'")
                }
            }
        }
        return rainfall
    }

    /// `design_storm: {preset: wuhan | {a1, c, b, n}, return_period_years, duration, peak_ratio, step}`:
    /// a Chicago hyetograph (mm/h, step) from a rainstorm-intensity formula (`DesignStorm`). The
    /// storm starts at t = 0; after `duration` the rain stops.
    static func designStorm(_ n: SceneNode) throws -> FloodSeries {
        let f = try n.fields(["preset", "formula", "return_period_years", "duration", "peak_ratio", "step"])
        let formula: RainfallIntensityFormula
        switch (f["preset"], f["formula"]) {
        case (let p?, nil):
            let name = try p.string()
            guard let v = RainfallIntensityFormula.presets[name.lowercased()] else {
                throw p.error(.badValue, "unknown preset '\(name)' (known: \(RainfallIntensityFormula.presets.keys.sorted().joined(separator: ", ")); or give formula: {a1, c, b, n})")
            }
            formula = v
        case (nil, let p?):
            let k = try p.fields(["a1", "c", "b", "n"])
            func need(_ key: String) throws -> Double {
                guard let v = k[key] else { throw p.error(.missingField, "\(key): missing (q = 167·a1·(1 + c·lg P)/(t + b)^n, t in min)") }
                return try v.double()
            }
            let a1 = try need("a1"), c = try need("c"), b = try need("b"), nn = try need("n")
            do { formula = try RainfallIntensityFormula(a1: a1, c: c, b: b, n: nn) } catch let e as InputError {
                let bad = e.message.contains(" A1 ") ? "a1" : e.message.contains(" C ") ? "c" : e.message.contains(" b ") ? "b" : "n"
                throw (k[bad] ?? p).error(e.code == .badValue ? .implausibleValue : e.code, e.message)
            }
        case (_?, _?): throw n.error(.badValue, "give either preset: or formula:, not both")
        case (nil, nil): throw n.error(.missingField, "preset: (e.g. wuhan) or formula: {a1, c, b, n} missing")
        }
        guard let pn = f["return_period_years"] else { throw n.error(.missingField, "return_period_years: missing") }
        let p = try pn.double()
        guard p > 0 else { throw pn.error(.implausibleValue, "return period \(p) years must be positive") }
        guard let dn = f["duration"] else { throw n.error(.missingField, "duration: missing (the storm's length)") }
        let duration = try dn.seconds()
        guard duration > 0 else { throw dn.error(.implausibleValue, "storm duration \(duration) s must be positive") }
        let r = try f["peak_ratio"]?.double(in: 0...1, "peak ratio r") ?? 0.4
        let step = try f["step"]?.seconds() ?? 300
        guard step > 0, step <= duration else { throw (f["step"] ?? n).error(.implausibleValue, "step \(step) s must be positive and not longer than the storm (\(duration) s)") }
        let storm: DesignStorm
        do { storm = try DesignStorm(formula: formula, returnPeriod: p, duration: duration / 60, step: step / 60, peakRatio: r) }
        catch let e as InputError { throw pn.error(.implausibleValue, e.message) }
        let ts = storm.timeSeries()
        return FloodSeries(times: ts.times, values: ts.values, interpolation: .step)
    }

    static func interpolation(_ n: SceneNode) throws -> FloodSeries.Interpolation {
        guard let i = FloodSeries.Interpolation(rawValue: try n.string()) else { throw n.error(.badValue, "expected linear or step") }
        return i
    }

    /// A series: inline `[[time, value], …]` (times in seconds or H:MM:SS) or a CSV file (its first
    /// value column; see CityIO's `CSVTimeSeries`).
    static func readSeries(_ n: SceneNode, scene: String, interpolation: FloodSeries.Interpolation) throws -> FloodSeries {
        var times: [Double] = [], values: [Double] = []
        if n.node.scalar != nil {
            let p = try n.path(relativeTo: scene)
            let table = try CSVTimeSeries.read(path: p)
            guard let s = table.series.first, !s.times.isEmpty else { throw n.error(.badValue, "\(p) holds no series") }
            for (t, v) in zip(s.times, s.values) { times.append(t); values.append(v) }
        } else {
            for item in try n.items() {
                let pair = try item.items()
                guard pair.count == 2 else { throw item.error(.badValue, "expected [time, value]") }
                let t = try pair[0].seconds(), v = try pair[1].double()
                if let last = times.last, t <= last { throw pair[0].error(.badValue, "time \(t) s is not after \(last) s") }
                times.append(t); values.append(v)
            }
            guard !times.isEmpty else { throw n.error(.badValue, "the series is empty") }
        }
        return FloodSeries(times: times, values: values, interpolation: interpolation)
    }

    /// `edge: west` or `edge: {side: west, from: y0, to: y1}` — the edge cells whose centres lie in
    /// [from, to] along the edge (y for west/east, x for north/south), or the whole edge.
    static func edgeCells(_ n: SceneNode, _ spec: GridSpec) throws -> (FloodEdge, [Int]) {
        var sideNode = n
        var range: ClosedRange<Double>?
        if n.node.mapping != nil {
            let f = try n.fields(["side", "from", "to"])
            guard let s = f["side"] else { throw n.error(.missingField, "side: missing (north, south, east or west)") }
            sideNode = s
            if let a = f["from"], let b = f["to"] {
                let lo = try a.double(), hi = try b.double()
                guard lo <= hi else { throw b.error(.badValue, "to (\(hi)) is before from (\(lo))") }
                range = lo...hi
            } else if f["from"] != nil || f["to"] != nil {
                throw n.error(.missingField, "give both from: and to:")
            }
        }
        guard let side = FloodEdge(rawValue: try sideNode.string()) else { throw sideNode.error(.badValue, "expected north, south, east or west") }
        var cells = FloodBoundary.wholeEdge(side, of: spec)
        if let range {
            cells = cells.filter { i in
                let c = spec.center(row: i / spec.width, col: i % spec.width)
                return range.contains(side == .west || side == .east ? c.y : c.x)
            }
            guard !cells.isEmpty else { throw n.error(.implausibleValue, "no cell centre of the \(side) edge lies in [\(range.lowerBound), \(range.upperBound)]") }
        }
        return (side, cells)
    }

    /// Cells crossed by a polyline (sampled every quarter cell), in order, without repeats.
    static func cellsAlong(_ pts: [Coordinate], _ spec: GridSpec) -> [Int] {
        var out: [Int] = [], seen = Set<Int>()
        for (a, b) in zip(pts, pts.dropFirst()) {
            let steps = max(1, Int((a.distance(to: b) / (spec.cellSize / 4)).rounded(.up)))
            for s in 0...steps {
                let t = Double(s) / Double(steps)
                if let c = spec.cell(containing: Coordinate(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))) {
                    let i = spec.index(row: c.row, col: c.col)
                    if seen.insert(i).inserted { out.append(i) }
                }
            }
        }
        return out
    }
}
