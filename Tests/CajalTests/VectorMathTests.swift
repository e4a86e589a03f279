import Foundation
import Testing
import Cajal

/// The float32 SIMD functions against double-precision libm, over their whole
/// range and at the edges.
struct VectorMathTests {
    /// Values spread over [-limit, limit] plus the special cases.
    func samples(limit: Float) -> [Float] {
        var values: [Float] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .leastNormalMagnitude,
                               -.leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-30, -1e-30, 1e-7]
        for i in 0...20_000 {
            values.append(-limit + 2 * limit * Float(i) / 20_000)
        }
        for exponent in -40...38 {
            values.append(Float(sign: .plus, exponent: 0, significand: 1) * Float(pow(10.0, Double(exponent))))
        }
        return values
    }

    func check(_ name: String, limit: Float, tolerance: (Double) -> Double,
               _ op: (Tensor) throws -> Tensor, _ reference: (Double) -> Double) throws {
        let xs = samples(limit: limit)
        let ys = try op(Tensor(xs)).toArray(Float.self)
        var worst = 0.0, worstX: Float = 0
        for (x, y) in zip(xs, ys) {
            let expected = reference(Double(x))
            if expected.isNaN {
                #expect(y.isNaN, "\(name)(\(x)) = \(y), expected nan")
                continue
            }
            let expectedFloat = Float(expected)
            if expectedFloat.isInfinite || expectedFloat == 0 {
                #expect(y == expectedFloat, "\(name)(\(x)) = \(y), expected \(expectedFloat)")
                continue
            }
            let error = abs(Double(y) - expected)
            if error > tolerance(expected) && error > worst { worst = error; worstX = x }
        }
        #expect(worst == 0, "\(name): error \(worst) at x = \(worstX)")
    }

    /// A few float32 ulps of the expected value, plus the denormal floor.
    func ulps(_ n: Double) -> (Double) -> Double {
        { expected in n * Double(Float(expected).ulp) + 1e-44 }
    }

    @Test func exp() throws { try check("exp", limit: 100, tolerance: ulps(2), { try $0.exp() }, Foundation.exp) }
    @Test func log() throws { try check("log", limit: 1e6, tolerance: ulps(2), { try $0.log() }, Foundation.log) }
    @Test func tanh() throws { try check("tanh", limit: 20, tolerance: ulps(3), { try $0.tanh() }, Foundation.tanh) }
    @Test func erf() throws {
        // A polynomial to 1 (a few ulps), Abramowitz & Stegun beyond (1.5e-7 absolute).
        try check("erf", limit: 8, tolerance: { expected in Swift.max(3 * Double(Float(expected).ulp), abs(expected) > 0.84 ? 1.5e-7 : 0) + 1e-44 },
                  { try $0.erf() }, Foundation.erf)
    }

    @Test func sigmoid() throws {
        // Below -88.72, e^-x overflows float32 and sigmoid is 0, in torch as here.
        try check("sigmoid", limit: 100, tolerance: ulps(3), { try $0.sigmoid() }) {
            $0 < -88.722839 ? 0 : 1 / (1 + Foundation.exp(-$0))
        }
    }
}
