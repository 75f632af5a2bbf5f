import CityModel
import Foundation
import Geometry

// Nodes, links, cross-sections, losses, transects, streets and inlets, and map geometry.
extension SWMMInpParser {
    mutating func addNode(_ l: InpLine, kind: DrainageNodeKind, invert: Double, maxDepth: Double?, initDepth: Double = 0,
                          surDepth: Double = 0, ponded: Double = 0) -> Int {
        let L = si(.length)
        var n = DrainageNode(id: EntityID(l.tokens[0]), kind: kind, position: Coordinate(0, 0), invert: invert * L,
                             rim: maxDepth.map { (invert + $0) * L }, initialDepth: initDepth * L,
                             surchargeDepth: surDepth * L, pondedArea: ponded * si(.area))
        n.attributes["swmm_max_depth"] = .number((maxDepth ?? 0) * L)
        model.provenance[EntityRef(n)] = loc(l)
        model.drainageNodes.append(n)
        return model.drainageNodes.count - 1
    }

    func nonNegative(_ l: InpLine, _ vals: [Double], _ what: String) throws {
        if vals.contains(where: { $0 < 0 }) { throw fail(.badValue, 211, "\(what) must not be negative", line: l.number) }
    }

    mutating func readNetwork() throws {
        let L = si(.length), Q = si(.flow)
        for l in sections["JUNCTIONS"] ?? [] {
            guard l.tokens.count >= 3 else { throw tooFew(l, "a junction needs name, invert and max depth") }
            let e = try number(l, 1, "invert"), ymax = try number(l, 2, "max depth")
            let y0 = try optNumber(l, 3, "initial depth", default: 0), ys = try optNumber(l, 4, "surcharge depth", default: 0)
            let ap = try optNumber(l, 5, "ponded area", default: 0)
            try nonNegative(l, [ymax, y0, ys, ap], "junction depths and ponded area")
            _ = addNode(l, kind: .junction, invert: e, maxDepth: ymax, initDepth: y0, surDepth: ys, ponded: ap)
        }
        for l in sections["OUTFALLS"] ?? [] {
            guard l.tokens.count >= 3 else { throw tooFew(l, "an outfall needs name, invert and type") }
            let e = try number(l, 1, "invert")
            var i = 3
            let boundary: OutfallBoundary
            var details = OutfallDetails()
            switch l.tokens[2].uppercased() {
            case "FREE": boundary = .free
            case "NORMAL": boundary = .normal
            case "FIXED": boundary = .fixed(stage: try number(l, 3, "fixed stage") * L); i = 4
            case "TIDAL":
                guard l.tokens.count > 3 else { throw tooFew(l, "TIDAL outfall needs a curve") }
                try require(.curve, l.tokens[3], l); boundary = .tidal(curve: l.tokens[3]); details.tidalCurve = l.tokens[3]; i = 4
            case "TIMESERIES":
                guard l.tokens.count > 3 else { throw tooFew(l, "TIMESERIES outfall needs a series") }
                try require(.timeSeries, l.tokens[3], l); boundary = .timeSeries(name: l.tokens[3]); i = 4
            default: throw badKeyword(l.tokens[2], l, "outfall type (FREE, NORMAL, FIXED, TIDAL, TIMESERIES)")
            }
            let gated = try yesNo(l, i, "flap gate")
            if l.tokens.count > i + 1, !l.tokens[i + 1].isEmpty {
                try require(.subcatchment, l.tokens[i + 1], l); details.routeTo = canonical(.subcatchment, l.tokens[i + 1])
            }
            let k = addNode(l, kind: .outfall, invert: e, maxDepth: nil)
            model.drainageNodes[k].outfall = boundary
            model.drainageNodes[k].flapGate = gated
            if details != OutfallDetails() { project.outfallDetails[l.tokens[0]] = details }
        }
        for l in sections["STORAGE"] ?? [] {
            guard l.tokens.count >= 6 else { throw tooFew(l, "a storage unit needs name, invert, max depth, initial depth, shape and its parameters") }
            let e = try number(l, 1, "invert"), ymax = try number(l, 2, "max depth"), y0 = try number(l, 3, "initial depth")
            try nonNegative(l, [ymax, y0], "storage depths")
            let shape: StorageShape
            var i: Int
            switch l.tokens[4].uppercased() {
            case "TABULAR":
                try require(.curve, l.tokens[5], l)
                shape = .tabular(depths: [], areas: [])   // filled from the curve once curves are read
                i = 6
            case "FUNCTIONAL":
                let a1 = try number(l, 5, "A1"), a2 = try number(l, 6, "A2"), a0 = try number(l, 7, "A0")
                shape = .functional(a: a1 * pow(L, 2 - a2), b: a2, c: a0 * L * L)
                i = 8
            case "CYLINDRICAL", "CONICAL", "PARABOLOID", "PYRAMIDAL":
                let a = try number(l, 5, "shape parameter 1"), b = try number(l, 6, "shape parameter 2")
                let c = try optNumber(l, 7, "shape parameter 3", default: 0)
                switch l.tokens[4].uppercased() {
                case "CYLINDRICAL": shape = .cylindrical(majorAxis: a * L, minorAxis: b * L)
                case "CONICAL": shape = .conical(majorAxis: a * L, minorAxis: b * L, sideSlope: c)
                case "PARABOLOID": shape = .paraboloid(majorAxis: a * L, minorAxis: b * L, height: c * L)
                default: shape = .pyramidal(length: a * L, width: b * L, sideSlope: c)
                }
                i = 8
            default: throw badKeyword(l.tokens[4], l, "storage shape")
            }
            let sur = try optNumber(l, i, "surcharge depth", default: 0)
            var det = StorageDetails(evaporationFactor: try optNumber(l, i + 1, "evaporation factor", default: 0))
            if l.tokens.count > i + 4 {
                det.seepageSuction = try number(l, i + 2, "seepage suction head") * si(.rainDepth)
                det.seepageConductivity = try number(l, i + 3, "seepage conductivity") * si(.rainfall)
                det.seepageInitialDeficit = try number(l, i + 4, "seepage initial deficit")
            } else if l.tokens.count > i + 2 {
                // SWMM 5.1 form: a constant seepage rate.
                det.seepageConductivity = try number(l, i + 2, "seepage rate") * si(.rainfall)
            }
            let k = addNode(l, kind: .storage, invert: e, maxDepth: ymax, initDepth: y0, surDepth: sur)
            model.drainageNodes[k].storage = shape
            if case .tabular = shape { model.drainageNodes[k].attributes["storage_curve"] = .string(l.tokens[5]) }
            project.storageDetails[l.tokens[0]] = det
        }
        for l in sections["DIVIDERS"] ?? [] {
            guard l.tokens.count >= 4 else { throw tooFew(l, "a divider needs name, invert, diverted link and type") }
            let e = try number(l, 1, "invert")
            try require(.link, l.tokens[2], l)
            let rule: FlowDivider.Rule
            var i: Int
            switch l.tokens[3].uppercased() {
            case "CUTOFF": rule = .cutoff(flow: try number(l, 4, "cutoff flow") * Q); i = 5
            case "OVERFLOW": rule = .overflow; i = 4
            case "TABULAR": try require(.curve, l.tokens.count > 4 ? l.tokens[4] : "", l); rule = .tabular(curve: l.tokens[4]); i = 5
            case "WEIR":
                rule = .weir(minFlow: try number(l, 4, "min flow") * Q, maxDepth: try number(l, 5, "max depth") * L,
                             coefficient: try number(l, 6, "coefficient"))
                i = 7
            default: throw badKeyword(l.tokens[3], l, "divider type (CUTOFF, OVERFLOW, TABULAR, WEIR)")
            }
            let ymax = try number(l, i, "max depth")
            let y0 = try optNumber(l, i + 1, "initial depth", default: 0), ys = try optNumber(l, i + 2, "surcharge depth", default: 0)
            let ap = try optNumber(l, i + 3, "ponded area", default: 0)
            _ = addNode(l, kind: .divider, invert: e, maxDepth: ymax, initDepth: y0, surDepth: ys, ponded: ap)
            project.dividers[l.tokens[0]] = FlowDivider(divertedLink: canonical(.link, l.tokens[2]), rule: rule)
        }

        let nodeInvert = Dictionary(model.drainageNodes.map { ($0.id.rawValue.uppercased(), $0.invert) }, uniquingKeysWith: { a, _ in a })
        let nodeID = Dictionary(model.drainageNodes.map { ($0.id.rawValue.uppercased(), $0.id) }, uniquingKeysWith: { a, _ in a })
        /// An offset field: a depth above the node's invert, or an elevation under LINK_OFFSETS ELEVATION
        /// (`*` means at the invert).
        func offset(_ l: InpLine, _ i: Int, node: String) throws -> Double {
            guard i < l.tokens.count else { return 0 }
            if l.tokens[i] == "*" { return 0 }
            let v = try number(l, i, "offset") * L
            return project.options.linkOffsets == .elevation ? v - (nodeInvert[node.uppercased()] ?? 0) : v
        }
        func link(_ l: InpLine, _ kind: DrainageLinkKind) throws -> Int {
            guard l.tokens.count >= 3 else { throw tooFew(l, "a link needs name, from node and to node") }
            guard let a = nodeID[l.tokens[1].uppercased()] else { throw undefined(.node, l.tokens[1], l) }
            guard let b = nodeID[l.tokens[2].uppercased()] else { throw undefined(.node, l.tokens[2], l) }
            let k = DrainageLink(id: EntityID(l.tokens[0]), kind: kind, from: a, to: b)
            model.provenance[EntityRef(k)] = loc(l)
            model.drainageLinks.append(k)
            return model.drainageLinks.count - 1
        }
        for l in sections["CONDUITS"] ?? [] {
            let k = try link(l, .conduit)
            let len = try number(l, 3, "length"), n = try number(l, 4, "roughness")
            guard len > 0 else { throw fail(.badValue, 111, "invalid length \(len) for conduit \(l.tokens[0])", line: l.number) }
            guard n > 0 else { throw fail(.badValue, 113, "invalid roughness \(n) for conduit \(l.tokens[0])", line: l.number) }
            model.drainageLinks[k].inletOffset = try offset(l, 5, node: l.tokens[1])
            model.drainageLinks[k].outletOffset = try offset(l, 6, node: l.tokens[2])
            let q0 = try optNumber(l, 7, "initial flow", default: 0), qmax = try optNumber(l, 8, "max flow", default: 0)
            model.drainageLinks[k].conduit = ConduitParameters(length: len * L, roughness: n, initialFlow: q0 * Q,
                                                               maxFlow: qmax > 0 ? qmax * Q : nil)
        }
        for l in sections["PUMPS"] ?? [] {
            let k = try link(l, .pump)
            guard l.tokens.count >= 4 else { throw tooFew(l, "a pump needs a curve or *") }
            let curve = l.tokens[3] == "*" ? nil : l.tokens[3]
            if let c = curve { try require(.curve, c, l) }
            let on = l.tokens.count > 4 ? try yesNo(l, 4, "initial status") : true
            model.drainageLinks[k].pump = PumpParameters(curve: curve, initiallyOn: on,
                                                         startupDepth: try optNumber(l, 5, "startup depth", default: 0) * L,
                                                         shutoffDepth: try optNumber(l, 6, "shutoff depth", default: 0) * L)
        }
        for l in sections["ORIFICES"] ?? [] {
            let k = try link(l, .orifice)
            guard l.tokens.count >= 6 else { throw tooFew(l, "an orifice needs type, offset and coefficient") }
            guard let t = OrificeParameters.OrificeType(rawValue: l.tokens[3].lowercased()) else {
                throw badKeyword(l.tokens[3], l, "orifice type (SIDE, BOTTOM)")
            }
            let off = try offset(l, 4, node: l.tokens[1])
            model.drainageLinks[k].inletOffset = off
            model.drainageLinks[k].orifice = OrificeParameters(type: t, offset: off, dischargeCoefficient: try number(l, 5, "discharge coefficient"),
                                                               flapGate: try yesNo(l, 6, "flap gate"),
                                                               openCloseTime: try optNumber(l, 7, "open/close time", default: 0) * 3600)
        }
        for l in sections["WEIRS"] ?? [] {
            let k = try link(l, .weir)
            guard l.tokens.count >= 6 else { throw tooFew(l, "a weir needs type, crest height and coefficient") }
            let types: [String: WeirParameters.WeirType] = ["TRANSVERSE": .transverse, "SIDEFLOW": .sideflow, "V-NOTCH": .vNotch,
                                                            "TRAPEZOIDAL": .trapezoidal, "ROADWAY": .roadway]
            guard let t = types[l.tokens[3].uppercased()] else { throw badKeyword(l.tokens[3], l, "weir type") }
            let off = try offset(l, 4, node: l.tokens[1])
            // Discharge coefficients convert from ft^0.5/s to m^0.5/s for US models (Q = C·L·H^1.5).
            let cf = units.flowUnits.isMetric ? 1.0 : sqrt(0.3048)
            model.drainageLinks[k].inletOffset = off
            let ec = try optNumber(l, 7, "end contractions", default: 0)
            model.drainageLinks[k].weir = WeirParameters(type: t, crestHeight: off, dischargeCoefficient: try number(l, 5, "discharge coefficient") * cf,
                                                         flapGate: try yesNo(l, 6, "flap gate"), endContractions: Int(ec))
            var d = WeirDetails(endCoefficient: try optNumber(l, 8, "end coefficient", default: 0) * cf,
                                canSurcharge: try yesNo(l, 9, "can surcharge", default: true))
            if t == .roadway, l.tokens.count > 11 {
                d.roadWidth = try number(l, 10, "road width") * L
                let surf = l.tokens[11].uppercased()
                guard surf == "PAVED" || surf == "GRAVEL" else { throw badKeyword(l.tokens[11], l, "road surface (PAVED, GRAVEL)") }
                d.roadSurface = surf
            }
            if l.tokens.count > 12, !l.tokens[12].isEmpty { try require(.curve, l.tokens[12], l); d.coefficientCurve = l.tokens[12] }
            project.weirDetails[l.tokens[0]] = d
        }
        for l in sections["OUTLETS"] ?? [] {
            let k = try link(l, .outlet)
            guard l.tokens.count >= 6 else { throw tooFew(l, "an outlet needs offset, type and rating") }
            let off = try offset(l, 3, node: l.tokens[1])
            model.drainageLinks[k].inletOffset = off
            let kind = l.tokens[4].uppercased()
            var p = OutletParameters(offset: off)
            let usesHead: Bool
            switch kind {
            case "TABULAR/DEPTH", "TABULAR/HEAD", "TABULAR":
                try require(.curve, l.tokens[5], l); p.curve = l.tokens[5]; p.flapGate = try yesNo(l, 6, "flap gate")
                usesHead = kind == "TABULAR/HEAD"
            case "FUNCTIONAL/DEPTH", "FUNCTIONAL/HEAD", "FUNCTIONAL":
                let c = try number(l, 5, "coefficient"), e = try number(l, 6, "exponent")
                p.coefficient = c * Q / pow(L, e); p.exponent = e; p.flapGate = try yesNo(l, 7, "flap gate")
                usesHead = kind == "FUNCTIONAL/HEAD"
            default: throw badKeyword(l.tokens[4], l, "outlet rating type")
            }
            model.drainageLinks[k].outlet = p
            project.outletDetails[l.tokens[0]] = OutletDetails(ratingUsesHead: usesHead)
        }

        let linkIndex = Dictionary(model.drainageLinks.enumerated().map { ($1.id.rawValue.uppercased(), $0) }, uniquingKeysWith: { a, _ in a })
        for l in sections["XSECTIONS"] ?? [] {
            guard let k = linkIndex[l.tokens[0].uppercased()] else { throw undefined(.link, l.tokens[0], l) }
            guard l.tokens.count >= 3 else { throw tooFew(l, "a cross-section needs a shape and its size") }
            let word = l.tokens[1].uppercased()
            let names: [String: CrossSection.ShapeName] = [
                "CIRCULAR": .circular, "FORCE_MAIN": .forceMain, "FILLED_CIRCULAR": .filledCircular, "DUMMY": .dummy,
                "RECT_CLOSED": .rectangularClosed, "RECT_OPEN": .rectangularOpen, "TRAPEZOIDAL": .trapezoidal,
                "TRIANGULAR": .triangular, "HORIZ_ELLIPSE": .horizontalEllipse, "VERT_ELLIPSE": .verticalEllipse,
                "ARCH": .arch, "PARABOLIC": .parabolic, "POWER": .power, "RECT_TRIANGULAR": .rectangularTriangular,
                "RECT_ROUND": .rectangularRound, "MODBASKETHANDLE": .modifiedBasketHandle, "EGG": .egg, "HORSESHOE": .horseshoe,
                "GOTHIC": .gothic, "CATENARY": .catenary, "SEMIELLIPTICAL": .semiElliptical, "BASKETHANDLE": .baskethandle,
                "SEMICIRCULAR": .semiCircular, "IRREGULAR": .irregular, "CUSTOM": .custom, "STREET": .street,
            ]
            guard let shape = names[word] else { throw badKeyword(l.tokens[1], l, "cross-section shape") }
            var x: CrossSection
            var culvertIndex = 7
            switch shape {
            case .irregular:
                try require(.transect, l.tokens[2], l)
                x = CrossSection(shape: .irregular, geom1: 0, curve: l.tokens[2])
            case .street:
                try require(.street, l.tokens[2], l)
                x = CrossSection(shape: .street, geom1: 0, curve: l.tokens[2])
            case .custom:
                guard l.tokens.count >= 4 else { throw tooFew(l, "CUSTOM needs a height and a shape curve") }
                try require(.curve, l.tokens[3], l)
                x = CrossSection(shape: .custom, geom1: try number(l, 2, "height") * L, curve: l.tokens[3])
                x.barrels = Int(try optNumber(l, 4, "barrels", default: 1))
                culvertIndex = 99
            default:
                var g = try (2...5).map { try optNumber(l, $0, "geometry", default: 0) }
                // Convert lengths: geom1 always; geom2 except where it is a roughness (H-W force main);
                // geom3 where it is a length; side slopes and exponents stay.
                g[0] *= L
                switch shape {
                case .forceMain: if project.options.forceMainEquation == .darcyWeisbach { g[1] *= L }
                case .trapezoidal, .power: g[1] *= L
                case .rectangularTriangular, .rectangularRound, .modifiedBasketHandle: g[1] *= L; g[2] *= L
                case .horizontalEllipse, .verticalEllipse, .arch: g[1] *= L
                default: g[1] *= L
                }
                guard g[0] > 0 || shape == .dummy else { throw fail(.badValue, 119, "invalid cross-section size for \(l.tokens[0])", line: l.number) }
                x = CrossSection(shape: shape, geom1: g[0], geom2: g[1], geom3: g[2], geom4: g[3])
                x.barrels = Int(try optNumber(l, 6, "barrels", default: 1))
            }
            if x.barrels < 1 { throw fail(.badValue, 114, "invalid number of barrels for \(l.tokens[0])", line: l.number) }
            model.drainageLinks[k].crossSection = x
            if l.tokens.count > culvertIndex, let c = Int(l.tokens[culvertIndex]), c > 0 {
                guard c <= 57 else {
                    throw InputError(.badValue, "culvert code \(c) of \(l.tokens[0]) is not one of the codes 1–57", at: SourceLocation(file: file, line: l.number))
                }
                project.conduitDetails[model.drainageLinks[k].id.rawValue, default: ConduitDetails()].culvertCode = c
            }
        }
        for l in sections["LOSSES"] ?? [] {
            guard let k = linkIndex[l.tokens[0].uppercased()] else { throw undefined(.link, l.tokens[0], l) }
            let v = try (1...3).map { try number(l, $0, "loss coefficient") }
            if model.drainageLinks[k].conduit != nil {
                model.drainageLinks[k].conduit!.entryLoss = v[0]
                model.drainageLinks[k].conduit!.exitLoss = v[1]
                model.drainageLinks[k].conduit!.averageLoss = v[2]
            }
            let id = model.drainageLinks[k].id.rawValue
            project.conduitDetails[id, default: ConduitDetails()].flapGate = try yesNo(l, 4, "flap gate")
            project.conduitDetails[id, default: ConduitDetails()].seepageRate = try optNumber(l, 5, "seepage rate", default: 0) * si(.rainfall)
        }
        try readTransectsStreetsInlets(linkIndex: linkIndex)
    }

