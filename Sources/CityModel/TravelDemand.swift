/// Travel demand for a microscopic traffic model: vehicle types and the vehicles that depart, each
/// with a route (a list of edge IDs) or an origin and destination edge to be routed. `CityIO` reads
/// it from SUMO `.rou.xml` files; origin–destination matrices expand into the same trips.
/// Times in seconds from the start of the run, speeds in m/s, lengths in m, accelerations in m/s².
public struct TravelDemand: Hashable, Sendable {
    public var vehicleTypes: [VehicleTypeSpec] = []
    /// Departures sorted by `depart` (stable for equal times, in file order).
    public var trips: [TripSpec] = []
    public var source: String?

    public init() {}
}

/// A random distribution of a per-vehicle factor, as SUMO writes it (`normc(mean,dev,min,max)` or a
/// plain number).
public struct FactorDistribution: Hashable, Sendable {
    public var mean: Double
    public var deviation: Double
    public var min: Double
    public var max: Double

    public init(mean: Double, deviation: Double = 0, min: Double = 0, max: Double = .infinity) {
        self.mean = mean; self.deviation = deviation; self.min = min; self.max = max
    }
}

/// The car-following model a vehicle type asks for.
public enum CarFollowModelKind: String, Hashable, Codable, Sendable {
    /// Krauß (1998), SUMO's default variant.
    case krauss = "Krauss"
    /// Intelligent Driver Model (Treiber, Hennecke & Helbing 2000).
    case idm = "IDM"
}

/// A vehicle type (SUMO `<vType>`); defaults are SUMO's passenger car (`DEFAULT_VEHTYPE`).
public struct VehicleTypeSpec: Hashable, Sendable {
    public var id: String
    public var vClass = "passenger"
    public var carFollowModel = CarFollowModelKind.krauss
    /// Maximum acceleration (m/s²).
    public var accel = 2.6
    /// Comfortable deceleration (m/s², positive).
    public var decel = 4.5
    /// Largest physically possible deceleration (m/s², positive).
    public var emergencyDecel = 9.0
    /// Krauß driver imperfection (dawdling) in [0, 1].
    public var sigma = 0.5
    /// Desired time headway (s).
    public var tau = 1.0
    /// Vehicle length (m).
    public var length = 5.0
    /// Gap kept to the leader when standing (m).
    public var minGap = 2.5
    /// Maximum speed (m/s).
    public var maxSpeed = 55.56
    /// Multiplier of lane speed limits, drawn once per vehicle.
    public var speedFactor = FactorDistribution(mean: 1, deviation: 0.1, min: 0.2, max: 2)
    /// IDM acceleration exponent δ.
    public var idmDelta = 4.0
    public var line = 0

    public init(id: String) { self.id = id }
}

/// Where on the first edge a vehicle departs (SUMO `departLane`).
public enum DepartLane: Hashable, Sendable {
    case index(Int), first, best, free, random, allowed
}

/// How fast a vehicle departs (SUMO `departSpeed`).
public enum DepartSpeed: Hashable, Sendable {
    case value(Double), max, desired, speedLimit, random
}

/// One departing vehicle.
public struct TripSpec: Hashable, Sendable {
    public var id: String
    public var type: String
    /// Departure time (s).
    public var depart: Double
    /// The edges to drive, in order; empty when the trip is to be routed from `from` to `to`.
    public var route: [String]
    public var from: String?
    public var to: String?
    public var departLane: DepartLane
    public var departSpeed: DepartSpeed
    /// Departure position of the front (m) from the lane start; nil is SUMO's `base` (the vehicle's
    /// back at the lane start).
    public var departPos: Double?
    public var line: Int

    public init(id: String, type: String, depart: Double, route: [String], from: String? = nil, to: String? = nil,
                departLane: DepartLane = .first, departSpeed: DepartSpeed = .value(0), departPos: Double? = nil,
                line: Int = 0) {
        self.id = id; self.type = type; self.depart = depart; self.route = route; self.from = from; self.to = to
        self.departLane = departLane; self.departSpeed = departSpeed; self.departPos = departPos; self.line = line
    }
}

/// An origin–destination matrix: vehicles per interval between origin and destination edges,
/// departing uniformly over [begin, end).
public struct ODMatrix: Hashable, Sendable {
    public struct Cell: Hashable, Sendable {
        public var from: String, to: String, vehicles: Int
        /// Line of the cell in its file (0 when built in code), for error messages.
        public var line: Int
        public init(from: String, to: String, vehicles: Int, line: Int = 0) {
            self.from = from; self.to = to; self.vehicles = vehicles; self.line = line
        }
    }
    public var begin: Double
    public var end: Double
    public var type: String
    public var cells: [Cell]

    public init(begin: Double, end: Double, type: String, cells: [Cell]) {
        self.begin = begin; self.end = end; self.type = type; self.cells = cells
    }

    /// The trips of the matrix, evenly spaced in each cell, sorted by departure (ties by cell order).
    public func trips(idPrefix: String = "od") -> [TripSpec] {
        var out: [TripSpec] = []
        for (ci, c) in cells.enumerated() where c.vehicles > 0 {
            let h = (end - begin) / Double(c.vehicles)
            for k in 0..<c.vehicles {
                out.append(TripSpec(id: "\(idPrefix)\(ci).\(k)", type: type, depart: begin + Double(k) * h, route: [],
                                    from: c.from, to: c.to, departLane: .best))
            }
        }
        return out.enumerated().sorted { ($0.element.depart, $0.offset) < ($1.element.depart, $1.offset) }.map(\.element)
    }
}
