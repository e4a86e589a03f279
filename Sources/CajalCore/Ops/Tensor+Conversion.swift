import CajalRuntime

/// Reading values out of a tensor.
extension Tensor {
    private func checkSingleElement(_ op: String) throws {
        guard count == 1 else {
            throw CajalError.runtime("[\(op)] a Tensor with \(count) elements cannot be converted to Scalar")
        }
    }

    /// The value of a one-element tensor, as a Double (bool gives 0 or 1).
    public func item() throws -> Double {
        try checkSingleElement("item")
        if dtype.isComplex {
            throw CajalError.type("[item] a complex number has two parts: read them through viewAsReal()")
        }
        switch dtype {
        case .float32: return Double(typedPointer(Float.self).pointee)
        case .float64: return typedPointer(Double.self).pointee
        case .int64: return Double(typedPointer(Int64.self).pointee)
        case .bool: return typedPointer(Bool.self).pointee ? 1 : 0
        default: return try converted(to: dtype.kernelType).item()
        }
    }

    /// The value of a one-element tensor as an exact Int64 (floats truncate).
    public func itemInt64() throws -> Int64 {
        try checkSingleElement("item")
        switch dtype {
        case .int64: return typedPointer(Int64.self).pointee
        case .bool: return typedPointer(Bool.self).pointee ? 1 : 0
        default: return dtype.isFloatingPoint || dtype.isComplex ? Int64(double: try item()) : try converted(to: .int64).itemInt64()
        }
    }

    /// Copies the elements in row-major order into `destination`, which must
    /// hold exactly `count * dtype.itemSize` bytes.
    public func copyBytes(to destination: UnsafeMutableRawPointer?, byteCount: Int) throws {
        guard byteCount == count * dtype.itemSize else {
            throw CajalError.value("[copy_to] buffer of \(byteCount) bytes does not match \(shapeString(shape)) of \(dtype) (\(count * dtype.itemSize) bytes)")
        }
        guard byteCount > 0 else { return }
        guard let destination else { throw CajalError(.nullArgument, "[copy_to] destination is NULL") }
        let loop = StridedLoop(shape: shape, strides: Layout.contiguousStrides(shape), strides)
        kernels.cast(dtype, dtype, destination, dataPointer, loop)
    }

    /// The elements in row-major order, converted to `T`.
    public func toArray<T: TensorElement>(_: T.Type = T.self) throws -> [T] {
        let source = try converted(to: T.dtype)
        try MemoryBudget.reserve(count: count, of: MemoryLayout<T>.stride, op: "tolist")
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            try source.copyBytes(to: buffer.baseAddress.map(UnsafeMutableRawPointer.init), byteCount: count * T.dtype.itemSize)
            initialized = count
        }
    }
}
