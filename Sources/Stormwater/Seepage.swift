import CityModel
import Geometry
import Foundation

/// Seepage (exfiltration) from storage units into the native soil, as SWMM 5.2 computes it for the
/// `[STORAGE]` seepage parameters (Rossman 2017, *SWMM Reference Manual Vol. II*, §5.4).
///
/// - Green-Ampt form (suction head, saturated conductivity, initial moisture deficit): the bottom
///   (the unit's plan area at zero depth) infiltrates as a Green-Ampt surface (Green & Ampt 1911,
///   Mein & Larson 1973; the same state machine as the subcatchment infiltration) with the stored
///   water depth as ponded head; the banks (plan area at the current depth minus the bottom area)
///   infiltrate as a second Green-Ampt surface with half the depth as head.
/// - Constant form (SWMM 5.1 files: one seepage rate): rate × plan area at the current depth.
///
/// The loss is computed at the start of each routing step from the depth at that time and is never
/// more than the water stored at that time can supply over the step. Rates in ft/s, areas in ft²,
/// losses in cfs (internal units).
struct StorageSeepage: Sendable, Codable, Equatable {
    enum Kind: Sendable, Codable, Equatable {
        case greenAmpt(bottom: InfiltrationState.GreenAmpt, banks: InfiltrationState.GreenAmpt)
        /// Constant seepage rate (ft/s).
        case constant(Double)
    }
    var kind: Kind

    /// The seepage loss (cfs) of a storage unit holding `volume` (ft³) at `depth` (ft), with plan
    /// area `bottomArea` at zero depth and `area` at `depth`, over a step of `dt` seconds.
    mutating func loss(depth: Double, area: Double, bottomArea: Double, volume: Double, dt: Double) -> Double {
        var q: Double
        switch kind {
        case .constant(let rate):
            q = depth > 0 ? rate * area : 0
        case .greenAmpt(var bottom, var banks):
            q = bottom.rate(dt, 0, depth, 1) * bottomArea
            let bankArea = area - bottomArea
            if bankArea > 0 && depth > 0 {
                q += banks.rate(dt, 0, depth / 2, 1) * bankArea
            } else {
                _ = banks.rate(dt, 0, 0, 1)
            }
            kind = .greenAmpt(bottom: bottom, banks: banks)
        }
        return max(0, min(q, volume / dt))
    }
}

extension RoutingNetwork {
    /// Seepage of each node (nil for none), from the project's storage details in SI, converted
    /// to internal units (suction ft, conductivity ft/s).
    ///
    /// - Throws: `InputError` for a negative seepage parameter or a deficit above 1.
    static func storageSeepage(nodes: [DrainageNode], project: StormwaterProject, file: String) throws -> [StorageSeepage?] {
        let u = project.units
        return try nodes.map { n in
            guard n.kind == .storage, let d = project.storageDetails[n.id.rawValue],
                  let k = d.seepageConductivity, k > 0 else { return nil }
            let at = SourceLocation(file: file, feature: n.id.rawValue)
            guard let s = d.seepageSuction, let imd = d.seepageInitialDeficit else {
                return StorageSeepage(kind: .constant(u.toInternal(k, .rainfall)))
            }
            if s < 0 || imd < 0 || imd > 1 {
                throw InputError(.badValue, "storage unit \(n.id.rawValue): seepage suction must be ≥ 0 and the initial deficit within 0…1", at: at)
            }
            let g = InfiltrationState.GreenAmpt(suction: u.toInternal(s, .rainDepth), ks: u.toInternal(k, .rainfall), imdMax: imd, modified: true)
            return StorageSeepage(kind: .greenAmpt(bottom: g, banks: g))
        }
    }
}

extension FlowRouter {
    /// Computes this step's storage seepage from the depths at the start of the step into `losses`
    /// (cfs), which both routing methods remove with the node's outflow. Returns the total (cfs).
    mutating func computeStorageLosses(dt: Double) -> Double {
        guard !seepage.isEmpty else { return 0 }
        var total = 0.0
        for i in 0..<net.nodeCount {
            guard var s = seepage[i], let g = net.storage[i] else { continue }
            let y = newDepth[i]
            let q = s.loss(depth: y, area: g.area(y), bottomArea: g.area(0), volume: newVolume[i], dt: dt)
            seepage[i] = s
            losses[i] = q
            total += q
        }
        return total
    }
}