    mutating func readTransectsStreetsInlets(linkIndex: [String: Int]) throws {
        let L = si(.length)
        var current: Transect?
        var nc: (Double, Double, Double) = (0, 0, 0)
        for l in sections["TRANSECTS"] ?? [] {
            switch l.tokens[0].uppercased() {
            case "NC": nc = (try number(l, 1, "n left"), try number(l, 2, "n right"), try number(l, 3, "n channel"))
            case "X1":
                if let c = current { project.transects.append(c) }
                guard l.tokens.count >= 5 else { throw tooFew(l, "X1 needs name, station count and bank stations") }
                var t = Transect(name: l.tokens[1], nLeft: nc.0, nRight: nc.1, nChannel: nc.2)
                t.leftBank = try number(l, 3, "left bank station") * L
                t.rightBank = try number(l, 4, "right bank station") * L
                t.meander = try optNumber(l, 7, "meander factor", default: 0)
                t.stationFactor = try optNumber(l, 8, "station factor", default: 0)
                t.elevationOffset = try optNumber(l, 9, "elevation offset", default: 0) * L
                current = t
            case "GR":
                guard current != nil else { throw fail(.syntax, 223, "GR data before an X1 line", line: l.number) }
                var i = 1
                while i + 1 < l.tokens.count {
                    current!.elevations.append(try number(l, i, "elevation") * L)
                    current!.stations.append(try number(l, i + 1, "station") * L)
                    i += 2
                }
            default: throw badKeyword(l.tokens[0], l, "[TRANSECTS] (NC, X1, GR)")
            }
        }
        if let c = current { project.transects.append(c) }

        for l in sections["STREETS"] ?? [] {
            guard l.tokens.count >= 5 else { throw tooFew(l, "a street needs crown width, curb height, cross slope and roughness") }
            let v = try (1..<min(l.tokens.count, 11)).map { try number(l, $0, "street parameter") }
            func at(_ i: Int, _ d: Double) -> Double { i < v.count ? v[i] : d }
            project.streets.append(StreetSection(name: l.tokens[0], crownWidth: v[0] * L, curbHeight: v[1] * L,
                                                 crossSlope: v[2] / 100, roughness: v[3], gutterDepression: at(4, 0) * L,
                                                 gutterWidth: at(5, 0) * L, sides: Int(at(6, 1)), backingWidth: at(7, 0) * L,
                                                 backingSlope: at(8, 0) / 100, backingRoughness: at(9, 0)))
        }
        // Full heights of transect and street sections: the transect's elevation range, and a street's
        // curb height plus its gutter depression.
        for k in model.drainageLinks.indices {
            guard let x = model.drainageLinks[k].crossSection, let name = x.curve?.uppercased() else { continue }
            if x.shape == .irregular, let t = project.transects.first(where: { $0.name.uppercased() == name }),
               let lo = t.elevations.min(), let hi = t.elevations.max() {
                model.drainageLinks[k].crossSection!.geom1 = hi - lo
            } else if x.shape == .street, let st = project.streets.first(where: { $0.name.uppercased() == name }) {
                model.drainageLinks[k].crossSection!.geom1 = st.curbHeight + st.gutterDepression
            }
        }
        var inlets: [String: InletDesign] = [:], order: [String] = []
        for l in sections["INLETS"] ?? [] {
            guard l.tokens.count >= 3 else { throw tooFew(l, "an inlet needs a type and its size") }
            let part: InletDesign.Part
            switch l.tokens[1].uppercased() {
            case "GRATE", "DROP_GRATE":
                let len = try number(l, 2, "length") * L, w = try number(l, 3, "width") * L
                guard l.tokens.count >= 5 else { throw tooFew(l, "a grate needs a grate type") }
                let ao = try optNumber(l, 5, "open fraction", default: 0), vs = try optNumber(l, 6, "splash velocity", default: 0) * L
                part = l.tokens[1].uppercased() == "GRATE"
                    ? .grate(length: len, width: w, type: l.tokens[4].uppercased(), openFraction: ao, splashVelocity: vs)
                    : .dropGrate(length: len, width: w, type: l.tokens[4].uppercased(), openFraction: ao, splashVelocity: vs)
            case "CURB":
                part = .curb(length: try number(l, 2, "length") * L, height: try number(l, 3, "height") * L,
                             throat: l.tokens.count > 4 ? l.tokens[4].uppercased() : "HORIZONTAL")
            case "DROP_CURB": part = .dropCurb(length: try number(l, 2, "length") * L, height: try number(l, 3, "height") * L)
            case "SLOTTED": part = .slotted(length: try number(l, 2, "length") * L, width: try number(l, 3, "width") * L)
            case "CUSTOM": try require(.curve, l.tokens[2], l); part = .custom(curve: l.tokens[2])
            default: throw badKeyword(l.tokens[1], l, "inlet type")
            }
            let key = l.tokens[0].uppercased()
            if inlets[key] == nil { inlets[key] = InletDesign(name: l.tokens[0]); order.append(key) }
            inlets[key]!.parts.append(part)
        }
        project.inlets = order.map { inlets[$0]! }
        for l in sections["INLET_USAGE"] ?? [] {
            guard l.tokens.count >= 3 else { throw tooFew(l, "inlet usage needs a conduit, an inlet and a node") }
            guard linkIndex[l.tokens[0].uppercased()] != nil else { throw undefined(.link, l.tokens[0], l) }
            try require(.inlet, l.tokens[1], l)
            try require(.node, l.tokens[2], l)
            project.inletUsage.append(InletUsage(
                link: canonical(.link, l.tokens[0]), inlet: canonical(.inlet, l.tokens[1]), captureNode: canonical(.node, l.tokens[2]),
                count: Int(try optNumber(l, 3, "number of inlets", default: 1)),
                cloggedFraction: try optNumber(l, 4, "% clogged", default: 0) / 100,
                flowLimit: try optNumber(l, 5, "flow limit", default: 0) * si(.flow),
                depressionHeight: try optNumber(l, 6, "depression height", default: 0) * si(.rainDepth) / 1000,
                depressionWidth: try optNumber(l, 7, "depression width", default: 0) * L,
                placement: l.tokens.count > 8 ? l.tokens[8].uppercased() : "AUTOMATIC"))
        }
    }

