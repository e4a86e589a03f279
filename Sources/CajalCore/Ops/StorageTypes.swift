/// The storage types (int32, int16, int8, uint8, float16, bfloat16) in ops
/// whose kernels run only in the four kernel types: products, convolutions,
/// pooling and recurrences.
extension Tensor {
    /// When the first given tensor has a storage type: `body` run on copies of
    /// the tensors in their kernel types, its result rounded back to that
    /// type. The copies are recorded, so gradients come back in the storage
    /// type; this is what torch's CPU kernels for the half types do (float32
    /// inside, one rounding per op). nil for the other types: the op runs as is.
    package static func inKernelType(_ tensors: [Tensor?], _ body: ([Tensor?]) throws -> Tensor) throws -> Tensor? {
        guard let type = tensors.lazy.compactMap({ $0 }).first?.dtype, type.kernelType != type else { return nil }
        return try body(tensors.map { try $0?.to($0!.dtype.kernelType) }).to(type)
    }
}
