import CajalRuntime

/// How one reduction folds elements: sums and products of float32 accumulate
/// in double (as torch's CPU accumulate type does), integers wrap, bools count.
protocol Reducer {
    associatedtype Input: TensorElement
    associatedtype Accum
    associatedtype Output: TensorElement
    static var identity: Accum { get }
    static func step(_ acc: Accum, _ x: Input) -> Accum
    static func combine(_ a: Accum, _ b: Accum) -> Accum
    static func finish(_ acc: Accum, _ scale: Double) -> Output
    /// Folds n elements of one row (a SIMD form where it pays).
    static func row(_ p: UnsafePointer<Input>, _ stride: Int, _ n: Int) -> Accum
    /// Folds `rows` rows of `width` contiguous elements, `rowStride` apart,
    /// into acc[0..<width], row by row in order (a SIMD form where it pays).
    static func columns(_ p: UnsafePointer<Input>, _ rowStride: Int, _ rows: Int, _ width: Int, _ acc: UnsafeMutablePointer<Accum>)
}

extension Reducer {
    @inline(__always)
    static func row(_ p: UnsafePointer<Input>, _ stride: Int, _ n: Int) -> Accum {
        var acc = identity
        for i in 0..<n { acc = step(acc, p[i * stride]) }
        return acc
    }

    @inline(__always)
    static func columns(_ p: UnsafePointer<Input>, _ rowStride: Int, _ rows: Int, _ width: Int, _ acc: UnsafeMutablePointer<Accum>) {
        for j in 0..<rows {
            let row = p + j &* rowStride
            for i in 0..<width { acc[i] = step(acc[i], row[i]) }
        }
    }
}

// MARK: sums

struct SumFloat: Reducer {
    static var identity: Double { 0 }
    @inline(__always) static func step(_ acc: Double, _ x: Float) -> Double { acc + Double(x) }
    @inline(__always) static func combine(_ a: Double, _ b: Double) -> Double { a + b }
    @inline(__always) static func finish(_ acc: Double, _ scale: Double) -> Float { Float(acc * scale) }
    static func row(_ p: UnsafePointer<Float>, _ stride: Int, _ n: Int) -> Double {
        if stride != 1 {
            var total = 0.0
            for i in 0..<n { total += Double(p[i * stride]) }
            return total
        }
        // Each float widens to double as it is added: exact to float32's
        // precision. Four accumulators, so the adds do not wait on each other.
        var lanes0 = SIMD8<Double>(), lanes1 = SIMD8<Double>(), lanes2 = SIMD8<Double>(), lanes3 = SIMD8<Double>()
        var i = 0
        while i + 32 <= n {
            let block0 = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
            let block1 = UnsafeRawPointer(p + i + 16).loadUnaligned(as: SIMD16<Float>.self)
            lanes0 += SIMD8<Double>(block0.lowHalf)
            lanes1 += SIMD8<Double>(block0.highHalf)
            lanes2 += SIMD8<Double>(block1.lowHalf)
            lanes3 += SIMD8<Double>(block1.highHalf)
            i += 32
        }
        if i + 16 <= n {
            let block = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
            lanes0 += SIMD8<Double>(block.lowHalf)
            lanes1 += SIMD8<Double>(block.highHalf)
            i += 16
        }
        var total = halvingSum((lanes0 + lanes1) + (lanes2 + lanes3))
        while i < n { total += Double(p[i]); i += 1 }
        return total
    }

    /// Column sums (a linear layer's bias gradient: sum(0) of rows x 32) with
    /// the accumulators in registers, 32 columns per pass over the rows; the
    /// same order of adds per column as the generic fold, so the same bits.
    /// It took 16 µs for 1920 x 32 with them in memory (torch 6).
    static func columns(_ p: UnsafePointer<Float>, _ rowStride: Int, _ rows: Int, _ width: Int, _ acc: UnsafeMutablePointer<Double>) {
        var start = 0
        while start + 8 <= width {
            let blocks = Swift.min((width - start) / 8, 4)  // 1 to 4 blocks of 8 columns
            let base = UnsafeMutableRawPointer(acc + start)
            var a0 = base.loadUnaligned(as: SIMD8<Double>.self)
            var a1 = blocks > 1 ? base.loadUnaligned(fromByteOffset: 64, as: SIMD8<Double>.self) : SIMD8<Double>()
            var a2 = blocks > 2 ? base.loadUnaligned(fromByteOffset: 128, as: SIMD8<Double>.self) : SIMD8<Double>()
            var a3 = blocks > 3 ? base.loadUnaligned(fromByteOffset: 192, as: SIMD8<Double>.self) : SIMD8<Double>()
            for j in 0..<rows {
                let row = UnsafeRawPointer(p + (j &* rowStride &+ start))
                a0 += SIMD8<Double>(row.loadUnaligned(as: SIMD8<Float>.self))
                if blocks > 1 { a1 += SIMD8<Double>(row.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)) }
                if blocks > 2 { a2 += SIMD8<Double>(row.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)) }
                if blocks > 3 { a3 += SIMD8<Double>(row.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)) }
            }
            base.storeBytes(of: a0, as: SIMD8<Double>.self)
            if blocks > 1 { base.storeBytes(of: a1, toByteOffset: 64, as: SIMD8<Double>.self) }
            if blocks > 2 { base.storeBytes(of: a2, toByteOffset: 128, as: SIMD8<Double>.self) }
            if blocks > 3 { base.storeBytes(of: a3, toByteOffset: 192, as: SIMD8<Double>.self) }
            start += 8 * blocks
        }
        for i in start..<width {
            var total = acc[i]
            for j in 0..<rows { total += Double(p[j &* rowStride &+ i]) }
            acc[i] = total
        }
    }
}

