/// A conserved quantity the ledger counts: water volume, vehicles, a pollutant mass…
///
/// Identified by `name`; `unit` is for reports only (every account of a quantity is in that unit).
public struct Quantity: Hashable, Codable, Sendable, CustomStringConvertible {
    public var name: String
    /// The unit amounts of this quantity are booked in, e.g. `m³`.
    public var unit: String

    public init(_ name: String, unit: String) { self.name = name; self.unit = unit }

    /// Water volume, in cubic metres (m³).
    public static let water = Quantity("water", unit: "m³")
    /// Vehicles, counted (veh).
    public static let vehicles = Quantity("vehicles", unit: "veh")

    public var description: String { "\(name) [\(unit)]" }
}

/// The role of a ledger account.
public enum AccountKind: String, Codable, Sendable {
    /// A source: amounts enter the system from here (rain, inflow hydrographs, vehicles inserted).
    case inflow
    /// A sink: amounts leave the system here (outfalls, infiltration, evaporation, arrivals).
    case outflow
    /// A store inside the system (ponded water, pipe volume, vehicles on the network), with an
    /// initial and a current content.
    case storage
}

/// A handle on a ledger account, returned by `Ledger.open(_:_:of:initial:)`. Cheap to book with:
/// it caches the account's slot, and falls back to a lookup by name if the slot does not match
/// (after restoring a snapshot taken with processes opened in another order).
public struct AccountID: Hashable, Codable, Sendable, CustomStringConvertible {
    public let quantity: String
    public let name: String
    var slot: Int

    public var description: String { "\(quantity)/\(name)" }
}

/// Bookkeeping of conserved quantities, accumulated in `Double`.
///
/// Each quantity has named accounts: inflows (sources), outflows (sinks) and stores. A process
/// **books** each transfer from one account to another (`book(_:from:to:)`): the source's `sent` and
/// the destination's `received` grow by the amount. A store's `current` content follows its
/// bookings, and a process that keeps its own state **measures** it (`setStored(_:in:)`), so any
/// numerical loss or gain shows up as a balance error (SWMM's continuity error, `massbal.c`):
///
///     In  = Σ supplied by inflows + Σ initial stored
///     Out = Σ removed by outflows + Σ current stored
///     balanceError = In − Out            (positive: the quantity was lost)
///     relativeError = balanceError / In  (0 when In = 0)
///
/// The engine checks after every tick (internal checks builds) that |balanceError| ≤
/// `tolerance.absolute + tolerance.relative × In` for every quantity.
public struct Ledger: Hashable, Codable, Sendable {
    /// One account: its role and cumulative amounts, all in the quantity's unit.
    public struct Account: Hashable, Codable, Sendable {
        public var name: String
        public var quantity: String
        public var kind: AccountKind
        /// Content at the start of the run (stores; 0 for inflows and outflows).
        public var initial: Double
        /// Content now (stores; for inflows and outflows, `initial + received − sent`).
        public var current: Double
        /// Cumulative amount booked into this account.
        public var received: Double
        /// Cumulative amount booked out of this account.
        public var sent: Double

        /// The store's own balance error: `initial + received − sent − current` (0 for a store
        /// nobody measures).
        public var error: Double { initial + received - sent - current }
    }

    /// How far a quantity's balance may drift before an internal check fails:
    /// |error| ≤ `absolute + relative × In`.
    public struct Tolerance: Hashable, Codable, Sendable {
        /// In the quantity's unit.
        public var absolute: Double
        /// A fraction of the volume in (dimensionless).
        public var relative: Double
        public init(absolute: Double, relative: Double) { self.absolute = absolute; self.relative = relative }
        /// 10⁻⁶ units plus 10⁻⁹ of the volume in: only round-off passes.
        public static let roundOff = Tolerance(absolute: 1e-6, relative: 1e-9)
    }

