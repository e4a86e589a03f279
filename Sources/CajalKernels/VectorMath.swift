import Glibc

// Vectorized float32 math on SIMD16<Float>, compiled per instruction set.
// Only float add/mul/div, comparisons, selects and integer bit operations are
// used: they vectorize on SSE, AVX2 and AVX-512 alike. (The stdlib's
// pointwiseMin/Max and Float<->Int lane conversions do not on SSE.) Lanes
// outside a function's main range (overflow, denormals, x <= 0 for log) fall
// back to libm, so edge cases keep libm's exact values. Accuracy is 1-2 ulp,
// the same algorithms as Cephes; the arithmetic is never fused, so results are
// identical on every instruction set.

typealias Vector16 = SIMD16<Float>

/// a * b + c, fused: one instruction and one rounding on the AVX kernel
/// sets. The baseline set computes the same fused result in software, so
/// every kernel set gives bit-identical values. The portable build
/// (Package.swift: a package depending on cajal by version, where every kernel
/// set is compiled for baseline x86-64) rounds twice instead: the software
/// fma would make exp, tanh and sigmoid 10-20 times slower there, and the
/// results stay within the functions' 1-2 ulp.
#if CAJAL_PORTABLE
@inline(__always)
private func muladd(_ a: Vector16, _ b: Vector16, _ c: Vector16) -> Vector16 { a * b + c }

@inline(__always)
private func muladd(_ a: Vector16, _ b: Vector16, _ c: Float) -> Vector16 { a * b + c }
#else
@inline(__always)
private func muladd(_ a: Vector16, _ b: Vector16, _ c: Vector16) -> Vector16 { c.addingProduct(a, b) }

@inline(__always)
private func muladd(_ a: Vector16, _ b: Vector16, _ c: Float) -> Vector16 { Vector16(repeating: c).addingProduct(a, b) }
#endif

@inline(__always)
private func bits(_ v: Vector16) -> SIMD16<Int32> { unsafeBitCast(v, to: SIMD16<Int32>.self) }

@inline(__always)
private func float(_ v: SIMD16<Int32>) -> Vector16 { unsafeBitCast(v, to: Vector16.self) }

@inline(__always)
private func magnitude(_ v: Vector16) -> Vector16 { float(bits(v) & 0x7fff_ffff) }

/// `v` with the sign of `sign`.
@inline(__always)
private func copySign(_ v: Vector16, _ sign: Vector16) -> Vector16 {
    float((bits(v) & 0x7fff_ffff) | (bits(sign) & Int32(bitPattern: 0x8000_0000)))
}

/// Whether any lane is set. The stdlib's any() reduces lane by lane through
/// general registers; halving with OR stays in vector registers.
@inline(__always)
func anyLane(_ mask: SIMDMask<SIMD16<Int32>>) -> Bool {
    let m = SIMD16<Int32>().replacing(with: -1, where: mask)
    let m8 = m.lowHalf | m.highHalf
    let m4 = m8.lowHalf | m8.highHalf
    let m2 = m4.lowHalf | m4.highHalf
    return (m2[0] | m2[1]) != 0
}

/// Replaces the lanes in `mask` by `scalar(x)`: the cold path, kept out of line.
@inline(never)
private func fallback(_ result: inout Vector16, _ x: Vector16, _ mask: SIMDMask<SIMD16<Int32>>, _ scalar: (Float) -> Float) {
    for lane in 0..<16 where mask[lane] { result[lane] = scalar(x[lane]) }
}

/// e^r (r in [-ln2/2, ln2/2]) and k for x = k ln2 + r, with k rounded by
/// adding 1.5 * 2^23; k comes back as the integer bits of kf - magic.
@inline(__always)
private func expReduced(_ x: Vector16) -> (er: Vector16, k: SIMD16<Int32>) {
    let magic = Vector16(repeating: 12_582_912)
    let kf = x * 1.442_695_040_888_963_4 + magic
    let k = kf - magic
    let r = x - k * 0.693_359_375 - k * -2.121_944_4e-4
    var p = Vector16(repeating: 1.987_569_15e-4)
    p = muladd(p, r, 1.398_199_950_7e-3)
    p = muladd(p, r, 8.333_451_907_3e-3)
    p = muladd(p, r, 4.166_579_589_4e-2)
    p = muladd(p, r, 1.666_666_545_9e-1)
    p = muladd(p, r, 5.000_000_120_1e-1)
    return (muladd(p * r, r, r + 1), bits(kf) &- bits(magic))
}

