/// The storage types (int32, int16, int8, uint8, float16, bfloat16) in ops
/// whose kernels run only in the four kernel types: products, convolutions,
/// pooling and the composite activations and norms.
extension Tensor {
    /// When `type` is a storage type: `body` run with `widen`, which copies a
    /// tensor into its kernel type, and its result rounded back to `type`.
    /// The copies are recorded, so gradients come back in the storage type;
    /// this is what torch's CPU kernels for the half types do (float32 inside,
    /// one rounding per op). nil for the other types: the op runs as is.
    package static func inKernelType(_ type: DType, _ body: (_ widen: (Tensor) throws -> Tensor) throws -> Tensor) throws -> Tensor? {
        guard type.kernelType != type else { return nil }
        return try body { try $0.to($0.dtype.kernelType) }.to(type)
    }
}
