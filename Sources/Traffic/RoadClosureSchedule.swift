import Foundation
import SimCore

/// Planned road closures (road works, events) as a SimCore process in the `forcing` phase: it
/// declares `.roadSpeedFactor` over the closed edges and sets an edge's factor to 0 from its
/// closure time on; `TrafficProcess` reads the field, caps speeds and re-routes the vehicles whose
/// remaining route uses a closed edge.
///
/// The field is seen one tick after it is written, so the factors written in the tick ending at t
/// hold the closures with `from ≤ t`: a closure takes effect before the traffic step that starts at
/// its time (closures at t ≤ 0 are in the field's initial value).
public struct RoadClosureSchedule: SimProcess, Codable {
    public var name = "road closures"
    public var phase: Phase { .forcing }
    /// Closed edge IDs (each once) and the time (s) each closes, the earliest when listed twice.
    public let edges: [String]
    public let from: [Double]
    var factors: [Double]

    /// - Parameter closures: (edge ID, closing time in s from the start).
    public init(_ closures: [(edge: String, from: Double)]) {
        var first: [String: Double] = [:]
        var order: [String] = []
        for c in closures {
            if let t = first[c.edge] { first[c.edge] = min(t, c.from) } else { first[c.edge] = c.from; order.append(c.edge) }
        }
        edges = order
        from = order.map { first[$0]! }
        factors = from.map { $0 <= 0 ? 0 : 1 }
    }

    public mutating func prepare(_ context: inout ProcessContext) throws {
        try context.fields.declare(.roadSpeedFactor, initial: EntityVector(ids: edges, values: factors))
    }

    public mutating func advance(from start: SimTime, to end: SimTime, fields: inout ExchangeFields, ledger: inout Ledger) throws {
        let now = from.map { $0 <= end.seconds + 1e-9 ? 0.0 : 1.0 }
        guard now != factors else { return }
        factors = now
        try fields.write(.roadSpeedFactor, EntityVector(ids: edges, values: factors))
    }
}
