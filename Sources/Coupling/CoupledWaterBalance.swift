import Foundation
import SimCore

/// The water balance of a coupled run across runoff, pipes, surface and the exchange (m³).
///
/// Each process books its own side in the engine's ledger: the pipes count water captured from the
/// surface among "stormwater inflows", the surface counts it in "flood exchange out" (and surcharge
/// in "flood exchange in"). Seen from the whole city those are internal transfers, so this balance
/// takes them out of the inflows and outflows and keeps only what enters from outside (rain,
/// hydrographs, initial water) and what leaves (outfalls, open edges, infiltration, evaporation,
/// SWMM flooding at uncoupled nodes), plus what is stored. The pipes' own continuity error
/// (the "stormwater continuity error" account) and any exchange debt are errors here, not outflows:
///
///     In    = external inflows + initial stores
///     Out   = external outflows + current stores
///     error = In − Out   (positive: water was lost)
public struct CoupledWaterBalance: Hashable, Codable, Sendable, CustomStringConvertible {
    /// Rain, hydrographs and other inflows from outside the city's water system (m³).
    public var externalInflow: Double
    /// Water at the start on the surface and in the network (m³).
    public var initialStorage: Double
    /// Outfalls, open edges, infiltration and evaporation, flooding lost at uncoupled nodes (m³).
    public var externalOutflow: Double
    /// Water on the surface, on subcatchments and in the network now (m³).
    public var finalStorage: Double
    /// Net volume the pipes received through the coupled inlets (m³; negative: net surcharge).
    public var exchangeToNetwork: Double
    /// Net volume the surface gave up at the coupled inlets (m³).
    public var exchangeFromSurface: Double
    /// Surcharge volume onto the surface and drained volume into the network (m³, both ≥ 0).
    public var surcharged: Double, drained: Double
    /// The part of ``error`` that is the pipe scheme's own continuity error (SWMM's flow routing
    /// and runoff continuity errors, m³, positive: lost); the rest is the surface scheme's and the
    /// exchange's.
    public var pipeSchemeError: Double

    /// In = external inflow + initial storage (m³).
    public var volumeIn: Double { externalInflow + initialStorage }
    /// In − Out (m³; positive: lost).
    public var error: Double { volumeIn - externalOutflow - finalStorage }
    /// error / In (0 when nothing came in).
    public var relativeError: Double { volumeIn > 0 ? error / volumeIn : 0 }

    /// The balance from the engine's ledger and the coupler's exchange totals.
    public init(ledger: Ledger, exchange: DualDrainageProcess) {
        let b = ledger.balance(of: .water)
        func flowOf(_ name: String) -> Double {
            guard let id = ledger.account(name, of: .water) else { return 0 }
            let a = ledger[id]
            switch a.kind {
            case .inflow: return a.sent - a.received
            case .outflow: return a.received - a.sent
            case .storage: return 0
            }
        }
        exchangeToNetwork = exchange.toNetwork.reduce(0, +)
        exchangeFromSurface = exchange.fromSurface.reduce(0, +)
        surcharged = exchange.surcharged.reduce(0, +)
        drained = exchange.drained.reduce(0, +)
        let floodIn = flowOf("flood exchange in"), floodOut = flowOf("flood exchange out")
        externalInflow = b.inflow - exchangeToNetwork - floodIn
        pipeSchemeError = flowOf("stormwater continuity error")
        externalOutflow = b.outflow - floodOut - pipeSchemeError
        initialStorage = b.storedInitial
        finalStorage = b.storedCurrent
    }

    public var description: String {
        func f(_ x: Double) -> String { String(format: "%14.3f", x) }
        return """
        coupled water balance (m³)
          external inflow   \(f(externalInflow))
          initial storage   \(f(initialStorage))
          external outflow  \(f(externalOutflow))
          final storage     \(f(finalStorage))
          exchange: pipes received \(f(exchangeToNetwork)), surface gave \(f(exchangeFromSurface))
                    surcharged \(f(surcharged)), drained \(f(drained))
          error             \(f(error))  (\(String(format: "%.4f", relativeError * 100)) % of in)
            of which pipes  \(f(pipeSchemeError))
        """
    }
}
