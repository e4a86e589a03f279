import CajalRuntime
import Glibc

// softmax, log_softmax and logsumexp along one dim, and the gradients of the
// first two: one pass for the max, one for exp and its sum, one to write,
// with the vector exp. Rows contiguous along the dim run one position at a
// time; a dim with contiguous neighbouring positions (softmax over channels)
// runs 16 positions per vector; anything else is gathered into a scratch row.
// The arithmetic follows torch's CPU kernels: softmax = exp(x - max) * (1 / sum),
// log_softmax = (x - max) - log(sum), logsumexp shifts by a finite max only.

/// Loads the first `n` (< 16) lanes, the rest `fill` (one memcpy: a lane
/// at a time went through the stack for every element).
@inline(__always)
private func loadPartial(_ p: UnsafePointer<Float>, _ n: Int, fill: Float) -> Vector16 {
    var v = Vector16(repeating: fill)
    withUnsafeMutableBytes(of: &v) { bytes in
        if let base = bytes.baseAddress { memcpy(base, p, n &* 4) }
    }
    return v
}

@inline(__always)
private func storePartial(_ v: Vector16, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
    withUnsafeBytes(of: v) { bytes in
        if let base = bytes.baseAddress { memcpy(p, base, n &* 4) }
    }
}

@inline(__always)
private func load(_ p: UnsafePointer<Float>) -> Vector16 { UnsafeRawPointer(p).loadUnaligned(as: Vector16.self) }

@inline(__always)
private func store(_ v: Vector16, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector16.self) }

/// e^x for softmax, with results below float32's normal range flushed to 0:
/// masked scores (-inf) would otherwise make the vector exp build denormals,
/// which the CPU computes through a microcode assist 100 times slower. Such a
/// term (< 1.2e-38) cannot change a sum that includes the row's max (1).
struct SoftmaxExpV: VectorFunctor {
    @_transparent static func apply(_ x: UnsafeRawPointer, _ out: UnsafeMutableRawPointer) {
        let v = x.loadUnaligned(as: Vector16.self)
        let tiny = v .< -87
        var e = vectorExp(v.replacing(with: -87, where: tiny))
        e.replace(with: 0, where: tiny)
        out.storeBytes(of: e, as: Vector16.self)
    }
}

/// e^v in place, through memory: a Vector16 argument to a call the optimizer
/// leaves out of line travels as four 128-bit pieces; an inout one by address.
@inline(__always)
private func exponentiate(_ v: inout Vector16) {
    withUnsafeMutablePointer(to: &v) { SoftmaxExpV.apply(UnsafeRawPointer($0), UnsafeMutableRawPointer($0)) }
}

@inline(__always)
private func laneMax(_ a: Vector16, _ b: Vector16) -> Vector16 { a.replacing(with: b, where: b .> a) }

@inline(__always)
private func horizontalMax(_ v: Vector16) -> Float {
    let eight = v.lowHalf.replacing(with: v.highHalf, where: v.highHalf .> v.lowHalf)
    let four = eight.lowHalf.replacing(with: eight.highHalf, where: eight.highHalf .> eight.lowHalf)
    let two = four.lowHalf.replacing(with: four.highHalf, where: four.highHalf .> four.lowHalf)
    return two[1] > two[0] ? two[1] : two[0]
}

/// Softmax-family forward (float types): (mode, kind, x, xStep, out, outStep,
/// count, loop (out, x)). logsumexp writes one value per position.
@Sendable func softmaxKernel(_ mode: SoftmaxMode, _ kind: DType, _ x: UnsafeRawPointer, _ xStep: Int,
                             _ out: UnsafeMutableRawPointer, _ outStep: Int, _ count: Int, _ kept: StridedLoop) {
    switch kind {
    case .float32:
        softmaxFloat(mode, x.assumingMemoryBound(to: Float.self), xStep, out.assumingMemoryBound(to: Float.self),
                     outStep, count, kept)
    case .float64:
        softmaxDouble(mode, x.assumingMemoryBound(to: Double.self), xStep, out.assumingMemoryBound(to: Double.self),
                      outStep, count, kept)
    default: break  // storage types: the engine computes them in their kernel type
    }
}

