import Foundation
import Geometry

/// Analytical hillshading of a DEM: the cosine of the angle between each cell's surface normal and
/// the direction of a distant light, with the slope from Horn's 3×3 finite differences (Horn 1981,
/// "Hill shading and the reflectance map", Proc. IEEE 69(1)), as GDAL's and ArcGIS's hillshade
/// compute it (Burrough & McDonnell 1998, ch. 8).
public enum Hillshade {
    /// Illumination per cell, 0 (facing away from the light) … 1 (facing it), row 0 at the north.
    /// Flat ground gets sin(altitude). No-data cells get NaN; their neighbours use the centre
    /// cell's elevation in their place. O(cells).
    ///
    /// - Parameters:
    ///   - azimuth: direction the light comes from, degrees clockwise from grid north (315 = north-west,
    ///     the cartographic convention).
    ///   - altitude: the light's elevation above the horizon in degrees.
    ///   - exaggeration: vertical exaggeration (z-factor); flat city terrain reads better at 2–5.
    public static func compute(_ dem: Raster<Double>, azimuth: Double = 315, altitude: Double = 45,
                               exaggeration: Double = 1) -> [Double] {
        let w = dem.width, h = dem.height, cs = dem.grid.cellSize
        let az = azimuth * .pi / 180, alt = altitude * .pi / 180
        let lx = sin(az) * cos(alt), ly = cos(az) * cos(alt), lz = sin(alt)
        var out = [Double](repeating: .nan, count: w * h)
        let noData = dem.noData
        dem.values.withUnsafeBufferPointer { z in
            for r in 0..<h {
                for c in 0..<w {
                    let z0 = z[r * w + c]
                    if z0 == noData || !z0.isFinite { continue }
                    func at(_ dr: Int, _ dc: Int) -> Double {
                        let rr = min(max(r + dr, 0), h - 1), cc = min(max(c + dc, 0), w - 1)
                        let v = z[rr * w + cc]
                        return v == noData || !v.isFinite ? z0 : v
                    }
                    let a = at(-1, -1), b = at(-1, 0), cc = at(-1, 1)
                    let d = at(0, -1), f = at(0, 1)
                    let g = at(1, -1), hh = at(1, 0), i = at(1, 1)
                    // East and north gradients (row −1 is north).
                    let dzdx = ((cc + 2 * f + i) - (a + 2 * d + g)) / (8 * cs) * exaggeration
                    let dzdy = ((a + 2 * b + cc) - (g + 2 * hh + i)) / (8 * cs) * exaggeration
                    let n = (dzdx * dzdx + dzdy * dzdy + 1).squareRoot()
                    out[r * w + c] = max(0, (-dzdx * lx - dzdy * ly + lz) / n)
                }
            }
        }
        return out
    }
}
