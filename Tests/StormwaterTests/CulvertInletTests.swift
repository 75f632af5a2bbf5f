import Foundation
import Testing
@testable import Stormwater

/// The FHWA inlet-control curve against its own equations (HDS-5 Appendix A): each regime solved
/// for Q gives back the head it was solved from, the curve is continuous and rising, and dQ/dH
/// matches a finite difference.
@Suite struct CulvertInletTests {
    let circle = XSectionGeometry(kind: .circular, height: 3)

    /// HW/D of the submerged equation for flow q: c·(Q/(A·√D))² + Y − 0.5·S.
    func submergedHead(_ inlet: CulvertInlet, _ q: Double) -> Double {
        let x = q / inlet.ad
        return inlet.yFull * (inlet.constants.c * x * x + inlet.constants.y - inlet.slopeTerm)
    }

    @Test func submergedHeadOfExample6Culvert() throws {
        // A 3 ft corrugated metal pipe with a headwall (code 4) on a 5 % slope passing 66 cfs:
        // HW/D = 0.0379·(66/(7.069·√3))² + 0.69 − 0.025 = 1.766, HW = 5.30 ft.
        let inlet = try #require(CulvertInlet(code: 4, xsect: circle, slope: 0.05))
        let hw = submergedHead(inlet, 66)
        #expect(abs(hw - 5.298) < 0.005, "HW \(hw)")
        let back = try #require(inlet.flow(head: hw))
        #expect(abs(back.q - 66) < 1e-9)
        let dh = 1e-5
        let fd = (inlet.flow(head: hw + dh)!.q - inlet.flow(head: hw - dh)!.q) / (2 * dh)
        #expect(abs(back.dqdh - fd) < 1e-4 * fd, "dQ/dH \(back.dqdh) vs \(fd)")
    }

    @Test func form2GivesBackItsHead() throws {
        // Code 14 (box with 3/4" chamfers, form 2): HW/D = K·(Q/(A·√D))^M.
        let box = XSectionGeometry(kind: .rectClosed, height: 4, width: 6)
        let inlet = try #require(CulvertInlet(code: 14, xsect: box, slope: 0.01))
        let hw = 2.5
        let r = try #require(inlet.unsubmerged(hw))
        let back = inlet.yFull * inlet.constants.k * pow(r.q / inlet.ad, inlet.constants.m)
        #expect(abs(back - hw) < 1e-9)
        let fd = (inlet.unsubmerged(hw + 1e-5)!.q - inlet.unsubmerged(hw - 1e-5)!.q) / 2e-5
        #expect(abs(r.dqdh - fd) < 1e-6 * fd)
    }

    @Test func form1SatisfiesItsEquation() throws {
        // Code 1 (circular concrete, square edge): HW/D + 0.5·S = Hc/D + K·(Q/(A·√D))^M with Hc
        // the critical specific head of Q in the barrel; the root is bracketed to 0.001 ft.
        let inlet = try #require(CulvertInlet(code: 1, xsect: circle, slope: 0.02))
        for hw in [0.5, 1.2, 2.0, 2.8] {
            let q = inlet.form1Flow(hw)
            let yc = circle.criticalDepth(flow: q)
            let a = circle.area(depth: yc), w = circle.topWidth(depth: yc)
            let hc = yc + a / w / 2
            let rhs = hc / 3 + inlet.constants.k * pow(q / inlet.ad, inlet.constants.m)
            #expect(abs((hw / 3 + inlet.slopeTerm) - rhs) < 0.002, "HW \(hw): residual \(hw / 3 + inlet.slopeTerm - rhs)")
        }
    }

    @Test func curveIsContinuousAndRising() throws {
        for code in [1, 4, 5, 14, 48, 57] {
            let inlet = try #require(CulvertInlet(code: code, xsect: circle, slope: 0.01))
            var last = 0.0
            for i in 1...300 {
                let hw = Double(i) * 0.03
                let q = try #require(inlet.flow(head: hw)).q
                #expect(q >= last - 1e-9, "code \(code): Q falls at HW \(hw)")
                last = q
            }
            // No step where the regimes meet: 0.95·D (unsubmerged → transition) and the head
            // at Q/(A·√D) = 4 (transition → submerged).
            let hSubmerged = inlet.yFull * (16 * inlet.constants.c + inlet.constants.y - inlet.slopeTerm)
            for h in [0.95 * inlet.yFull, hSubmerged] {
                let below = try #require(inlet.flow(head: h - 1e-7)).q, above = try #require(inlet.flow(head: h + 1e-7)).q
                #expect(abs(above - below) < 1e-4 * above, "code \(code): step at HW \(h): \(below) → \(above)")
            }
        }
    }

    @Test func codesOutsideTheTableAreNotCulverts() {
        #expect(CulvertInlet(code: 0, xsect: circle, slope: 0.01) == nil)
        #expect(CulvertInlet(code: 58, xsect: circle, slope: 0.01) == nil)
        #expect(CulvertInlet.maxCode == 57)
    }
}
