/// Walks an n-d index space for up to four operands at once (operand 0 is
/// usually the output). Dims of size 1 are dropped and neighbouring dims that
/// every operand lays out contiguously are merged, so a contiguous or
/// broadcast-row case becomes a few long rows whose inner loop vectorizes.
/// The all-contiguous case, the most common one, allocates nothing.
public struct StridedLoop {
    public static let maxOperands = 4

    /// Outer dims (all but the innermost), outermost first.
    public let outerShape: [Int]
    /// outerStrides[operand * outerRank + dim], in elements.
    public let outerStrides: [Int]
    /// The same per dim, all operands in one vector (unused lanes 0): the
    /// odometer adds whole vectors, since setting one lane of a SIMD4 at a
    /// time went through the stack and stalled on every row.
    public let outerStepVectors: [SIMD4<Int>]
    /// Length and per-operand stride of the innermost dim.
    public let innerCount: Int
    public let innerStrides: SIMD4<Int>
    public let rowCount: Int
    public let operandCount: Int

    // One initializer per operand count, so callers never build an array of arrays.
    public init(shape: [Int], strides s0: [Int]) {
        self.init(shape: shape, operandCount: 1) { (_: Int, d: Int) -> Int in s0[d] }
    }

    public init(shape: [Int], strides s0: [Int], _ s1: [Int]) {
        self.init(shape: shape, operandCount: 2) { op, d in op == 0 ? s0[d] : s1[d] }
    }

    public init(shape: [Int], strides s0: [Int], _ s1: [Int], _ s2: [Int]) {
        self.init(shape: shape, operandCount: 3) { op, d in op == 0 ? s0[d] : op == 1 ? s1[d] : s2[d] }
    }

    public init(shape: [Int], strides s0: [Int], _ s1: [Int], _ s2: [Int], _ s3: [Int]) {
        self.init(shape: shape, operandCount: 4) { op, d in op == 0 ? s0[d] : op == 1 ? s1[d] : op == 2 ? s2[d] : s3[d] }
    }

    private init(shape: [Int], operandCount: Int, strideOf: (Int, Int) -> Int) {
        self.operandCount = operandCount
        // Fast path: every operand is row-major contiguous over `shape`.
        var contiguous = true
        var expected = 1
        var count = 1
        check: for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] != 1 {
            for op in 0..<operandCount where strideOf(op, d) != expected {
                contiguous = false
                break check
            }
            expected *= shape[d]
        }
        for size in shape { count *= size }
        if contiguous {
            outerShape = []
            outerStrides = []
            outerStepVectors = []
            innerCount = count
            innerStrides = SIMD4(repeating: 1)
            rowCount = count == 0 ? 0 : 1
            return
        }

