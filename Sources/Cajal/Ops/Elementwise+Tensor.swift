/// Glue between tensors and the elementwise kernels: shapes, dtypes, strides.
extension Tensor {
    /// This tensor in `dtype` for computing, without recording autograd (ops
    /// record their own backward; the engine casts gradients back).
    func converted(to target: DType) throws -> Tensor {
        if dtype == target { return self }
        let out = try Tensor(uninitializedShape: shape, dtype: target, op: "to")
        let loop = StridedLoop(shape: shape, strides: out.strides, strides)
        Elementwise.cast(from: dtype, to: target, out: out.dataPointer, x: dataPointer, loop: loop)
        return out
    }

    /// `op(a, b)` with broadcasting, computed in `computeType`; no autograd.
    static func binaryKernel(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, computeType: DType, name: String) throws -> Tensor {
        let shape = try broadcastShapes(a.shape, b.shape, op: name)
        let ac = try a.converted(to: computeType)
        let bc = try b.converted(to: computeType)
        let out = try Tensor(uninitializedShape: shape, dtype: op.isComparison ? .bool : computeType, op: name)
        let loop = StridedLoop(shape: shape, strides: out.strides, ac.broadcastStrides(to: shape), bc.broadcastStrides(to: shape))
        Elementwise.binary(op, dtype: computeType, out: out.dataPointer, a: ac.dataPointer, b: bc.dataPointer, loop: loop)
        return out
    }

    /// `op(self)` computed in `computeType`; no autograd.
    func unaryKernel(_ op: UnaryOp, computeType: DType, name: String) throws -> Tensor {
        let x = try converted(to: computeType)
        let out = try Tensor(uninitializedShape: shape, dtype: computeType, op: name)
        let loop = StridedLoop(shape: shape, strides: out.strides, x.strides)
        Elementwise.unary(op, dtype: computeType, out: out.dataPointer, x: x.dataPointer, loop: loop)
        return out
    }

    /// `condition ? a : b` with broadcasting over all three; no autograd.
    static func selectKernel(_ condition: Tensor, _ a: Tensor, _ b: Tensor, name: String) throws -> Tensor {
        let dtype = resultType(a, b)
        let shape = try broadcastShapes(broadcastShapes(condition.shape, a.shape, op: name), b.shape, op: name)
        let c = try condition.converted(to: .bool)
        let ac = try a.converted(to: dtype), bc = try b.converted(to: dtype)
        let out = try Tensor(uninitializedShape: shape, dtype: dtype, op: name)
        let loop = StridedLoop(shape: shape, strides: out.strides, c.broadcastStrides(to: shape),
                                                      ac.broadcastStrides(to: shape), bc.broadcastStrides(to: shape))
        Elementwise.select(dtype: dtype, out: out.dataPointer, condition: c.dataPointer, a: ac.dataPointer, b: bc.dataPointer, loop: loop)
        return out
    }

    /// Copies `source` (broadcast to self's shape, converted to self's dtype)
    /// into self's memory, whatever self's strides.
    func copyElements(from source: Tensor) throws {
        let src = try source.converted(to: dtype)
        let loop = StridedLoop(shape: shape, strides: strides, src.broadcastStrides(to: shape))
        Elementwise.cast(from: dtype, to: dtype, out: dataPointer, x: src.dataPointer, loop: loop)
    }
}
