import CajalRuntime

// Max pooling with 2x2 windows at stride 2 (no padding or dilation): the
// pooling of LeNet, VGG and U-Net. The general sweep compares one window at a
// time, its branches mispredicted about every other compare; here 16 windows
// of a row pair go at once, the even and odd columns split by shuffles, and
// the winner picked by selects. Same rule as the sweep: the first of equal
// maxima, and a NaN wins (the last NaN, as torch's `val > max || isnan(val)`).

/// Rows pairs (2oy, 2oy+1) of each plane into out/index (outHeight x outWidth
/// per plane); each plane's positions must fit in Int32.
@Sendable func maxPool2x2Kernel(_ kind: DType, _ x: UnsafeRawPointer, _ planes: Int, _ height: Int, _ width: Int,
                      _ outHeight: Int, _ outWidth: Int, _ out: UnsafeMutableRawPointer, _ index: UnsafeMutablePointer<Int64>) {
    if kind == .float64 {
        maxPool2x2Scalar(x.assumingMemoryBound(to: Double.self), planes, height, width, outHeight, outWidth,
                         out.assumingMemoryBound(to: Double.self), index)
    } else {
        maxPool2x2Float(x.assumingMemoryBound(to: Float.self), planes, height, width, outHeight, outWidth,
                        out.assumingMemoryBound(to: Float.self), index)
    }
}

