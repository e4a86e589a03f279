import Glibc
import CajalRuntime

/// Creation ops: constants, host data, ranges and random tensors.
extension Tensor {
    /// A tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], value: Double, dtype: DType = .float32) throws -> Tensor {
        let out = try Tensor(uninitializedShape: shape, dtype: dtype, op: "full")
        let integer: Int64? = dtype == .int64 ? try checkedInt64(value, op: "full") : nil
        kernels.fill(dtype, out.dataPointer, value, integer, StridedLoop(shape: shape, strides: out.strides))
        return out
    }

    /// A tensor of `shape` filled with an int64 `value` (exact beyond 2^53).
    public static func full(_ shape: [Int], integer value: Int64, dtype: DType = .int64) throws -> Tensor {
        let out = try Tensor(uninitializedShape: shape, dtype: dtype, op: "full")
        kernels.fill(dtype, out.dataPointer, Double(value), value, StridedLoop(shape: shape, strides: out.strides))
        return out
    }

    public static func zeros(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try full(shape, value: 0, dtype: dtype)
    }

    public static func ones(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try full(shape, value: 1, dtype: dtype)
    }

    /// Copies host values into a new tensor of `shape` (row-major).
    public convenience init<T: TensorElement>(_ values: [T], shape: [Int]) throws {
        let count = try checkedNumel(shape, op: "tensor")
        guard count == values.count else {
            throw CajalError.shape("[tensor] \(values.count) values cannot fill shape \(shapeString(shape)) (\(count) elements)")
        }
        try self.init(uninitializedShape: shape, dtype: T.dtype, op: "tensor")
        values.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { dataPointer.copyMemory(from: base, byteCount: bytes.count) }
        }
    }

    /// A 1-D tensor of host values.
    public convenience init<T: TensorElement>(_ values: [T]) throws {
        try self.init(values, shape: [values.count])
    }

    /// Copies `byteCount` bytes of `dtype` elements from `data` (row-major).
    public static func fromBytes(_ data: UnsafeRawPointer?, byteCount: Int, shape: [Int], dtype: DType) throws -> Tensor {
        let count = try checkedNumel(shape, op: "from_data")
        guard byteCount == count * dtype.itemSize else {
            throw CajalError.value("[from_data] \(byteCount) bytes do not hold shape \(shapeString(shape)) of \(dtype) (\(count * dtype.itemSize) bytes needed)")
        }
        let out = try Tensor(uninitializedShape: shape, dtype: dtype, op: "from_data")
        if byteCount > 0 {
            guard let data else { throw CajalError(.nullArgument, "[from_data] data is NULL") }
            if dtype == .bool {
                // Normalise to 0/1 so every bool byte is a valid Swift Bool.
                let src = data.assumingMemoryBound(to: UInt8.self)
                let dst = out.dataPointer.assumingMemoryBound(to: UInt8.self)
                for i in 0..<count { dst[i] = src[i] != 0 ? 1 : 0 }
            } else {
                out.dataPointer.copyMemory(from: data, byteCount: byteCount)
            }
        }
        return out
    }

    /// A 0-dim tensor standing for a Python number: lowest priority in type
    /// promotion, so `x + 1.5` keeps x's float dtype as torch does.
    public static func scalar(_ value: Double, dtype: DType = .float64) throws -> Tensor {
        let t = try full([], value: value, dtype: dtype)
        return Tensor(storage: t.storage, layout: t.layout, dtype: dtype, isWrappedNumber: true)
    }

    /// A host complex number as a wrapped complex128 0-dim tensor: float32 * 1j stays complex64.
    public static func scalar(real: Double, imaginary: Double) throws -> Tensor {
        let t = try Tensor.complex(real: Tensor.full([], value: real, dtype: .float64),
                                   imaginary: Tensor.full([], value: imaginary, dtype: .float64))
        return Tensor(storage: t.storage, layout: t.layout, dtype: .complex128, isWrappedNumber: true)
    }

    public static func scalar(_ value: Int64) throws -> Tensor {
        let t = try full([], integer: value)
        return Tensor(storage: t.storage, layout: t.layout, dtype: .int64, isWrappedNumber: true)
    }

    /// Values from `start` up to (not including) `end` by `step`, like torch.arange.
    /// The dtype defaults to int64 when all bounds are integers, else float32.
    public static func arange(start: Double = 0, end: Double, step: Double = 1, dtype: DType? = nil) throws -> Tensor {
        guard start.isFinite && end.isFinite && step.isFinite else {
            throw CajalError.value("[arange] unsupported range: \(start) -> \(end) with step \(step)")
        }
        guard step != 0 else { throw CajalError.value("[arange] step must be nonzero") }
        guard (step > 0 && end >= start) || (step < 0 && end <= start) else {
            throw CajalError.value("[arange] upper bound and larger bound inconsistent with step sign (start \(start), end \(end), step \(step))")
        }
        let allIntegral = [start, end, step].allSatisfy { $0.rounded() == $0 }
        let type = dtype ?? (allIntegral ? .int64 : DType.defaultFloat)
        guard type != .bool else { throw CajalError.notImplemented("[arange] not implemented for 'bool'") }
        try Tensor.refuseComplex(type, "arange")
        let length = ((end - start) / step).rounded(.up)
        guard length < 1e15 else { throw CajalError(.outOfMemory, "[arange] \(length) elements is too many") }
        let count = Int(length)
        let out = try Tensor(uninitializedShape: [count], dtype: type.kernelType, op: "arange")
        kernels.sequence(.arange(start: start, step: step), type.kernelType, out.dataPointer, count)
        return try out.converted(to: type)
    }

    /// Uniform samples in [0, 1) from `generator`, matching torch.rand.
    public static func rand(_ shape: [Int], dtype: DType = .float32, generator: Generator = .default) throws -> Tensor {
        guard dtype.isFloatingPoint else { throw CajalError.notImplemented("[rand] \"check_uniform_bounds\" not implemented for '\(dtype)'") }
        let out = try Tensor(uninitializedShape: shape, dtype: dtype.kernelType, op: "rand")
        RandomFill.uniform(dtype: out.dtype, out: out.dataPointer, count: out.count, low: 0, high: 1, generator: generator)
        return try out.converted(to: dtype)
    }

    /// Standard normal samples from `generator`, matching torch.randn.
    public static func randn(_ shape: [Int], dtype: DType = .float32, generator: Generator = .default) throws -> Tensor {
        guard dtype.isFloatingPoint else { throw CajalError.notImplemented("[randn] \"normal_kernel_cpu\" not implemented for '\(dtype)'") }
        let out = try Tensor(uninitializedShape: shape, dtype: dtype.kernelType, op: "randn")
        RandomFill.normal(dtype: out.dtype, out: out.dataPointer, count: out.count, mean: 0, std: 1, generator: generator)
        return try out.converted(to: dtype)
    }
}

