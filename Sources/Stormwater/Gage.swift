import CityModel

/// The state of one rain gage through a simulation, as SWMM 5.2 reads a gage record: each non-zero
/// value holds for the gage's recording interval after its time, then rainfall is zero until the
/// next non-zero value. Volumes and cumulative depths are turned into intensities over the interval.
///
/// Times are seconds from the simulation start; rainfall is in SWMM's internal ft/s.
struct RainGageState: Sendable, Codable {
    /// Times (s) and intensities (ft/s) of the non-zero records, in order.
    private(set) var times: [Double] = []
    private(set) var rates: [Double] = []
    let interval: Double
    /// Index of the current record (its interval is [times[k], times[k] + interval)); -1 before the first.
    private var k = -1
    /// Current rainfall (ft/s).
    private(set) var rainfall = 0.0

    /// Builds the record of `gage` from the project's series. `rainfallToInternal` converts mm/h to ft/s.
    init(gage: RainGage, project: StormwaterProject, units: SWMMUnits) throws {
        interval = gage.interval
        let name: String
        switch gage.source {
        case .timeSeries(let n): name = n
        case .file: name = "RAINFILE:" + gage.id   // the reader loads the file as this series
        }
        guard let ts = project.timeSeries(named: name) else {
            throw SimulationInputError("rain gage \(gage.id): time series \(name) is missing")
        }
        // Intensity in the file's unit → mm/h → ft/s (via SWMM's factor).
        let toMMh = gage.toSI
        var accum = 0.0
        for (t, v) in zip(ts.times, ts.values) {
            var r: Double
            switch gage.format {
            case .intensity: r = v
            case .volume: r = v / gage.interval * 3600
            case .cumulative:
                r = (v < accum ? v : v - accum) / gage.interval * 3600
                accum = v
            }
            r *= toMMh
            if r == 0 { continue }
            times.append(t)
            rates.append(units.toInternal(r, .rainfall))
        }
    }

    /// Sets the rainfall for the step that starts at `t` (s). SWMM evaluates the record one second
    /// after the step's start, so a record that starts exactly at `t` applies to the step.
    mutating func setState(at t: Double) {
        let tt = t + 1
        while k + 1 < times.count && times[k + 1] <= tt { k += 1 }
        if k >= 0 && tt < times[k] + interval { rainfall = rates[k] } else { rainfall = 0 }
    }

    /// The next time after `t` at which the rainfall changes (start or end of a record), or nil.
    func nextChange(after t: Double) -> Double? {
        let tt = t + 1
        if k >= 0 && tt < times[k] + interval { return times[k] + interval }
        if k + 1 < times.count { return times[k + 1] }
        return nil
    }
}

/// An input that the stormwater engine cannot simulate, found when building a simulation.
public struct SimulationInputError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
