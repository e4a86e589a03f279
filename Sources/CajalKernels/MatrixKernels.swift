import CajalRuntime

// The matrix product's own loops, for what BLAS does not do: int64 (BLAS has
// no integer gemm) and float products in a process where OpenBLAS could not
// be loaded. Correct but slow: the fast path is BLAS.

/// C (m x n, leading dimension ldc) = A (m x k) * B (k x n) + beta * C; int64
/// wraps on overflow as torch's does and ignores beta (its callers pass 0).
@Sendable func plainMatrixMultiplyKernel(_ kind: DType, _ m: Int, _ n: Int, _ k: Int, _ a: MatrixOperand, _ b: MatrixOperand,
                                         _ c: UnsafeMutableRawPointer, _ ldc: Int, _ beta: Double) {
    switch kind {
    case .float32: plainMultiply(m, n, k, a, b, c.assumingMemoryBound(to: Float.self), ldc, Float(beta))
    case .float64: plainMultiply(m, n, k, a, b, c.assumingMemoryBound(to: Double.self), ldc, beta)
    case .int64: integerMultiply(m, n, k, a, b, c.assumingMemoryBound(to: Int64.self), ldc)
    case .bool: break  // rejected by the op before it gets here
    default: break  // storage types: the engine computes them in their kernel type
    }
}

/// Element (i, j) of a row-major operand is at i * rowStride + j * columnStride.
private func strides(_ operand: MatrixOperand) -> (row: Int, column: Int) {
    operand.transposed ? (1, operand.leadingDimension) : (operand.leadingDimension, 1)
}

private func plainMultiply<T: BinaryFloatingPoint>(_ m: Int, _ n: Int, _ k: Int, _ a: MatrixOperand, _ b: MatrixOperand,
                                                   _ c: UnsafeMutablePointer<T>, _ ldc: Int, _ beta: T) {
    let ap = a.pointer.assumingMemoryBound(to: T.self), bp = b.pointer.assumingMemoryBound(to: T.self)
    let (ars, acs) = strides(a), (brs, bcs) = strides(b)
    for i in 0..<m {
        for j in 0..<n {
            var total: T = 0
            for p in 0..<k { total += ap[i * ars + p * acs] * bp[p * brs + j * bcs] }
            c[i * ldc + j] = beta == 0 ? total : total + beta * c[i * ldc + j]
        }
    }
}

private func integerMultiply(_ m: Int, _ n: Int, _ k: Int, _ a: MatrixOperand, _ b: MatrixOperand,
                             _ c: UnsafeMutablePointer<Int64>, _ ldc: Int) {
    let ap = a.pointer.assumingMemoryBound(to: Int64.self), bp = b.pointer.assumingMemoryBound(to: Int64.self)
    let (ars, acs) = strides(a), (brs, bcs) = strides(b)
    for i in 0..<m {
        for j in 0..<n {
            var total: Int64 = 0
            for p in 0..<k { total &+= ap[i * ars + p * acs] &* bp[p * brs + j * bcs] }
            c[i * ldc + j] = total
        }
    }
}