/// e^x = 2^k e^r. 2^k is applied as two factors 2^(k/2) and 2^(k - k/2),
/// each a normal float, so the whole range is covered without a special
/// path: results near overflow stay finite, and denormal results round correctly.
///
/// Transparent, so always inlined: the optimizer declined to inline it into
/// erf, GELU and softmax (a plain @inline(__always) is only a hint), and the
/// out-of-line call passed its Vector16 as four 128-bit pieces.
@_transparent
func vectorExp(_ x0: Vector16) -> Vector16 {
    let high: Float = 88.72283, low: Float = -104
    let x = x0.replacing(with: low, where: x0 .< low).replacing(with: high, where: x0 .> high)
    let (y, ki) = expReduced(x)
    let half = ki &>> 1
    let scale1 = float((half &+ 127) &<< 23), scale2 = float((ki &- half &+ 127) &<< 23)
    var result = y * scale1 * scale2
    result.replace(with: .infinity, where: x0 .> high)
    return result
}

/// ln x: x = m 2^e with m in [sqrt(1/2), sqrt(2)), ln x = e ln2 + ln(1 + (m - 1)).
@_transparent  // always inlined, as vectorExp
func vectorLog(_ x: Vector16) -> Vector16 {
    let b = bits(x)
    var e = ((b &>> 23) & 0xff) &- 126
    var m = float((b & Int32(bitPattern: 0x807f_ffff)) | 0x3f00_0000)  // [0.5, 1)
    let small = m .< 0.707_106_781_186_547_5
    e.replace(with: e &- 1, where: small)
    m = m + m.replacing(with: 0, where: .!small) - 1
    let z = m * m
    var y = Vector16(repeating: 7.037_683_629_2e-2)
    y = muladd(y, m, -1.151_461_031_0e-1)
    y = muladd(y, m, 1.167_699_874_0e-1)
    y = muladd(y, m, -1.242_014_084_6e-1)
    y = muladd(y, m, 1.424_932_278_7e-1)
    y = muladd(y, m, -1.666_805_766_5e-1)
    y = muladd(y, m, 2.000_071_476_5e-1)
    y = muladd(y, m, -2.499_999_399_3e-1)
    y = muladd(y, m, 3.333_333_117_4e-1)
    y = y * m * z
    // e as a float without a lane conversion: 1.5 * 2^23 + e (still in the
    // binade where floats step by 1, for negative e too) minus 1.5 * 2^23.
    let ef = float(e &+ 0x4b40_0000) - 12_582_912
    y = y + ef * -2.121_944_4e-4 - z * 0.5
    var result = m + y + ef * 0.693_359_375
    // Zero, negatives, denormals, infinity and NaN: libm.
    let special = .!(x .>= Float.leastNormalMagnitude) .| (x .== .infinity)
    if anyLane(special) { fallback(&result, x, special) { logf($0) } }
    return result
}

/// ln(1 + z) for finite z >= 0, also where 1 + z rounds to 1: ln(u) z / (u - 1)
/// with u = 1 + z (u - 1 is exact), which keeps log's accuracy (Goldberg's).
@_transparent  // always inlined, as vectorExp
func vectorLogOnePlus(_ z: Vector16) -> Vector16 {
    let u = 1 + z
    return (vectorLog(u) * (z / (u - 1))).replacing(with: z, where: u .== 1)
}

/// tanh: an odd polynomial below 0.625, 1 - 2 / (e^2|x| + 1) above.
@_transparent  // always inlined, as vectorExp
func vectorTanh(_ x: Vector16) -> Vector16 {
    let ax = magnitude(x)
    let z = x * x
    var p = Vector16(repeating: -5.704_988_727_45e-3)
    p = muladd(p, z, 2.063_908_879_54e-2)
    p = muladd(p, z, -5.373_971_555_31e-2)
    p = muladd(p, z, 1.333_144_220_36e-1)
    p = muladd(p, z, -3.333_328_194_22e-1)
    let polynomial = x + x * z * p
    let e = vectorExp(ax.replacing(with: 10, where: ax .> 10) * 2)
    let large = copySign(1 - 2 / (e + 1), x)
    return large.replacing(with: polynomial, where: ax .< 0.625)
}

/// 1 / (1 + e^-x).
@_transparent  // always inlined, as vectorExp
func vectorSigmoid(_ x: Vector16) -> Vector16 {
    // e^-x = 2y 2^(k-1) with -x clamped to [-86, 89]: 2^(k-1) is then one
    // normal float, and 2y 2^(k-1) overflows to infinity just where e^-x
    // does (the result is 0 there, as in torch); below -86 the result rounds to 1.
    let t0 = -x
    let t = t0.replacing(with: -86, where: t0 .< -86).replacing(with: 89, where: t0 .> 89)
    let (y, k) = expReduced(t)
    return 1 / (1 + (y + y) * float((k &+ 126) &<< 23))
}

