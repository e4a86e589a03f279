import CajalRuntime

/// The strides torch gives the output of an elementwise op: its dims ordered
/// as the inputs lay them out in memory, so a transposed input gives a
/// transposed output that is read and written in one pass (torch's
/// TensorIterator reorder_dimensions). `operands` are the inputs' strides
/// broadcast to `shape`, in argument order; the first decides, later ones
/// break ties. With no preference the output is row-major contiguous.
func elementwiseOutputStrides(_ shape: [Int], _ operands: [[Int]]) -> [Int] {
    var strides = [Int](repeating: 0, count: shape.count)
    var running = 1
    for d in StridedLoop.memoryOrder(shape: shape, strides: operands) {
        strides[d] = running
        // Wraps only for an empty tensor (a zero dim beside huge ones), whose strides are never used.
        running &*= Swift.max(shape[d], 1)
    }
    return strides
}

/// Glue between tensors and the elementwise kernels: shapes, dtypes, strides.
extension Tensor {
    /// A new tensor of `shape` whose memory is laid out with `strides` (a
    /// permutation of a contiguous layout).
    convenience init(uninitializedShape shape: [Int], strides: [Int], dtype: DType, op: String) throws {
        let count = try checkedNumel(shape, op: op)
        let storage = try Storage(byteCount: count * dtype.itemSize, op: op)
        self.init(storage: storage, layout: Layout(shape: shape, strides: strides), dtype: dtype)
    }

    /// This tensor in `dtype` for computing, without recording autograd (ops
    /// record their own backward; the engine casts gradients back).
    package func converted(to target: DType) throws -> Tensor {
        if dtype == target { return self }
        if let bridge = dtype.castBridge(to: target) { return try converted(to: bridge).converted(to: target) }
        let out = try Tensor(uninitializedShape: shape, strides: elementwiseOutputStrides(shape, [strides]), dtype: target, op: "to")
        let loop = StridedLoop(shape: shape, strides: out.strides, strides)
        kernels.cast(dtype, target, out.dataPointer, dataPointer, loop)
        return out
    }

    /// `op(a, b)` with broadcasting, computed in `computeType`; no autograd.
    static func binaryKernel(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, computeType: DType, name: String) throws -> Tensor {
        try checkComputed(op.isComputed(in: computeType), computeType, name)
        if !computeType.isNative {  // computed in the kernel type, rounded back once
            let out = try binaryKernel(op, a, b, computeType: computeType.kernelType, name: name)
            return op.writesBool ? out : try out.converted(to: computeType)
        }
        if a.dtype == computeType && b.dtype == computeType && a.shape == b.shape && a.isContiguous && b.isContiguous {
            // The common case, without the broadcasting and layout arrays.
            let out = try Tensor(uninitializedShape: a.shape, dtype: op.writesBool ? .bool : computeType, op: name)
            let loop = StridedLoop(shape: a.shape, strides: out.strides, a.strides, b.strides)
            kernels.binary(op, computeType, out.dataPointer, a.dataPointer, b.dataPointer, loop)
            return out
        }
        let shape = try broadcastShapes(a.shape, b.shape, op: name)
        let ac = try a.converted(to: computeType)
        let bc = try b.converted(to: computeType)
        let aStrides = ac.broadcastStrides(to: shape), bStrides = bc.broadcastStrides(to: shape)
        let out = try Tensor(uninitializedShape: shape, strides: elementwiseOutputStrides(shape, [aStrides, bStrides]),
                             dtype: op.writesBool ? .bool : computeType, op: name)
        let loop = StridedLoop(shape: shape, strides: out.strides, aStrides, bStrides)
        kernels.binary(op, computeType, out.dataPointer, ac.dataPointer, bc.dataPointer, loop)
        return out
    }

    /// torch's error for an op its kernels lack for a dtype (pow of two bools).
    static func checkComputed(_ computed: Bool, _ type: DType, _ name: String) throws {
        guard computed else { throw CajalError.notImplemented("[\(name)] \"\(name)\" not implemented for '\(type)'") }
    }

    /// `op(self)` computed in `computeType`; no autograd.
    func unaryKernel(_ op: UnaryOp, computeType: DType, name: String) throws -> Tensor {
        try Tensor.checkComputed(op.isComputed(in: computeType), computeType, name)
        if !computeType.isNative {  // computed in the kernel type, rounded back once
            let out = try unaryKernel(op, computeType: computeType.kernelType, name: name)
            return op.writesBool ? out : try out.converted(to: computeType)
        }
        let x = try converted(to: computeType)
        let out = try Tensor(uninitializedShape: shape, strides: elementwiseOutputStrides(shape, [x.strides]),
                             dtype: op.writesBool ? .bool : computeType, op: name)
        let loop = StridedLoop(shape: shape, strides: out.strides, x.strides)
        kernels.unary(op, computeType, out.dataPointer, x.dataPointer, loop)
        return out
    }

    /// `condition ? a : b` with broadcasting over all three; no autograd.
    static func selectKernel(_ condition: Tensor, _ a: Tensor, _ b: Tensor, name: String) throws -> Tensor {
        let dtype = resultType(a, b)
        let shape = try broadcastShapes(broadcastShapes(condition.shape, a.shape, op: name), b.shape, op: name)
        let c = try condition.converted(to: .bool)
        let ac = try a.converted(to: dtype), bc = try b.converted(to: dtype)
        let cs = c.broadcastStrides(to: shape), aStrides = ac.broadcastStrides(to: shape), bStrides = bc.broadcastStrides(to: shape)
        let out = try Tensor(uninitializedShape: shape, strides: elementwiseOutputStrides(shape, [cs, aStrides, bStrides]),
                             dtype: dtype, op: name)
        let loop = StridedLoop(shape: shape, strides: out.strides, cs, aStrides, bStrides)
        kernels.select(dtype, out.dataPointer, c.dataPointer, ac.dataPointer, bc.dataPointer, loop)
        return out
    }

    /// Copies `source` (broadcast to self's shape, converted to self's dtype)
    /// into self's memory, whatever self's strides.
    package func copyElements(from source: Tensor) throws {
        // In-place results (x.clamp_(min=m) with a larger m) may broadcast beyond self.
        if source.shape != shape, try broadcastShapes(source.shape, shape, op: "copy_") != shape {
            throw CajalError.shape("[copy_] output with shape \(shapeString(shape)) doesn't match the broadcast shape \(shapeString(try broadcastShapes(source.shape, shape, op: "copy_")))")
        }
        let src = try source.converted(to: dtype)
        let loop = StridedLoop(shape: shape, strides: strides, src.broadcastStrides(to: shape))
        kernels.cast(dtype, dtype, dataPointer, src.dataPointer, loop)
    }
}