    /// The totals of one quantity.
    public struct Balance: Hashable, Codable, Sendable {
        public var quantity: Quantity
        /// Σ net amounts supplied by inflow accounts.
        public var inflow: Double
        /// Σ net amounts removed by outflow accounts.
        public var outflow: Double
        public var storedInitial: Double
        public var storedCurrent: Double
        /// `inflow + storedInitial`, the "volume in".
        public var volumeIn: Double { inflow + storedInitial }
        /// `volumeIn − outflow − storedCurrent`, in the quantity's unit; positive when lost.
        public var absoluteError: Double { volumeIn - (outflow + storedCurrent) }
        /// `absoluteError / volumeIn` (dimensionless), 0 when nothing came in.
        public var relativeError: Double { volumeIn != 0 ? absoluteError / volumeIn : 0 }
    }

    public private(set) var accounts: [Account] = []
    var quantities: [Quantity] = []
    var tolerances: [String: Tolerance] = [:]
    var index: [String: [String: Int]] = [:]  // quantity → account name → slot

    public init() {}

    /// Opens an account, or returns the existing one if an account of that name and kind already
    /// exists for the quantity (two processes may share an account).
    ///
    /// - Parameters:
    ///   - initial: the initial content of a store, in the quantity's unit (ignored otherwise).
    /// - Throws: `SimError` `.declarationConflict` if the name exists with another kind, or the
    ///   quantity was registered with another unit.
    @discardableResult
    public mutating func open(_ name: String, _ kind: AccountKind, of quantity: Quantity,
                              initial: Double = 0) throws -> AccountID {
        try register(quantity)
        if let slot = index[quantity.name]?[name] {
            guard accounts[slot].kind == kind else {
                throw SimError(.declarationConflict, "ledger account \(quantity.name)/\(name) exists as \(accounts[slot].kind), not \(kind)")
            }
            return AccountID(quantity: quantity.name, name: name, slot: slot)
        }
        let start = kind == .storage ? initial : 0
        accounts.append(Account(name: name, quantity: quantity.name, kind: kind, initial: start,
                                current: start, received: 0, sent: 0))
        index[quantity.name, default: [:]][name] = accounts.count - 1
        return AccountID(quantity: quantity.name, name: name, slot: accounts.count - 1)
    }

    /// Registers a quantity (done by `open` too) and optionally sets its tolerance
    /// (default `.roundOff`).
    public mutating func register(_ quantity: Quantity, tolerance: Tolerance? = nil) throws {
        if let known = quantities.first(where: { $0.name == quantity.name }) {
            guard known.unit == quantity.unit else {
                throw SimError(.declarationConflict, "quantity \(quantity.name) is in \(known.unit), not \(quantity.unit)")
            }
        } else {
            quantities.append(quantity)
            tolerances[quantity.name] = .roundOff
        }
        if let tolerance { tolerances[quantity.name] = tolerance }
    }

    /// The account named `name` of a quantity, if open.
    public func account(_ name: String, of quantity: Quantity) -> AccountID? {
        index[quantity.name]?[name].map { AccountID(quantity: quantity.name, name: name, slot: $0) }
    }

    /// The state of an account.
    public subscript(id: AccountID) -> Account { accounts[resolve(id)] }

    /// Books `amount` (in the quantity's unit; negative moves the other way) from one account to
    /// another of the same quantity: `from.sent` and `to.received` grow by `amount`, and the
    /// stores' current contents follow.
    ///
    /// A non-finite amount is not trapped here: it makes the balance error NaN, which the engine's
    /// internal checks report after the tick.
    ///
    /// - Precondition: both accounts belong to the same quantity.
    public mutating func book(_ amount: Double, from: AccountID, to: AccountID) {
        precondition(from.quantity == to.quantity, "Ledger: booking between \(from) and \(to)")
        let a = resolve(from), b = resolve(to)
        accounts[a].sent += amount
        accounts[a].current -= amount
        accounts[b].received += amount
        accounts[b].current += amount
    }

    /// Records the measured content of a store (from the owning process's state), in the
    /// quantity's unit. The difference from the booked content becomes that store's error.
    public mutating func setStored(_ amount: Double, in id: AccountID) {
        accounts[resolve(id)].current = amount
    }

    /// Sets a store's initial content (and current content) — for processes that learn their
    /// initial state after opening the account. Call before the first tick.
    public mutating func setInitial(_ amount: Double, in id: AccountID) {
        let s = resolve(id)
        accounts[s].initial = amount
        accounts[s].current = amount + accounts[s].received - accounts[s].sent
    }

