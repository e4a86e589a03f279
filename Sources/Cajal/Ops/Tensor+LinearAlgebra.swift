import CajalKernelsABI

/// matmul with torch's rules for 1-D operands and broadcast batch dims,
/// computed by BLAS gemm.
extension Tensor {
    public func matmul(_ other: Tensor) throws -> Tensor {
        guard rank >= 1 && other.rank >= 1 else {
            throw CajalError.runtime("[matmul] both arguments to matmul need to be at least 1D, but they are \(rank)D and \(other.rank)D")
        }
        if rank == 1 && other.rank == 1 {
            guard shape[0] == other.shape[0] else {
                throw CajalError.shape("[matmul] shapes \(shapeString(shape)) and \(shapeString(other.shape)) cannot be multiplied (\(shape[0]) != \(other.shape[0]))")
            }
            return try unsqueeze(dim: 0).matrixProduct(other.unsqueeze(dim: 1), dot: true).reshape([])
        }
        // A vector joins as a matrix, and the added dim is dropped afterwards.
        if rank == 1 {
            return try unsqueeze(dim: 0).matrixProduct(other).squeeze(dim: -2)
        }
        if other.rank == 1 {
            return try matrixProduct(other.unsqueeze(dim: 1)).squeeze(dim: -1)
        }
        return try matrixProduct(other)
    }

    /// The product of matrices in the last two dims, broadcasting the batch dims.
    private func matrixProduct(_ other: Tensor, dot: Bool = false) throws -> Tensor {
        let m = shape[rank - 2], k = shape[rank - 1]
        let k2 = other.shape[other.rank - 2], n = other.shape[other.rank - 1]
        guard k == k2 else {
            throw CajalError.shape("[matmul] shapes \(shapeString(shape)) and \(shapeString(other.shape)) cannot be multiplied (\(k) != \(k2))")
        }
        // Like torch, matmul does not promote: both operands must share a dtype.
        guard dtype == other.dtype else {
            throw CajalError.runtime("[matmul] expected both operands to have the same dtype, but got: \(dtype) != \(other.dtype)")
        }
        let type = dtype
        guard type != .bool else { throw CajalError.type("[matmul] \"addmm_impl_cpu_\" not implemented for 'Bool'") }
        let limit = Int(Int32.max)
        guard m <= limit && n <= limit && k <= limit else {
            throw CajalError.value("[matmul] matrix dims of \(shapeString(shape)) and \(shapeString(other.shape)) exceed BLAS's 32-bit limit")
        }
        let batchA = Array(shape.dropLast(2)), batchB = Array(other.shape.dropLast(2))
        let batch = try broadcastShapes(batchA, batchB, op: "matmul")
        let out = try Tensor(uninitializedShape: batch + [m, n], dtype: type, op: "matmul")
        if k == 0 {
            try out.fillInPlaceUnchecked(0)
        } else {
            let a = try converted(to: type).blasReady(), b = try other.converted(to: type).blasReady()
            let aLayout = Gemm.blasLayout(rows: m, cols: k, rowStride: a.strides[rank - 2], colStride: a.strides[rank - 1])
            let bLayout = Gemm.blasLayout(rows: k, cols: n, rowStride: b.strides[other.rank - 2], colStride: b.strides[other.rank - 1])
            // blasReady() made both readable by BLAS; a failure here is a bug, reported, not trapped.
            guard let aLayout, let bLayout else {
                throw CajalError.runtime("[matmul] internal error: operands of \(shapeString(shape)) and \(shapeString(other.shape)) are not BLAS-readable")
            }
            guard aLayout.ld <= limit && bLayout.ld <= limit else {
                throw CajalError.value("[matmul] strides of \(shapeString(shape)) and \(shapeString(other.shape)) exceed BLAS's 32-bit limit; call .contiguous() first")
            }
            do {
                let itemSize = type.itemSize
                let batchLoop = StridedLoop(shape: batch, strides: Array(out.strides.dropLast(2)),
                                            Array(a.broadcastStrides(to: batch + [m, k]).dropLast(2)),
                                            Array(b.broadcastStrides(to: batch + [k, n]).dropLast(2)))
                let inner = batchLoop.innerStrides
                batchLoop.forEachRow(0..<batchLoop.rowCount) { offsets in
                    for i in 0..<batchLoop.innerCount {
                        Gemm.multiply(
                            dtype: type, m: m, n: n, k: k,
                            a: MatrixOperand(pointer: a.dataPointer + (offsets[1] + i * inner[1]) * itemSize,
                                             transposed: aLayout.transposed, leadingDimension: aLayout.ld),
                            b: MatrixOperand(pointer: b.dataPointer + (offsets[2] + i * inner[2]) * itemSize,
                                             transposed: bLayout.transposed, leadingDimension: bLayout.ld),
                            c: out.dataPointer + (offsets[0] + i * inner[0]) * itemSize, ldc: Swift.max(n, 1))
                    }
                }
            }
        }
        let name = dot ? "DotBackward0" : (batch.isEmpty ? "MmBackward0" : "BmmBackward0")
        return out.recording(name, inputs: [self, other], saving: [self, other]) { ctx in
            let (a, b) = (ctx.saved[0], ctx.saved[1])
            return [ctx.needs(0) ? try ctx.grad.matrixProduct(b.transpose(-1, -2)) : nil,
                    ctx.needs(1) ? try a.transpose(-1, -2).matrixProduct(ctx.grad) : nil]
        }
    }

    /// Self, or a contiguous copy when BLAS cannot read its last two dims.
    private func blasReady() throws -> Tensor {
        let rows = shape[rank - 2], cols = shape[rank - 1]
        if Gemm.blasLayout(rows: rows, cols: cols, rowStride: strides[rank - 2], colStride: strides[rank - 1]) != nil {
            return self
        }
        return try materialized()
    }

    /// Fills a freshly made tensor; skips the autograd checks of fillInPlace.
    func fillInPlaceUnchecked(_ value: Double) throws {
        kernels.fill(dtype.kind, dataPointer, value, Int64(value), StridedLoop(shape: shape, strides: strides))
    }
}
