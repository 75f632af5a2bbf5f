import Foundation

/// Adaptive fifth-order Runge–Kutta integration of a scalar ODE with Cash–Karp embedded error
/// estimates (Cash & Karp 1990; step control as in Press et al., *Numerical Recipes*, 2nd ed., §16.2),
/// the scheme SWMM uses for the subcatchment reservoir. The relative error per step is kept under
/// `tolerance`, scaled by |y| + |h·dy/dt|.
enum CashKarp {
    /// Integrates dy/dt = f(y) from y0 over `span` (s), starting with one step of the whole span.
    static func integrate(_ y0: Double, over span: Double, tolerance: Double, _ f: (Double) -> Double) -> Double {
        var y = y0, x = 0.0, h = span
        for _ in 0..<10_000 {
            let dydx = f(y)
            let scale = abs(y) + abs(dydx * h) + 1e-30
            if x + h > span { h = span - x }
            // One quality-controlled step.
            var hTry = h
            var yOut = 0.0, hNext = 0.0
            while true {
                let (yn, err) = step(y, dydx, hTry, f)
                let errMax = abs(err / scale) / tolerance
                if errMax <= 1 {
                    hNext = errMax > 1.89e-4 ? 0.9 * hTry * pow(errMax, -0.2) : 5 * hTry
                    yOut = yn
                    break
                }
                let shrink = 0.9 * hTry * pow(errMax, -0.25)
                hTry = max(shrink, 0.1 * hTry)
                if x + hTry == x { yOut = yn; hNext = hTry; break }
            }
            x += hTry
            y = yOut
            if x >= span { return y }
            h = hNext
        }
        return y
    }

    /// One Cash–Karp step: the fifth-order value and the difference from the embedded fourth order.
    @inline(__always)
    static func step(_ y: Double, _ k1: Double, _ h: Double, _ f: (Double) -> Double) -> (Double, Double) {
        let k2 = f(y + h * 0.2 * k1)
        let k3 = f(y + h * (3.0 / 40 * k1 + 9.0 / 40 * k2))
        let k4 = f(y + h * (0.3 * k1 - 0.9 * k2 + 1.2 * k3))
        let k5 = f(y + h * (-11.0 / 54 * k1 + 2.5 * k2 - 70.0 / 27 * k3 + 35.0 / 27 * k4))
        let k6 = f(y + h * (1631.0 / 55296 * k1 + 175.0 / 512 * k2 + 575.0 / 13824 * k3 + 44275.0 / 110592 * k4 + 253.0 / 4096 * k5))
        let c1 = 37.0 / 378, c3 = 250.0 / 621, c4 = 125.0 / 594, c6 = 512.0 / 1771
        let d1 = c1 - 2825.0 / 27648, d3 = c3 - 18575.0 / 48384, d4 = c4 - 13525.0 / 55296, d5 = -277.0 / 14336, d6 = c6 - 0.25
        let yn = y + h * (c1 * k1 + c3 * k3 + c4 * k4 + c6 * k6)
        let err = h * (d1 * k1 + d3 * k3 + d4 * k4 + d5 * k5 + d6 * k6)
        return (yn, err)
    }
}
