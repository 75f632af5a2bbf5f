/// Coefficients of the manhole ↔ surface exchange (dual drainage).
///
/// The linking equations are the weir and orifice equations of the dual-drainage literature:
/// Chen, Djordjević, Leandro & Savić (2007), *The urban inundation model with bidirectional flow
/// interaction between 2D overland surface and 1D sewer networks*, NOVATECH; Leandro & Martins
/// (2016), *A methodology for linking 2D overland flow models with the sewer network model SWMM 5.1
/// based on dynamic link libraries*, Water Sci. Technol. 73(12); and the laboratory calibration of
/// Rubinato et al. (2017), *Experimental calibration and validation of sewer/surface flow exchange
/// equations in steady and unsteady flow conditions*, J. Hydrol. 552, which for a circular,
/// non-grated manhole found weir coefficients 0.49–0.59 and orifice coefficients 0.16–0.17 —
/// the defaults here are their central values.
public struct ExchangeCoefficients: Hashable, Codable, Sendable {
    /// Weir discharge coefficient C_w (dimensionless), used while the pipe head is below the
    /// surface (free inflow over the manhole rim).
    public var weir: Double
    /// Orifice discharge coefficient C_o (dimensionless), used while the pipe head is above the
    /// surface (drowned inflow, and surcharge onto the street).
    public var orifice: Double
    /// Under-relaxation factor α (0 < α ≤ 1) of the exchange flow between ticks:
    /// Q_k = Q_{k−1} + α·(Q_equation − Q_{k−1}), the damping that stops the flow from flipping sign
    /// every tick when the two water levels are close (1 = no damping).
    public var relaxation: Double
    /// Acceleration of gravity (m/s²).
    public var gravity: Double

    public init(weir: Double = 0.54, orifice: Double = 0.167, relaxation: Double = 0.5, gravity: Double = 9.81) {
        self.weir = weir; self.orifice = orifice; self.relaxation = relaxation; self.gravity = gravity
    }
}

/// How water passes a manhole at an instant.
public enum ExchangeRegime: String, Hashable, Codable, Sendable {
    /// No water on the surface and the pipe head below it, or the two levels equal.
    case none
    /// Surface water falls freely over the rim (pipe head below the surface): weir equation.
    case weir
    /// Surface water enters a drowned manhole or a deep pond at the rim: orifice equation.
    case orificeIn
    /// The pipe head stands above the water level on the surface: surcharge, orifice equation.
    case surcharge
}

/// One manhole or inlet that exchanges water with one surface cell.
///
/// The opening is circular with diameter φ: rim perimeter P = π·φ for the weir, area A = π·φ²/4 for
/// the orifice. The weir crest is the surface (the grid's bed at the cell).
public struct ManholeInlet: Hashable, Codable, Sendable {
    /// The drainage node (junction) it belongs to.
    public var node: String
    /// The flat index of the surface cell it sits in (row-major, row 0 north).
    public var cell: Int
    /// Diameter of the opening φ (m).
    public var diameter: Double
    /// Largest flow the inlet captures from the surface (m³/s, ≥ 0); nil for no limit. Surcharge out
    /// of the network is not limited by it.
    public var capacity: Double?

    public init(node: String, cell: Int, diameter: Double = 1.0, capacity: Double? = nil) {
        self.node = node; self.cell = cell; self.diameter = diameter; self.capacity = capacity
    }

    /// Rim perimeter P = π·φ (m).
    public var perimeter: Double { Double.pi * diameter }
    /// Opening area A = π·φ²/4 (m²).
    public var area: Double { Double.pi * diameter * diameter / 4 }
}

/// The linking equations, positive into the network (m³/s).
public enum ManholeExchange {
    /// The exchange flow from the levels, in m³/s (positive: surface → network; negative: surcharge
    /// network → surface), and the regime.
    ///
    /// With surface level H_s = z + h, pipe head H_p, g gravity:
    /// - H_p ≥ H_s and H_p > z (surcharge): Q = −C_o·A·√(2g(H_p − H_s));
    /// - H_p ≤ z (free inflow): Q = min(C_w·P·h·√(2gh), C_o·A·√(2gh)) — the weir for shallow water,
    ///   the orifice once the water is deeper than C_o·A/(C_w·P) (Chen et al. 2007's switch);
    /// - z < H_p < H_s (drowned inflow): Q = min(C_w·P·h·√(2gh), C_o·A·√(2g(H_s − H_p))).
    /// The three pieces meet continuously at H_p = z and at H_p = H_s (Q = 0).
    ///
    /// - Parameters:
    ///   - pipeHead: H_p, head in the node (m above the datum).
    ///   - surface: z, the ground (weir crest) at the manhole (m above the datum).
    ///   - depth: h ≥ 0, water depth on the surface cell (m).
    public static func flow(pipeHead: Double, surface: Double, depth: Double, inlet: ManholeInlet,
                            coefficients c: ExchangeCoefficients) -> (flow: Double, regime: ExchangeRegime) {
        let h = max(depth, 0), hs = surface + h, g2 = 2 * c.gravity
        if pipeHead >= hs && pipeHead > surface {
            if pipeHead == hs { return (0, .none) }
            return (-c.orifice * inlet.area * (g2 * (pipeHead - hs)).squareRoot(), .surcharge)
        }
        guard h > 0 else { return (0, .none) }
        let weir = c.weir * inlet.perimeter * h * (g2 * h).squareRoot()
        let head = pipeHead <= surface ? h : hs - pipeHead
        let orifice = c.orifice * inlet.area * (g2 * head).squareRoot()
        return weir <= orifice ? (weir, .weir) : (orifice, .orificeIn)
    }
}