/// The lanes' sum, folding halves onto each other: three vector adds, where
/// SIMD's sum() (lane by lane, in order) compiled to some fifty shuffles,
/// which cost as much as the adds of a 1024-element row.
@inline(__always)
private func halvingSum(_ lanes: SIMD8<Double>) -> Double {
    let four = lanes.lowHalf + lanes.highHalf
    let two = four.lowHalf + four.highHalf
    return two[0] + two[1]
}

struct SumDouble: Reducer {
    static var identity: Double { 0 }
    @inline(__always) static func step(_ acc: Double, _ x: Double) -> Double { acc + x }
    @inline(__always) static func combine(_ a: Double, _ b: Double) -> Double { a + b }
    @inline(__always) static func finish(_ acc: Double, _ scale: Double) -> Double { acc * scale }
    static func row(_ p: UnsafePointer<Double>, _ stride: Int, _ n: Int) -> Double {
        if stride != 1 {
            var total = 0.0
            for i in 0..<n { total += p[i * stride] }
            return total
        }
        var lanes = SIMD8<Double>()
        var i = 0
        while i + 8 <= n {
            lanes += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Double>.self)
            i += 8
        }
        var total = halvingSum(lanes)
        while i < n { total += p[i]; i += 1 }
        return total
    }
}

/// x1^2 + x2^2 + ... in double, in one pass (the 2-norm without |x| and x*x tensors).
struct SumOfSquaresFloat: Reducer {
    static var identity: Double { 0 }
    @inline(__always) static func step(_ acc: Double, _ x: Float) -> Double { acc + Double(x) * Double(x) }
    @inline(__always) static func combine(_ a: Double, _ b: Double) -> Double { a + b }
    @inline(__always) static func finish(_ acc: Double, _ scale: Double) -> Float { Float(acc * scale) }
    static func row(_ p: UnsafePointer<Float>, _ stride: Int, _ n: Int) -> Double {
        if stride != 1 {
            var total = 0.0
            for i in 0..<n { total += Double(p[i * stride]) * Double(p[i * stride]) }
            return total
        }
        var lanes0 = SIMD8<Double>(), lanes1 = SIMD8<Double>()
        var i = 0
        while i + 16 <= n {
            let block = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
            let low = SIMD8<Double>(block.lowHalf), high = SIMD8<Double>(block.highHalf)
            lanes0.addProduct(low, low)
            lanes1.addProduct(high, high)
            i += 16
        }
        var total = halvingSum(lanes0 + lanes1)
        while i < n { total += Double(p[i]) * Double(p[i]); i += 1 }
        return total
    }
}

struct SumOfSquaresDouble: Reducer {
    static var identity: Double { 0 }
    @inline(__always) static func step(_ acc: Double, _ x: Double) -> Double { acc + x * x }
    @inline(__always) static func combine(_ a: Double, _ b: Double) -> Double { a + b }
    @inline(__always) static func finish(_ acc: Double, _ scale: Double) -> Double { acc * scale }
}

struct SumInteger<T: TensorElement>: Reducer {
    static var identity: Int64 { 0 }
    @inline(__always) static func step(_ acc: Int64, _ x: T) -> Int64 { acc &+ x.int64Value }
    @inline(__always) static func combine(_ a: Int64, _ b: Int64) -> Int64 { a &+ b }
    @inline(__always) static func finish(_ acc: Int64, _ scale: Double) -> Int64 { acc }
}

// MARK: products