private func maxPool2x2Float(_ x: UnsafePointer<Float>, _ planes: Int, _ height: Int, _ width: Int,
                             _ outHeight: Int, _ outWidth: Int, _ out: UnsafeMutablePointer<Float>,
                             _ index: UnsafeMutablePointer<Int64>) {
    let inPlane = height * width, outPlane = outHeight * outWidth
    let lanes = SIMD16<Int32>(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)
    Parallel.forEachChunk(planes, costPerItem: outPlane * 4) { range in
        for p in range {
            for oy in 0..<outHeight {
                let top = 2 * oy * width
                let row0 = UnsafeRawPointer(x + p * inPlane + top), row1 = row0 + width * 4
                let target = p * outPlane + oy * outWidth
                var ox = 0
                // 16 windows a step, then 8 and 4 (LeNet's rows of 14 and 5), then one at a time.
                while ox + 16 <= outWidth {
                    let upper = row0.loadUnaligned(fromByteOffset: 8 * ox, as: SIMD32<Float>.self)
                    let lower = row1.loadUnaligned(fromByteOffset: 8 * ox, as: SIMD32<Float>.self)
                    let (best, at) = windowMax(upper.evenHalf, upper.oddHalf, lower.evenHalf, lower.oddHalf,
                                               lanes &+ Int32(truncatingIfNeeded: top + 2 * ox), Int32(truncatingIfNeeded: width))
                    UnsafeMutableRawPointer(out + target + ox).storeBytes(of: best, as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(index + target + ox).storeBytes(of: SIMD16<Int64>(truncatingIfNeeded: at),
                                                                             as: SIMD16<Int64>.self)
                    ox += 16
                }
                if ox + 8 <= outWidth {
                    let upper = row0.loadUnaligned(fromByteOffset: 8 * ox, as: SIMD16<Float>.self)
                    let lower = row1.loadUnaligned(fromByteOffset: 8 * ox, as: SIMD16<Float>.self)
                    let (best, at) = windowMax(widened(upper.evenHalf), widened(upper.oddHalf), widened(lower.evenHalf),
                                               widened(lower.oddHalf), lanes &+ Int32(truncatingIfNeeded: top + 2 * ox),
                                               Int32(truncatingIfNeeded: width))
                    UnsafeMutableRawPointer(out + target + ox).storeBytes(of: best.lowHalf, as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(index + target + ox).storeBytes(of: SIMD8<Int64>(truncatingIfNeeded: at.lowHalf),
                                                                             as: SIMD8<Int64>.self)
                    ox += 8
                }
                if ox + 4 <= outWidth {
                    let upper = row0.loadUnaligned(fromByteOffset: 8 * ox, as: SIMD8<Float>.self)
                    let lower = row1.loadUnaligned(fromByteOffset: 8 * ox, as: SIMD8<Float>.self)
                    let (best, at) = windowMax(widened(upper.evenHalf), widened(upper.oddHalf), widened(lower.evenHalf),
                                               widened(lower.oddHalf), lanes &+ Int32(truncatingIfNeeded: top + 2 * ox),
                                               Int32(truncatingIfNeeded: width))
                    UnsafeMutableRawPointer(out + target + ox).storeBytes(of: best.lowHalf.lowHalf, as: SIMD4<Float>.self)
                    UnsafeMutableRawPointer(index + target + ox).storeBytes(of: SIMD4<Int64>(truncatingIfNeeded: at.lowHalf.lowHalf),
                                                                             as: SIMD4<Int64>.self)
                    ox += 4
                }
                for column in ox..<outWidth {
                    pickMax(x + p * inPlane, top + 2 * column, width, &out[target + column], &index[target + column])
                }
            }
        }
    }
}

/// Lane by lane, the largest of a window's four values (top left, top right,
/// bottom left, bottom right) and its position, the top left one at `first`
/// in rows of `width`. One concrete width: the 8- and 4-window steps widen
/// into it (a generic version was not specialized and took a quarter of a
/// LeNet step through witness tables).
@_transparent
private func windowMax(_ topLeft: SIMD16<Float>, _ topRight: SIMD16<Float>, _ bottomLeft: SIMD16<Float>,
                       _ bottomRight: SIMD16<Float>, _ first: SIMD16<Int32>, _ width: Int32) -> (SIMD16<Float>, SIMD16<Int32>) {
    // Each candidate replaces the best so far where it is greater, or a NaN.
    var take = (topRight .> topLeft) .| (topRight .!= topRight)
    var best = topLeft.replacing(with: topRight, where: take)
    var at = first.replacing(with: first &+ 1, where: take)
    take = (bottomLeft .> best) .| (bottomLeft .!= bottomLeft)
    best.replace(with: bottomLeft, where: take)
    at.replace(with: first &+ width, where: take)
    take = (bottomRight .> best) .| (bottomRight .!= bottomRight)
    best.replace(with: bottomRight, where: take)
    at.replace(with: first &+ width &+ 1, where: take)
    return (best, at)
}

/// 8 or 4 lanes as the low lanes of 16.
@_transparent private func widened(_ v: SIMD8<Float>) -> SIMD16<Float> { SIMD16(lowHalf: v, highHalf: .zero) }
@_transparent private func widened(_ v: SIMD4<Float>) -> SIMD16<Float> { widened(SIMD8(lowHalf: v, highHalf: .zero)) }

/// Max pooling's gradient (float types): each plane of dx (inPlane values)
/// zeroed, then every window's gradient added at the input position it picked
/// (index, relative to its plane; overlapping windows can pick one twice).
/// Positions outside the plane are skipped: they cannot come from the forward.
@Sendable func maxPoolBackwardKernel(_ kind: DType, _ grad: UnsafeRawPointer, _ index: UnsafePointer<Int64>, _ planes: Int,
                                     _ outPlane: Int, _ inPlane: Int, _ dx: UnsafeMutableRawPointer) {
    if kind == .float64 {
        maxPoolBackward(grad.assumingMemoryBound(to: Double.self), index, planes, outPlane, inPlane,
                        dx.assumingMemoryBound(to: Double.self))
    } else {
        maxPoolBackward(grad.assumingMemoryBound(to: Float.self), index, planes, outPlane, inPlane,
                        dx.assumingMemoryBound(to: Float.self))
    }
}

private func maxPoolBackward<T: BinaryFloatingPoint>(_ grad: UnsafePointer<T>, _ index: UnsafePointer<Int64>, _ planes: Int,
                                                     _ outPlane: Int, _ inPlane: Int, _ dx: UnsafeMutablePointer<T>) {
    Parallel.forEachChunk(planes, costPerItem: inPlane + 2 * outPlane) { range in
        for p in range {
            let target = dx + p * inPlane, picks = index + p * outPlane, values = grad + p * outPlane
            target.initialize(repeating: 0, count: inPlane)
            let limit = UInt64(inPlane)
            for o in 0..<outPlane {
                let at = picks[o]
                if UInt64(bitPattern: at) < limit { target[Int(at)] += values[o] }
            }
        }
    }
}

private func maxPool2x2Scalar<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ planes: Int, _ height: Int, _ width: Int,
                                                      _ outHeight: Int, _ outWidth: Int, _ out: UnsafeMutablePointer<T>,
                                                      _ index: UnsafeMutablePointer<Int64>) {
    let inPlane = height * width, outPlane = outHeight * outWidth
    Parallel.forEachChunk(planes, costPerItem: outPlane * 4) { range in
        for p in range {
            for oy in 0..<outHeight {
                for ox in 0..<outWidth {
                    let o = p * outPlane + oy * outWidth + ox
                    pickMax(x + p * inPlane, 2 * oy * width + 2 * ox, width, &out[o], &index[o])
                }
            }
        }
    }
}

/// One window whose top-left element is plane[first].
@inline(__always)
private func pickMax<T: BinaryFloatingPoint>(_ plane: UnsafePointer<T>, _ first: Int, _ width: Int,
                                             _ best: inout T, _ at: inout Int64) {
    var value = plane[first], position = first
    @inline(__always) func consider(_ candidate: Int) {
        let v = plane[candidate]
        if v > value || v.isNaN {  // greater, or a NaN
            value = v
            position = candidate
        }
    }
    consider(first + 1)
    consider(first + width)
    consider(first + width + 1)
    best = value
    at = Int64(position)
}

// The general pooling sweeps (any window, stride, padding, dilation; float
// types), planes split across cores.

/// Max pooling: out[p][o] = the window's max, index[p][o] = its position in the plane.
@Sendable func maxPoolKernel(_ kind: DType, _ x: UnsafeRawPointer, _ planes: Int, _ g: WindowGeometry,
                             _ out: UnsafeMutableRawPointer, _ index: UnsafeMutablePointer<Int64>) {
    if kind == .float64 {
        PoolingSweep.maxForward(x.assumingMemoryBound(to: Double.self), planes, g, out.assumingMemoryBound(to: Double.self), index)
    } else {
        PoolingSweep.maxForward(x.assumingMemoryBound(to: Float.self), planes, g, out.assumingMemoryBound(to: Float.self), index)
    }
}

/// Adaptive max pooling of (height x width) planes to (outHeight x outWidth).
@Sendable func adaptiveMaxPoolKernel(_ kind: DType, _ x: UnsafeRawPointer, _ planes: Int, _ height: Int, _ width: Int,
                                     _ outHeight: Int, _ outWidth: Int, _ out: UnsafeMutableRawPointer,
                                     _ index: UnsafeMutablePointer<Int64>) {
    if kind == .float64 {
        PoolingSweep.adaptiveMaxForward(x.assumingMemoryBound(to: Double.self), planes, height: height, width: width,
                                        outHeight: outHeight, outWidth: outWidth, out.assumingMemoryBound(to: Double.self), index)
    } else {
        PoolingSweep.adaptiveMaxForward(x.assumingMemoryBound(to: Float.self), planes, height: height, width: width,
                                        outHeight: outHeight, outWidth: outWidth, out.assumingMemoryBound(to: Float.self), index)
    }
}

/// Average pooling (backward false: source is x, target the output) or its
/// gradient (true: source is the output's gradient, added into target = dx).
@Sendable func averagePoolKernel(_ kind: DType, _ backward: Bool, _ source: UnsafeRawPointer, _ planes: Int, _ g: WindowGeometry,
                                 _ divisor: AverageDivisor, _ target: UnsafeMutableRawPointer) {
    func run<T: BinaryFloatingPoint>(_: T.Type) {
        let (source, target) = (source.assumingMemoryBound(to: T.self), target.assumingMemoryBound(to: T.self))
        if backward {
            PoolingSweep.averageBackward(source, planes, g, divisor, target)
        } else {
            PoolingSweep.averageForward(source, planes, g, divisor, target)
        }
    }
    if kind == .float64 { run(Double.self) } else { run(Float.self) }
}

private enum PoolingSweep {
    /// Whether v takes the place of the window's best so far: the first
    /// element, a greater one, or a NaN (torch's rule: the last NaN wins).
    @inline(__always)
    private static func replaces<T: BinaryFloatingPoint>(_ v: T, _ best: T, _ at: Int) -> Bool {
        at < 0 || v > best || v.isNaN
    }

    /// The kernel taps i in 0..<count whose position start + i * dilation
    /// lies in 0..<size: only those are visited, so a huge kernel over a
    /// small padded input costs its overlap, not its size.
    @inline(__always)
    private static func taps(from start: Int, count: Int, dilation: Int, size: Int) -> Range<Int> {
        // i >= ceil(-start / dilation) and i <= floor((size - 1 - start) / dilation)
        let first = start >= 0 ? 0 : (-start + dilation - 1) / dilation
        let high = size - 1 - start
        let last = high < 0 ? -1 : Swift.min(high / dilation, count - 1)
        return first <= last ? first..<(last + 1) : 0..<0
    }

    /// The work of one output position: the window's taps inside the input at most.
    private static func taps(_ g: WindowGeometry) -> Int {
        Parallel.cost(Swift.min(g.kernelHeight, g.height), Swift.min(g.kernelWidth, g.width))
    }

    /// out[p][o] = the max of the window (NaN wins, as torch), index[p][o] =
    /// its position iy * width + ix in the plane (the first of equal maxima).
    /// Index arithmetic wraps (&+, &*): the geometry was validated, and the
    /// overflow checks cost more than the compares here.
    fileprivate static func maxForward<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ planes: Int, _ g: WindowGeometry,
                                                   _ out: UnsafeMutablePointer<T>, _ index: UnsafeMutablePointer<Int64>) {
        let inPlane = g.height &* g.width, outPlane = g.outHeight &* g.outWidth
        Parallel.forEachChunk(planes, costPerItem: Parallel.cost(outPlane, taps(g))) { range in
            for p in range {
                let source = x + p &* inPlane
                var o = p &* outPlane
                for oy in 0..<g.outHeight {
                    let top = oy &* g.strideHeight &- g.padTop
                    for ox in 0..<g.outWidth {
                        let left = ox &* g.strideWidth &- g.padLeft
                        var best = -T.infinity, at = -1
                        for i in taps(from: top, count: g.kernelHeight, dilation: g.dilationHeight, size: g.height) {
                            let row = (top &+ i &* g.dilationHeight) &* g.width
                            for j in taps(from: left, count: g.kernelWidth, dilation: g.dilationWidth, size: g.width) {
                                let ix = left &+ j &* g.dilationWidth
                                let v = source[row &+ ix]
                                if replaces(v, best, at) {
                                    best = v
                                    at = row &+ ix
                                }
                            }
                        }
                        out[o] = best
                        index[o] = Int64(truncatingIfNeeded: at)
                        o &+= 1
                    }
                }
            }
        }
    }

    /// Adaptive max pooling: output (oy, ox) takes the max over rows
    /// floor(oy·H/oH) ..< ceil((oy+1)·H/oH) and the columns alike (NaN wins,
    /// the first of equal maxima), with its position iy * width + ix.
    fileprivate static func adaptiveMaxForward<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ planes: Int, height: Int, width: Int,
                                                           outHeight: Int, outWidth: Int, _ out: UnsafeMutablePointer<T>,
                                                           _ index: UnsafeMutablePointer<Int64>) {
        let inPlane = height * width, outPlane = outHeight * outWidth
        Parallel.forEachChunk(planes, costPerItem: inPlane) { range in
            for p in range {
                let source = x + p * inPlane
                for oy in 0..<outHeight {
                    let top = oy * height / outHeight, bottom = ((oy + 1) * height + outHeight - 1) / outHeight
                    for ox in 0..<outWidth {
                        let left = ox * width / outWidth, right = ((ox + 1) * width + outWidth - 1) / outWidth
                        var best = -T.infinity, at = -1
                        for iy in top..<bottom {
                            for ix in left..<right {
                                let v = source[iy * width + ix]
                                if replaces(v, best, at) {
                                    best = v
                                    at = iy * width + ix
                                }
                            }
                        }
                        out[p * outPlane + oy * outWidth + ox] = best
                        index[p * outPlane + oy * outWidth + ox] = Int64(at)
                    }
                }
            }
        }
    }

    /// The window's corners as torch's avg_pool2d computes them, and its divisor.
    @inline(__always)
    private static func averageWindow(_ oy: Int, _ ox: Int, _ g: WindowGeometry, _ rule: AverageDivisor) -> (rows: Range<Int>, columns: Range<Int>, divisor: Int) {
        var top = oy * g.strideHeight - g.padTop, left = ox * g.strideWidth - g.padLeft
        var bottom = Swift.min(top + g.kernelHeight, g.height + g.padTop)
        var right = Swift.min(left + g.kernelWidth, g.width + g.padLeft)
        let padded = (bottom - top) * (right - left)
        top = Swift.max(top, 0)
        left = Swift.max(left, 0)
        bottom = Swift.min(bottom, g.height)
        right = Swift.min(right, g.width)
        let rows = top < bottom ? top..<bottom : top..<top, columns = left < right ? left..<right : left..<left
        let divisor = rule.divisorOverride > 0 ? rule.divisorOverride : (rule.countIncludePad ? padded : rows.count * columns.count)
        return (rows, columns, divisor)
    }

    /// Calls body(plane, output position, window) for every average-pooling
    /// window of every plane, planes split across cores.
    private static func forEachAverageWindow(_ planes: Int, _ g: WindowGeometry, _ divisor: AverageDivisor,
                                             _ body: (Int, Int, (rows: Range<Int>, columns: Range<Int>, divisor: Int)) -> Void) {
        Parallel.forEachChunk(planes, costPerItem: Parallel.cost(Parallel.cost(g.outHeight, g.outWidth), taps(g))) { range in
            for p in range {
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        body(p, oy * g.outWidth + ox,
                             averageWindow(oy, ox, g, divisor))
                    }
                }
            }
        }
    }

    fileprivate static func averageForward<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ planes: Int, _ g: WindowGeometry,
                                                       _ divisor: AverageDivisor,
                                                       _ out: UnsafeMutablePointer<T>) {
        let inPlane = g.height * g.width, outPlane = g.outHeight * g.outWidth
        forEachAverageWindow(planes, g, divisor) { p, o, window in
            let source = x + p * inPlane
            var total: T = 0
            for iy in window.rows { for ix in window.columns { total += source[iy * g.width + ix] } }
            out[p * outPlane + o] = window.divisor > 0 ? total / T(window.divisor) : .nan
        }
    }

    /// dx[p][iy][ix] = the sum over windows covering it of dout / divisor.
    fileprivate static func averageBackward<T: BinaryFloatingPoint>(_ gradOut: UnsafePointer<T>, _ planes: Int, _ g: WindowGeometry,
                                                        _ divisor: AverageDivisor,
                                                        _ dx: UnsafeMutablePointer<T>) {
        let inPlane = g.height * g.width, outPlane = g.outHeight * g.outWidth
        forEachAverageWindow(planes, g, divisor) { p, o, window in
            guard window.divisor > 0 else { return }
            let target = dx + p * inPlane, share = gradOut[p * outPlane + o] / T(window.divisor)
            for iy in window.rows { for ix in window.columns { target[iy * g.width + ix] += share } }
        }
    }
}
