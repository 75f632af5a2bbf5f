import CityModel

/// How a signal controller picks its phases.
public enum SignalControlMode: Sendable, Hashable {
    /// Phases in order with their durations; the phase at time t follows from (t − offset) mod cycle.
    case fixedTime
    /// SUMO's `actuated` semantics: a phase with `minDur < maxDur` lasts at least `minDur` and ends
    /// when no vehicle has crossed the detectors of its green lanes for `maxGap` s (gap-out), or at
    /// `maxDur`. Detectors sit `detectorGap` s of travel at the lane speed upstream of the stop line.
    case actuated(maxGap: Double, detectorGap: Double)
    /// Max-pressure control (Varaiya, "Max pressure control of a network of signalized
    /// intersections", Transp. Res. C 36, 2013): after `minGreen` s of green, switch (through the
    /// program's transition phases) to the green phase with the largest pressure Σ (vehicles on the
    /// incoming lane − vehicles on the outgoing lane) over its green links, or stay; at most `maxGreen`.
    case maxPressure(minGreen: Double, maxGreen: Double)
}

extension SignalControlMode {
    /// The mode that runs a signal plan's control kind (actuated detectors 2 s of travel upstream).
    public init(_ control: SignalPlan.Control) {
        switch control {
        case .fixedTime: self = .fixedTime
        case .actuated(let gap): self = .actuated(maxGap: gap, detectorGap: 2)
        case .maxPressure(let minG, let maxG): self = .maxPressure(minGreen: minG, maxGreen: maxG)
        }
    }
}

/// One signal controller: a program and the state of its phase clock. Times in seconds.
struct SignalController: Sendable {
    var id: String
    var mode: SignalControlMode
    var offset: Double
    var durations: [Double]
    var minDur: [Double]
    var maxDur: [Double]
    var states: [[UInt8]]
    /// Whether a phase is a green phase (has G/g and no yellow).
    var isGreen: [Bool]
    var phase = 0
    var phaseStart = 0.0
    /// For max-pressure: the green phase chosen to follow the current transition.
    var target = -1
    var switches = 0

    init(program: NetSignalProgram, mode: SignalControlMode) {
        id = program.id
        self.mode = mode
        offset = program.offset
        durations = program.phases.map(\.duration)
        minDur = program.phases.map { $0.minDuration ?? $0.duration }
        maxDur = program.phases.map { $0.maxDuration ?? $0.duration }
        states = program.phases.map { Array($0.state.utf8) }
        isGreen = states.map { s in s.contains(UInt8(ascii: "G")) || s.contains(UInt8(ascii: "g")) ? !s.contains(UInt8(ascii: "y")) : false }
        if case .fixedTime = mode { phase = fixedPhase(at: 0).0 }
    }

    var cycle: Double { durations.reduce(0, +) }

    /// The fixed-time phase at `t` and the time already spent in it.
    func fixedPhase(at t: Double) -> (Int, Double) {
        let c = cycle
        var x = (t - offset).truncatingRemainder(dividingBy: c)
        if x < 0 { x += c }
        for (i, d) in durations.enumerated() {
            if x < d - 1e-9 { return (i, x) }
            x -= d
        }
        return (durations.count - 1, 0)
    }

    /// Advances the controller to time `t` (s). `detectorIdle(phase)` is the time (s) since a vehicle
    /// last crossed a detector on a lane that phase serves; `pressure(phase)` its max-pressure weight.
    mutating func update(at t: Double, detectorIdle: (Int) -> Double, pressure: (Int) -> Double) {
        switch mode {
        case .fixedTime:
            let p = fixedPhase(at: t).0
            if p != phase { phase = p; phaseStart = t; switches += 1 }
        case .actuated(let maxGap, _):
            let elapsed = t - phaseStart
            let actuatedPhase = minDur[phase] < maxDur[phase]
            var end = false
            if actuatedPhase {
                if elapsed >= maxDur[phase] - 1e-9 { end = true }
                else if elapsed >= minDur[phase] - 1e-9, detectorIdle(phase) >= maxGap { end = true }
            } else if elapsed >= durations[phase] - 1e-9 { end = true }
            if end { phase = (phase + 1) % durations.count; phaseStart = t; switches += 1 }
        case .maxPressure(let minGreen, let maxGreen):
            let elapsed = t - phaseStart
            if isGreen[phase] {
                guard elapsed >= minGreen - 1e-9 else { return }
                var best = phase, bestP = pressure(phase)
                for p in 0..<durations.count where isGreen[p] && p != phase {
                    let w = pressure(p)
                    if w > bestP + 1e-9 { best = p; bestP = w }
                }
                if best == phase && elapsed < maxGreen - 1e-9 { return }
                if best == phase {                              // max green reached: next green in order
                    var q = (phase + 1) % durations.count
                    while !isGreen[q] { q = (q + 1) % durations.count }
                    best = q
                    if best == phase { return }
                }
                target = best
                let nx = (phase + 1) % durations.count
                phase = isGreen[nx] ? best : nx
                phaseStart = t; switches += 1
            } else if elapsed >= durations[phase] - 1e-9 {
                let nx = (phase + 1) % durations.count
                phase = (isGreen[nx] && target >= 0) ? target : nx
                if isGreen[phase] { target = -1 }
                phaseStart = t; switches += 1
            }
        }
    }

    var currentState: [UInt8] { states[phase] }
}
