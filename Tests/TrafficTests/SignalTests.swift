@testable import Traffic
import CityIO
import CityModel
import Geometry
import Testing

/// Signal controllers and the YAML plan format.
@Suite struct SignalTests {
    /// Fixed time: the phase at t follows from (t − offset) mod cycle (SUMO semantics, checked with
    /// TraCI in the notes: offset 10 with 42/3/42/3 is in phase 2 at t = 0, switching at t = 7).
    @Test func fixedTimeOffset() {
        let p = NetSignalProgram(id: "B1", offset: 10, phases: [SignalPhase(duration: 42, state: "G"), SignalPhase(duration: 3, state: "y"),
                                                               SignalPhase(duration: 42, state: "r"), SignalPhase(duration: 3, state: "y")])
        let c = SignalController(program: p, mode: .fixedTime)
        #expect(c.fixedPhase(at: 0).0 == 2 && c.fixedPhase(at: 6.5).0 == 2 && c.fixedPhase(at: 7).0 == 3)
        let c50 = SignalController(program: NetSignalProgram(id: "x", offset: 50, phases: p.phases), mode: .fixedTime)
        #expect(c50.fixedPhase(at: 0).0 == 0 && c50.fixedPhase(at: 2).0 == 1)
    }

    /// Actuated: without vehicles a phase gaps out at its minimum; with a vehicle crossing the
    /// detector every 2 s (< max-gap 3 s) it runs to its maximum.
    @Test func actuatedGapOutAndMaxOut() throws {
        let phases = [SignalPhase(duration: 20, state: "G", minDuration: 5, maxDuration: 40), SignalPhase(duration: 3, state: "y"),
                      SignalPhase(duration: 20, state: "r")]
        var net = corridor(lengthIn: 400, lengthOut: 400, phases: phases)
        net.signalPrograms[0].type = .actuated
        let g = try RoadGraph(net)
        /// The length (s) of the first green that starts after `after` s.
        func greenLength(_ departs: [Double], after: Double) throws -> Double {
            var sim = try TrafficSimulation(graph: g, demand: demand(departs))
            var start = -1.0
            while sim.time < 600 {
                sim.step()
                let p = sim.signals[0].phase
                if start < 0, p == 0, sim.time > after, sim.signals[0].phaseStart == sim.time - 1 || sim.signals[0].phaseStart > after {
                    start = sim.signals[0].phaseStart
                }
                if start >= 0, p == 1 { return sim.signals[0].phaseStart - start }
            }
            return -1
        }
        let idle = try greenLength([], after: 0)
        #expect(idle >= 5 && idle <= 7, "gap-out at \(idle) s, min green 5 s")
        let busy = try greenLength((0..<300).map { Double($0) * 2 }, after: 60)
        #expect(abs(busy - 40) <= 1.5, "max-out at \(busy) s, max green 40 s")
    }

    static let plan = """
    signals:
      J:
        control: fixed_time
        cycle: 60
        offset: 5
        yellow: 3
        all_red: 2
        phases:
          - green: 25
            permissive: [in>out]
          - green: 25
            movements: []
    """

    @Test func planCompilesToPhases() throws {
        let net = try ImportTests.parseNet(ImportTests.net)
        let p = try SignalPlanReader.parse(Self.plan, file: "plan.yaml", network: net)
        let prog = try #require(p.programs.first)
        #expect(prog.phases.map(\.state) == ["g", "y", "r", "r", "r", "r"])
        #expect(prog.phases.map(\.duration) == [25, 3, 2, 25, 3, 2])
        #expect(prog.offset == 5 && prog.cycle == 60)
        #expect(p.apply(to: net.signalPrograms)[0].programID == "plan")
    }

    @Test func planRefusedWithLineAndKey() throws {
        let net = try ImportTests.parseNet(ImportTests.net)
        func refuse(_ text: String, _ code: ErrorCode, line: Int, key: String) {
            do {
                _ = try SignalPlanReader.parse(text, file: "plan.yaml", network: net)
                Issue.record("plan accepted, expected \(code.label)")
            } catch let e as InputError {
                report("plan error: \(e)")
                #expect(e.code == code && e.location?.line == line && e.location?.feature == key && e.location?.file == "plan.yaml", "\(e)")
            } catch { Issue.record("\(error)") }
        }
        // A phase list that leaves the movement in>out uncovered.
        let uncovered = Self.plan.replacingOccurrences(of: "permissive: [in>out]", with: "permissive: []")
        refuse(uncovered, .missingField, line: 2, key: "J.phases")
        refuse(Self.plan.replacingOccurrences(of: "cycle: 60", with: "cycle: 90"), .badValue, line: 4, key: "J.cycle")
        refuse(Self.plan.replacingOccurrences(of: "[in>out]", with: "[in>nowhere]"), .danglingReference, line: 10, key: "J.phases[0].permissive")
        refuse(Self.plan.replacingOccurrences(of: "offset: 5", with: "ofset: 5"), .unknownSection, line: 5, key: "J.ofset")
        refuse(Self.plan.replacingOccurrences(of: "  J:", with: "  K:"), .danglingReference, line: 2, key: "K")
    }

    /// Max-pressure keeps the green for a loaded approach and never lets a vehicle be lost.
    @Test func maxPressureServesTheQueue() throws {
        let phases = [SignalPhase(duration: 20, state: "G"), SignalPhase(duration: 3, state: "y"), SignalPhase(duration: 20, state: "r")]
        var opts = TrafficOptions()
        opts.defaultSignalMode = .maxPressure(minGreen: 5, maxGreen: 60)
        let g = try RoadGraph(corridor(phases: phases))
        var sim = try TrafficSimulation(graph: g, demand: demand((0..<60).map { Double($0) * 3 }), options: opts)
        sim.run(until: 600)
        sim.checkConservation()
        #expect(sim.counts.arrived == 60, "arrived \(sim.counts.arrived)")
    }
}