extension Tensor {
    /// An n x m matrix with ones on the diagonal (torch.eye).
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32) throws -> Tensor {
        let columns = m ?? n
        guard n >= 0, columns >= 0 else { throw CajalError.runtime("[eye] n and m must be non-negative, got \(n) and \(columns)") }
        let out = try Tensor.zeros([n, columns], dtype: dtype)
        try out.diagonal().fillInPlaceUnchecked(1)
        return out
    }

    /// `steps` values from start to end inclusive, evenly spaced (torch.linspace:
    /// the first half counts up from start, the second down from end).
    public static func linspace(start: Double, end: Double, steps: Int, dtype: DType = .float32) throws -> Tensor {
        guard steps >= 0 else { throw CajalError.runtime("[linspace] number of steps must be non-negative") }
        guard dtype != .bool else { throw CajalError.notImplemented("[linspace] \"linspace_cpu\" not implemented for 'Bool'") }
        // The tensor is allocated first: a size too large is refused there, not trapped.
        let out = try Tensor(uninitializedShape: [steps], dtype: .float64, op: "linspace")
        let step = steps > 1 ? (end - start) / Double(steps - 1) : 0
        kernels.sequence(.linspace(start: start, end: end, step: step), .float64, out.dataPointer, steps)
        return try out.converted(to: dtype)
    }

    /// Integers drawn uniformly from [low, high) (torch.randint), torch's draws.
    public static func randint(low: Int64 = 0, high: Int64, _ shape: [Int], dtype: DType = .int64,
                               generator: Generator = .default) throws -> Tensor {
        guard low < high else {
            throw CajalError.runtime("[randint] random_ expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)")
        }
        guard dtype != .bool else { throw CajalError.notImplemented("[randint] randint is not implemented for 'Bool'") }
        let out = try Tensor(uninitializedShape: shape, dtype: .int64, op: "randint")
        let range = UInt64(bitPattern: high &- low)
        let values = out.typedPointer(Int64.self)
        generator.withLock {
            for i in 0..<out.count { values[i] = low &+ Int64(bitPattern: generator.integer(below: range)) }
        }
        return try out.converted(to: dtype)
    }

    /// torch.Tensor.bernoulli_(p): every element becomes 1 with probability
    /// p, else 0, drawn as torch's CPU build draws them (see
    /// RandomFill.bernoulli; dropout's masks come from here). Any dtype.
    public func bernoulliInPlace(probability p: Double, generator: Generator = .default) throws {
        guard p >= 0 && p <= 1 else { throw CajalError.runtime("[bernoulli_] bernoulli_ expects p to be in [0, 1], but got p=\(p)") }
        try checkInPlaceWrite("bernoulli_")
        if !inPlaceNeedsGraph([]) && strides == Layout.contiguousStrides(shape) && dtype.isNative {  // dropout's noise: straight in
            RandomFill.bernoulli(dtype: dtype, out: dataPointer, count: count, probability: p, generator: generator)
            storage.bumpVersion()
            return
        }
        let drawn = try Tensor(uninitializedShape: shape, dtype: dtype.kernelType, op: "bernoulli_")
        RandomFill.bernoulli(dtype: drawn.dtype, out: drawn.dataPointer, count: count, probability: p, generator: generator)
        let values = try drawn.converted(to: dtype)
        if inPlaceNeedsGraph([]) { return try inPlace("bernoulli_", others: []) { _ in values } }
        try copyElements(from: values)
        storage.bumpVersion()
    }

    /// torch._standard_gamma: a Gamma(alpha, 1) sample per element of this
    /// (floating-point, positive) tensor of concentrations, drawn as torch
    /// draws them. Its gradient with respect to alpha (torch's reparameterised
    /// gamma) is not supported: differentiating through it fails.
    public func standardGamma(generator: Generator = .default) throws -> Tensor {
        try sampling("_standard_gamma", node: "StandardGammaBackward0") { alpha, out in RandomFill.standardGamma(alpha: alpha, out: out, generator: generator) }
    }

    /// torch._sample_dirichlet: Dirichlet samples over the last dim, one per
    /// row of concentrations, drawn as torch draws them.
    public func sampleDirichlet(generator: Generator = .default) throws -> Tensor {
        guard rank >= 1 else { throw CajalError.runtime("[_sample_dirichlet] expected a tensor of at least one dim") }
        return try sampling("_sample_dirichlet", node: "SampleDirichletBackward0") { alpha, out in RandomFill.dirichlet(alpha: alpha, out: out, generator: generator) }
    }

    /// A sample shaped like self from a sampler of its (contiguous) values.
    private func sampling(_ op: String, node: String, _ fill: (Tensor, UnsafeMutableRawPointer) -> Void) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw CajalError.notImplemented("[\(op)] \"\(op)\" not implemented for '\(dtype.torchName)'")
        }
        let alpha = try GradMode.withDisabled { try contiguous().converted(to: dtype.kernelType) }
        let drawn = try Tensor(uninitializedShape: shape, dtype: alpha.dtype, op: op)
        fill(alpha, drawn.dataPointer)
        return try drawn.converted(to: dtype).recording(node, inputs: [self]) { _ in
            throw CajalError.notImplemented("[\(op)] the gradient of gamma-based samples with respect to their concentration (torch's reparameterised gamma) is not supported by cajal")
        }
    }

    /// torch.bernoulli(probabilities): 1 with each element's probability,
    /// else 0, in the probabilities' (floating-point) dtype; not differentiable.
    public func bernoulli(generator: Generator = .default) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw CajalError.notImplemented("[bernoulli] \"bernoulli_tensor_cpu_p_\" not implemented for '\(dtype.torchName)'")
        }
        let p = try GradMode.withDisabled { try contiguous().converted(to: dtype.kernelType) }
        guard try p.ge(.scalar(0.0)).logicalAnd(p.le(.scalar(1.0))).all().itemInt64() == 1 else {
            throw CajalError.runtime("[bernoulli] Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
        }
        let out = try Tensor(uninitializedShape: shape, dtype: p.dtype, op: "bernoulli")
        RandomFill.bernoulli(probabilities: p, out: out.dataPointer, dtype: p.dtype, generator: generator)
        return try out.converted(to: dtype)
    }

    /// Indices drawn from the categorical distributions in the rows of self
    /// (1-D or 2-D, non-negative weights, not necessarily normalized): torch.multinomial.
    /// With replacement the draws are torch's (a float64 uniform per sample,
    /// located in the normalized cumulative sums). Without replacement each
    /// row keeps the `numSamples` largest p / E with E ~ Exp(1), as torch
    /// does; torch draws E with MKL, so these indices are not torch's.
    public func multinomial(_ numSamples: Int, replacement: Bool = false, generator: Generator = .default) throws -> Tensor {
        let op = "multinomial"
        guard rank == 1 || rank == 2 else { throw CajalError.runtime("[\(op)] prob_dist must be 1 or 2 dim, got shape \(shapeString(shape))") }
        guard dtype.isFloatingPoint else { throw CajalError.runtime("[\(op)] multinomial only supports floating-point dtypes for input, got \(dtype)") }
        guard numSamples > 0 else { throw CajalError.runtime("[\(op)] cannot sample n_sample <= 0 samples") }
        let categories = shape[rank - 1], rows = rank == 2 ? shape[0] : 1
        guard categories > 0 else { throw CajalError.runtime("[\(op)] number of categories cannot be zero") }
        guard replacement || numSamples <= categories else {
            throw CajalError.runtime("[\(op)] cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        }
        let probabilities = try to(.float64).materialized().toArray(Double.self)
        for r in 0..<rows {
            let row = probabilities[(r * categories)..<((r + 1) * categories)]
            guard row.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw CajalError.runtime("[\(op)] probability tensor contains either `inf`, `nan` or element < 0")
            }
            guard row.contains(where: { $0 > 0 }) else {
                throw CajalError.runtime("[\(op)] invalid multinomial distribution (sum of probabilities <= 0)")
            }
            guard replacement || row.filter({ $0 > 0 }).count >= numSamples else {
                throw CajalError.runtime("[\(op)] invalid multinomial distribution (with replacement=False, not enough non-negative category to sample)")
            }
        }
        let out = try Tensor(uninitializedShape: rank == 2 ? [rows, numSamples] : [numSamples], dtype: .int64, op: op)
        let result = out.typedPointer(Int64.self)
        generator.withLock {
            for r in 0..<rows {
                let row = Array(probabilities[(r * categories)..<((r + 1) * categories)])
                if replacement {
                    var cumulative = [Double](repeating: 0, count: categories), total = 0.0
                    for j in 0..<categories { total += row[j]; cumulative[j] = total }
                    for j in 0..<categories { cumulative[j] /= total }
                    for s in 0..<numSamples {
                        let u = generator.uniformDouble()
                        var low = 0, high = categories
                        while high - low > 0 {
                            let mid = low + (high - low) / 2
                            if cumulative[mid] < u { low = mid + 1 } else { high = mid }
                        }
                        result[r * numSamples + s] = Int64(Swift.min(low, categories - 1))
                    }
                } else {
                    let keys = row.map { p in p / -Glibc.log(1 - generator.uniformDouble()) }
                    let order = keys.indices.sorted { keys[$0] > keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
                    for s in 0..<numSamples { result[r * numSamples + s] = Int64(order[s]) }
                }
            }
        }
        return out
    }

    /// A random permutation of 0..<n (torch.randperm), torch's draws.
    public static func randperm(_ n: Int, dtype: DType = .int64, generator: Generator = .default) throws -> Tensor {
        guard n >= 0 else { throw CajalError.runtime("[randperm] n must be non-negative, got \(n)") }
        let out = try Tensor(uninitializedShape: [n], dtype: .int64, op: "randperm")
        let values = out.typedPointer(Int64.self)
        for i in 0..<n { values[i] = Int64(i) }
        generator.withLock {
            for i in 0..<Swift.max(n - 1, 0) {
                let z = Int(generator.integer(below: UInt64(n - i)))
                (values[i], values[i + z]) = (values[i + z], values[i])
            }
        }
        return try out.converted(to: dtype)
    }
}

/// Seeds the default generator, like torch.manual_seed.
public func manualSeed(_ seed: UInt64) {
    Generator.default.manualSeed(seed)
}

/// A double truncated to int64, refusing NaN, infinities and out-of-range
/// values as torch does.
func checkedInt64(_ value: Double, op: String) throws -> Int64 {
    guard value.isFinite, value > -9.223372036854775808e18, value < 9.223372036854775808e18 else {
        throw CajalError.value("[\(op)] value \(value) cannot be converted to type int64 without overflow")
    }
    return Int64(value)
}

extension Tensor {
    /// Wraps memory owned elsewhere (e.g. a numpy array) without copying;
    /// `release` runs once when no tensor uses it any more.
    public static func borrowing(_ pointer: UnsafeMutableRawPointer?, shape: [Int], strides: [Int], dtype: DType,
                                 release: @escaping () -> Void) throws -> Tensor {
        let count = try checkedNumel(shape, op: "from_blob")
        guard strides.count == shape.count else {
            throw CajalError.value("[from_blob] \(shape.count) sizes but \(strides.count) strides")
        }
        guard strides.allSatisfy({ $0 >= 0 }) else {
            throw CajalError.value("[from_blob] negative strides \(strides) are not supported")
        }
        guard let pointer else {
            if count == 0, let empty = try? Tensor(uninitializedShape: shape, dtype: dtype) {
                release()
                return empty
            }
            throw CajalError(.nullArgument, "[from_blob] data is NULL")
        }
        // The last element's offset, checked: strides come from the caller.
        let check = Arguments("from_blob")
        var last = 0
        for (size, stride) in zip(shape, strides) where size > 1 {
            last = try check.sum(last, check.product(size - 1, stride, "stride \(stride)"), "the strides \(strides)")
        }
        guard last < Limits.maxElements else { throw check.tooLarge("the span of strides \(strides)") }
        let layout = Layout(shape: shape, strides: strides)
        let span = count == 0 ? 0 : (last + 1) * dtype.itemSize
        if dtype == .bool {
            // Any other byte is an invalid Swift Bool: every later kernel would be undefined.
            let bytes = UnsafeRawBufferPointer(start: pointer, count: span)
            if let bad = bytes.firstIndex(where: { $0 > 1 }) {
                throw CajalError.value("[from_blob] bool memory must hold 0 or 1 bytes, found \(bytes[bad]) at byte \(bad)")
            }
        }
        let storage = Storage(borrowing: pointer, byteCount: span, release: release)
        return Tensor(storage: storage, layout: layout, dtype: dtype)
    }
}
