import CityModel
import Foundation
import Geometry
import SimCore

/// The class of a street: it sets lanes, speed, width and priority.
enum StreetClass: Int, Comparable {
    /// Priority side street: one lane each way, 30–40 km/h.
    case side = 1
    /// The riverside road: two lanes each way, 50 km/h.
    case riverside = 2
    /// Signalised arterial: two or three lanes each way, 50–60 km/h.
    case arterial = 3
    static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// One street line of the lattice (a north–south or east–west street, or the riverside road).
struct StreetLine {
    var cls: StreetClass
    var lanes: Int
    /// Speed limit (m/s).
    var speed: Double
    var name: String
}

/// A street junction (local coordinates: metres east and north of the district's south-west corner).
struct StreetNode {
    var p: Coordinate
    var i: Int, j: Int
    var id: String
    var signalised = false
}

/// An undirected street between two junctions, with both directions alike.
struct StreetSegment {
    var a: Int, b: Int
    var line: StreetLine
    /// Lane width (m).
    var laneWidth: Double { line.cls == .side ? 3.25 : 3.5 }
    /// Half the kerb-to-kerb width (m): lanes, half the median, the non-motorised lane or parking.
    var halfWidth: Double {
        switch line.cls {
        case .arterial: Double(line.lanes) * 3.5 + 1.0 + 3.5
        case .riverside: Double(line.lanes) * 3.5 + 0.5 + 2.5
        case .side: 3.25 + 1.75
        }
    }
}

/// The street network as a distorted lattice: north–south lines at eastings X_i, east–west lines
/// at northings Y_j, arterials every 500–800 m and side streets every 120–230 m between them, the
/// riverside road following the river bank as the eastmost line. Nodes are jittered, one arterial
/// bends, lines wobble gently, and a few side-street segments are left out (T-junctions).
struct StreetLayout {
    var nodes: [StreetNode] = []
    var segments: [StreetSegment] = []
    /// Per node, its segments sorted counter-clockwise by direction (angle from east).
    var around: [[Int]] = []
    /// The district's south-west corner in map coordinates (local → map is a translation).
    let origin: Coordinate

    static let margin = 20.0