private func softmaxFloat(_ mode: SoftmaxMode, _ x: UnsafePointer<Float>, _ xStep: Int, _ out: UnsafeMutablePointer<Float>,
                          _ outStep: Int, _ count: Int, _ kept: StridedLoop) {
    let writesRow = mode != .logSumExp
    if xStep == 1 && (outStep == 1 || !writesRow) {
        kept.forEachPosition(costPerPosition: count &* 8) { offsets in
            softmaxRow(mode, x + offsets[1], out + offsets[0], count)
        }
        return
    }
    if kept.innerStrides[0] == 1 && kept.innerStrides[1] == 1 && kept.innerCount >= 8 {
        kept.forEachBlock(costPerPosition: count &* 8, blockWidth: 64) { offsets, start, width in
            var lane = 0
            while lane < width {
                softmaxColumns(mode, x + (offsets[1] + start + lane), xStep, out + (offsets[0] + start + lane), outStep,
                               count, Swift.min(16, width - lane))
                lane += 16
            }
        }
        return
    }
    // Anything else: copy each row into a contiguous scratch row and back.
    kept.forEachPosition(costPerPosition: count &* 10) { offsets in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * count) { scratch in
            guard let row = scratch.baseAddress else { return }
            let result = row + count, source = x + offsets[1]
            for j in 0..<count { row[j] = source[j * xStep] }
            softmaxRow(mode, row, result, count)
            let target = out + offsets[0]
            if writesRow {
                for j in 0..<count { target[j * outStep] = result[j] }
            } else {
                target[0] = result[0]
            }
        }
    }
}

/// The part of a contiguous row of n elements after its last full vector.
/// With n >= 16 it is the row's last 16 elements, overlapping the vector
/// before it: sums count only the `fresh` lanes, and a store writes the
/// overlap with the values it already has. Shorter rows copy in and out.
private struct RowTail {
    let start: Int, count: Int, overlaps: Bool
    /// Lanes firstFresh..<endFresh belong to the tail and no full vector.
    let firstFresh: Float, endFresh: Float

    @inline(__always) init(_ n: Int) {
        let full = n & ~15
        count = n - full
        overlaps = n >= 16
        start = overlaps ? n - 16 : 0
        firstFresh = overlaps ? Float(16 - count) : 0
        endFresh = overlaps ? 16 : Float(count)
    }

    @inline(__always) func read(_ row: UnsafePointer<Float>, fill: Float) -> Vector16 {
        overlaps ? load(row + start) : loadPartial(row, count, fill: fill)
    }

    @inline(__always) func write(_ v: Vector16, _ row: UnsafeMutablePointer<Float>) {
        if overlaps { store(v, row + start) } else { storePartial(v, row, count) }
    }

    /// v on the fresh lanes, 0 elsewhere.
    @inline(__always) func freshOnly(_ v: Vector16) -> Vector16 {
        // Float lane numbers: integer SIMD comparisons against a scalar compile to a loop over lanes here.
        let lanes = Vector16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        return v.replacing(with: 0, where: (lanes .< firstFresh) .| (lanes .>= endFresh))
    }
}

@inline(__always)
private func horizontalSum(_ v: Vector16) -> Float {
    let eight = v.lowHalf + v.highHalf, four = eight.lowHalf + eight.highHalf, two = four.lowHalf + four.highHalf
    return two[0] + two[1]
}

// The vector exp inlines only into small functions: in the large row
// kernels the optimizer leaves it out of line, and a Vector16 argument then
// travels as four 128-bit pieces. So the exp loops live in these helpers,
// which take only pointers and scalars.

/// Σ exp(x[i] - shift) over the first `full` elements (a multiple of 16),
/// each also stored into `out` when given.
@inline(never)
private func sumOfShiftedExp<Exp: VectorFunctor>(_: Exp.Type, _ x: UnsafePointer<Float>, _ full: Int, _ shift: Float,
                             storingInto out: UnsafeMutablePointer<Float>?) -> Float {
    var sums = Vector16(), e = Vector16()
    let shifts = Vector16(repeating: shift)
    var i = 0
    while i < full {
        e = load(x + i) - shifts
        withUnsafeMutablePointer(to: &e) { Exp.apply(UnsafeRawPointer($0), UnsafeMutableRawPointer($0)) }
        sums += e
        if let out { store(e, out + i) }
        i += 16
    }
    return horizontalSum(sums)
}

