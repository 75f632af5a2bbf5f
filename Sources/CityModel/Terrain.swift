import Geometry

/// The ground surface: a DEM of elevations in metres above the model's vertical datum, on a grid in
/// the model's CRS. Cells equal to the raster's `noData` are outside the modelled area.
public struct Terrain: Hashable, Sendable {
    public var elevation: Raster<Double>
    public init(elevation: Raster<Double>) { self.elevation = elevation }

    public var grid: GridSpec { elevation.grid }

    /// Elevation (m) at a map position, nil outside the grid or on no-data.
    public func elevation(at c: Coordinate) -> Double? { elevation.value(at: c) }

    /// Lowest and highest elevation over the data cells, nil when all are no-data.
    public var range: ClosedRange<Double>? {
        var lo = Double.infinity, hi = -Double.infinity
        for v in elevation.values where v != elevation.noData { lo = min(lo, v); hi = max(hi, v) }
        return lo <= hi ? lo...hi : nil
    }
}
