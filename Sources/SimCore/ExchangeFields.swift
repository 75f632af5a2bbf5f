#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Geometry

/// When a field's written values become visible, and what a writer starts from each tick.
///
/// **Visibility.**
/// - `.nextTick` (double-buffered, the default): during a tick every reader sees the values
///   committed at the end of the previous tick, whatever phase it runs in; writers write the next
///   values, which the engine commits once, after the last phase. Phase order then cannot leak a
///   value written earlier in the same tick (read current, write next, commit once).
/// - `.immediate` (one buffer): a write is seen at once by every process that runs later in the
///   same tick. Use it only for couplings that must act within the tick, such as the rain field
///   written in the forcing phase and read by runoff and the surface flood in the same tick.
///
/// **Each tick.**
/// - `.keep`: the writer's buffer starts the tick holding the current values, so a field nobody
///   writes keeps its value (states: depths, heads, speed factors).
/// - `.reset`: the writer's buffer starts every tick at the field's declared initial value, so
///   several writers can add into it and a tick with no writer gives the initial value (fluxes:
///   lateral inflows, exchange flows). For an immediate field the reset happens at the start of
///   the tick, before the forcing phase.
public struct FieldPolicy: Hashable, Codable, Sendable, CustomStringConvertible {
    public enum Visibility: String, Hashable, Codable, Sendable { case nextTick, immediate }
    public enum EachTick: String, Hashable, Codable, Sendable { case keep, reset }

    public var visibility: Visibility
    public var eachTick: EachTick

    public init(visibility: Visibility, eachTick: EachTick) { self.visibility = visibility; self.eachTick = eachTick }

    /// Double-buffered, kept between ticks (a state shared with other processes).
    public static let state = FieldPolicy(visibility: .nextTick, eachTick: .keep)
    /// Double-buffered, reset to the initial value every tick (a flux several writers add to).
    public static let flux = FieldPolicy(visibility: .nextTick, eachTick: .reset)
    /// One buffer, seen by later phases in the same tick, kept between ticks.
    public static let immediate = FieldPolicy(visibility: .immediate, eachTick: .keep)
    /// One buffer, seen by later phases in the same tick, reset at the start of every tick.
    public static let immediateFlux = FieldPolicy(visibility: .immediate, eachTick: .reset)

    public var description: String { "\(visibility)/\(eachTick)" }
}

/// The shapes a field can take.
public enum FieldKind: String, Hashable, Codable, Sendable {
    /// One `Double`.
    case scalar
    /// One `Double` per entity, keyed by string IDs (`EntityVector`).
    case entities
    /// One `Float` per raster cell (`Raster<Float>`).
    case raster
}

/// A field's value in kind-erased form (what snapshots store).
public enum FieldData: Hashable, Sendable {
    case scalar(Double)
    case entities(EntityVector)
    case raster(Raster<Float>)

    public var kind: FieldKind {
        switch self {
        case .scalar: .scalar
        case .entities: .entities
        case .raster: .raster
        }
    }

    /// Describes why `other` cannot replace this value (another kind, grid or entity list), or nil.
    func shapeMismatch(_ other: FieldData) -> String? {
        switch (self, other) {
        case (.scalar, .scalar): return nil
        case let (.entities(a), .entities(b)):
            return a.ids == b.ids && b.values.count == b.ids.count ? nil
                : "entity list differs (\(b.values.count) values for \(b.ids.count) IDs; declared \(a.ids.count) IDs)"
        case let (.raster(a), .raster(b)):
            return a.grid == b.grid && b.values.count == b.grid.count ? nil
                : "grid differs (\(b.grid.width)×\(b.grid.height), declared \(a.grid.width)×\(a.grid.height))"
        default: return "kind \(other.kind), declared \(kind)"
        }
    }

    /// The first NaN's position, if any.
    func firstNaN() -> String? {
        switch self {
        case .scalar(let v): return v.isNaN ? "value" : nil
        case .entities(let e): return e.values.firstIndex(where: \.isNaN).map { "entity \(e.ids[$0])" }
        case .raster(let r):
            return r.values.firstIndex(where: \.isNaN).map { "cell (row \($0 / r.width), col \($0 % r.width))" }
        }
    }
}

/// A value type that can live in `ExchangeFields`: `Double` (scalars), `EntityVector`,
/// `Raster<Float>`.
public protocol FieldValue: Sendable, Equatable {
    static var fieldKind: FieldKind { get }
    init?(fieldData: FieldData)
    var fieldData: FieldData { get }
}