/// p[i] = exp(p[i]) for a row padded to whole vectors (count a multiple of
/// 16), tiny results flushed to 0 as in the softmax.
func exponentiateRow(_ p: UnsafeMutablePointer<Float>, _ count: Int) {
    var i = 0
    while i < count {
        SoftmaxExpV.apply(UnsafeRawPointer(p + i), UnsafeMutableRawPointer(p + i))
        i += 16
    }
}

/// dx[i] = g[i] - exp(y[i]) * total over the first `full` elements: log_softmax's gradient.
@inline(never)
private func logSoftmaxGradient<Exp: VectorFunctor>(_: Exp.Type, _ dx: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                                _ full: Int, _ total: Float) {
    let totals = Vector16(repeating: total)
    var i = 0
    while i < full {
        Exp.apply(UnsafeRawPointer(y + i), UnsafeMutableRawPointer(dx + i))
        store(load(g + i) - load(dx + i) * totals, dx + i)
        i += 16
    }
}

/// Softmax in place over a row padded to `padded` (a multiple of 16)
/// floats whose padding already holds -inf (exp 0): every step works on
/// whole vectors, with no partial tail. For short rows (the 30-token
/// attention of a course model) softmaxRow's tail handling cost as much as
/// the row. An all -inf row gives NaN, as softmaxRow does.
@inline(never)
func softmaxPaddedRow(_ row: UnsafeMutablePointer<Float>, _ padded: Int) {
    var maxima = Vector16(repeating: -.infinity)
    var i = 0
    while i < padded {
        maxima = laneMax(maxima, load(row + i))
        i += 16
    }
    // Shift, exp and sum in one pass; SoftmaxExpV is transparent, so its exp
    // is inlined rather than called once per vector.
    let shift = Vector16(repeating: horizontalMax(maxima))
    var sums = Vector16()
    i = 0
    while i < padded {
        store(load(row + i) - shift, row + i)
        SoftmaxExpV.apply(UnsafeRawPointer(row + i), UnsafeMutableRawPointer(row + i))
        sums += load(row + i)
        i += 16
    }
    let scale = Vector16(repeating: 1 / horizontalSum(sums))
    i = 0
    while i < padded {
        store(load(row + i) * scale, row + i)
        i += 16
    }
}

/// One contiguous row; x may be out.
@inline(__always)
func softmaxRow(_ mode: SoftmaxMode, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
    let full = n & ~15, tail = RowTail(n)
    var maxima = Vector16(repeating: -.infinity)
    var i = 0
    while i < full {
        maxima = laneMax(maxima, load(x + i))
        i += 16
    }
    // The tail is read before anything is written: in place (x == out) the
    // overlapping lanes would otherwise read results.
    let lastInput = tail.count > 0 ? tail.read(x, fill: 0) : Vector16()
    if tail.count > 0 { maxima = laneMax(maxima, tail.read(x, fill: -.infinity)) }
    var peak = horizontalMax(maxima)
    if mode == .logSumExp && !peak.isFinite { peak = 0 }
    // An all -inf row shifts by -inf and gives NaN, as torch's softmax does.
    let shift = Vector16(repeating: peak)
    i = 0
    if mode == .softmax {
        var sum = sumOfShiftedExp(SoftmaxExpV.self, x, full, peak, storingInto: out)
        var last = Vector16()
        if tail.count > 0 {
            last = lastInput - shift
            exponentiate(&last)
            sum += horizontalSum(tail.freshOnly(last))
        }
        let scale = Vector16(repeating: 1 / sum)
        i = 0
        while i < full {
            store(load(out + i) * scale, out + i)
            i += 16
        }
        if tail.count > 0 { tail.write(last * scale, out) }
        return
    }
    var sum = sumOfShiftedExp(SoftmaxExpV.self, x, full, peak, storingInto: nil)
    if tail.count > 0 {
        var last = lastInput - shift
        exponentiate(&last)
        sum += horizontalSum(tail.freshOnly(last))
    }
    let logSum = logf(sum)
    if mode == .logSumExp {
        out[0] = logSum + peak
        return
    }
    let logSums = Vector16(repeating: logSum)
    i = 0
    while i < full {
        store((load(x + i) - shift) - logSums, out + i)
        i += 16
    }
    if tail.count > 0 { tail.write((lastInput - shift) - logSums, out) }
}

