import Glibc

/// Special functions libm does not have, in double precision (the float
/// element functions round these). The formulas are the textbook ones
/// torch's also follow, so both agree to rounding.
public enum SpecialFunctions {
    /// The inverse error function: NaN outside [-1, 1], ±inf at ±1. A rational
    /// first guess (Giles' single-precision approximation, good to about
    /// 1e-7), polished by Newton steps on erf(y) - x, each of which about
    /// doubles the correct digits.
    @inlinable
    public static func erfinv(_ x: Double) -> Double {
        if x.isNaN || x < -1 || x > 1 { return .nan }
        if x == 1 { return .infinity }
        if x == -1 { return -.infinity }
        if x == 0 { return x }
        var w = -Glibc.log((1 - x) * (1 + x)), p: Double
        if w < 5 {
            w -= 2.5
            p = 2.81022636e-08
            p = 3.43273939e-07 + p * w
            p = -3.5233877e-06 + p * w
            p = -4.39150654e-06 + p * w
            p = 0.00021858087 + p * w
            p = -0.00125372503 + p * w
            p = -0.00417768164 + p * w
            p = 0.246640727 + p * w
            p = 1.50140941 + p * w
        } else {
            w = w.squareRoot() - 3
            p = -0.000200214257
            p = 0.000100950558 + p * w
            p = 0.00134934322 + p * w
            p = -0.00367342844 + p * w
            p = 0.00573950773 + p * w
            p = -0.0076224613 + p * w
            p = 0.00943887047 + p * w
            p = 1.00167406 + p * w
            p = 2.83297682 + p * w
        }
        var y = p * x
        // Newton on f(y) = erf(y) - x, f'(y) = 2 / sqrt(pi) e^(-y^2).
        for _ in 0..<3 {
            let step = (Glibc.erf(y) - x) / (1.1283791670955126 * Glibc.exp(-y * y))
            if !step.isFinite { break }
            y -= step
        }
        return y
    }

    /// The digamma function psi(x) = d/dx log Gamma(x): -inf at +0 (+inf at
    /// -0), NaN at the negative integers. Negative x by the reflection
    /// psi(x) = psi(1 - x) - pi / tan(pi x); positive x raised past 10 by
    /// psi(x) = psi(x + 1) - 1/x, then the asymptotic series
    /// log x - 1/(2x) - sum B_2k / (2k x^2k).
    @inlinable
    public static func digamma(_ x: Double) -> Double {
        if x == 0 { return x.sign == .minus ? .infinity : -.infinity }
        if x.isNaN || x == -.infinity { return .nan }
        if x < 0 {
            if x == x.rounded(.towardZero) { return .nan }
            // tan(pi x) from x's fractional part: exact period reduction.
            let fraction = x - x.rounded(.towardZero)
            return digamma(1 - x) - Double.pi / Glibc.tan(Double.pi * fraction)
        }
        var value = x, result = 0.0
        while value < 10 {
            result -= 1 / value
            value += 1
        }
        if value == 10 { return result + 2.25175258906672110764 }  // psi(10)
        var series = 0.0
        if value < 1e17 {
            let z = 1 / (value * value)
            // B_2k / 2k for k = 7 ... 1, in Horner form.
            series = 8.33333333333333333333e-2
            for coefficient in [-2.10927960927960927961e-2, 7.57575757575757575758e-3, -4.16666666666666666667e-3,
                                3.96825396825396825397e-3, -8.33333333333333333333e-3, 8.33333333333333333333e-2] {
                series = series * z + coefficient
            }
            series *= z
        }
        return result + Glibc.log(value) - 0.5 / value - series
    }

    /// The trigamma function psi'(x) (digamma's derivative): reflection
    /// below 1/2, the recurrence psi'(x) = psi'(x + 1) + 1/x^2 six times, then
    /// the asymptotic series 1/x + 1/(2x^2) + sum B_2k / x^(2k+1).
    @inlinable
    public static func trigamma(_ x: Double) -> Double {
        var value = x, sign = 1.0, result = 0.0
        if value < 0.5 {
            sign = -1
            let s = Glibc.sin(Double.pi * value)
            result -= (Double.pi * Double.pi) / (s * s)
            value = 1 - value
        }
        for _ in 0..<6 {
            result += 1 / (value * value)
            value += 1
        }
        let z = 1 / (value * value)
        result += (1 + 1 / (2 * value) + z * (1.0 / 6 - z * (1.0 / 30 - z * (1.0 / 42)))) / value
        return sign * result
    }

    /// log |Gamma(x)|, without the global sign that lgamma writes (so threads
    /// may call it at once).
    @inlinable
    public static func lgamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return Glibc.lgamma_r(x, &sign)
    }

    @inlinable
    public static func lgamma(_ x: Float) -> Float {
        var sign: Int32 = 0
        return Glibc.lgammaf_r(x, &sign)
    }
}
