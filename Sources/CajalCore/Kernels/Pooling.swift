import CajalRuntime

/// The window sweep of a 2-d pooling over planes of (height x width).
struct PoolingGeometry {
    let height: Int, width: Int
    let kernelHeight: Int, kernelWidth: Int
    let strideHeight: Int, strideWidth: Int
    let padTop: Int, padLeft: Int
    let dilationHeight: Int, dilationWidth: Int
    let outHeight: Int, outWidth: Int
}

/// Raw max and average pooling loops over `planes` contiguous planes, split
/// across cores by planes.
enum Pooling {
    /// Whether v takes the place of the window's best so far: the first
    /// element, a greater one, or the first NaN (which then stays).
    @inline(__always)
    private static func replaces<T: BinaryFloatingPoint>(_ v: T, _ best: T, _ at: Int) -> Bool {
        at < 0 || v > best || (v.isNaN && !best.isNaN)
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
    private static func taps(_ g: PoolingGeometry) -> Int {
        Parallel.cost(Swift.min(g.kernelHeight, g.height), Swift.min(g.kernelWidth, g.width))
    }

    /// out[p][o] = the max of the window (NaN wins, as torch), index[p][o] =
    /// its position iy * width + ix in the plane (the first of equal maxima).
    /// Index arithmetic wraps (&+, &*): the geometry was validated, and the
    /// overflow checks cost more than the compares here.
    static func maxForward<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ planes: Int, _ g: PoolingGeometry,
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
    static func adaptiveMaxForward<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ planes: Int, height: Int, width: Int,
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
    private static func averageWindow(_ oy: Int, _ ox: Int, _ g: PoolingGeometry, countIncludePad: Bool,
                                      divisorOverride: Int) -> (rows: Range<Int>, columns: Range<Int>, divisor: Int) {
        var top = oy * g.strideHeight - g.padTop, left = ox * g.strideWidth - g.padLeft
        var bottom = Swift.min(top + g.kernelHeight, g.height + g.padTop)
        var right = Swift.min(left + g.kernelWidth, g.width + g.padLeft)
        let padded = (bottom - top) * (right - left)
        top = Swift.max(top, 0)
        left = Swift.max(left, 0)
        bottom = Swift.min(bottom, g.height)
        right = Swift.min(right, g.width)
        let rows = top < bottom ? top..<bottom : top..<top, columns = left < right ? left..<right : left..<left
        let divisor = divisorOverride > 0 ? divisorOverride : (countIncludePad ? padded : rows.count * columns.count)
        return (rows, columns, divisor)
    }

    /// Calls body(plane, output position, window) for every average-pooling
    /// window of every plane, planes split across cores.
    private static func forEachAverageWindow(_ planes: Int, _ g: PoolingGeometry, countIncludePad: Bool, divisorOverride: Int,
                                             _ body: (Int, Int, (rows: Range<Int>, columns: Range<Int>, divisor: Int)) -> Void) {
        Parallel.forEachChunk(planes, costPerItem: Parallel.cost(Parallel.cost(g.outHeight, g.outWidth), taps(g))) { range in
            for p in range {
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        body(p, oy * g.outWidth + ox,
                             averageWindow(oy, ox, g, countIncludePad: countIncludePad, divisorOverride: divisorOverride))
                    }
                }
            }
        }
    }

    static func averageForward<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ planes: Int, _ g: PoolingGeometry,
                                                       countIncludePad: Bool, divisorOverride: Int,
                                                       _ out: UnsafeMutablePointer<T>) {
        let inPlane = g.height * g.width, outPlane = g.outHeight * g.outWidth
        forEachAverageWindow(planes, g, countIncludePad: countIncludePad, divisorOverride: divisorOverride) { p, o, window in
            let source = x + p * inPlane
            var total: T = 0
            for iy in window.rows { for ix in window.columns { total += source[iy * g.width + ix] } }
            out[p * outPlane + o] = window.divisor > 0 ? total / T(window.divisor) : .nan
        }
    }

    /// dx[p][iy][ix] = the sum over windows covering it of dout / divisor.
    static func averageBackward<T: BinaryFloatingPoint>(_ gradOut: UnsafePointer<T>, _ planes: Int, _ g: PoolingGeometry,
                                                        countIncludePad: Bool, divisorOverride: Int,
                                                        _ dx: UnsafeMutablePointer<T>) {
        let inPlane = g.height * g.width, outPlane = g.outHeight * g.outWidth
        forEachAverageWindow(planes, g, countIncludePad: countIncludePad, divisorOverride: divisorOverride) { p, o, window in
            guard window.divisor > 0 else { return }
            let target = dx + p * inPlane, share = gradOut[p * outPlane + o] / T(window.divisor)
            for iy in window.rows { for ix in window.columns { target[iy * g.width + ix] += share } }
        }
    }
}