/// Up to 16 neighbouring positions at once, each walking the dim with the
/// given steps; lane p is position p.
@inline(__always)
private func softmaxColumns(_ mode: SoftmaxMode, _ x: UnsafePointer<Float>, _ xStep: Int, _ out: UnsafeMutablePointer<Float>,
                            _ outStep: Int, _ count: Int, _ width: Int) {
    @inline(__always) func read(_ p: UnsafePointer<Float>) -> Vector16 {
        width == 16 ? load(p) : loadPartial(p, width, fill: 0)
    }
    @inline(__always) func write(_ v: Vector16, _ p: UnsafeMutablePointer<Float>) {
        if width == 16 { store(v, p) } else { storePartial(v, p, width) }
    }
    var peak = Vector16(repeating: -.infinity)
    for j in 0..<count { peak = laneMax(peak, read(x + j * xStep)) }
    if mode == .logSumExp { peak.replace(with: 0, where: .!(peak .== peak) .| (peak .== .infinity) .| (peak .== -.infinity)) }
    var sums = Vector16()
    if mode == .softmax {
        for j in 0..<count {
            var e = read(x + j * xStep) - peak
            exponentiate(&e)
            sums += e
            write(e, out + j * outStep)
        }
        let scale = 1 / sums
        for j in 0..<count { write(read(out + j * outStep) * scale, out + j * outStep) }
        return
    }
    for j in 0..<count {
        var e = read(x + j * xStep) - peak
        exponentiate(&e)
        sums += e
    }
    var logSums = Vector16()
    for lane in 0..<width { logSums[lane] = logf(sums[lane]) }
    if mode == .logSumExp {
        write(logSums + peak, out)
        return
    }
    for j in 0..<count { write((read(x + j * xStep) - peak) - logSums, out + j * outStep) }
}

private func softmaxDouble(_ mode: SoftmaxMode, _ x: UnsafePointer<Double>, _ xStep: Int,
                           _ out: UnsafeMutablePointer<Double>, _ outStep: Int, _ count: Int, _ kept: StridedLoop) {
    kept.forEachPosition(costPerPosition: count &* 20) { offsets in
        let row = x + offsets[1], target = out + offsets[0]
        var peak = -Double.infinity
        for j in 0..<count where row[j * xStep] > peak { peak = row[j * xStep] }
        if mode == .logSumExp && !peak.isFinite { peak = 0 }
        var sum = 0.0
        for j in 0..<count {
            let e = exp(row[j * xStep] - peak)
            sum += e
            if mode == .softmax { target[j * outStep] = e }
        }
        switch mode {
        case .softmax:
            let scale = 1 / sum
            for j in 0..<count { target[j * outStep] *= scale }
        case .logSoftmax:
            let logSum = log(sum)
            for j in 0..<count { target[j * outStep] = (row[j * xStep] - peak) - logSum }
        case .logSumExp:
            target[0] = log(sum) + peak
        }
    }
}

/// The gradients (float types): softmax dx = y (g - Σ g y), log_softmax
/// dx = g - exp(y) Σ g, y the forward's output: (mode, kind, dx, dxStep, g,
/// gStep, y, yStep, count, loop (dx, g, y)).
@Sendable func softmaxBackwardKernel(_ mode: SoftmaxMode, _ kind: DType, _ dx: UnsafeMutableRawPointer, _ dxStep: Int,
                                     _ g: UnsafeRawPointer, _ gStep: Int, _ y: UnsafeRawPointer, _ yStep: Int,
                                     _ count: Int, _ kept: StridedLoop) {
    switch kind {
    case .float32:
        softmaxBackwardFloat(mode, dx.assumingMemoryBound(to: Float.self), dxStep, g.assumingMemoryBound(to: Float.self), gStep,
                             y.assumingMemoryBound(to: Float.self), yStep, count, kept)
    case .float64:
        let dx = dx.assumingMemoryBound(to: Double.self), g = g.assumingMemoryBound(to: Double.self)
        let y = y.assumingMemoryBound(to: Double.self)
        kept.forEachPosition(costPerPosition: count &* 8) { offsets in
            let d = dx + offsets[0], gr = g + offsets[1], yr = y + offsets[2]
            var total = 0.0
            for j in 0..<count { total += mode == .softmax ? gr[j * gStep] * yr[j * yStep] : gr[j * gStep] }
            for j in 0..<count {
                d[j * dxStep] = mode == .softmax ? yr[j * yStep] * (gr[j * gStep] - total)
                                                 : gr[j * gStep] - exp(yr[j * yStep]) * total
            }
        }
    default: break
    }
}

