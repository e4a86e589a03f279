import CajalRuntime
import Glibc

/// matmul with torch's rules for 1-D operands and broadcast batch dims,
/// computed by BLAS gemm.
extension Tensor {
    public func matmul(_ other: Tensor) throws -> Tensor {
        if Autocast.lowers(self, other) {  // computed with autocast off: a lower type's product may widen inside
            let (a, b) = (try Autocast.lowered(self), try Autocast.lowered(other))
            return try Autocast.withDisabled { try a.matmul(b) }
        }
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
            return try foldedProduct(other.unsqueeze(dim: 1)).squeeze(dim: -1)
        }
        return try foldedProduct(other)
    }

    /// A stack of matrices times one matrix as one tall product, as torch
    /// folds it: one GEMM rather than one per stacked matrix, and through the
    /// views' backward the weight's gradient is one GEMM too, not a batch of
    /// products summed. Only when the stack's rows are one strided run.
    private func foldedProduct(_ other: Tensor) throws -> Tensor {
        guard rank >= 3, other.rank == 2, count > 0, shape[rank - 1] == other.shape[0] else {
            return try matrixProduct(other)
        }
        let k = shape[rank - 1], rows = count / Swift.max(k, 1)
        guard viewStrides([rows, k]) != nil else { return try matrixProduct(other) }
        return try view([rows, k]).matrixProduct(other).view(Array(shape.dropLast()) + [other.shape[1]])
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
        try Tensor.refuseComplex(dtype, "matmul")
        if let out = try Tensor.inKernelType(dtype, { widen in try widen(self).matrixProduct(widen(other), dot: dot) }) { return out }
        let type = dtype
        let limit = Int(Int32.max)
        guard m <= limit && n <= limit && k <= limit else {
            throw CajalError.value("[matmul] matrix dims of \(shapeString(shape)) and \(shapeString(other.shape)) exceed BLAS's 32-bit limit")
        }
        let batchA = Array(shape.dropLast(2)), batchB = Array(other.shape.dropLast(2))
        let batch = try broadcastShapes(batchA, batchB, op: "matmul")
        let out = try Tensor(uninitializedShape: batch + [m, n], dtype: type, op: "matmul")
        // Like torch, an empty bool product is fine; a real one has no kernel.
        if type == .bool && out.count > 0 { throw CajalError.notImplemented("[matmul] \"addmm_impl_cpu_\" not implemented for 'Bool'") }
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
                func product(_ offsets: SIMD4<Int>, _ i: Int) {
                    Gemm.multiply(
                        dtype: type, m: m, n: n, k: k,
                        a: MatrixOperand(pointer: a.dataPointer + (offsets[1] + i * inner[1]) * itemSize,
                                         transposed: aLayout.transposed, leadingDimension: aLayout.ld),
                        b: MatrixOperand(pointer: b.dataPointer + (offsets[2] + i * inner[2]) * itemSize,
                                         transposed: bLayout.transposed, leadingDimension: bLayout.ld),
                        c: out.dataPointer + (offsets[0] + i * inner[0]) * itemSize, ldc: Swift.max(n, 1))
                }
                let work = Parallel.cost(Parallel.cost(m, n), k)
                if Double(work) <= Gemm.singleThreadWork && type != .int64 {
                    // Many small products (attention's per-head q kᵀ): the
                    // cores take batch elements, each product on one thread.
                    batchLoop.run(costPerElement: Swift.max(work, 1)) { offsets, start, length in
                        for i in start..<(start + length) { product(offsets, i) }
                    }
                } else {
                    batchLoop.forEachRow(0..<batchLoop.rowCount) { offsets in
                        for i in 0..<batchLoop.innerCount { product(offsets, i) }
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

    /// x Wᵀ + b as one product, as torch's addmm computes nn.Linear: the
    /// bias is written into the result's rows first and the GEMM adds the
    /// product onto them (beta 1), so the bias costs a row copy rather than a
    /// second pass over a separate product. Leading dims fold into the rows.
    /// Nil when the operands are not that plain case (other dtypes, a weight
    /// BLAS cannot read, rows that do not fold): the caller composes matmul
    /// and add instead.
    public func linearProduct(weight: Tensor, bias: Tensor?) throws -> Tensor? {
        let type = dtype
        guard type == .float32 || type == .float64, weight.dtype == type, rank >= 2, weight.rank == 2,
              count > 0, weight.count > 0 else { return nil }
        let k = shape[rank - 1], n = weight.shape[0]
        guard weight.shape[1] == k, n <= Int(Int32.max), k <= Int(Int32.max) else { return nil }
        if let bias, bias.dtype != type || bias.rank != 1 || bias.shape[0] != n { return nil }
        let rows = count / k
        guard rows <= Int(Int32.max), viewStrides([rows, k]) != nil,
              let wLayout = Gemm.blasLayout(rows: k, cols: n, rowStride: weight.strides[1], colStride: weight.strides[0]),
              wLayout.ld <= Int(Int32.max) else { return nil }
        let x = rank == 2 ? self : try view([rows, k])
        guard let xLayout = Gemm.blasLayout(rows: rows, cols: k, rowStride: x.strides[0], colStride: x.strides[1]),
              xLayout.ld <= Int(Int32.max) else { return nil }
        let out = try Tensor(uninitializedShape: [rows, n], dtype: type, op: "linear")
        if let bias {
            let row = try bias.contiguous()
            kernels.repeatRow(out.dataPointer, row.dataPointer, rows, n * type.itemSize)
        }
        Gemm.multiply(dtype: type, m: rows, n: n, k: k,
                      a: MatrixOperand(pointer: x.dataPointer, transposed: xLayout.transposed, leadingDimension: xLayout.ld),
                      b: MatrixOperand(pointer: weight.dataPointer, transposed: wLayout.transposed, leadingDimension: wLayout.ld),
                      c: out.dataPointer, ldc: n, beta: bias == nil ? 0 : 1)
        // torch's addmm(bias, mat1, mat2) order: the bias's gradient is
        // ready first, which DDP's buckets (reverse parameter order) expect.
        let inputs = bias.map { [$0, x, weight] } ?? [x, weight]
        let first = inputs.count - 2
        let product = out.recording("AddmmBackward0", inputs: inputs, saving: [x, weight]) { ctx in
            let (x, w) = (ctx.saved[0], ctx.saved[1])
            let products = [ctx.needs(first) ? try ctx.grad.matmul(w) : nil,
                            ctx.needs(first + 1) ? try ctx.grad.t().matmul(x) : nil]
            return first == 1 ? [ctx.needs(0) ? try ctx.grad.sum(dim: 0) : nil] + products : products
        }
        return rank == 2 ? product : try product.view(Array(shape.dropLast()) + [n])
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
        kernels.fill(dtype, dataPointer, value, Int64(value), StridedLoop(shape: shape, strides: strides))
    }
}

// MARK: the strict matrix products

extension Tensor {
    /// Matrix times matrix, both 2-D (torch.mm).
    public func mm(_ other: Tensor) throws -> Tensor {
        guard rank == 2 else { throw CajalError.runtime("[mm] self must be a matrix (got \(rank)-D)") }
        guard other.rank == 2 else { throw CajalError.runtime("[mm] mat2 must be a matrix (got \(other.rank)-D)") }
        guard shape[1] == other.shape[0] else {
            throw CajalError.shape("[mm] mat1 and mat2 shapes cannot be multiplied (\(shape[0])x\(shape[1]) and \(other.shape[0])x\(other.shape[1]))")
        }
        return try matmul(other)
    }

    /// Batches of matrices, both 3-D with equal batch sizes (torch.bmm).
    public func bmm(_ other: Tensor) throws -> Tensor {
        guard rank == 3, other.rank == 3 else {
            throw CajalError.runtime("[bmm] batch1 and batch2 must be 3-D tensors (got \(rank)-D and \(other.rank)-D)")
        }
        guard shape[0] == other.shape[0] else {
            throw CajalError.shape("[bmm] batch1 and batch2 must have same number of batches, got \(shape[0]) and \(other.shape[0])")
        }
        guard shape[2] == other.shape[1] else {
            throw CajalError.shape("[bmm] Expected size for first two dimensions of batch2 tensor to be: [\(shape[0]), \(shape[2])] but got: [\(other.shape[0]), \(other.shape[1])].")
        }
        return try matmul(other)
    }

    /// Matrix times vector (torch.mv).
    public func mv(_ vector: Tensor) throws -> Tensor {
        guard rank == 2, vector.rank == 1 else {
            throw CajalError.runtime("[mv] vector + matrix @ vector expected, got \(rank), \(vector.rank)")
        }
        guard shape[1] == vector.shape[0] else {
            throw CajalError.shape("[mv] size mismatch, got input (\(shape[0])x\(shape[1])), vec (\(vector.shape[0]))")
        }
        return try matmul(vector)
    }

    /// The dot product of two vectors of one length (torch.dot).
    public func dot(_ other: Tensor) throws -> Tensor {
        guard rank == 1, other.rank == 1 else {
            throw CajalError.runtime("[dot] 1D tensors expected, but got \(rank)D and \(other.rank)D tensors")
        }
        guard shape[0] == other.shape[0] else {
            throw CajalError.shape("[dot] inconsistent tensor size, expected tensor [\(shape[0])] and src [\(other.shape[0])] to have the same number of elements, but got \(shape[0]) and \(other.shape[0]) elements respectively")
        }
        return try matmul(other)
    }

    /// The outer product of two vectors (torch.outer).
    public func outer(_ other: Tensor) throws -> Tensor {
        guard rank == 1, other.rank == 1 else {
            throw CajalError.runtime("[outer] outer: expected 1D tensors, but got \(rank)D and \(other.rank)D")
        }
        return try unsqueeze(dim: 1).mul(other.unsqueeze(dim: 0))
    }
}

// MARK: linalg (LAPACK)

extension Tensor {
    /// Checks a batch of square float matrices for `op`.
    private func checkSquare(_ op: String) throws {
        guard rank >= 2 else {
            throw CajalError.runtime("[\(op)] \(op): The input tensor A must have at least 2 dimensions.")
        }
        guard shape[rank - 1] == shape[rank - 2] else {
            throw CajalError.runtime("[\(op)] \(op): A must be batches of square matrices, but they are \(shape[rank - 2]) by \(shape[rank - 1]) matrices")
        }
        try checkLapackType(op)
        guard shape[rank - 1] <= Int(Int32.max) / 64 else {
            throw CajalError.value("[\(op)] matrices of size \(shape[rank - 1]) exceed LAPACK's 32-bit limits")
        }
    }

    /// LAPACK factors float32 and float64; like torch, nothing else.
    private func checkLapackType(_ op: String) throws {
        guard dtype.isFloatingPoint else {
            throw CajalError.notImplemented("[\(op)] \(op): Expected a floating point tensor as input. Got \(dtype)")
        }
        guard dtype.isNative else { throw CajalError.notImplemented("[\(op)] \"\(op)\" not implemented for '\(dtype.torchName)'") }
    }

    /// Runs `body` on each n x n matrix of a contiguous batch.
    private func forEachMatrix(_ body: (UnsafeMutableRawPointer, Int) throws -> Void) rethrows {
        let n = shape[rank - 1]
        let matrices = shape.dropLast(2).reduce(1, *)
        for b in 0..<matrices { try body(dataPointer + b * n * n * dtype.itemSize, b) }
    }

    /// The inverse of each square matrix (torch.linalg.inv), laid out
    /// column-major per matrix as torch returns it.
    public func inv() throws -> Tensor {
        try checkSquare("linalg.inv")
        let n = shape[rank - 1]
        // Row-major Aᵀ is column-major A, which LAPACK inverts in place.
        let columns = try transpose(-1, -2).materialized()
        let pivots = UnsafeMutablePointer<Int32>.allocate(capacity: Swift.max(n, 1))
        defer { pivots.deallocate() }
        try columns.forEachMatrix { matrix, _ in
            let (info, _) = try Lapack.factor(dtype: dtype, matrix, n: n, pivots: pivots)
            if info > 0 {
                throw CajalError.runtime("[linalg.inv] linalg.inv: The diagonal element \(info) is zero, the inversion could not be completed because the input matrix is singular.")
            }
            _ = try Lapack.invertFactored(dtype: dtype, matrix, n: n, pivots: pivots)
        }
        let out = columns.columnMajorMatrices()
        return out.recording("LinalgInvExBackward0", inputs: [self], saving: [out]) { ctx in
            let inverseT = try ctx.saved[0].transpose(-1, -2)
            return [try inverseT.matmul(ctx.grad).matmul(inverseT).neg()]
        }
    }

    /// torch's prefix for an error in one matrix of a batch.
    private func batchElement(_ b: Int) -> String { rank > 2 ? "(Batch element \(b)): " : "" }

    /// The lower Cholesky factor L of each symmetric positive-definite matrix
    /// (A = L Lᵀ; with `upper`, U = Lᵀ), torch.linalg.cholesky. The gradient
    /// is torch's (Murray 2016): L⁻ᵀ Φ(Lᵀ gL) L⁻¹ by triangular solves.
    public func cholesky(upper: Bool = false) throws -> Tensor {
        try checkSquare("linalg.cholesky")
        let n = shape[rank - 1]
        // Row-major A is column-major Aᵀ = A; LAPACK's column-major upper
        // factor U (A = UᵀU) reads row-major as L.
        let buffer = try GradMode.withDisabled { try materialized() }
        try buffer.forEachMatrix { matrix, b in
            let info = try Lapack.cholesky(dtype: dtype, matrix, n: n, upper: true)
            if info > 0 {
                throw CajalError.runtime("[linalg.cholesky] linalg.cholesky: \(batchElement(b))The factorization could not be completed because the input is not positive-definite (the leading minor of order \(info) is not positive-definite).")
            }
        }
        let lower = try GradMode.withDisabled { try buffer.tril() }
        lower.recording("LinalgCholeskyExBackward0", inputs: [self], saving: [lower]) { ctx in
            let l = ctx.saved[0]
            var phi = try l.transpose(-1, -2).matmul(ctx.grad).tril()
            phi = try phi.add(phi.tril(-1).transpose(-1, -2)).mul(.scalar(0.5))
            let left = try Tensor.solveTriangular(l.transpose(-1, -2), phi, upper: true)
            return [try Tensor.solveTriangular(l, left, upper: false, left: false)]
        }
        return upper ? try lower.transpose(-1, -2) : lower
    }

    /// Solves A X = B (or X A = B without `left`) for triangular A
    /// (torch.linalg.solve_triangular); only A's given triangle is read, and
    /// with `unitriangular` its diagonal is taken as ones. Batch dims broadcast.
    public static func solveTriangular(_ a: Tensor, _ b: Tensor, upper: Bool, left: Bool = true,
                                       unitriangular: Bool = false) throws -> Tensor {
        let op = "linalg.solve_triangular"
        if !left {
            return try solveTriangular(a.transpose(-1, -2), b.transpose(-1, -2), upper: !upper, left: true,
                                       unitriangular: unitriangular).transpose(-1, -2)
        }
        try a.checkSquare(op)
        guard b.rank >= 2 else { throw CajalError.runtime("[\(op)] \(op): The input tensor B must have at least 2 dimensions.") }
        guard a.dtype == b.dtype else {
            throw CajalError.runtime("[\(op)] \(op): Expected A and B to have the same dtype, but found A of type \(a.dtype) and B of type \(b.dtype) instead")
        }
        let n = a.shape[a.rank - 1], k = b.shape[b.rank - 1]
        guard b.shape[b.rank - 2] == n else {
            throw CajalError.runtime("[\(op)] \(op): Incompatible shapes of A and B for the equation AX = B (\(a.shape[a.rank - 2])x\(n) and \(b.shape[b.rank - 2])x\(k))")
        }
        let batch = try broadcastShapes(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), op: op)
        // Row-major A is column-major Aᵀ: LAPACK solves with its transpose, whose
        // stored triangle is the other one. Bᵀ row-major is B column-major.
        let matrices = try GradMode.withDisabled { try a.expand(batch + [n, n]).materialized() }
        let columns = try GradMode.withDisabled { try b.expand(batch + [n, k]).transpose(-1, -2).materialized() }
        let count = batch.reduce(1, *), item = a.dtype.itemSize
        for index in 0..<count {
            let info = try Lapack.solveTriangular(dtype: a.dtype, matrices.dataPointer + index * n * n * item,
                                                  columns.dataPointer + index * n * k * item, n: n, k: k,
                                                  upper: !upper, transpose: true, unitDiagonal: unitriangular)
            if info > 0 {
                throw CajalError.runtime("[\(op)] \(op): the triangular matrix is singular: its diagonal element \(info) is zero")
            }
        }
        let x = columns.columnMajorMatrices()
        return x.recording("LinalgSolveTriangularBackward0", inputs: [a, b], saving: [a, x]) { ctx in
            let (a, x) = (ctx.saved[0], ctx.saved[1])
            let gb = try Tensor.solveTriangular(a.transpose(-1, -2), ctx.grad, upper: !upper, left: true, unitriangular: unitriangular)
            var ga: Tensor? = nil
            if ctx.needs(0) {
                let full = try gb.matmul(x.transpose(-1, -2)).neg()
                ga = upper ? try full.triu(unitriangular ? 1 : 0) : try full.tril(unitriangular ? -1 : 0)
            }
            return [ga, ctx.needs(1) ? gb : nil]
        }
    }

    /// The eigenvalues (ascending) and eigenvectors (as columns) of each
    /// symmetric matrix, from its lower triangle (or upper, with `upper`):
    /// torch.linalg.eigh. Each eigenvector's sign is LAPACK's choice. The
    /// gradient is torch's: V (skew(VᵀgV) / (λⱼ - λᵢ) + diag(gλ)) Vᵀ.
    public func eigh(upper: Bool = false) throws -> (values: Tensor, vectors: Tensor) {
        try checkSquare("linalg.eigh")
        let n = shape[rank - 1]
        // Row-major A is column-major Aᵀ: its lower triangle is LAPACK's upper one.
        let buffer = try GradMode.withDisabled { try materialized() }
        let values = try Tensor(uninitializedShape: Array(shape.dropLast(1)), dtype: dtype, op: "linalg.eigh")
        // 0 x 0 matrices have no eigenvalues, however many (2^31 x 7 of them took hours: found by the fuzzer).
        if n > 0 {
            try buffer.forEachMatrix { matrix, b in
                let info = try Lapack.symmetricEigen(dtype: dtype, matrix, values.dataPointer + b * n * dtype.itemSize, n: n,
                                                     vectors: true, upper: !upper)
                if info > 0 {
                    throw CajalError.runtime("[linalg.eigh] linalg.eigh: \(batchElement(b))The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated eigenvalues (error code: \(info)).")
                }
            }
        }
        let vectors = buffer.columnMajorMatrices()
        values.recording("LinalgEighBackward0", inputs: [self], saving: [vectors]) { ctx in
            let v = ctx.saved[0]
            return [try v.mul(ctx.grad.unsqueeze(dim: -2)).matmul(v.transpose(-1, -2))]
        }
        vectors.recording("LinalgEighBackward0", inputs: [self], saving: [vectors, values]) { ctx in
            let (v, w) = (ctx.saved[0], ctx.saved[1])
            let vtg = try v.transpose(-1, -2).matmul(ctx.grad)
            let skew = try vtg.sub(vtg.transpose(-1, -2)).mul(.scalar(0.5))
            // E_ij = λ_j - λ_i, with ones on the diagonal (where skew is 0).
            let gaps = try w.unsqueeze(dim: -2).sub(w.unsqueeze(dim: -1))
                .add(Tensor.eye(n, dtype: w.dtype))
            return [try v.matmul(skew.div(gaps)).matmul(v.transpose(-1, -2))]
        }
        return (values, vectors)
    }

    /// The singular value decomposition A = U diag(S) Vh of each matrix
    /// (torch.linalg.svd): S descending, U and Vh with k = min(m, n) columns
    /// and rows (m and n with `fullMatrices`). Signs are LAPACK's choice. The
    /// gradient is torch's; through U or Vh it needs the reduced form.
    public func svd(fullMatrices: Bool = true) throws -> (u: Tensor, s: Tensor, vh: Tensor) {
        let op = "linalg.svd"
        guard rank >= 2 else { throw CajalError.runtime("[\(op)] \(op): The input tensor A must have at least 2 dimensions.") }
        try checkLapackType(op)
        let m = shape[rank - 2], n = shape[rank - 1], k = Swift.min(m, n), batch = Array(shape.dropLast(2))
        guard Swift.max(m, n) <= Int(Int32.max) / 64 else { throw CajalError.value("[\(op)] matrices of size \(m) x \(n) exceed LAPACK's 32-bit limits") }
        // gesdd can loop forever on a NaN (found by the C fuzzer); torch refuses them first too.
        guard try GradMode.withDisabled({ try isfinite().all().itemInt64() }) == 1 else {
            throw CajalError.runtime("[\(op)] \(op): The algorithm failed to converge because the input matrix contained non-finite values.")
        }
        let uCols = fullMatrices ? m : k, vRows = fullMatrices ? n : k
        let values = try Tensor.zeros(batch + [k], dtype: dtype)
        // Row-major A is column-major Aᵀ = V S Uᵀ: LAPACK's U and Vᵀ of Aᵀ read row-major as Vh and U.
        let vhBuffer = try Tensor.zeros(batch + [vRows, n], dtype: dtype)
        let uBuffer = try Tensor.zeros(batch + [m, uCols], dtype: dtype)
        if k > 0 {
            let work = try GradMode.withDisabled { try materialized() }
            let item = dtype.itemSize
            for b in 0..<batch.reduce(1, *) {
                let info = try Lapack.svd(dtype: dtype, work.dataPointer + b * m * n * item, m: n, n: m, full: fullMatrices,
                                          s: values.dataPointer + b * k * item, u: vhBuffer.dataPointer + b * vRows * n * item,
                                          vt: uBuffer.dataPointer + b * m * uCols * item)
                if info > 0 {
                    throw CajalError.runtime("[\(op)] \(op): \(batchElement(b))The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated singular values (error code: \(info)).")
                }
            }
        } else if fullMatrices {
            try uBuffer.copyElements(from: Tensor.eye(m, dtype: dtype))
            try vhBuffer.copyElements(from: Tensor.eye(n, dtype: dtype))
        }
        let (u, vh) = (uBuffer, vhBuffer)
        // Each output's share of torch's svd_backward (it is linear in gU, gS, gVh).
        values.recording("LinalgSvdBackward0", inputs: [self], saving: [u, vh]) { ctx in
            let (u, vh) = (try ctx.saved[0].narrow(dim: -1, start: 0, length: k), try ctx.saved[1].narrow(dim: -2, start: 0, length: k))
            return [try u.mul(ctx.grad.unsqueeze(dim: -2)).matmul(vh)]
        }
        let fullError = CajalError.notImplemented("[\(op)] the gradient through U or Vh of linalg.svd(full_matrices=True) is not supported (as in torch); use full_matrices=False")
        // E_jk = S_k² - S_j², with ones on the diagonal (where the skew parts are 0).
        func gaps(_ s: Tensor) throws -> Tensor {
            let squares = try s.mul(s)
            return try squares.unsqueeze(dim: -2).sub(squares.unsqueeze(dim: -1)).add(Tensor.eye(k, dtype: s.dtype))
        }
        u.recording("LinalgSvdBackward0", inputs: [self], saving: [u, values, vh]) { ctx in
            guard !fullMatrices || m == k else { throw fullError }
            let (u, s, vh) = (ctx.saved[0], ctx.saved[1], ctx.saved[2])
            let uhgu = try u.transpose(-1, -2).matmul(ctx.grad)
            let inner = try uhgu.sub(uhgu.transpose(-1, -2)).div(gaps(s)).mul(s.unsqueeze(dim: -2))
            var left = try u.matmul(inner)
            if m > k {  // (I - U Uᵀ) gU S⁻¹
                let scaled = try ctx.grad.div(s.unsqueeze(dim: -2))
                left = try left.add(scaled).sub(u.matmul(u.transpose(-1, -2).matmul(scaled)))
            }
            return [try left.matmul(vh)]
        }
        vh.recording("LinalgSvdBackward0", inputs: [self], saving: [u, values, vh]) { ctx in
            guard !fullMatrices || n == k else { throw fullError }
            let (u, s, vh) = (ctx.saved[0], ctx.saved[1], ctx.saved[2])
            let v = try vh.transpose(-1, -2), gv = try ctx.grad.transpose(-1, -2)
            let vhgv = try vh.matmul(gv)
            let inner = try s.unsqueeze(dim: -1).mul(vhgv.sub(vhgv.transpose(-1, -2)).div(gaps(s)))
            var right = try inner.matmul(vh)
            if n > k {  // S⁻¹ gVh (I - V Vh)
                let scaled = try ctx.grad.div(s.unsqueeze(dim: -1))
                right = try right.add(scaled).sub(scaled.matmul(v).matmul(vh))
            }
            return [try u.matmul(right)]
        }
        return (u, values, vh)
    }

    /// The singular values of each matrix, descending (torch.linalg.svdvals).
    public func svdvals() throws -> Tensor { try svd(fullMatrices: false).s }

    /// The eigenvalues of each symmetric matrix, ascending (torch.linalg.eigvalsh).
    public func eigvalsh(upper: Bool = false) throws -> Tensor { try eigh(upper: upper).values }

    /// A new tensor (not a view) reading this contiguous buffer of matrices
    /// as their transposes: column-major matrices, LAPACK's and torch's layout.
    private func columnMajorMatrices() -> Tensor {
        var newShape = shape, newStrides = strides
        newShape.swapAt(rank - 1, rank - 2)
        newStrides.swapAt(rank - 1, rank - 2)
        return viewing(Layout(shape: newShape, strides: newStrides, offset: layout.offset))
    }

    /// The determinant of each square matrix (torch.linalg.det). The gradient
    /// (det * inv(A)ᵀ) needs an invertible matrix.
    public func det() throws -> Tensor {
        try checkSquare("linalg.det")
        let n = shape[rank - 1]
        let lu = try materialized()
        let out = try Tensor(uninitializedShape: Array(shape.dropLast(2)), dtype: dtype, op: "linalg.det")
        let pivots = UnsafeMutablePointer<Int32>.allocate(capacity: Swift.max(n, 1))
        defer { pivots.deallocate() }
        var values: [Double] = []
        try lu.forEachMatrix { matrix, _ in
            let (_, sign) = try Lapack.factor(dtype: dtype, matrix, n: n, pivots: pivots)
            var product = sign
            for i in 0..<n {
                product *= dtype == .float32 ? Double(matrix.assumingMemoryBound(to: Float.self)[i * n + i])
                                             : matrix.assumingMemoryBound(to: Double.self)[i * n + i]
            }
            values.append(product)
        }
        try out.copyElements(from: Tensor(values, shape: out.shape).converted(to: dtype))
        return out.recording("LinalgDetBackward0", inputs: [self], saving: [self, out]) { ctx in
            let a = ctx.saved[0], d = ctx.saved[1]
            let scale = try ctx.grad.mul(d).unsqueeze(dim: -1).unsqueeze(dim: -1)
            return [try scale.mul(a.inv().transpose(-1, -2))]
        }
    }

    /// The sign and log |det| of each square matrix (torch.linalg.slogdet),
    /// from the LU factors: a singular matrix has sign 0 and -inf. The
    /// gradient of logabsdet is A⁻ᵀ (the sign has none).
    public func slogdet() throws -> (sign: Tensor, logabsdet: Tensor) {
        try checkSquare("linalg.slogdet")
        let n = shape[rank - 1]
        let lu = try GradMode.withDisabled { try materialized() }
        let pivots = UnsafeMutablePointer<Int32>.allocate(capacity: Swift.max(n, 1))
        defer { pivots.deallocate() }
        var signs: [Double] = [], logs: [Double] = []
        try lu.forEachMatrix { matrix, _ in
            var (_, sign) = try Lapack.factor(dtype: dtype, matrix, n: n, pivots: pivots)
            var total = 0.0
            for i in 0..<n {
                let d = dtype == .float32 ? Double(matrix.assumingMemoryBound(to: Float.self)[i * n + i])
                                          : matrix.assumingMemoryBound(to: Double.self)[i * n + i]
                if d < 0 { sign = -sign }
                if d == 0 { sign = 0 }
                total += Glibc.log(Swift.abs(d))
            }
            signs.append(sign)
            logs.append(total)
        }
        let batch = Array(shape.dropLast(2))
        let sign = try Tensor(signs, shape: batch).converted(to: dtype)
        let logabsdet = try Tensor(logs, shape: batch).converted(to: dtype)
        logabsdet.recording("LinalgSlogdetBackward0", inputs: [self], saving: [self]) { ctx in
            [try ctx.grad.unsqueeze(dim: -1).unsqueeze(dim: -1).mul(ctx.saved[0].inv().transpose(-1, -2))]
        }
        return (sign, logabsdet)
    }

    /// Solves A X = B for X (torch.linalg.solve): A is [..., n, n]; B is
    /// [..., n, k], or [..., n] (a vector) when it has one dim fewer than A.
    public static func solve(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        try a.checkSquare("linalg.solve")
        guard a.dtype == b.dtype else {
            throw CajalError.runtime("[linalg.solve] linalg.solve: Expected A and B to have the same dtype, but found A of type \(a.dtype) and B of type \(b.dtype) instead")
        }
        let n = a.shape[a.rank - 1]
        let vector = b.rank == 1 || (b.rank == a.rank - 1 && Array(b.shape) == Array(a.shape.dropLast()))
        let bm = vector ? try b.unsqueeze(dim: -1) : b
        guard bm.rank >= 2, bm.shape[bm.rank - 2] == n else {
            throw CajalError.shape("[linalg.solve] linalg.solve: Incompatible shapes of A and B for the equation AX = B (\(shapeString(a.shape)) and \(shapeString(b.shape)))")
        }
        let k = bm.shape[bm.rank - 1]
        guard k <= Int(Int32.max) else {
            throw CajalError.value("[linalg.solve] \(k) right-hand sides exceed LAPACK's 32-bit limits")
        }
        let batch = try broadcastShapes(Array(a.shape.dropLast(2)), Array(bm.shape.dropLast(2)), op: "linalg.solve")
        // LAPACK is column-major: hand it Aᵀ and Bᵀ in row-major memory.
        let aColumns = try a.expand(batch + [n, n]).transpose(-1, -2).materialized()
        let xColumns = try bm.expand(batch + [n, k]).transpose(-1, -2).materialized()
        let matrices = batch.reduce(1, *)
        let itemSize = a.dtype.itemSize
        for m in 0..<matrices {
            let info = try Lapack.solve(dtype: a.dtype, aColumns.dataPointer + m * n * n * itemSize,
                                    xColumns.dataPointer + m * n * k * itemSize, n: n, k: k)
            if info > 0 {
                throw CajalError.runtime("[linalg.solve] torch.linalg.solve: The solver failed because the input matrix is singular.")
            }
        }
        let x = xColumns.columnMajorMatrices()
        // torch lays out a batch of solution vectors [..., b, n] as column-major
        // matrices too, so b is the fastest dim.
        let vectors = vector ? try x.squeeze(dim: -1) : x
        let out = vector && vectors.rank >= 2 ? try vectors.transpose(-1, -2).materialized().columnMajorMatrices()
                                               : (vector ? try vectors.materialized() : x)
        return out.recording("LinalgSolveExBackward0", inputs: [a, b], saving: [a, x]) { ctx in
            let (a, x) = (ctx.saved[0], ctx.saved[1])
            let g = vector ? try ctx.grad.unsqueeze(dim: -1) : ctx.grad
            let gb = try Tensor.solve(a.transpose(-1, -2), g)
            return [ctx.needs(0) ? try gb.matmul(x.transpose(-1, -2)).neg() : nil,
                    ctx.needs(1) ? (vector ? try gb.squeeze(dim: -1) : gb) : nil]
        }
    }

    /// Which norm torch.linalg.norm computes.
    public enum NormOrder {
        case p(Double)
        case frobenius
        case nuclear

        /// The order a C caller names by kind (p for .number); nil for the default.
        public init?(_ kind: NormKind, p: Double) {
            switch kind {
            case .standard: return nil
            case .number: self = .p(p)
            case .frobenius: self = .frobenius
            case .nuclear: self = .nuclear
            }
        }
    }

    /// torch.linalg.norm: a vector norm over one dim (or the flattened tensor),
    /// a matrix norm over two dims (Frobenius; max/min absolute row or column
    /// sums for ord inf/-inf/1/-1; the largest or smallest singular value for
    /// ord 2/-2, and their sum for the nuclear norm, with the SVD's gradient).
    public func linalgNorm(ord: NormOrder? = nil, dims: [Int]? = nil, keepDim: Bool = false) throws -> Tensor {
        let chosen = try dims.map { try $0.map { try normalizeDim($0, rank: rank, op: "linalg.norm") } }
        if let chosen, chosen.count != 1 && chosen.count != 2 {
            throw CajalError.runtime("[linalg.norm] linalg.norm: If dim is specified, it must be of length 1 or 2. Got \(chosen)")
        }
        if let chosen, chosen.count == 2, chosen[0] == chosen[1] {
            throw CajalError.runtime("[linalg.norm] linalg.norm: dims must be different. Got (\(chosen[0]), \(chosen[1]))")
        }
        let matrixDims: [Int]? = chosen?.count == 2 ? chosen : (chosen == nil && ord != nil && rank == 2 ? [0, 1] : nil)
        guard let matrix = matrixDims else {
            guard ord == nil || rank == 1 || chosen?.count == 1 else {
                throw CajalError.runtime("[linalg.norm] linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got \(rank)D.")
            }
            switch ord {
            case nil: return try norm(p: 2, dims: chosen ?? [], keepDim: keepDim)
            case .p(let p): return try norm(p: p, dims: chosen ?? [], keepDim: keepDim)
            case .frobenius, .nuclear:
                throw CajalError.runtime("[linalg.norm] linalg.norm: ord 'fro' and 'nuc' need two dims")
            }
        }
        let (rows, columns) = (matrix[0], matrix[1])
        switch ord ?? .frobenius {
        case .frobenius: return try norm(p: 2, dims: matrix, keepDim: keepDim)
        case .nuclear: return try singularValueNorm(rows, columns, keepDim: keepDim) { try $0.sum(dim: -1) }
        case .p(2): return try singularValueNorm(rows, columns, keepDim: keepDim) { try $0.amax(dims: [-1]) }
        case .p(-2): return try singularValueNorm(rows, columns, keepDim: keepDim) { try $0.amin(dims: [-1]) }
        case .p(let p):
            // Sum |x| over one dim, then the max or min over the other.
            let (sumDim, pickDim): (Int, Int)
            switch p {
            case 1, -1: (sumDim, pickDim) = (rows, columns)
            case .infinity, -.infinity: (sumDim, pickDim) = (columns, rows)
            default:
                throw CajalError.runtime("[linalg.norm] linalg.matrix_norm: Order \(p) not supported.")
            }
            let sums = try abs().sum(dims: [sumDim], keepDim: true)
            let picked = p > 0 ? try sums.amax(dims: [pickDim], keepDim: true) : try sums.amin(dims: [pickDim], keepDim: true)
            return keepDim ? picked : try picked.squeeze(dims: [rows, columns])
        }
    }
}

extension Tensor {
    /// A norm of the singular values of the matrices over (rows, columns).
    private func singularValueNorm(_ rows: Int, _ columns: Int, keepDim: Bool,
                                   _ reduce: (Tensor) throws -> Tensor) throws -> Tensor {
        var result = try reduce(movedim([rows, columns], [rank - 2, rank - 1]).svdvals())
        if keepDim {
            for d in [rows, columns].sorted() { result = try result.unsqueeze(dim: d) }
        }
        return result
    }
}

/// torch.linalg.qr: A = QR by Householder reflections (LAPACK's geqrf and
/// orgqr), with torch's modes and its gradient.
extension Tensor {
    /// Q (m x k, or m x m when complete) and R (k x n, or m x n when complete)
    /// of each matrix, k = min(m, n); mode r gives R and an empty Q. Signs are
    /// LAPACK's (torch's too: R's diagonal may be negative).
    public func qr(mode: QRMode = .reduced) throws -> (q: Tensor, r: Tensor) {
        let op = "linalg.qr"
        guard rank >= 2 else { throw CajalError.runtime("[\(op)] \(op): The input tensor A must have at least 2 dimensions.") }
        try checkLapackType(op)
        let m = shape[rank - 2], n = shape[rank - 1], k = Swift.min(m, n), batch = Array(shape.dropLast(2))
        guard Swift.max(m, n) <= Int(Int32.max) / 64 else {
            throw CajalError.value("[\(op)] matrices of size \(m) x \(n) exceed LAPACK's 32-bit limits")
        }
        let qColumns = mode == .complete ? m : k, rRows = mode == .complete ? m : k
        // Row-major Aᵀ is column-major A: LAPACK factors it in place, tau beside it.
        let factors = try GradMode.withDisabled { try transpose(-1, -2).materialized() }
        let taus = try Tensor.zeros(batch + [Swift.max(k, 1)], dtype: dtype)
        // Q's columns start as the reflectors (a column-major m x qColumns buffer per matrix).
        let qBuffer = try Tensor.zeros(batch + [qColumns, m], dtype: dtype)
        let item = dtype.itemSize, matrices = batch.reduce(1, *)
        for b in 0..<(k > 0 ? matrices : 0) {  // empty matrices: no loop over a batch that may be huge
            let a = factors.dataPointer + b * m * n * item, tau = taus.dataPointer + b * Swift.max(k, 1) * item
            try Lapack.householderQR(dtype: dtype, a, m: m, n: n, tau: tau)
            guard mode != .r else { continue }
            let q = qBuffer.dataPointer + b * qColumns * m * item
            q.copyMemory(from: a, byteCount: Swift.min(qColumns, n) * m * item)
            try Lapack.householderQ(dtype: dtype, q, m: m, columns: qColumns, reflectors: k, tau: tau)
        }
        if k == 0 && mode == .complete { try qBuffer.copyElements(from: Tensor.eye(m, dtype: dtype)) }
        let r = try factors.transpose(-1, -2).narrow(dim: -2, start: 0, length: rRows).triu().contiguous()
        let q = mode == .r ? try Tensor.zeros([0], dtype: dtype) : try qBuffer.transpose(-1, -2).contiguous()
        guard mode != .r else {
            return (q, r.recording("LinalgQrBackward0", inputs: [self]) { _ in
                throw CajalError.runtime("[\(op)] The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
            })
        }
        let differentiable = mode == .reduced || m <= n
        let refusal = CajalError.notImplemented("[\(op)] The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        // The gradient is linear in (gQ, gR): each output records its share.
        q.recording("LinalgQrBackward0", inputs: [self], saving: [self, q, r]) { ctx in
            guard differentiable else { throw refusal }
            return [try Tensor.qrGradient(ctx.saved[0], ctx.saved[1], ctx.saved[2], gq: ctx.grad, gr: nil)]
        }
        r.recording("LinalgQrBackward0", inputs: [self], saving: [self, q, r]) { ctx in
            guard differentiable else { throw refusal }
            return [try Tensor.qrGradient(ctx.saved[0], ctx.saved[1], ctx.saved[2], gq: nil, gr: ctx.grad)]
        }
        return (q, r)
    }

    /// The gradient of A = QR (Seeger et al., "Auto-differentiating linear
    /// algebra"). Tall or square: M = R gRᵀ - gQᵀ Q and gA = (gQ + Q copyltu(M)) R⁻ᵀ,
    /// copyltu(M) being M's lower triangle mirrored. Wide, A = [X | Y] and
    /// R = [U | V]: X's gradient is the square one with gQ + Y gVᵀ, Y's is Q gV.
    static func qrGradient(_ a: Tensor, _ q: Tensor, _ r: Tensor, gq: Tensor?, gr: Tensor?) throws -> Tensor {
        let m = a.shape[a.rank - 2], n = a.shape[a.rank - 1]
        func square(_ q: Tensor, _ u: Tensor, _ gq: Tensor?, _ gu: Tensor?) throws -> Tensor {
            var inner = try Tensor.zeros(Array(u.shape), dtype: u.dtype)
            if let gu { inner = try inner.add(u.matmul(gu.transpose(-1, -2))) }
            if let gq { inner = try inner.sub(gq.transpose(-1, -2).matmul(q)) }
            let mirrored = try inner.tril().add(inner.tril(-1).transpose(-1, -2))
            var left = try q.matmul(mirrored)
            if let gq { left = try left.add(gq) }
            // X R⁻ᵀ = (R⁻¹ Xᵀ)ᵀ
            return try Tensor.solveTriangular(u, left.transpose(-1, -2), upper: true).transpose(-1, -2)
        }
        guard m < n else { return try square(q, r, gq, gr) }
        let u = try r.narrow(dim: -1, start: 0, length: m), y = try a.narrow(dim: -1, start: m, length: n - m)
        let gu = try gr?.narrow(dim: -1, start: 0, length: m), gv = try gr?.narrow(dim: -1, start: m, length: n - m)
        var gqX = gq
        if let gv { gqX = try (gqX ?? Tensor.zeros(Array(q.shape), dtype: q.dtype)).add(y.matmul(gv.transpose(-1, -2))) }
        let gx = try square(q, u, gqX, gu)
        let gy = try gv.map { try q.matmul($0) } ?? Tensor.zeros(Array(y.shape), dtype: a.dtype)
        return try Tensor.cat([gx, gy], dim: -1)
    }
}

/// torch.linalg.eig and eigvals: the eigen-decomposition of a general square
/// matrix, complex as torch returns it. Forward only.
extension Tensor {
    /// Eigenvalues (complex, LAPACK's order) and unit right eigenvectors (the
    /// columns of a complex matrix) of each square matrix.
    public func eig() throws -> (values: Tensor, vectors: Tensor) {
        try eigen(vectors: true, op: "linalg.eig")
    }

    /// The eigenvalues alone (torch.linalg.eigvals).
    public func eigvals() throws -> Tensor { try eigen(vectors: false, op: "linalg.eigvals").values }

    private func eigen(vectors wanted: Bool, op: String) throws -> (values: Tensor, vectors: Tensor) {
        try checkSquare(op)
        // geev's balancing never ends on a NaN (OpenBLAS's LAPACK); torch refuses them first too.
        guard try GradMode.withDisabled({ try isfinite().all().itemInt64() }) == 1 else {
            throw CajalError.runtime("[\(op)] \(op): input tensor should not contain infs or NaNs.")
        }
        let n = shape[rank - 1], batch = Array(shape.dropLast(2)), item = dtype.itemSize
        let complexType = dtype.complexType
        // Row-major Aᵀ is column-major A, which geev overwrites.
        let work = try GradMode.withDisabled { try transpose(-1, -2).materialized() }
        let values = try Tensor.zeros(batch + [n], dtype: complexType)
        let vectors = try Tensor.zeros(wanted ? batch + [n, n] : [0], dtype: complexType)
        let wr = try Tensor.zeros([Swift.max(n, 1)], dtype: dtype), wi = try Tensor.zeros([Swift.max(n, 1)], dtype: dtype)
        let vr = try Tensor.zeros([Swift.max(n * n, 1)], dtype: dtype)
        for b in 0..<(n > 0 ? batch.reduce(1, *) : 0) {  // empty matrices: no loop over a batch that may be huge
            let info = try Lapack.generalEigen(dtype: dtype, work.dataPointer + b * n * n * item, n: n, wr: wr.dataPointer,
                                               wi: wi.dataPointer, vr: wanted ? vr.dataPointer : nil)
            if info > 0 {
                throw CajalError.runtime("[\(op)] \(op): \(batchElement(b))The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated eigenvalues (error code: \(info)).")
            }
            // The pairs' parts, through the real views of this matrix's outputs.
            let lambda = try values.reshape([-1, n]).select(dim: 0, index: b).viewAsReal()
            try lambda.select(dim: -1, index: 0).copyElements(from: wr.narrow(dim: 0, start: 0, length: n))
            try lambda.select(dim: -1, index: 1).copyElements(from: wi.narrow(dim: 0, start: 0, length: n))
            guard wanted else { continue }
            // Column j of vr is vector j (row-major: vr read as its transpose);
            // a pair (j, j + 1) with wi[j] > 0 is vr[:, j] ± i vr[:, j + 1].
            let columns = try vr.narrow(dim: 0, start: 0, length: n * n).reshape([n, n]).t()
            let v = try vectors.reshape([-1, n, n]).select(dim: 0, index: b).viewAsReal()
            let imaginary = try wi.narrow(dim: 0, start: 0, length: n).toArray(Double.self)
            var j = 0
            while j < n {
                if imaginary[j] == 0 || j + 1 == n {
                    try v.select(dim: 1, index: j).select(dim: -1, index: 0).copyElements(from: columns.select(dim: 1, index: j))
                    j += 1
                } else {
                    let re = try columns.select(dim: 1, index: j), im = try columns.select(dim: 1, index: j + 1)
                    try v.select(dim: 1, index: j).select(dim: -1, index: 0).copyElements(from: re)
                    try v.select(dim: 1, index: j).select(dim: -1, index: 1).copyElements(from: im)
                    try v.select(dim: 1, index: j + 1).select(dim: -1, index: 0).copyElements(from: re)
                    try v.select(dim: 1, index: j + 1).select(dim: -1, index: 1).copyElements(from: im.neg())
                    j += 2
                }
            }
        }
        let refusal = CajalError.notImplemented("[\(op)] the gradient of \(op) is not supported by cajal (forward only)")
        let recordedValues = values.recording("LinalgEigBackward0", inputs: [self]) { _ in throw refusal }
        let recordedVectors = wanted ? vectors.recording("LinalgEigBackward0", inputs: [self]) { _ in throw refusal } : vectors
        return (recordedValues, recordedVectors)
    }
}