extension Double: FieldValue {
    public static var fieldKind: FieldKind { .scalar }
    public init?(fieldData: FieldData) { guard case .scalar(let v) = fieldData else { return nil }; self = v }
    public var fieldData: FieldData { .scalar(self) }
}

extension Raster: FieldValue where Value == Float {
    public static var fieldKind: FieldKind { .raster }
    public init?(fieldData: FieldData) { guard case .raster(let v) = fieldData else { return nil }; self = v }
    public var fieldData: FieldData { .raster(self) }
}

/// A typed name for a field: its value type, name and policy. Processes that exchange a field share
/// its key (see `FieldKey` statics for the standard ones), and each declares it in `prepare`.
public struct FieldKey<Value: FieldValue>: Hashable, Sendable, CustomStringConvertible {
    /// Unique across all fields, e.g. `surface.depth`.
    public let name: String
    public let policy: FieldPolicy

    public init(_ name: String, policy: FieldPolicy = .state) { self.name = name; self.policy = policy }

    public var description: String { name }
}

/// The fields processes meet through (they never import each other): scalars, per-entity vectors
/// and rasters, each **double-buffered** or **immediate** as its `FieldPolicy` says.
///
/// A process reads current values with `fields[key]` and writes next values with `write(_:_:)` or
/// in place with `update(_:_:)`. The engine calls `commit()` once per tick, after the last phase:
/// every double-buffered field's next values become current. Reading is O(1) (values are
/// copy-on-write); the first write of a tick to a kept raster or vector copies it once (O(n)).
public struct ExchangeFields: Sendable, Equatable {
    struct Slot: Sendable, Equatable {
        var name: String
        var policy: FieldPolicy
        var initial: FieldData
        var current: FieldData
        var next: FieldData

        /// Gives `body` the buffer writers write to, in place.
        mutating func withWriteBuffer<V: FieldValue, R>(_ body: (inout V) throws -> R) throws -> R {
            let immediate = policy.visibility == .immediate
            guard var v = V(fieldData: immediate ? current : next) else {
                throw SimError(.declarationConflict, "field \(name) is a \(initial.kind) field, not \(V.fieldKind)")
            }
            if immediate { current = .scalar(0) } else { next = .scalar(0) }  // release: v is now unique
            defer { if immediate { current = v.fieldData } else { next = v.fieldData } }
            return try body(&v)
        }
    }

    var slots: [Slot] = []
    var index: [String: Int] = [:]

    public init() {}

    /// Equal when the same fields (by name, whatever the declaration order) have the same policy,
    /// initial and current values.
    public static func == (a: ExchangeFields, b: ExchangeFields) -> Bool {
        guard a.slots.count == b.slots.count else { return false }
        return a.slots.allSatisfy { s in
            guard let j = b.index[s.name] else { return false }
            let t = b.slots[j]
            return s.policy == t.policy && s.initial == t.initial && s.current == t.current
        }
    }

    /// Declares a field with its initial value, or checks a field already declared by another process
    /// (same kind, policy and shape; its values are left as they are).
    ///
    /// - Throws: `SimError` `.declarationConflict` on a different kind or policy, `.fieldShape` on a
    ///   different grid or entity list.
    public mutating func declare<V: FieldValue>(_ key: FieldKey<V>, initial: V) throws {
        let data = initial.fieldData
        if let i = index[key.name] {
            let s = slots[i]
            guard s.initial.kind == V.fieldKind, s.policy == key.policy else {
                throw SimError(.declarationConflict, "field \(key.name) declared as \(s.initial.kind) \(s.policy), now as \(V.fieldKind) \(key.policy)")
            }
            if let why = s.initial.shapeMismatch(data) { throw SimError(.fieldShape, "field \(key.name): \(why)") }
            return
        }
        if let why = data.shapeMismatch(data) { throw SimError(.fieldShape, "field \(key.name): \(why)") }
        index[key.name] = slots.count
        slots.append(Slot(name: key.name, policy: key.policy, initial: data, current: data, next: data))
    }

    /// Whether a field of that name was declared.
    public func isDeclared(_ name: String) -> Bool { index[name] != nil }

    /// The declared field names, sorted.
    public var names: [String] { slots.map(\.name).sorted() }

    /// The current value of a field: the value committed at the end of the last tick, or for an
    /// immediate field the latest value written.
    ///
    /// - Precondition: the field is declared with this value type (use `value(_:)` to get an error
    ///   instead).
    public subscript<V: FieldValue>(key: FieldKey<V>) -> V {
        do { return try value(key) } catch { preconditionFailure("\(error)") }
    }

