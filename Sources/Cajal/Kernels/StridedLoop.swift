/// Walks an n-d index space for several operands at once (operand 0 is
/// usually the output). Dims of size 1 are dropped and neighbouring dims that
/// every operand lays out contiguously are merged, so a contiguous or
/// broadcast-row case becomes a few long rows whose inner loop vectorizes.
struct StridedLoop {
    /// Outer dims (all but the innermost), outermost first.
    let outerShape: [Int]
    /// outerStrides[operand][dim], in elements.
    let outerStrides: [[Int]]
    /// Length and per-operand stride of the innermost dim.
    let innerCount: Int
    let innerStrides: [Int]
    let rowCount: Int
    let operandCount: Int

    init(shape: [Int], strides: [[Int]]) {
        operandCount = strides.count
        // Drop dims of size 1, then merge an outer dim into the inner one
        // whenever every operand has stride[outer] == stride[inner] * size[inner].
        var outShape: [Int] = []
        var outStrides = [[Int]](repeating: [], count: strides.count)
        for d in 0..<shape.count where shape[d] != 1 {
            let size = shape[d]
            if let outerSize = outShape.last {
                var canMerge = true
                for op in 0..<strides.count where outStrides[op][outStrides[op].count - 1] != strides[op][d] * size {
                    canMerge = false
                    break
                }
                if canMerge {
                    outShape[outShape.count - 1] = outerSize * size
                    for op in 0..<strides.count { outStrides[op][outStrides[op].count - 1] = strides[op][d] }
                    continue
                }
            }
            outShape.append(size)
            for op in 0..<strides.count { outStrides[op].append(strides[op][d]) }
        }
        if outShape.isEmpty {
            // A scalar, or all dims of size 1 (or the space is empty).
            let empty = shape.contains(0)
            innerCount = empty ? 0 : 1
            innerStrides = [Int](repeating: 0, count: strides.count)
            outerShape = []
            outerStrides = [[Int]](repeating: [], count: strides.count)
            rowCount = empty ? 0 : 1
            return
        }
        innerCount = outShape[outShape.count - 1]
        innerStrides = outStrides.map { $0[$0.count - 1] }
        outerShape = Array(outShape.dropLast())
        outerStrides = outStrides.map { Array($0.dropLast()) }
        rowCount = outerShape.reduce(1, *)
    }

    /// Calls `body(offsets)` for rows `rows`, where offsets[op] is the element
    /// offset of that row's first element for each operand.
    func forEachRow(_ rows: Range<Int>, _ body: (UnsafeMutablePointer<Int>) -> Void) {
        if rows.isEmpty { return }
        let outerRank = outerShape.count
        withUnsafeTemporaryAllocation(of: Int.self, capacity: operandCount + outerRank + 1) { buffer in
            let offsets = buffer.baseAddress!  // trap-ok: capacity >= 1
            let index = offsets + operandCount
            // Decompose the first row into an index and offsets.
            var rest = rows.lowerBound
            for op in 0..<operandCount { offsets[op] = 0 }
            for d in stride(from: outerRank - 1, through: 0, by: -1) {
                let i = rest % outerShape[d]
                rest /= outerShape[d]
                index[d] = i
                for op in 0..<operandCount { offsets[op] += i * outerStrides[op][d] }
            }
            for _ in rows {
                body(offsets)
                // Odometer increment.
                var d = outerRank - 1
                while d >= 0 {
                    index[d] += 1
                    for op in 0..<operandCount { offsets[op] += outerStrides[op][d] }
                    if index[d] < outerShape[d] { break }
                    for op in 0..<operandCount { offsets[op] -= outerStrides[op][d] * outerShape[d] }
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }

    /// Runs `row(offsets, innerStart, innerLength)` over the whole space,
    /// in parallel when it is large: by rows when there are enough of them,
    /// otherwise by pieces of the long inner rows.
    func run(costPerElement: Int = 1, _ row: (UnsafeMutablePointer<Int>, Int, Int) -> Void) {
        let total = rowCount &* innerCount
        if total == 0 { return }
        if rowCount >= Parallel.threadCount || innerCount < Parallel.elementwiseGrain {
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