struct ProdFloat<T: FloatElement>: Reducer {
    static var identity: Double { 1 }
    @inline(__always) static func step(_ acc: Double, _ x: T) -> Double { acc * x.doubleValue }
    @inline(__always) static func combine(_ a: Double, _ b: Double) -> Double { a * b }
    @inline(__always) static func finish(_ acc: Double, _ scale: Double) -> T { T(double: acc) }
}

struct ProdInteger<T: TensorElement>: Reducer {
    static var identity: Int64 { 1 }
    @inline(__always) static func step(_ acc: Int64, _ x: T) -> Int64 { acc &* x.int64Value }
    @inline(__always) static func combine(_ a: Int64, _ b: Int64) -> Int64 { a &* b }
    @inline(__always) static func finish(_ acc: Int64, _ scale: Double) -> Int64 { acc }
}

// MARK: max and min (NaN propagates, as torch.amax)

struct MaxReducer<T: ArithmeticElement>: Reducer {
    static var identity: T { T.lowest }
    @inline(__always) static func step(_ acc: T, _ x: T) -> T { T.maxPropagatingNaN(acc, x) }
    @inline(__always) static func combine(_ a: T, _ b: T) -> T { T.maxPropagatingNaN(a, b) }
    @inline(__always) static func finish(_ acc: T, _ scale: Double) -> T { acc }
    static func row(_ p: UnsafePointer<T>, _ stride: Int, _ n: Int) -> T {
        if T.self == Float.self && stride == 1 {
            return unsafeBitCast(floatExtreme(UnsafeRawPointer(p).assumingMemoryBound(to: Float.self), n, max: true), to: T.self)
        }
        if T.self == Bool.self && stride == 1 {
            return unsafeBitCast(boolExtreme(UnsafeRawPointer(p), n, max: true), to: T.self)
        }
        var acc = identity
        for i in 0..<n { acc = step(acc, p[i * stride]) }
        return acc
    }
}

struct MinReducer<T: ArithmeticElement>: Reducer {
    static var identity: T { T.highest }
    @inline(__always) static func step(_ acc: T, _ x: T) -> T { T.minPropagatingNaN(acc, x) }
    @inline(__always) static func combine(_ a: T, _ b: T) -> T { T.minPropagatingNaN(a, b) }
    @inline(__always) static func finish(_ acc: T, _ scale: Double) -> T { acc }
    static func row(_ p: UnsafePointer<T>, _ stride: Int, _ n: Int) -> T {
        if T.self == Float.self && stride == 1 {
            return unsafeBitCast(floatExtreme(UnsafeRawPointer(p).assumingMemoryBound(to: Float.self), n, max: false), to: T.self)
        }
        if T.self == Bool.self && stride == 1 {
            return unsafeBitCast(boolExtreme(UnsafeRawPointer(p), n, max: false), to: T.self)
        }
        var acc = identity
        for i in 0..<n { acc = step(acc, p[i * stride]) }
        return acc
    }
}

/// The max (or min) of a contiguous float32 row, 32 lanes at a time in two
/// independent accumulators; any NaN wins.
@inline(__always)
private func floatExtreme(_ p: UnsafePointer<Float>, _ n: Int, max: Bool) -> Float {
    var acc0 = Vector16(repeating: max ? -.infinity : .infinity), acc1 = acc0
    var sawNaN = SIMDMask<SIMD16<Int32>>(repeating: false)
    var i = 0
    while i + 32 <= n {
        let v0 = UnsafeRawPointer(p + i).loadUnaligned(as: Vector16.self)
        let v1 = UnsafeRawPointer(p + i + 16).loadUnaligned(as: Vector16.self)
        sawNaN = sawNaN .| (v0 .!= v0) .| (v1 .!= v1)
        acc0.replace(with: v0, where: max ? (v0 .> acc0) : (v0 .< acc0))
        acc1.replace(with: v1, where: max ? (v1 .> acc1) : (v1 .< acc1))
        i += 32
    }
    if i + 16 <= n {
        let v = UnsafeRawPointer(p + i).loadUnaligned(as: Vector16.self)
        sawNaN = sawNaN .| (v .!= v)
        acc0.replace(with: v, where: max ? (v .> acc0) : (v .< acc0))
        i += 16
    }
    acc0.replace(with: acc1, where: max ? (acc1 .> acc0) : (acc1 .< acc0))
    var result = max ? acc0.max() : acc0.min()
    if anyLane(sawNaN) { return .nan }
    while i < n {
        result = max ? Float.maxPropagatingNaN(result, p[i]) : Float.minPropagatingNaN(result, p[i])
        i += 1
    }
    return result
}