        // Walk the dims in memory order (innermost last), drop dims of size 1,
        // then merge an outer dim into the inner one whenever every operand
        // has stride[outer] == stride[inner] * size[inner].
        let order = StridedLoop.memoryOrder(shape: shape, operandCount: operandCount, strideOf: strideOf)
        var mergedShape: [Int] = []
        var mergedStrides: [SIMD4<Int>] = []
        for d in order.reversed() where shape[d] != 1 {
            let size = shape[d]
            var strides = SIMD4<Int>()
            for op in 0..<operandCount { strides[op] = strideOf(op, d) }
            if let outerSize = mergedShape.last, let outer = mergedStrides.last, outer == strides &* size {
                mergedShape[mergedShape.count - 1] = outerSize * size
                mergedStrides[mergedStrides.count - 1] = strides
                continue
            }
            mergedShape.append(size)
            mergedStrides.append(strides)
        }
        if count == 0 || mergedShape.isEmpty {
            outerShape = []
            outerStrides = []
            outerStepVectors = []
            innerCount = count == 0 ? 0 : 1
            innerStrides = SIMD4()
            rowCount = count == 0 ? 0 : 1
            return
        }
        innerCount = mergedShape[mergedShape.count - 1]
        innerStrides = mergedStrides[mergedStrides.count - 1]
        outerShape = Array(mergedShape.dropLast())
        let outerRank = outerShape.count
        var flat = [Int](repeating: 0, count: operandCount * outerRank)
        for d in 0..<outerRank {
            for op in 0..<operandCount { flat[op * outerRank + d] = mergedStrides[d][op] }
        }
        outerStrides = flat
        outerStepVectors = Array(mergedStrides.dropLast())
        rowCount = outerShape.reduce(1, *)
    }

    /// The dims from innermost to outermost, as torch's TensorIterator orders
    /// them: by each operand's strides in turn (the first operand decides,
    /// later ones break ties; broadcast dims express no preference), and
    /// row-major where nothing prefers otherwise.
    public static func memoryOrder(shape: [Int], strides: [[Int]]) -> [Int] {
        memoryOrder(shape: shape, operandCount: strides.count) { op, d in strides[op][d] }
    }

    private static func memoryOrder(shape: [Int], operandCount: Int, strideOf: (Int, Int) -> Int) -> [Int] {
        let rank = shape.count
        var perm = Array((0..<rank).reversed())
        if rank <= 1 { return perm }
        // Should dim0 go inside dim1? 1: yes, -1: no, 0: no opinion.
        func order(_ dim0: Int, _ dim1: Int) -> Int {
            for op in 0..<operandCount {
                let s0 = strideOf(op, dim0), s1 = strideOf(op, dim1)
                if s0 == 0 || s1 == 0 { continue }
                if s0 < s1 { return -1 }
                if s0 > s1 { return 1 }
                if shape[dim0] > shape[dim1] { return 1 }
            }
            return 0
        }
        for i in 1..<rank {
            var dim1 = i
            var dim0 = i - 1
            while dim0 >= 0 {
                let comparison = order(perm[dim0], perm[dim1])
                if comparison > 0 {
                    perm.swapAt(dim0, dim1)
                    dim1 = dim0
                } else if comparison < 0 {
                    break
                }
                dim0 -= 1
            }
        }
        return perm
    }

    /// The lowest and highest element offsets operand `op` touches, relative
    /// to its first element (a negative stride reaches below it). Lets a
    /// kernel rule out aliasing between operands once rather than per row.
    public func elementSpan(_ op: Int) -> (low: Int, high: Int) {
        var low = 0, high = 0
        func extend(_ size: Int, _ stride: Int) {
            let reach = (size - 1) &* stride
            if reach < 0 { low &+= reach } else { high &+= reach }
        }
        if rowCount == 0 || innerCount == 0 { return (0, -1) }
        extend(innerCount, innerStrides[op])
        let outerRank = outerShape.count
        for d in 0..<outerRank { extend(outerShape[d], outerStrides[op * outerRank + d]) }
        return (low, high)
    }

    /// Whether operands `a` and `b` (at base addresses `pa`, `pb`, elements of
    /// `sizeA`, `sizeB` bytes) never share a byte over the whole space.
    public func disjoint(_ a: Int, _ pa: UnsafeRawPointer, _ sizeA: Int,
                         _ b: Int, _ pb: UnsafeRawPointer, _ sizeB: Int) -> Bool {
        let (la, ha) = elementSpan(a), (lb, hb) = elementSpan(b)
        if ha < la || hb < lb { return true }
        let startA = Int(bitPattern: pa) &+ la &* sizeA, endA = Int(bitPattern: pa) &+ (ha &+ 1) &* sizeA
        let startB = Int(bitPattern: pb) &+ lb &* sizeB, endB = Int(bitPattern: pb) &+ (hb &+ 1) &* sizeB
        return endA <= startB || endB <= startA
    }

    /// Calls `body(offsets)` for rows `rows`, where offsets[op] is the element
    /// offset of that row's first element for each operand.
    @inlinable
    public func forEachRow(_ rows: Range<Int>, _ body: (SIMD4<Int>) -> Void) {
        if rows.isEmpty { return }
        let outerRank = outerShape.count
        if outerRank == 0 {
            body(SIMD4())
            return
        }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: outerRank) { index in
            // Decompose the first row into an index and offsets.
            var offsets = SIMD4<Int>()
            var rest = rows.lowerBound
            for d in stride(from: outerRank - 1, through: 0, by: -1) {
                let i = rest % outerShape[d]
                rest /= outerShape[d]
                index[d] = i
                offsets &+= i &* outerStepVectors[d]
            }
            for _ in rows {
                body(offsets)
                // Odometer increment.
                var d = outerRank - 1
                while d >= 0 {
                    index[d] += 1
                    offsets &+= outerStepVectors[d]
                    if index[d] < outerShape[d] { break }
                    offsets &-= outerStepVectors[d] &* outerShape[d]
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }

    /// Calls `body(offsets)` for every position of the space (each row's
    /// inner elements one by one), split across cores by positions, not rows:
    /// a kernel that walks a dim for each position of the others (argmax,
    /// cumsum, sort) often has one long row of positions.
    @inlinable
    public func forEachPosition(costPerPosition: Int, _ body: (SIMD4<Int>) -> Void) {
        let total = rowCount &* innerCount
        if total == 0 { return }
        let inner = innerCount, steps = innerStrides
        Parallel.forEachChunk(total, costPerItem: costPerPosition) { positions in
            var row = positions.lowerBound / inner
            forEachRow(row..<(positions.upperBound - 1) / inner + 1) { offsets in
                let start = Swift.max(positions.lowerBound - row * inner, 0)
                let end = Swift.min(positions.upperBound - row * inner, inner)
                for i in start..<end { body(offsets &+ i &* steps) }
                row += 1
            }
        }
    }

    /// Calls `body(offsets, start, width)` for blocks of up to `blockWidth`
    /// neighbouring positions of each row (inner positions start..<start+width),
    /// in parallel when the space is large: for kernels that walk a dim for a
    /// block of positions at once.
    @inlinable
    public func forEachBlock(costPerPosition: Int, blockWidth: Int = 256, _ body: (SIMD4<Int>, Int, Int) -> Void) {
        run(costPerElement: costPerPosition) { offsets, start, length in
            var blockStart = start
            while blockStart < start + length {
                let width = Swift.min(blockWidth, start + length - blockStart)
                body(offsets, blockStart, width)
                blockStart += width
            }
        }
    }

    /// Runs `row(offsets, innerStart, innerLength)` over the whole space,
    /// in parallel when it is large: by rows when there are enough of them,
    /// otherwise by pieces of the long inner rows.
    @inlinable
    public func run(costPerElement: Int = 1, _ row: (SIMD4<Int>, Int, Int) -> Void) {
        let total = rowCount &* innerCount
        if total == 0 { return }
        if rowCount >= Parallel.threadCount || innerCount * costPerElement < Parallel.elementwiseGrain {
            Parallel.forEachChunk(rowCount, costPerItem: innerCount * costPerElement) { rows in
                forEachRow(rows) { offsets in row(offsets, 0, innerCount) }
            }
        } else {
            forEachRow(0..<rowCount) { offsets in
                Parallel.forEachChunk(innerCount, costPerItem: costPerElement) { piece in
                    row(offsets, piece.lowerBound, piece.count)
                }
            }
        }
    }
}
