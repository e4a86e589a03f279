/// torch.autocast on the CPU: while it is on (per thread), the
/// lower-precision ops (matmul and the products built on it, linear, the
/// convolutions and transposed convolutions) cast their float32 operands to
/// its dtype (bfloat16 or float16) and return that dtype, and the losses cast
/// lower-precision inputs back to float32, as torch's CPU autocast lists do.
/// Other ops follow their inputs' dtypes. Casts are recorded ops, so
/// gradients reach float32 parameters as float32. Backward runs with it off:
/// the gradient ops take the dtypes their forward ops had.
public enum Autocast {
    private static let state = ThreadLocal<DType?> { nil }

    /// The dtype lower-precision ops run in, or nil when autocast is off.
    public static var dtype: DType? {
        get { state.value }
        set { state.value = newValue }
    }

    @inline(__always)
    public static var isEnabled: Bool { state.value != nil }

    /// A float32 operand of a lower-precision op, in the autocast dtype.
    public static func lowered(_ tensor: Tensor) throws -> Tensor {
        guard let target = state.value, tensor.dtype == .float32 else { return tensor }
        return try tensor.to(target)
    }

    /// Whether an op's operands include a float32 one autocast would cast.
    @inline(__always)
    public static func lowers(_ tensors: Tensor?...) -> Bool {
        guard isEnabled else { return false }
        return tensors.contains { $0?.dtype == .float32 }
    }

    /// An input of a float32 op (the losses), widened from a lower precision.
    public static func widened(_ tensor: Tensor) throws -> Tensor {
        guard isEnabled, tensor.dtype == .bfloat16 || tensor.dtype == .float16 else { return tensor }
        return try tensor.to(.float32)
    }

    /// Runs body with autocast off on this thread.
    public static func withDisabled<R>(_ body: () throws -> R) rethrows -> R {
        let saved = state.value
        if saved == nil { return try body() }
        state.value = nil
        defer { state.value = saved }
        return try body()
    }
}
