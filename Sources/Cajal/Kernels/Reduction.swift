import Glibc

/// How each element type sums: float32 adds in double SIMD lanes, so long
/// sums keep float32's precision; int64 wraps; bool counts.
protocol SumElement: TensorElement {
    associatedtype Accum
    associatedtype Output: TensorElement
    static var accumZero: Accum { get }
    static func combine(_ a: Accum, _ b: Accum) -> Accum
    static func rowSum(_ p: UnsafePointer<Self>, _ stride: Int, _ n: Int) -> Accum
    static func output(_ total: Accum, scale: Double) -> Output
    /// out[i] += x[i * stride] for i in 0..<n, for reductions over an outer dim.
    static func addRow(_ out: UnsafeMutablePointer<Output>, _ x: UnsafePointer<Self>, _ stride: Int, _ n: Int)
}

extension Float: SumElement {
    static var accumZero: Double { 0 }
    @inline(__always) static func combine(_ a: Double, _ b: Double) -> Double { a + b }
    static func rowSum(_ p: UnsafePointer<Float>, _ stride: Int, _ n: Int) -> Double {
        if stride != 1 {
            var total = 0.0
            for i in 0..<n { total += Double(p[i * stride]) }
            return total
        }
        // Widen each float to double as it is added: every step is exact to
        // float32's precision, and the loop stays bound by memory bandwidth.
        var lanes0 = SIMD8<Double>(), lanes1 = SIMD8<Double>()
        var i = 0
        while i + 16 <= n {
            let block = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
            lanes0 += SIMD8<Double>(block.lowHalf)
            lanes1 += SIMD8<Double>(block.highHalf)
            i += 16
        }
        var total = (lanes0 + lanes1).sum()
        while i < n { total += Double(p[i]); i += 1 }
        return total
    }
    static func output(_ total: Double, scale: Double) -> Float { Float(total * scale) }
    static func addRow(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ stride: Int, _ n: Int) {
        if stride == 1 { for i in 0..<n { out[i] += x[i] } } else { for i in 0..<n { out[i] += x[i * stride] } }
    }
}

extension Double: SumElement {
    static var accumZero: Double { 0 }
    @inline(__always) static func combine(_ a: Double, _ b: Double) -> Double { a + b }
    static func rowSum(_ p: UnsafePointer<Double>, _ stride: Int, _ n: Int) -> Double {
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
        var total = lanes.sum()
        while i < n { total += p[i]; i += 1 }
        return total
    }
    static func output(_ total: Double, scale: Double) -> Double { total * scale }
    static func addRow(_ out: UnsafeMutablePointer<Double>, _ x: UnsafePointer<Double>, _ stride: Int, _ n: Int) {
        if stride == 1 { for i in 0..<n { out[i] += x[i] } } else { for i in 0..<n { out[i] += x[i * stride] } }
    }
}

extension Int64: SumElement {
    static var accumZero: Int64 { 0 }
    @inline(__always) static func combine(_ a: Int64, _ b: Int64) -> Int64 { a &+ b }
    static func rowSum(_ p: UnsafePointer<Int64>, _ stride: Int, _ n: Int) -> Int64 {
        var total: Int64 = 0
        for i in 0..<n { total &+= p[i * stride] }
        return total
    }
    static func output(_ total: Int64, scale: Double) -> Int64 { total }
    static func addRow(_ out: UnsafeMutablePointer<Int64>, _ x: UnsafePointer<Int64>, _ stride: Int, _ n: Int) {
        for i in 0..<n { out[i] &+= x[i * stride] }
    }
}

extension Bool: SumElement {
    static var accumZero: Int64 { 0 }
    @inline(__always) static func combine(_ a: Int64, _ b: Int64) -> Int64 { a &+ b }
    static func rowSum(_ p: UnsafePointer<Bool>, _ stride: Int, _ n: Int) -> Int64 {
        var total: Int64 = 0
        for i in 0..<n where p[i * stride] { total &+= 1 }
        return total
    }
    static func output(_ total: Int64, scale: Double) -> Int64 { total }
    static func addRow(_ out: UnsafeMutablePointer<Int64>, _ x: UnsafePointer<Bool>, _ stride: Int, _ n: Int) {
        for i in 0..<n where x[i * stride] { out[i] &+= 1 }
    }
}

enum Reduction {
    /// The dtype `sum` produces: integers and bool sum to int64, as in torch.
    static func sumDType(_ dtype: DType) -> DType { dtype.isFloatingPoint ? dtype : .int64 }

    /// Sums x (given by shape and element strides) over the dims marked in
    /// `reduced`, writing the kept dims contiguously to `out`, times `scale`
    /// (1/count for mean).
    static func sum(dtype: DType, x: UnsafeRawPointer, shape: [Int], strides: [Int], reduced: [Bool],
                    out: UnsafeMutableRawPointer, scale: Double) {
        switch dtype {
        case .float32: sum(Float.self, x, shape, strides, reduced, out, scale)
        case .float64: sum(Double.self, x, shape, strides, reduced, out, scale)
        case .int64: sum(Int64.self, x, shape, strides, reduced, out, scale)
        case .bool: sum(Bool.self, x, shape, strides, reduced, out, scale)
        }
    }

