import Geometry

extension Validator {
    mutating func checkRoads() {
        let nodeIndex = Dictionary(model.roadNodes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let edgeByID = Dictionary(model.roadEdges.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let programByID = Dictionary(model.signalPrograms.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var links: [(Int, Int)] = []

        for e in model.roadEdges {
            let ref = EntityRef(e)
            let a = nodeIndex[e.from], b = nodeIndex[e.to]
            if a == nil { error(.danglingReference, ref, "from-node '\(e.from)' does not exist") }
            if b == nil { error(.danglingReference, ref, "to-node '\(e.to)' does not exist") }
            if let a, let b { links.append((a, b)) }
            if e.from == e.to { warning(.implausibleValue, ref, "starts and ends at node '\(e.from)'") }
            if e.lanes < 1 || e.lanes > 16 { error(.implausibleValue, ref, "lanes \(e.lanes) is outside 1…16") }
            check(e.speed, in: 0.1...70, "speed", unit: " m/s", ref)
            check(e.laneWidth, in: 1...10, "lane width", unit: " m", ref)
            if let l = e.length, !(l > 0) { error(.implausibleValue, ref, "length \(l) m must be positive") }
            // The shape should start at the from-node and end at the to-node.
            if let l = e.polyline, let a, let b, let p0 = l.points.first, let p1 = l.points.last,
               let na = model.roadNodes[a].position, let nb = model.roadNodes[b].position {
                let gap = max(p0.distance(to: na), p1.distance(to: nb))
                if gap > 50 { warning(.implausibleValue, ref, "shape ends lie \(Int(gap)) m from its nodes") }
            }
        }

        for c in model.roadConnections {
            let ref = EntityRef(c)
            let from = edgeByID[c.fromEdge], to = edgeByID[c.toEdge]
            if from == nil { error(.danglingReference, ref, "from-edge '\(c.fromEdge)' does not exist") }
            if to == nil { error(.danglingReference, ref, "to-edge '\(c.toEdge)' does not exist") }
            if let from, let to {
                if from.to != to.from {
                    error(.danglingReference, ref, "edge '\(from.id)' ends at '\(from.to)' but edge '\(to.id)' starts at '\(to.from)'")
                }
                if c.fromLane < 0 || c.fromLane >= from.lanes { error(.badValue, ref, "from-lane \(c.fromLane) does not exist on '\(from.id)' (\(from.lanes) lanes)") }
                if c.toLane < 0 || c.toLane >= to.lanes { error(.badValue, ref, "to-lane \(c.toLane) does not exist on '\(to.id)' (\(to.lanes) lanes)") }
            }
            switch (c.signal, c.linkIndex) {
            case (nil, nil): break
            case (let s?, let i?):
                guard let p = programByID[s] else { error(.danglingReference, ref, "signal program '\(s)' does not exist"); break }
                let width = p.phases.first?.state.count ?? 0
                if i < 0 || i >= width { error(.badValue, ref, "link index \(i) is outside program '\(s)' (\(width) signals)") }
                if let from, from.to != p.node { error(.danglingReference, ref, "program '\(s)' controls node '\(p.node)', not '\(from.to)'") }
            default: error(.missingField, ref, "signal and link_index must be given together")
            }
        }

        for p in model.signalPrograms {
            let ref = EntityRef(p)
            if let i = nodeIndex[p.node] {
                if model.roadNodes[i].control != .trafficLight {
                    warning(.badValue, ref, "node '\(p.node)' is controlled as \(model.roadNodes[i].control.rawValue), not traffic_light")
                }
            } else { error(.danglingReference, ref, "node '\(p.node)' does not exist") }
            check(p.offset, in: -86_400...86_400, "offset", unit: " s", ref)
            guard let width = p.phases.first?.state.count else { error(.missingField, ref, "has no phases"); continue }
            for (k, ph) in p.phases.enumerated() {
                if !(ph.duration > 0) || !ph.duration.isFinite { error(.implausibleValue, ref, "phase \(k) duration \(ph.duration) s must be positive") }
                if ph.state.count != width { error(.badValue, ref, "phase \(k) has \(ph.state.count) signals, phase 0 has \(width)") }
                if let bad = ph.state.first(where: { !SignalPhase.validStates.contains($0) }) {
                    error(.badValue, ref, "phase \(k) state '\(ph.state)' has unknown signal '\(bad)'")
                }
                if let lo = ph.minDuration, let hi = ph.maxDuration, lo > hi {
                    error(.implausibleValue, ref, "phase \(k) min duration \(lo) s exceeds max \(hi) s")
                }
            }
        }

        // One connected road network: report every piece apart from the largest.
        guard model.roadNodes.count > 1 else { return }
        let comp = connectedComponents(vertexCount: model.roadNodes.count, edges: links)
        var members: [Int: [String]] = [:]
        for (i, r) in comp.enumerated() { members[r, default: []].append(model.roadNodes[i].id.rawValue) }
        guard members.count > 1 else { return }
        let main = members.max { a, b in a.value.count != b.value.count ? a.value.count < b.value.count : a.key > b.key }!.key
        for (root, names) in members.sorted(by: { $0.key < $1.key }) where root != main {
            let ref = EntityRef(.roadNodes, names[0])
            error(.disconnectedNetwork, ref, "road network is disconnected: \(names.count) node(s) (\(listNames(names))) have no road to the main network")
        }
    }

    mutating func checkDrainage() {
        let nodeIndex = Dictionary(model.drainageNodes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        for n in model.drainageNodes {
            let ref = EntityRef(n)
            check(n.invert, in: -1000...9000, "invert", unit: " m", ref)
            if let rim = n.rim {
                if !rim.isFinite { error(.implausibleValue, ref, "rim \(rim) is not a number") }
                else if rim < n.invert { error(.implausibleValue, ref, "rim \(rim) m is below invert \(n.invert) m") }
                else if rim - n.invert > 100 { warning(.implausibleValue, ref, "node is \(rim - n.invert) m deep") }
            } else if n.kind != .outfall {
                error(.missingField, ref, "\(n.kind.rawValue) has no rim elevation")
            }
            check(n.initialDepth, in: 0...100, "initial depth", unit: " m", ref)
            check(n.surchargeDepth, in: 0...1000, "surcharge depth", unit: " m", ref)
            check(n.pondedArea, in: 0...1e9, "ponded area", unit: " m²", ref)
            switch (n.kind, n.storage) {
            case (.storage, nil): error(.missingField, ref, "storage unit has no storage curve")
            case (.storage, .tabular(let d, let a)?):
                if d.count != a.count || d.count < 2 { error(.badValue, ref, "storage curve needs matching depth and area lists of 2 or more points") }
                else if zip(d, d.dropFirst()).contains(where: { $0 >= $1 }) { error(.badValue, ref, "storage curve depths must increase") }
                else if a.contains(where: { $0 < 0 }) { error(.implausibleValue, ref, "storage curve has a negative area") }
            case (.storage, .functional(let a, let b, let c)?):
                if a < 0 || c < 0 || !(a.isFinite && b.isFinite && c.isFinite) { error(.implausibleValue, ref, "storage function \(a)·d^\(b) + \(c) gives negative or undefined areas") }
            default: break
            }
        }

        var links: [(Int, Int)] = []
        var degree = [Int](repeating: 0, count: model.drainageNodes.count)
        for l in model.drainageLinks {
            let ref = EntityRef(l)
            let a = nodeIndex[l.from], b = nodeIndex[l.to]
            if a == nil { error(.danglingReference, ref, "from-node '\(l.from)' does not exist") }
            if b == nil { error(.danglingReference, ref, "to-node '\(l.to)' does not exist") }
            if let a, let b { links.append((a, b)); degree[a] += 1; degree[b] += 1 }
            if l.from == l.to { error(.badValue, ref, "starts and ends at node '\(l.from)'") }
            check(l.inletOffset, in: 0...100, "inlet offset", unit: " m", ref)
            check(l.outletOffset, in: 0...100, "outlet offset", unit: " m", ref)
            if let x = l.crossSection {
                check(x.geom1, in: 0.001...100, "cross-section height", unit: " m", ref)
                if x.barrels < 1 { error(.implausibleValue, ref, "barrels \(x.barrels) must be at least 1") }
                for (k, g) in [x.geom2, x.geom3, x.geom4].enumerated() where g < 0 || !g.isFinite {
                    error(.implausibleValue, ref, "cross-section geom\(k + 2) \(g) must not be negative")
                }
            }
            switch l.kind {
            case .conduit:
                guard let c = l.conduit else { error(.missingField, ref, "conduit has no conduit parameters (length, roughness)"); break }
                if l.crossSection == nil { error(.missingField, ref, "conduit has no cross-section") }
                if !(c.length > 0) || !c.length.isFinite { error(.implausibleValue, ref, "length \(c.length) m must be positive") }
                check(c.roughness, in: 0.001...1, "Manning roughness", ref)
                if c.length > 0, let a, let b {
                    let up = model.drainageNodes[a].invert + l.inletOffset, down = model.drainageNodes[b].invert + l.outletOffset
                    let slope = (up - down) / c.length
                    if abs(slope) > 1 { error(.implausibleValue, ref, "slope \(slope) m/m (drop \(up - down) m over \(c.length) m) makes no sense") }
                }
            case .pump: if l.pump == nil { error(.missingField, ref, "pump has no pump parameters") }
            case .weir:
                if l.weir == nil { error(.missingField, ref, "weir has no weir parameters") }
                if l.crossSection == nil { error(.missingField, ref, "weir has no cross-section") }
            case .orifice:
                if l.orifice == nil { error(.missingField, ref, "orifice has no orifice parameters") }
                if l.crossSection == nil { error(.missingField, ref, "orifice has no cross-section") }
            case .outlet: if l.outlet == nil { error(.missingField, ref, "outlet has no outlet parameters") }
            }
        }

        // Every connected piece of the drainage network needs an outfall (or a storage unit that can
        // hold the water); a node with no link at all is only a warning.
        guard !model.drainageNodes.isEmpty else { return }
        let comp = connectedComponents(vertexCount: model.drainageNodes.count, edges: links)
        var members: [Int: [Int]] = [:]
        for (i, r) in comp.enumerated() { members[r, default: []].append(i) }
        for (_, idx) in members.sorted(by: { $0.key < $1.key }) {
            let nodes = idx.map { model.drainageNodes[$0] }
            if idx.count == 1, degree[idx[0]] == 0, !model.drainageLinks.isEmpty {
                warning(.disconnectedNetwork, EntityRef(nodes[0]), "node is not connected to any link")
                continue
            }
            if !nodes.contains(where: { $0.kind == .outfall || $0.kind == .storage }) {
                let names = nodes.map(\.id.rawValue)
                error(.disconnectedNetwork, EntityRef(nodes[0]), "drainage network part of \(names.count) node(s) (\(listNames(names))) has no outfall")
            }
        }
    }

    mutating func checkSubcatchments() {
        let nodes = Set(model.drainageNodes.map(\.id.rawValue))
        let subs = Dictionary(model.subcatchments.map { ($0.id.rawValue, $0) }, uniquingKeysWith: { a, _ in a })
        let gauges = Dictionary(model.sensors.map { ($0.id, $0.kind) }, uniquingKeysWith: { a, _ in a })
        for s in model.subcatchments {
            let ref = EntityRef(s)
            if !nodes.contains(s.outlet) && subs[s.outlet] == nil {
                error(.danglingReference, ref, "outlet '\(s.outlet)' is neither a drainage node nor a subcatchment")
            }
            if s.outlet == s.id.rawValue { error(.badValue, ref, "drains to itself") }
            if let g = s.rainGauge {
                switch gauges[g] {
                case nil: error(.danglingReference, ref, "rain gauge '\(g)' does not exist")
                case .rainGauge?: break
                case let k?: error(.badValue, ref, "rain gauge '\(g)' is a \(k.rawValue) sensor")
                }
            }
            check(s.area, in: 1e-6...1e10, "area", unit: " m²", ref)
            check(s.width, in: 1e-6...1e7, "width", unit: " m", ref)
            check(s.slope, in: 0...1, "slope", unit: " m/m", ref)
            check(s.imperviousness, in: 0...1, "imperviousness", ref)
            check(s.nImpervious, in: 0.001...1, "impervious Manning n", ref)
            check(s.nPervious, in: 0.001...2, "pervious Manning n", ref)
            check(s.storageImpervious, in: 0...1000, "impervious depression storage", unit: " mm", ref)
            check(s.storagePervious, in: 0...1000, "pervious depression storage", unit: " mm", ref)
            check(s.zeroStorageFraction, in: 0...1, "zero-storage fraction", ref)
            switch s.infiltration {
            case .horton(let f0, let fc, let k, let dry, let vmax)?, .modifiedHorton(let f0, let fc, let k, let dry, let vmax)?:
                check(f0, in: 0...10_000, "Horton max rate", unit: " mm/h", ref)
                check(fc, in: 0...f0.magnitude, "Horton min rate", unit: " mm/h", ref)
                check(k, in: 0...1000, "Horton decay", unit: " 1/h", ref)
                check(dry, in: 0...365, "drying time", unit: " d", ref)
                check(vmax, in: 0...10_000, "max infiltration volume", unit: " mm", ref)
            case .greenAmpt(let psi, let ks, let imd)?, .modifiedGreenAmpt(let psi, let ks, let imd)?:
                check(psi, in: 0...10_000, "suction head", unit: " mm", ref)
                check(ks, in: 0...10_000, "conductivity", unit: " mm/h", ref)
                check(imd, in: 0...1, "initial moisture deficit", ref)
            case .curveNumber(let cn, _, let dry)?:
                check(cn, in: 0...100, "curve number", ref)
                check(dry, in: 0...365, "drying time", unit: " d", ref)
            case nil: break
            }
        }
        // Subcatchment-to-subcatchment routing must end at a node: follow each chain.
        for s in model.subcatchments {
            var seen: Set<String> = [s.id.rawValue]
            var next = s.outlet
            while !nodes.contains(next), let t = subs[next] {
                if !seen.insert(next).inserted {
                    error(.badValue, EntityRef(s), "runoff routing loops back through subcatchment '\(next)'")
                    break
                }
                next = t.outlet
            }
        }
    }
}
