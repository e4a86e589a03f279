/// How a tensor's elements sit in its storage: element i0,i1,... lives at
/// `offset + sum(i_k * strides[k])`, counted in elements, not bytes.
public struct Layout: Equatable, Sendable {
    public let shape: [Int]
    public let strides: [Int]
    public let offset: Int

    public init(shape: [Int], strides: [Int], offset: Int = 0) {
        self.shape = shape
        self.strides = strides
        self.offset = offset
    }

    /// A row-major contiguous layout.
    public init(contiguous shape: [Int]) {
        self.shape = shape
        self.strides = Layout.contiguousStrides(shape)
        self.offset = 0
    }

    public var rank: Int { shape.count }

    /// Wrapping: a shape with a zero dim has 0 elements whatever the other dims
    /// (a wrapped product through 0 stays 0), and every other shape was checked
    /// against Limits.maxElements where it was made.
    public var numel: Int { shape.reduce(1, &*) }

    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[d] = running
            running *= Swift.max(shape[d], 1)
        }
        return strides
    }

    /// Row-major contiguous, ignoring the strides of size-1 dims as torch does.
    public var isContiguous: Bool {
        var expected = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            let size = shape[d]
            if size == 0 { return true }
            if size != 1 {
                if strides[d] != expected { return false }
                expected *= size
            }
        }
        return true
    }

    /// The element-count bounds [lo, hi] the layout touches in its storage.
    func extent() -> (lo: Int, hi: Int) {
        var lo = offset, hi = offset
        for (size, st) in zip(shape, strides) where size > 1 {
            if st >= 0 { hi += (size - 1) * st } else { lo += (size - 1) * st }
        }
        return (lo, hi)
    }
}

/// Checks user-supplied sizes and returns their element count, refusing
/// negative sizes and counts that overflow instead of trapping. The sizes'
/// product with zeros read as ones must fit too, so that even an empty
/// tensor's strides stay representable.
package func checkedNumel(_ shape: [Int], op: String) throws -> Int {
    guard shape.count <= Limits.maxRank else {
        throw CajalError.value("[\(op)] a shape of \(shape.count) dims has too many (at most \(Limits.maxRank))")
    }
    var extent = 1
    for size in shape {
        guard size >= 0 else {
            throw CajalError.value("[\(op)] negative dimension \(size) in shape \(shapeString(shape))")
        }
        let (product, overflow) = extent.multipliedReportingOverflow(by: Swift.max(size, 1))
        guard !overflow, product <= Limits.maxElements else {  // far beyond any memory; keeps byte counts from overflowing
            throw CajalError(.outOfMemory, "[\(op)] shape \(shapeString(shape)) has too many elements")
        }
        extent = product
    }
    return shape.contains(0) ? 0 : extent
}

/// Wraps a possibly negative dim into [0, rank), as torch does, or throws IndexError.
func normalizeDim(_ dim: Int, rank: Int, op: String) throws -> Int {
    let r = Swift.max(rank, 1)  // a scalar accepts dims 0 and -1
    guard dim >= -r && dim < r else {
        throw CajalError.index("[\(op)] Dimension out of range (expected to be in range of [\(-r), \(r - 1)], but got \(dim))")
    }
    return dim < 0 ? dim + r : dim
}