    private static func sum<T: SumElement>(_: T.Type, _ xRaw: UnsafeRawPointer, _ shape: [Int], _ strides: [Int],
                                           _ reduced: [Bool], _ outRaw: UnsafeMutableRawPointer, _ scale: Double) {
        let x = xRaw.assumingMemoryBound(to: T.self)
        let out = outRaw.assumingMemoryBound(to: T.Output.self)
        var keptShape: [Int] = [], keptStrides: [Int] = []
        var reducedShape: [Int] = [], reducedStrides: [Int] = []
        for d in 0..<shape.count {
            if reduced[d] {
                reducedShape.append(shape[d]); reducedStrides.append(strides[d])
            } else {
                keptShape.append(shape[d]); keptStrides.append(strides[d])
            }
        }
        let keptLoop = StridedLoop(shape: keptShape, strides: Layout.contiguousStrides(keptShape), keptStrides)
        let reducedLoop = StridedLoop(shape: reducedShape, strides: reducedStrides)
        let outCount = keptLoop.rowCount * keptLoop.innerCount
        if outCount == 0 { return }
        let reducedCount = reducedLoop.rowCount * reducedLoop.innerCount
        let rs = reducedLoop.innerStrides[0]

        // Sums the reduced space starting at element offset `base` of x.
        func reduceAt(_ base: Int, rows: Range<Int>) -> T.Accum {
            var total = T.accumZero
            reducedLoop.forEachRow(rows) { offsets in
                total = T.combine(total, T.rowSum(x + base + offsets[0], rs, reducedLoop.innerCount))
            }
            return total
        }

        if outCount == 1 {
            // A full reduction: split the reduced rows (or one long row) across threads.
            if reducedLoop.rowCount == 0 || reducedCount == 0 {
                out[0] = T.output(T.accumZero, scale: scale)
                return
            }
            let partials = UnsafeMutablePointer<T.Accum>.allocate(capacity: Parallel.threadCount)
            defer { partials.deallocate() }
            var used = 0
            if reducedLoop.rowCount == 1 {
                let n = reducedLoop.innerCount
                let chunks = Swift.max(1, Swift.min(Parallel.threadCount, n / Parallel.elementwiseGrain))
                used = chunks
                Parallel.forEachChunk(chunks, costPerItem: Parallel.elementwiseGrain) { range in
                    for c in range {
                        let start = n * c / chunks, end = n * (c + 1) / chunks
                        (partials + c).initialize(to: T.rowSum(x + start * rs, rs, end - start))
                    }
                }
            } else {
                let rows = reducedLoop.rowCount
                let chunks = Swift.max(1, Swift.min(Parallel.threadCount, reducedCount / Parallel.elementwiseGrain))
                used = Swift.min(chunks, rows)
                Parallel.forEachChunk(used, costPerItem: Parallel.elementwiseGrain) { range in
                    for c in range {
                        (partials + c).initialize(to: reduceAt(0, rows: (rows * c / used)..<(rows * (c + 1) / used)))
                    }
                }
            }
            var total = T.accumZero
            for c in 0..<used { total = T.combine(total, partials[c]) }
            out[0] = T.output(total, scale: scale)
            return
        }

        let keptInnerStride = keptLoop.innerStrides[1]
        if keptInnerStride == 1 && keptLoop.innerCount >= 8 && rs != 1 {
            // The contiguous dim is kept: add whole rows of x into rows of out,
            // one reduced position at a time, so the inner loop vectorizes.
            let n = keptLoop.innerCount
            Parallel.forEachChunk(keptLoop.rowCount, costPerItem: n * Swift.max(reducedCount, 1)) { rows in
                keptLoop.forEachRow(rows) { offsets in
                    let outRow = out + offsets[0]
                    outRow.update(repeating: T.Output(double: 0), count: n)
                    reducedLoop.forEachRow(0..<reducedLoop.rowCount) { r in
                        for j in 0..<reducedLoop.innerCount {
                            T.addRow(outRow, x + offsets[1] + r[0] + j * rs, 1, n)
                        }
                    }
                    if scale != 1 {
                        for i in 0..<n { outRow[i] = T.Output(double: outRow[i].doubleValue * scale) }
                    }
                }
            }
            return
        }

        // One output element at a time, each summing its reduced space.
        let ko = keptLoop.innerStrides[0], kx = keptLoop.innerStrides[1]
        Parallel.forEachChunk(keptLoop.rowCount, costPerItem: keptLoop.innerCount * Swift.max(reducedCount, 1)) { rows in
            keptLoop.forEachRow(rows) { offsets in
                for i in 0..<keptLoop.innerCount {
                    let total = reduceAt(offsets[1] + i * kx, rows: 0..<reducedLoop.rowCount)
                    out[offsets[0] + i * ko] = T.output(total, scale: scale)
                }
            }
        }
    }
}
