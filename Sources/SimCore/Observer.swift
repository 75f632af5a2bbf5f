import Geometry

/// What observers see at a report time: read-only values of the time, the committed fields and the
/// ledger.
public struct Observation: Sendable {
    /// The report time.
    public let time: SimTime
    /// Ticks taken so far.
    public let tickCount: Int
    /// The fields as committed at the end of the tick that reached `time`.
    public let fields: ExchangeFields
    /// The ledger at `time`.
    public let ledger: Ledger
}

/// Something called at time 0 (after `prepare`) and at every report time (multiples of
/// `EngineOptions.reportStep`, and the end time): recorders, map writers, live views.
///
/// Observers read; they cannot change the run. Errors they throw stop the run with
/// `.observerFailed`.
public protocol Observer {
    /// Names the observer in errors and in `Engine.observer(named:as:)`.
    var name: String { get }
    /// Records what it needs from `observation`.
    mutating func observe(_ observation: Observation) throws
}

/// Samples named fields into arrays at every report time: scalars, one entity of an entity vector,
/// or one raster cell per column.
///
/// ```swift
/// let recorder = TimeSeriesRecorder(name: "gauges")
///     .recording(.nodeHead, id: "J12")
///     .recording(.surfaceDepth, row: 40, col: 17)
/// engine.add(observer: recorder)
/// try engine.run()
/// let heads = engine.observer(named: "gauges", as: TimeSeriesRecorder.self)!.values(of: "network.nodeHead[J12]")
/// ```
public struct TimeSeriesRecorder: Observer, Hashable, Codable, Sendable {
    /// What one column samples.
    public enum Source: Hashable, Codable, Sendable {
        case scalar(field: String)
        case entity(field: String, id: String)
        case cell(field: String, row: Int, col: Int)
    }

    /// One recorded series: its name, source and values (in the field's unit; raster cells widened
    /// from `Float` to `Double`).
    public struct Column: Hashable, Codable, Sendable {
        public var name: String
        public var source: Source
        public var values: [Double] = []
    }

    public let name: String
    /// The report times sampled, one per row.
    public private(set) var times: [SimTime] = []
    /// The columns, in the order they were added.
    public private(set) var columns: [Column] = []

    public init(name: String) { self.name = name }

    /// Adds a column sampling a scalar field, named after the field.
    public func recording(_ key: FieldKey<Double>, as column: String? = nil) -> TimeSeriesRecorder {
        adding(Column(name: column ?? key.name, source: .scalar(field: key.name)))
    }

    /// Adds a column sampling one entity of an entity field, named `field[id]`.
    public func recording(_ key: FieldKey<EntityVector>, id: String, as column: String? = nil) -> TimeSeriesRecorder {
        adding(Column(name: column ?? "\(key.name)[\(id)]", source: .entity(field: key.name, id: id)))
    }

    /// Adds a column sampling one raster cell (row 0 is north), named `field[row,col]`.
    public func recording(_ key: FieldKey<Raster<Float>>, row: Int, col: Int, as column: String? = nil) -> TimeSeriesRecorder {
        adding(Column(name: column ?? "\(key.name)[\(row),\(col)]", source: .cell(field: key.name, row: row, col: col)))
    }

    /// The values of a column, one per entry of `times`.
    public func values(of column: String) -> [Double]? { columns.first { $0.name == column }?.values }

    public mutating func observe(_ o: Observation) throws {
        var row: [Double] = []
        row.reserveCapacity(columns.count)
        for c in columns {
            switch c.source {
            case .scalar(let field):
                row.append(try o.fields.value(FieldKey<Double>(field, policy: .state)))
            case .entity(let field, let id):
                let v = try o.fields.value(FieldKey<EntityVector>(field, policy: .state))
                guard let x = v[id: id] else { throw SimError(.undeclared, "field \(field) has no entity \(id)", time: o.time) }
                row.append(x)
            case .cell(let field, let r, let k):
                let v = try o.fields.value(FieldKey<Raster<Float>>(field, policy: .state))
                guard r >= 0, r < v.height, k >= 0, k < v.width else {
                    throw SimError(.undeclared, "field \(field) has no cell (\(r), \(k))", time: o.time)
                }
                row.append(Double(v[r, k]))
            }
        }
        times.append(o.time)
        for i in columns.indices { columns[i].values.append(row[i]) }
    }

    private func adding(_ c: Column) -> TimeSeriesRecorder {
        var copy = self
        copy.columns.append(c)
        return copy
    }
}