    /// The current value of a field (see the subscript).
    ///
    /// - Throws: `.undeclared` or `.declarationConflict` (another value type).
    public func value<V: FieldValue>(_ key: FieldKey<V>) throws -> V {
        try typed(slot(key.name).current, key)
    }

    /// The value written so far this tick (what `commit` will make current). Equals the current
    /// value for an immediate field.
    public func pending<V: FieldValue>(_ key: FieldKey<V>) throws -> V {
        let s = try slot(key.name)
        return try typed(s.policy.visibility == .immediate ? s.current : s.next, key)
    }

    /// Writes the next value of a field (the current value at once for an immediate field).
    ///
    /// - Throws: `.undeclared`, `.declarationConflict` (another value type), `.fieldShape` (another
    ///   grid or entity list than declared).
    public mutating func write<V: FieldValue>(_ key: FieldKey<V>, _ value: V) throws {
        try update(key) { $0 = value }
    }

    /// Changes the next value of a field in place (the current value for an immediate field) and
    /// returns what `body` returns. `body` starts from the values written so far this tick, or from
    /// the current values (`.keep`) or the initial value (`.reset`) if nobody wrote yet.
    ///
    /// - Throws: as `write(_:_:)`, or what `body` throws.
    @discardableResult
    public mutating func update<V: FieldValue, R>(_ key: FieldKey<V>, _ body: (inout V) throws -> R) throws -> R {
        guard let i = index[key.name] else { throw SimError(.undeclared, "no field \(key.name)") }
        let initial = slots[i].initial
        return try slots[i].withWriteBuffer { (v: inout V) in
            let r = try body(&v)
            if let why = initial.shapeMismatch(v.fieldData) {
                throw SimError(.fieldShape, "field \(key.name): \(why)")
            }
            return r
        }
    }

    // MARK: Engine side

    /// Starts a tick: reset-each-tick fields get their initial value in the writers' buffer.
    mutating func beginTick() {
        for i in slots.indices where slots[i].policy.eachTick == .reset {
            if slots[i].policy.visibility == .immediate { slots[i].current = slots[i].initial }
            else { slots[i].next = slots[i].initial }
        }
    }

    /// Ends a tick: the next values of double-buffered fields become current (one swap per field).
    mutating func commit() {
        for i in slots.indices where slots[i].policy.visibility == .nextTick {
            slots[i].current = slots[i].next  // shares storage; the next write copies
        }
    }

    /// Throws `.invariantViolated` at the first NaN in any field (internal checks).
    func checkFinite(at time: SimTime) throws {
        for s in slots {
            if let at = s.current.firstNaN() {
                throw SimError(.invariantViolated, "field \(s.name) has NaN at \(at)", time: time)
            }
        }
    }

    /// The current values of every field, sorted by name (for snapshots).
    var snapshot: [FieldSnapshot] {
        slots.map { FieldSnapshot(name: $0.name, policy: $0.policy, value: $0.current) }.sorted { $0.name < $1.name }
    }

    /// Restores current values from a snapshot onto the same declarations.
    mutating func restore(_ saved: [FieldSnapshot]) throws {
        let byName = Dictionary(saved.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        guard byName.count == slots.count, saved.count == slots.count else {
            throw SimError(.snapshotMismatch, "snapshot has fields [\(saved.map(\.name).sorted().joined(separator: ", "))], engine has [\(names.joined(separator: ", "))]")
        }
        for i in slots.indices {
            guard let f = byName[slots[i].name] else {
                throw SimError(.snapshotMismatch, "snapshot lacks field \(slots[i].name)")
            }
            guard f.policy == slots[i].policy else {
                throw SimError(.snapshotMismatch, "field \(f.name) is \(f.policy) in the snapshot, \(slots[i].policy) here")
            }
            if let why = slots[i].initial.shapeMismatch(f.value) {
                throw SimError(.snapshotMismatch, "field \(f.name): \(why)")
            }
        }
        for i in slots.indices {
            let v = byName[slots[i].name]!.value
            slots[i].current = v
            slots[i].next = v
        }
    }

    private func slot(_ name: String) throws -> Slot {
        guard let i = index[name] else { throw SimError(.undeclared, "no field \(name)") }
        return slots[i]
    }

    private func typed<V: FieldValue>(_ data: FieldData, _ key: FieldKey<V>) throws -> V {
        guard let v = V(fieldData: data) else {
            throw SimError(.declarationConflict, "field \(key.name) is a \(data.kind) field, not \(V.fieldKind)")
        }
        return v
    }
}

/// One field's current value in a snapshot.
public struct FieldSnapshot: Hashable, Codable, Sendable {
    public var name: String
    public var policy: FieldPolicy
    public var value: FieldData
}