/// any (max) or all (min) of a contiguous bool row, 64 bytes at a time: a
/// bool is one byte, 0 or 1, so | and & of words are max and min of four
/// bools. (Words, because Swift's SIMD64<UInt8> operators go lane by lane.)
@inline(__always)
private func boolExtreme(_ p: UnsafeRawPointer, _ n: Int, max: Bool) -> Bool {
    let ones = SIMD16<UInt32>(repeating: 0x0101_0101)
    var acc = max ? SIMD16<UInt32>() : ones
    var i = 0
    while i + 64 <= n {
        let v = p.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt32>.self)
        acc = max ? acc | v : acc & v
        i += 64
    }
    var result = max ? acc != SIMD16() : acc == ones
    while i < n {
        let v = p.load(fromByteOffset: i, as: UInt8.self) != 0
        result = max ? (result || v) : (result && v)
        i += 1
    }
    return result
}

// MARK: the strided reduction

/// Reduces x over the dims marked in `reduced` into the contiguous kept dims of out.
private func reduce<R: Reducer>(_: R.Type, _ xRaw: UnsafeRawPointer, _ shape: [Int], _ strides: [Int],
                                _ reduced: [Bool], _ outRaw: UnsafeMutableRawPointer, _ scale: Double) {
    let x = xRaw.assumingMemoryBound(to: R.Input.self)
    let out = outRaw.assumingMemoryBound(to: R.Output.self)
    var keptShape: [Int] = [], keptStrides: [Int] = []
    var reducedShape: [Int] = [], reducedStrides: [Int] = []
    for d in 0..<shape.count {
        if reduced[d] {
            reducedShape.append(shape[d]); reducedStrides.append(strides[d])
        } else {
            keptShape.append(shape[d]); keptStrides.append(strides[d])
        }
    }
    let keptLoop = StridedLoop(shape: keptShape, strides: contiguousStrides(keptShape), keptStrides)
    let reducedLoop = StridedLoop(shape: reducedShape, strides: reducedStrides)
    let outCount = keptLoop.rowCount * keptLoop.innerCount
    if outCount == 0 { return }
    let reducedCount = reducedLoop.rowCount * reducedLoop.innerCount
    let rs = reducedLoop.innerStrides[0]

    // Folds the reduced space starting at element offset `base` of x.
    func reduceAt(_ base: Int, rows: Range<Int>) -> R.Accum {
        var acc = R.identity
        reducedLoop.forEachRow(rows) { offsets in
            acc = R.combine(acc, R.row(x + (base + offsets[0]), rs, reducedLoop.innerCount))
        }
        return acc
    }

    if outCount == 1 {
        // A full reduction: split the reduced rows (or one long row) across threads.
        if reducedCount == 0 {
            out[0] = R.finish(R.identity, scale)
            return
        }
        let chunks = Swift.max(1, Swift.min(Parallel.threadCount, reducedCount / Parallel.elementwiseGrain))
        let partials = UnsafeMutablePointer<R.Accum>.allocate(capacity: chunks)
        defer { partials.deinitialize(count: chunks); partials.deallocate() }
        if reducedLoop.rowCount == 1 {
            let n = reducedLoop.innerCount
            Parallel.forEachChunk(chunks, costPerItem: Parallel.elementwiseGrain) { range in
                for c in range {
                    let start = n * c / chunks, end = n * (c + 1) / chunks
                    (partials + c).initialize(to: R.row(x + start * rs, rs, end - start))
                }
            }
        } else {
            let rows = reducedLoop.rowCount
            Parallel.forEachChunk(chunks, costPerItem: Parallel.elementwiseGrain) { range in
                for c in range {
                    (partials + c).initialize(to: reduceAt(0, rows: (rows * c / chunks)..<(rows * (c + 1) / chunks)))
                }
            }
        }
        var acc = R.identity
        for c in 0..<chunks { acc = R.combine(acc, partials[c]) }
        out[0] = R.finish(acc, scale)
        return
    }

    let keptInnerStride = keptLoop.innerStrides[1]
    if keptInnerStride == 1 && keptLoop.innerCount >= 8 && rs != 1 {
        // The contiguous dim is kept: fold whole rows of x into a row of
        // accumulators, one reduced position at a time, so the inner loop vectorizes.
        // Few rows (sum(0) of a matrix has one): split the columns across cores too.
        let n = keptLoop.innerCount
        let pieces = keptLoop.rowCount >= Parallel.threadCount ? 1 : Swift.min(Parallel.threadCount, n / 8)
        Parallel.forEachChunk(keptLoop.rowCount * pieces, costPerItem: n / pieces * Swift.max(reducedCount, 1)) { items in
            let acc = UnsafeMutablePointer<R.Accum>.allocate(capacity: n)
            defer { acc.deinitialize(count: n); acc.deallocate() }
            for item in items {
                let piece = item % pieces, row = item / pieces
                let start = n * piece / pieces, width = n * (piece + 1) / pieces - start
                keptLoop.forEachRow(row..<row + 1) { offsets in
                    acc.initialize(repeating: R.identity, count: width)
                    reducedLoop.forEachRow(0..<reducedLoop.rowCount) { r in
                        R.columns(x + (offsets[1] + r[0] + start), rs, reducedLoop.innerCount, width, acc)
                    }
                    let outRow = out + (offsets[0] + start)
                    for i in 0..<width { outRow[i] = R.finish(acc[i], scale) }
                }
            }
        }
        return
    }

    // One output element at a time, each folding its reduced space.
    if reducedLoop.rowCount == 1 {
        // Each output folds one row of x: a plain loop when the outputs are
        // one evenly strided run (sum(1) of a matrix), as the per-position
        // closures cost a fifth of a 1024-element row.
        let n = reducedLoop.innerCount
        if keptLoop.rowCount == 1 {
            let outStep = keptLoop.innerStrides[0], xStep = keptLoop.innerStrides[1]
            Parallel.forEachChunk(outCount, costPerItem: Swift.max(n, 1)) { positions in
                for position in positions {
                    out[position * outStep] = R.finish(R.row(x + position * xStep, rs, n), scale)
                }
            }
            return
        }
        keptLoop.forEachPosition(costPerPosition: Swift.max(n, 1)) { offsets in
            out[offsets[0]] = R.finish(R.row(x + offsets[1], rs, n), scale)
        }
        return
    }
    keptLoop.forEachPosition(costPerPosition: Swift.max(reducedCount, 1)) { offsets in
        out[offsets[0]] = R.finish(reduceAt(offsets[1], rows: 0..<reducedLoop.rowCount), scale)
    }
}