private func softmaxBackwardFloat(_ mode: SoftmaxMode, _ dx: UnsafeMutablePointer<Float>, _ dxStep: Int,
                                  _ g: UnsafePointer<Float>, _ gStep: Int, _ y: UnsafePointer<Float>, _ yStep: Int,
                                  _ count: Int, _ kept: StridedLoop) {
    if dxStep == 1 && gStep == 1 && yStep == 1 {
        kept.forEachPosition(costPerPosition: count &* 4) { offsets in
            softmaxBackwardRow(mode, dx + offsets[0], g + offsets[1], y + offsets[2], count)
        }
        return
    }
    if kept.innerStrides[0] == 1 && kept.innerStrides[1] == 1 && kept.innerStrides[2] == 1 && kept.innerCount >= 8 {
        kept.forEachBlock(costPerPosition: count &* 4, blockWidth: 64) { offsets, start, width in
            var lane = 0
            while lane < width {
                let at = start + lane, n = Swift.min(16, width - lane)
                softmaxBackwardColumns(mode, dx + (offsets[0] + at), dxStep, g + (offsets[1] + at), gStep,
                                       y + (offsets[2] + at), yStep, count, n)
                lane += 16
            }
        }
        return
    }
    kept.forEachPosition(costPerPosition: count &* 6) { offsets in
        let d = dx + offsets[0], gr = g + offsets[1], yr = y + offsets[2]
        var total: Float = 0
        for j in 0..<count { total += mode == .softmax ? gr[j * gStep] * yr[j * yStep] : gr[j * gStep] }
        for j in 0..<count {
            d[j * dxStep] = mode == .softmax ? yr[j * yStep] * (gr[j * gStep] - total)
                                             : gr[j * gStep] - expf(yr[j * yStep]) * total
        }
    }
}

@inline(__always)
private func softmaxBackwardRow(_ mode: SoftmaxMode, _ dx: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
                                _ y: UnsafePointer<Float>, _ n: Int) {
    let full = n & ~15, tail = RowTail(n)
    var sums = Vector16()
    var i = 0
    while i < full {
        sums += mode == .softmax ? load(g + i) * load(y + i) : load(g + i)
        i += 16
    }
    if tail.count > 0 {
        let gv = tail.read(g, fill: 0)
        sums += tail.freshOnly(mode == .softmax ? gv * tail.read(y, fill: 0) : gv)
    }
    let total = Vector16(repeating: horizontalSum(sums))
    i = 0
    if mode == .softmax {
        while i < full {
            store(load(y + i) * (load(g + i) - total), dx + i)
            i += 16
        }
        if tail.count > 0 { tail.write(tail.read(y, fill: 0) * (tail.read(g, fill: 0) - total), dx) }
        return
    }
    logSoftmaxGradient(SoftmaxExpV.self, dx, g, y, full, total[0])
    if tail.count > 0 {
        var e = tail.read(y, fill: 0)
        exponentiate(&e)
        tail.write(tail.read(g, fill: 0) - e * total, dx)
    }
}

@inline(__always)
private func softmaxBackwardColumns(_ mode: SoftmaxMode, _ dx: UnsafeMutablePointer<Float>, _ dxStep: Int, _ g: UnsafePointer<Float>,
                                    _ gStep: Int, _ y: UnsafePointer<Float>, _ yStep: Int, _ count: Int, _ width: Int) {
    @inline(__always) func read(_ p: UnsafePointer<Float>) -> Vector16 {
        width == 16 ? load(p) : loadPartial(p, width, fill: 0)
    }
    var total = Vector16()
    for j in 0..<count {
        total += mode == .softmax ? read(g + j * gStep) * read(y + j * yStep) : read(g + j * gStep)
    }
    for j in 0..<count {
        let gv = read(g + j * gStep), yv = read(y + j * yStep)
        var e = yv
        if mode != .softmax { exponentiate(&e) }
        let v = mode == .softmax ? yv * (gv - total) : gv - e * total
        if width == 16 { store(v, dx + j * dxStep) } else { storePartial(v, dx + j * dxStep, width) }
    }
}