    /// The totals and balance error of a quantity.
    public func balance(of quantity: Quantity) -> Balance {
        var b = Balance(quantity: quantity, inflow: 0, outflow: 0, storedInitial: 0, storedCurrent: 0)
        for a in accounts where a.quantity == quantity.name {
            switch a.kind {
            case .inflow: b.inflow += a.sent - a.received
            case .outflow: b.outflow += a.received - a.sent
            case .storage: b.storedInitial += a.initial; b.storedCurrent += a.current
            }
        }
        return b
    }

    /// The quantities with at least one account, in registration order.
    public var registeredQuantities: [Quantity] { quantities }

    /// The drift tolerance of a quantity.
    public func tolerance(of quantity: Quantity) -> Tolerance { tolerances[quantity.name] ?? .roundOff }

    /// Throws `.invariantViolated` if a quantity's balance error exceeds its tolerance.
    public func checkBalance(at time: SimTime) throws {
        for q in quantities {
            let b = balance(of: q), tol = tolerance(of: q)
            let allowed = tol.absolute + tol.relative * abs(b.volumeIn)
            guard abs(b.absoluteError) <= allowed else {
                throw SimError(.invariantViolated, "ledger: \(q.name) balance error \(b.absoluteError) \(q.unit) exceeds \(allowed) \(q.unit)", time: time)
            }
        }
    }

    /// A report of every quantity, for printing or serialising.
    public func report(at time: SimTime) -> LedgerReport {
        LedgerReport(time: time, quantities: quantities.map { q in
            let b = balance(of: q)
            return LedgerReport.QuantityReport(
                quantity: q, accounts: accounts.filter { $0.quantity == q.name },
                inflow: b.inflow, outflow: b.outflow, storedInitial: b.storedInitial, storedCurrent: b.storedCurrent,
                absoluteError: b.absoluteError, relativeError: b.relativeError)
        })
    }

    func resolve(_ id: AccountID) -> Int {
        if id.slot < accounts.count, accounts[id.slot].name == id.name, accounts[id.slot].quantity == id.quantity {
            return id.slot
        }
        guard let s = index[id.quantity]?[id.name] else { preconditionFailure("Ledger: no account \(id)") }
        return s
    }

    enum CodingKeys: String, CodingKey { case accounts, quantities, tolerances }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accounts = try c.decode([Account].self, forKey: .accounts)
        quantities = try c.decode([Quantity].self, forKey: .quantities)
        tolerances = try c.decode([String: Tolerance].self, forKey: .tolerances)
        for (i, a) in accounts.enumerated() { index[a.quantity, default: [:]][a.name] = i }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(accounts, forKey: .accounts)
        try c.encode(quantities, forKey: .quantities)
        try c.encode(tolerances, forKey: .tolerances)
    }
}

/// The ledger at a point in time, per quantity: every account and the balance error. `Codable` for
/// the CLI's JSON output; `description` is a plain-text table.
public struct LedgerReport: Hashable, Codable, Sendable, CustomStringConvertible {
    public struct QuantityReport: Hashable, Codable, Sendable {
        public var quantity: Quantity
        public var accounts: [Ledger.Account]
        public var inflow: Double
        public var outflow: Double
        public var storedInitial: Double
        public var storedCurrent: Double
        /// In − Out, in the quantity's unit (positive: lost).
        public var absoluteError: Double
        /// (In − Out) / In, dimensionless.
        public var relativeError: Double
    }

    public var time: SimTime
    public var quantities: [QuantityReport]

    public var description: String {
        var lines = ["Ledger at \(time)"]
        for q in quantities {
            lines.append("  \(q.quantity)")
            for a in q.accounts {
                switch a.kind {
                case .inflow: lines.append("    in      \(a.name): \(fmt(a.sent - a.received))")
                case .outflow: lines.append("    out     \(a.name): \(fmt(a.received - a.sent))")
                case .storage: lines.append("    stored  \(a.name): \(fmt(a.initial)) → \(fmt(a.current))")
                }
            }
            lines.append("    balance error: \(fmt(q.absoluteError)) \(q.quantity.unit) (\(fmt(q.relativeError * 100)) %)")
        }
        return lines.joined(separator: "\n")
    }

    private func fmt(_ v: Double) -> String { "\(v)" }
}