/// sin and cos of an angle in [0, 2π] (Box–Muller's): x - q π/2 for the
/// nearest quadrant q (π/2 in three parts, Cephes'), then Cephes' sinf and
/// cosf polynomials on [-π/4, π/4], swapped and signed by q.
@_transparent
func vectorSinCos(_ x: Vector16) -> (sin: Vector16, cos: Vector16) {
    let magic = Vector16(repeating: 12_582_912)
    let qf = x * 0.636_619_772_367_581_3 + magic
    let q = qf - magic, quadrant = bits(qf) &- bits(magic)
    let y = ((x - q * 1.570_312_5) - q * 4.837_512_969_970_703_125e-4) - q * 7.549_789_954_891_882_16e-8
    let z = y * y
    var s = Vector16(repeating: -1.951_529_589_1e-4)
    s = muladd(s, z, 8.332_160_873_6e-3)
    s = muladd(s, z, -1.666_665_461_1e-1)
    let sine = muladd(s * z, y, y)
    var c = Vector16(repeating: 2.443_315_711_809_948e-5)
    c = muladd(c, z, -1.388_731_625_493_765e-3)
    c = muladd(c, z, 4.166_664_568_298_827e-2)
    let cosine = muladd(c * z, z, 1 - 0.5 * z)
    // Odd quadrants swap the two, by bit masks (an integer lane comparison
    // compiled to a loop over the lanes).
    let odd = 0 &- (quadrant & 1)
    let sinPart = float((bits(sine) & ~odd) | (bits(cosine) & odd))
    let cosPart = float((bits(cosine) & ~odd) | (bits(sine) & odd))
    return (float(bits(sinPart) ^ ((quadrant & 2) &<< 30)), float(bits(cosPart) ^ (((quadrant &+ 1) & 2) &<< 30)))
}

/// erf: an odd polynomial below 1 (Cephes), Abramowitz & Stegun 7.1.26 above
/// (absolute error under 1.5e-7 there).
@_transparent  // always inlined, as vectorExp
func vectorErf(_ x: Vector16) -> Vector16 {
    let ax = magnitude(x)
    let z = x * x
    let polynomial = x * erfSmallPolynomial(z)
    return erfAbramowitzStegun(x, ax, z).replacing(with: polynomial, where: ax .< 1)
}

/// erf through Abramowitz & Stegun 7.1.26 alone: absolute error under 1.5e-7
/// everywhere, but not relative near 0. Enough for GELU, whose erf term
/// is added to 1 (torch's vectorized erf is this formula too), and half the
/// work of vectorErf.
@_transparent
func vectorErfAbsolute(_ x: Vector16) -> Vector16 {
    erfAbramowitzStegun(x, magnitude(x), x * x)
}

@_transparent
func erfSmallPolynomial(_ z: Vector16) -> Vector16 {
    var p = Vector16(repeating: 7.853_861_353_153_693e-5)
    p = muladd(p, z, -8.010_193_625_184_903e-4)
    p = muladd(p, z, 5.188_327_685_732_524e-3)
    p = muladd(p, z, -2.685_381_193_529_856e-2)
    p = muladd(p, z, 1.128_358_514_861_418e-1)
    p = muladd(p, z, -3.761_262_582_423_300e-1)
    p = muladd(p, z, 1.128_379_165_726_710)
    return p
}

@_transparent
func erfAbramowitzStegun(_ x: Vector16, _ ax: Vector16, _ z: Vector16) -> Vector16 {
    erfAbramowitzStegun(x, ax, gaussian: vectorExp(-z.replacing(with: 100, where: z .> 100)))
}

/// The same with e^(-x²) given (x² capped at 100).
@_transparent
func erfAbramowitzStegun(_ x: Vector16, _ ax: Vector16, gaussian: Vector16) -> Vector16 {
    let t = 1 / (1 + 0.327_591_1 * ax)
    var q = Vector16(repeating: 1.061_405_429)
    q = muladd(q, t, -1.453_152_027)
    q = muladd(q, t, 1.421_413_741)
    q = muladd(q, t, -0.284_496_736)
    q = muladd(q, t, 0.254_829_592)
    return copySign(1 - q * t * gaussian, x)
}

/// GELU's slope Φ(x) + x φ(x), Φ through vectorErfAbsolute as in GELU's
/// forward: its e^(-x²/2) is φ's too, so one exp serves both.
@_transparent
func vectorGeluSlope(_ x: Vector16) -> Vector16 {
    let u = x * 0.707_106_781_186_547_6, z = u * u
    let gaussian = vectorExp(-z.replacing(with: 100, where: z .> 100))
    return 0.5 * (1 + erfAbramowitzStegun(u, magnitude(u), gaussian: gaussian)) + x * (gaussian * 0.398_942_280_401_432_7)
}
