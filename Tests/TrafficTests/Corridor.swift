@testable import Traffic
import CityModel

/// A one-lane corridor in → junction J → out, built in code: `in` is `lengthIn` m long, the
/// junction path 10 m, `out` `lengthOut` m; speed limit 13.89 m/s. With `phases`, J is a signal
/// with one movement (signal index 0); otherwise a priority junction.
func corridor(lengthIn: Double = 500, lengthOut: Double = 500, speed: Double = 13.89, phases: [SignalPhase]? = nil) -> LaneNetwork {
    var n = LaneNetwork()
    n.source = "corridor"
    n.edges = [
        NetEdge(id: "in", from: "A", to: "J", lanes: [NetLane(id: "in_0", index: 0, speed: speed, length: lengthIn)]),
        NetEdge(id: ":J_0", from: nil, to: nil, function: .internal, lanes: [NetLane(id: ":J_0_0", index: 0, speed: speed, length: 10)]),
        NetEdge(id: "out", from: "J", to: "B", lanes: [NetLane(id: "out_0", index: 0, speed: speed, length: lengthOut)]),
    ]
    let signal = phases != nil
    n.junctions = [
        NetJunction(id: "A", type: .deadEnd, x: 0, y: 0),
        NetJunction(id: "J", type: signal ? .trafficLight : .priority, x: lengthIn, y: 0, incLanes: ["in_0"], intLanes: [":J_0_0"],
                    requests: [NetRequest(index: 0, response: [false], foes: [false], cont: false)]),
        NetJunction(id: "B", type: .deadEnd, x: lengthIn + 10 + lengthOut, y: 0),
    ]
    n.connections = [
        NetConnection(from: "in", to: "out", fromLane: 0, toLane: 0, via: ":J_0_0", tl: signal ? "J" : nil, linkIndex: signal ? 0 : nil,
                      direction: .straight, state: signal ? "O" : "M"),
        NetConnection(from: ":J_0", to: "out", fromLane: 0, toLane: 0, direction: .straight, state: "M"),
    ]
    if let phases { n.signalPrograms = [NetSignalProgram(id: "J", phases: phases)] }
    return n
}

/// A deterministic passenger car: SUMO's defaults with sigma 0 and speed factor exactly 1.
func deterministicCar(sigma: Double = 0) -> VehicleTypeSpec {
    var t = VehicleTypeSpec(id: "car")
    t.sigma = sigma
    t.speedFactor = FactorDistribution(mean: 1, deviation: 0, min: 1, max: 1)
    return t
}

func demand(_ departs: [Double], type: VehicleTypeSpec = deterministicCar(), route: [String] = ["in", "out"]) -> TravelDemand {
    var d = TravelDemand()
    d.vehicleTypes = [type]
    d.trips = departs.enumerated().map { TripSpec(id: "v\($0.offset)", type: type.id, depart: $0.element, route: route) }
    return d
}
