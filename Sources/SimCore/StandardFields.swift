import Geometry

// The fields the architecture's processes meet through. A process that owns one declares it in
// `prepare` (with its grid or entity list); the others use the same key, so the name, kind and
// policy agree by construction. Units are SI; signs are stated per field.

extension FieldKey where Value == Raster<Float> {
    /// Rain intensity on the surface grid, in metres per second (m/s, ≥ 0; 1 mm/h ≈ 2.78 × 10⁻⁷ m/s).
    /// Written by forcing, read by runoff and the surface flood in the **same** tick, so immediate
    /// and reset every tick (no writer means no rain).
    public static var rainRate: FieldKey<Raster<Float>> { FieldKey("rain.rate", policy: .immediateFlux) }

    /// Water depth on the surface grid, in metres (m, ≥ 0), owned by the surface flood.
    public static var surfaceDepth: FieldKey<Raster<Float>> { FieldKey("surface.depth", policy: .state) }
}

extension FieldKey where Value == EntityVector {
    /// Hydraulic head at drainage nodes, in metres above the model datum (m), owned by pipe routing.
    public static var nodeHead: FieldKey<EntityVector> { FieldKey("network.nodeHead", policy: .state) }

    /// Lateral inflow into drainage nodes, in cubic metres per second (m³/s, positive into the
    /// network): runoff and inlets add to it every tick, pipe routing reads it the next tick.
    public static var nodeInflow: FieldKey<EntityVector> { FieldKey("network.lateralInflow", policy: .flux) }

    /// Flow out of drainage nodes onto the surface (manhole surcharge), in cubic metres per second
    /// (m³/s, positive out of the network), written by the network-to-surface coupler.
    public static var nodeOverflow: FieldKey<EntityVector> { FieldKey("network.overflow", policy: .flux) }

    /// Water added to single surface cells by a coupler (dual drainage), in cubic metres per second
    /// (m³/s, positive onto the surface, negative drained from it). Entity IDs are the flat cell
    /// indices of the flood grid in decimal (row-major, row 0 north). Written by the coupler and
    /// applied by the surface flood in the **same** tick (rate × tick length, at the tick's start).
    public static var surfaceExchange: FieldKey<EntityVector> { FieldKey("surface.exchange", policy: .immediateFlux) }

    /// Road impedance per road edge as a speed factor (dimensionless, 1 free flow, 0 closed),
    /// written by the flood-to-roads coupler, read by traffic.
    public static var roadSpeedFactor: FieldKey<EntityVector> { FieldKey("roads.speedFactor", policy: .state) }
}
