/// NumPy/PyTorch broadcasting, defined once: shapes align from the right and
/// a size-1 (or missing) dim stretches to match. Backward undoes it with
/// `sumTo`, which the autograd engine applies for every op.

package func broadcastShapes(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
    if a == b { return a }
    let rank = Swift.max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        if da == db || db == 1 {
            result[i] = da
        } else if da == 1 {
            result[i] = db
        } else {
            throw CajalError.shape("[\(op)] shapes \(shapeString(a)) and \(shapeString(b)) cannot be broadcast: the size of tensor a (\(da)) must match the size of tensor b (\(db)) at non-singleton dimension \(i)")
        }
    }
    // Two expanded views can broadcast to more elements than any tensor holds.
    _ = try checkedNumel(result, op: op)
    return result
}

extension Tensor {
    /// This tensor's element strides when read at the (broadcast) `shape`:
    /// stride 0 for new leading dims and for stretched size-1 dims.
    func broadcastStrides(to target: [Int]) -> [Int] {
        if target == shape { return strides }
        let lead = target.count - rank
        var result = [Int](repeating: 0, count: target.count)
        for d in 0..<rank where shape[d] != 1 || target[lead + d] == 1 {
            result[lead + d] = strides[d]
        }
        return result
    }

    /// Sums this tensor down to `target`, a shape it was broadcast from.
    /// This is expand's backward.
    public func sumTo(shape target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        guard lead >= 0 else {
            throw CajalError.shape("[sum_to] shape \(shapeString(shape)) cannot be summed to \(shapeString(target))")
        }
        var dims: [Int] = Array(0..<lead)
        for d in 0..<target.count where target[d] != shape[lead + d] {
            guard target[d] == 1 else {
                throw CajalError.shape("[sum_to] shape \(shapeString(shape)) cannot be summed to \(shapeString(target))")
            }
            dims.append(lead + d)
        }
        if dims.isEmpty { return try reshape(target) }
        return try sum(dims: dims, keepDim: true).reshape(target)
    }
}