func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for d in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[d] = running
        running *= Swift.max(shape[d], 1)
    }
    return strides
}

/// Sums and products of int64 and bool write int64; max and min keep the kind.
@Sendable func reduceKernel(_ op: ReduceOp, _ kind: DType, _ x: UnsafeRawPointer, _ shape: [Int], _ strides: [Int],
                  _ reduced: [Bool], _ out: UnsafeMutableRawPointer, _ scale: Double) {
    switch (op, kind) {
    case (.sum, .float32): reduce(SumFloat.self, x, shape, strides, reduced, out, scale)
    case (.sum, .float64): reduce(SumDouble.self, x, shape, strides, reduced, out, scale)
    case (.sum, .int64): reduce(SumInteger<Int64>.self, x, shape, strides, reduced, out, scale)
    case (.sum, .bool): reduce(SumInteger<Bool>.self, x, shape, strides, reduced, out, scale)
    case (.prod, .float32): reduce(ProdFloat<Float>.self, x, shape, strides, reduced, out, scale)
    case (.prod, .float64): reduce(ProdFloat<Double>.self, x, shape, strides, reduced, out, scale)
    case (.prod, .int64): reduce(ProdInteger<Int64>.self, x, shape, strides, reduced, out, scale)
    case (.prod, .bool): reduce(ProdInteger<Bool>.self, x, shape, strides, reduced, out, scale)
    case (.max, .float32): reduce(MaxReducer<Float>.self, x, shape, strides, reduced, out, scale)
    case (.max, .float64): reduce(MaxReducer<Double>.self, x, shape, strides, reduced, out, scale)
    case (.max, .int64): reduce(MaxReducer<Int64>.self, x, shape, strides, reduced, out, scale)
    case (.max, .bool): reduce(MaxReducer<Bool>.self, x, shape, strides, reduced, out, scale)
    case (.min, .float32): reduce(MinReducer<Float>.self, x, shape, strides, reduced, out, scale)
    case (.min, .float64): reduce(MinReducer<Double>.self, x, shape, strides, reduced, out, scale)
    case (.min, .int64): reduce(MinReducer<Int64>.self, x, shape, strides, reduced, out, scale)
    case (.min, .bool): reduce(MinReducer<Bool>.self, x, shape, strides, reduced, out, scale)
    case (.sumOfSquares, .float32): reduce(SumOfSquaresFloat.self, x, shape, strides, reduced, out, scale)
    case (.sumOfSquares, .float64): reduce(SumOfSquaresDouble.self, x, shape, strides, reduced, out, scale)
    case (.sumOfSquares, .int64), (.sumOfSquares, .bool): break  // callers convert to floating point first
    default: break  // storage types: the engine computes them in their kernel type
    }
}