    init(frame: DistrictFrame, shore: Shoreline, rng: inout SeededRNG) {
        origin = frame.origin
        let side = frame.side
        let riverMean = shore.mean - shore.parkWidth
        var xs = Self.lines(from: Self.margin, to: riverMean - shore.a1, closed: false, rng: &rng)
        let ys = Self.lines(from: Self.margin, to: side - Self.margin, closed: true, rng: &rng)
        // Names: arterials, then side streets numbered west to east and south to north.
        let nsArterials = ["Zhongshan Avenue", "Jiefang Avenue", "Heping Avenue", "Youyi Avenue", "Xinhua Avenue", "Hongshan Avenue"]
        let ewArterials = ["Minzhu Road", "Wuluo Road", "Xudong Road", "Luoyu Road", "Qingnian Road", "Zhuodaoquan Road"]
        var vLines: [StreetLine] = [], hLines: [StreetLine] = []
        var na = 0, ns = 0
        for x in xs {
            if x.1 { vLines.append(Self.arterial(nsArterials[na % nsArterials.count], &rng)); na += 1 }
            else { ns += 1; vLines.append(StreetLine(cls: .side, lanes: 1, speed: rng.chance(0.5) ? 40 / 3.6 : 30 / 3.6, name: "Jianshe Street \(ns)")) }
        }
        na = 0; ns = 0
        for y in ys {
            if y.1 { hLines.append(Self.arterial(ewArterials[na % ewArterials.count], &rng)); na += 1 }
            else { ns += 1; hLines.append(StreetLine(cls: .side, lanes: 1, speed: rng.chance(0.5) ? 40 / 3.6 : 30 / 3.6, name: "Hongqi Lane \(ns)")) }
        }
        vLines.append(StreetLine(cls: .riverside, lanes: 2, speed: 50 / 3.6, name: "Yanjiang Avenue"))
        xs.append((riverMean, false))
        let nx = xs.count, ny = ys.count

        // Gentle wobble of the north–south lines, and one bend in an east–west arterial.
        let wobble: [(Double, Double, Double)] = (0..<nx).map { i in
            let boundary = i == 0 || i == nx - 1
            let amp = boundary ? 0 : (vLines[i].cls == .side ? rng.uniform(2, 8) : rng.uniform(1, 4))
            return (amp, 2 * .pi / rng.uniform(600, 1400), rng.uniform(0, 2 * .pi))
        }
        let arterialRows = (0..<ny).filter { hLines[$0].cls == .arterial }
        let bendRow = arterialRows.isEmpty ? -1 : arterialRows[rng.int(0, arterialRows.count - 1)]
        let bendStart = rng.uniform(0.2, 0.45) * side, bendLength = rng.uniform(200, 320)
        let bend = (rng.chance(0.5) ? 1.0 : -1.0) * rng.uniform(30, 50)
        func x(_ i: Int, _ v: Double) -> Double {
            i == nx - 1 ? shore.roadX(v) : xs[i].0 + wobble[i].0 * sin(wobble[i].1 * v + wobble[i].2)
        }
        func y(_ j: Int, _ u: Double) -> Double {
            ys[j].0 + (j == bendRow ? bend * smoothstep((u - bendStart) / bendLength) : 0)
        }

        var index = [[Int]](repeating: [Int](repeating: -1, count: ny), count: nx)
        for i in 0..<nx {
            for j in 0..<ny {
                // Fixed-point intersection of line i (u = x(v)) and line j (v = y(u)).
                var v = ys[j].0, u = x(i, v)
                for _ in 0..<4 { v = y(j, u); u = x(i, v) }
                let edgeLine = i == 0 || i == nx - 1 || j == 0 || j == ny - 1
                let sideOnly = vLines[i].cls == .side && hLines[j].cls == .side
                let jit = edgeLine ? 0 : (sideOnly ? 5.0 : 1.5)
                if i != 0 && i != nx - 1 { u += rng.uniform(-jit, jit) }
                if j != 0 && j != ny - 1 { v += rng.uniform(-jit, jit) }
                index[i][j] = nodes.count
                let signal = (vLines[i].cls >= .riverside && hLines[j].cls == .arterial)
                nodes.append(StreetNode(p: Coordinate(rounded(u), rounded(v)), i: i, j: j,
                                        id: "N" + pad2(i) + pad2(j), signalised: signal))
            }
        }
        // Segments: north–south along each line i, east–west along each line j.
        var keep: [(Int, Int, StreetLine)] = []
        for i in 0..<nx { for j in 0..<(ny - 1) { keep.append((index[i][j], index[i][j + 1], vLines[i])) } }
        for j in 0..<ny { for i in 0..<(nx - 1) { keep.append((index[i][j], index[i + 1][j], hLines[j])) } }
        var degree = [Int](repeating: 0, count: nodes.count)
        for (a, b, _) in keep { degree[a] += 1; degree[b] += 1 }
        // Leave out a few interior side-street segments whose ends keep three or more streets.
        var removed = [Bool](repeating: false, count: keep.count)
        var touched = [Bool](repeating: false, count: nodes.count)
        for (k, (a, b, line)) in keep.enumerated() where line.cls == .side {
            let na = nodes[a], nb = nodes[b]
            let interior = [na, nb].allSatisfy { $0.i > 0 && $0.i < nx - 1 && $0.j > 0 && $0.j < ny - 1 }
            guard interior, degree[a] >= 4, degree[b] >= 4, !touched[a], !touched[b], rng.chance(0.09) else { continue }
            removed[k] = true; degree[a] -= 1; degree[b] -= 1; touched[a] = true; touched[b] = true
        }
        segments = keep.enumerated().filter { !removed[$0.offset] }.map { StreetSegment(a: $0.element.0, b: $0.element.1, line: $0.element.2) }
        var ring = [[Int]](repeating: [], count: nodes.count)
        for (k, s) in segments.enumerated() { ring[s.a].append(k); ring[s.b].append(k) }
        let segs = segments, pts = nodes.map(\.p)
        for n in ring.indices {
            let p = pts[n]
            func angle(_ s: Int) -> Double { (pts[segs[s].a == n ? segs[s].b : segs[s].a] - p).angle }
            ring[n].sort { s, t in angle(s) != angle(t) ? angle(s) < angle(t) : s < t }
        }
        around = ring
    }

    /// The node at the other end of segment `s` from node `n`.
    func other(_ s: Int, _ n: Int) -> Int { segments[s].a == n ? segments[s].b : segments[s].a }

    /// Unit direction of segment `s` leaving node `n`.
    func direction(_ s: Int, from n: Int) -> Coordinate { (nodes[other(s, n)].p - nodes[n].p).unit }

    /// Length (m) of segment `s`.
    func length(_ s: Int) -> Double { nodes[segments[s].a].p.distance(to: nodes[segments[s].b].p) }

    /// Street line positions from `start` to `end`: arterials every 500–800 m (flag true) with side
    /// streets every 150–250 m between them. `start` is always a (side-street) line; `end` is one too
    /// when `closed`.
    static func lines(from start: Double, to end: Double, closed: Bool, rng: inout SeededRNG) -> [(Double, Bool)] {
        var majors: [(Double, Bool)] = [(start, false)]
        var p = start + rng.uniform(300, 550)
        while p < end - 300 { majors.append((rounded(p), true)); p += rng.uniform(500, 800) }
        majors.append((end, false))
        var out: [(Double, Bool)] = []
        for k in 0..<(majors.count - 1) {
            let a = majors[k].0, b = majors[k + 1].0
            out.append(majors[k])
            let pieces = max(1, Int(((b - a) / rng.uniform(140, 200)).rounded()))
            for m in stride(from: 1, to: pieces, by: 1) {
                let t = (Double(m) + rng.uniform(-0.1, 0.1)) / Double(pieces)
                out.append((rounded(a + (b - a) * t), false))
            }
        }
        if closed { out.append(majors[majors.count - 1]) }
        return out
    }

    static func arterial(_ name: String, _ rng: inout SeededRNG) -> StreetLine {
        let lanes = rng.chance(0.5) ? 3 : 2
        return StreetLine(cls: .arterial, lanes: lanes, speed: (lanes == 3 ? 60 : 50) / 3.6, name: name)
    }
}

/// Two-digit zero-padded index.
func pad2(_ i: Int) -> String { i < 10 ? "0\(i)" : "\(i)" }
