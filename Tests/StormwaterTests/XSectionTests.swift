import Foundation
import Testing
@testable import Stormwater

/// Cross-section geometry against closed forms.
@Suite struct XSectionTests {
    @Test func circleAgainstExactGeometry() {
        let d = 2.0
        let x = XSectionGeometry(kind: .circular, height: d)
        #expect(abs(x.aFull - Double.pi) < 1e-12)
        #expect(abs(x.rFull - 0.5) < 1e-12)
        // Half full: A = πD²/8, R = D/4, W = D.
        #expect(abs(x.area(depth: 1) - Double.pi / 2) < 1e-3 * Double.pi)
        #expect(abs(x.hydraulicRadius(depth: 1) - 0.5) < 2e-3)
        #expect(abs(x.topWidth(depth: 1) - 2) < 1e-3)
        // Any depth: A = r²(θ − sin θ)/2 with θ = 2·acos(1 − y/r); tables interpolate within 0.5 %.
        for y in stride(from: 0.05, through: 1.95, by: 0.1) {
            let theta = 2 * acos(1 - y)
            let exact = (theta - sin(theta)) / 2
            #expect(abs(x.area(depth: y) - exact) < 5e-3 * exact)
            #expect(abs(x.depth(area: exact) - y) < 5e-3)
        }
        // Section factor peaks near 94 % depth, about 8 % above the full value.
        #expect(x.sMax / x.sFull > 1.05 && x.sMax / x.sFull < 1.1)
    }

    @Test func openShapesClosedForms() {
        let r = XSectionGeometry(kind: .rectOpen, height: 3, width: 4)
        #expect(abs(r.area(depth: 1.5) - 6) < 1e-12)
        #expect(abs(r.hydraulicRadius(depth: 1.5) - 6 / 7) < 1e-12)
        let t = XSectionGeometry(kind: .trapezoidal, height: 9, width: 10, slopeLeft: 2, slopeRight: 2)
        #expect(abs(t.area(depth: 0.75) - 0.75 * (10 + 0.75 * 2)) < 1e-12)
        #expect(abs(t.depth(area: t.area(depth: 3.3)) - 3.3) < 1e-10)
        #expect(abs(t.topWidth(depth: 2) - 18) < 1e-12)
        let tri = XSectionGeometry(kind: .triangular, height: 2, width: 4)
        #expect(abs(tri.area(depth: 1) - 1) < 1e-12)
        let p = XSectionGeometry(kind: .parabolic, height: 2, width: 4)
        #expect(abs(p.area(depth: 2) - 2.0 / 3.0 * 4 * 2) < 1e-12)
        #expect(abs(p.depth(area: p.area(depth: 0.7)) - 0.7) < 1e-10)
    }

    @Test func normalAndCriticalDepth() {
        // Rectangle: critical depth (q²/(g·b²))^(1/3).
        let r = XSectionGeometry(kind: .rectOpen, height: 5, width: 2)
        let q = 10.0
        #expect(abs(r.criticalDepth(flow: q) - pow(q * q / (32.2 * 4), 1.0 / 3.0)) < 1e-12)
        // Normal depth satisfies Manning: q = 1.486/n·A·R^(2/3)·√S.
        let beta = 1.486 * 0.001.squareRoot() / 0.013
        let yn = r.normalDepth(flow: q, beta: beta)
        let manning = beta * r.area(depth: yn) * pow(r.hydraulicRadius(depth: yn), 2.0 / 3.0)
        #expect(abs(manning - q) < 1e-6 * q)
        // Circle: critical depth satisfies A³/W = q²/g within the enumeration's accuracy (1 %).
        let c = XSectionGeometry(kind: .circular, height: 3)
        let yc = c.criticalDepth(flow: 20)
        let lhs = pow(c.area(depth: yc), 3) / c.topWidth(depth: yc), rhs = 400 / 32.2
        #expect(abs(lhs - rhs) / rhs < 0.05)
        let ynC = c.normalDepth(flow: 20, beta: beta)
        #expect(abs(beta * c.sectionFactor(area: c.area(depth: ynC)) - 20) < 0.01 * 20)
        // A flow above the critical flow at 96 % of a closed pipe's depth (the last enumeration
        // step below the crown, where the top width closes to 0) has its critical depth at the
        // crown, as in SWMM; a flow just below it stays under the crown.
        let y96 = 0.96 * 3.0, a96 = c.area(depth: y96), w96 = c.topWidth(depth: y96)
        let q96 = a96 * (32.2 * a96 / w96).squareRoot()
        #expect(c.criticalDepth(flow: 1.05 * q96) == 3)
        #expect(c.criticalDepth(flow: 0.95 * q96) < y96)
    }

    /// The shallow part of a circle (A/Afull < 0.04), where the area of a section factor is solved
    /// rather than looked up: the inverse gives back the area it came from.
    @Test func shallowCircleSectionFactorInverts() {
        for d in [0.5, 1.0, 3.0, 8.0] {
            let c = XSectionGeometry(kind: .circular, height: d)
            for alpha in [1e-6, 1e-4, 0.001, 0.005, 0.01, 0.02, 0.03, 0.0399] {
                let a = alpha * c.aFull
                let back = c.area(sectionFactor: c.sectionFactor(area: a))
                #expect(abs(back - a) <= 1e-9 * a, "D \(d), A/Afull \(alpha): \(back) vs \(a)")
            }
        }
    }
}