    /// [COORDINATES], [VERTICES], [POLYGONS] and [SYMBOLS] become the entities' shapes (map units as written).
    mutating func readGeometry() throws {
        func point(_ l: InpLine) throws -> Coordinate { Coordinate(try number(l, 1, "x"), try number(l, 2, "y")) }
        var nodeAt = Dictionary(model.drainageNodes.enumerated().map { ($1.id.rawValue.uppercased(), $0) }, uniquingKeysWith: { a, _ in a })
        var placed = Set<Int>()
        for l in sections["COORDINATES"] ?? [] {
            // Map sections are not read by SWMM's engine: entries for unknown objects are skipped.
            guard let i = nodeAt[l.tokens[0].uppercased()] else { continue }
            model.drainageNodes[i].shape = .point(try point(l)); placed.insert(i)
        }
        for i in model.drainageNodes.indices where !placed.contains(i) {
            model.drainageNodes[i].attributes["position_unknown"] = .bool(true)
        }
        nodeAt = [:]
        let linkAt = Dictionary(model.drainageLinks.enumerated().map { ($1.id.rawValue.uppercased(), $0) }, uniquingKeysWith: { a, _ in a })
        var vertices: [Int: [Coordinate]] = [:]
        for l in sections["VERTICES"] ?? [] {
            guard let i = linkAt[l.tokens[0].uppercased()] else { continue }
            vertices[i, default: []].append(try point(l))
        }
        let pos = Dictionary(model.drainageNodes.map { ($0.id, $0.position) }, uniquingKeysWith: { a, _ in a })
        for i in model.drainageLinks.indices {
            let k = model.drainageLinks[i]
            guard let a = pos[k.from] ?? nil, let b = pos[k.to] ?? nil else { continue }
            model.drainageLinks[i].shape = .lineString(Polyline([a] + (vertices[i] ?? []) + [b]))
        }
        let subAt = Dictionary(model.subcatchments.enumerated().map { ($1.id.rawValue.uppercased(), $0) }, uniquingKeysWith: { a, _ in a })
        var rings: [Int: [Coordinate]] = [:]
        for l in sections["POLYGONS"] ?? [] {
            guard let i = subAt[l.tokens[0].uppercased()] else { continue }
            rings[i, default: []].append(try point(l))
        }
        for (i, r) in rings where r.count >= 3 {
            var ring = r
            if ring.first != ring.last { ring.append(ring[0]) }
            guard ring.count >= 4 else { continue }
            // SWMM's map polygons are drawings that SWMM never checks; an invalid one is left out of the
            // model's geometry (with the reason) rather than making the model invalid.
            let shape = Shape.polygon(Polygon(exterior: ring))
            if let why = try? GeosContext.forCurrentThread.validityReason(shape) {
                model.subcatchments[i].attributes["map_polygon_invalid"] = .string(why)
            } else {
                model.subcatchments[i].shape = shape
            }
        }
        var symbols: [String: Coordinate] = [:]
        for l in sections["SYMBOLS"] ?? [] {
            guard defined(.gage, l.tokens[0]) else { continue }
            symbols[l.tokens[0].uppercased()] = try point(l)
        }
        for g in project.rainGages {
            var s = Sensor(id: EntityID(g.id), position: symbols[g.id.uppercased()] ?? Coordinate(0, 0), kind: .rainGauge)
            if symbols[g.id.uppercased()] == nil { s.attributes["position_unknown"] = .bool(true) }
            model.sensors.append(s)
        }
    }
}
