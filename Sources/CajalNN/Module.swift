import CajalCore
import CajalRuntime
/// Layers for Swift programs, shaped like torch.nn: a `Module` owns named
/// parameters, buffers and child modules, is called as a function, switches
/// between training and evaluation, and reads and writes torch-compatible
/// state dictionaries (the same keys, shapes and meaning as the Python front's).
open class Module {
    public private(set) var isTraining = true
    private var parameterSlots: [(name: String, tensor: Tensor?)] = []
    private var bufferSlots: [(name: String, tensor: Tensor?)] = []
    private var childSlots: [(name: String, module: Module)] = []

    public init() {}

    /// The layer's computation; subclasses override it.
    open func forward(_ input: Tensor) throws -> Tensor {
        throw CajalError.notImplemented("[\(type(of: self))] forward is not implemented")
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor { try forward(input) }

    // MARK: registration (names in registration order, as torch's state_dict)

    /// Registers `tensor` (nil: an absent optional parameter, such as a bias)
    /// as a leaf that requires grad; returns it.
    @discardableResult
    public func registerParameter(_ name: String, _ tensor: Tensor?) throws -> Tensor? {
        if let tensor { try tensor.setRequiresGrad() }
        parameterSlots.removeAll { $0.name == name }
        parameterSlots.append((name, tensor))
        return tensor
    }

    public func registerBuffer(_ name: String, _ tensor: Tensor?) {
        bufferSlots.removeAll { $0.name == name }
        bufferSlots.append((name, tensor))
    }

    @discardableResult
    public func registerModule<M: Module>(_ name: String, _ module: M) -> M {
        childSlots.removeAll { $0.name == name }
        childSlots.append((name, module))
        return module
    }

    /// The parameter, buffer or child registered under `name`.
    public func parameter(_ name: String) -> Tensor? { parameterSlots.first { $0.name == name }?.tensor }
    public func buffer(_ name: String) -> Tensor? { bufferSlots.first { $0.name == name }?.tensor }
    public var children: [(name: String, module: Module)] { childSlots }

    // MARK: traversal

    /// Parameters with their dotted names, own first then each child's.
    public func namedParameters(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        var result = parameterSlots.compactMap { slot in slot.tensor.map { (prefix + slot.name, $0) } }
        for child in childSlots { result += child.module.namedParameters(prefix: prefix + child.name + ".") }
        return result
    }

    public var parameters: [Tensor] { namedParameters().map(\.tensor) }

    public func namedBuffers(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        var result = bufferSlots.compactMap { slot in slot.tensor.map { (prefix + slot.name, $0) } }
        for child in childSlots { result += child.module.namedBuffers(prefix: prefix + child.name + ".") }
        return result
    }

    /// Training mode (batch statistics, dropout) or, with false, evaluation mode; recursive.
    @discardableResult
    public func train(_ on: Bool = true) -> Self {
        isTraining = on
        for child in childSlots { child.module.train(on) }
        return self
    }

    @discardableResult
    public func eval() -> Self { train(false) }

    /// Drops every parameter's gradient.
    public func zeroGrad() {
        for parameter in parameters { parameter.grad = nil }
    }

    // MARK: state

    /// torch's state_dict: each module's parameters then its buffers, then its children's.
    public func stateDict(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        var result = parameterSlots.compactMap { slot in slot.tensor.map { (prefix + slot.name, $0.detach()) } }
        result += bufferSlots.compactMap { slot in slot.tensor.map { (prefix + slot.name, $0.detach()) } }
        for child in childSlots { result += child.module.stateDict(prefix: prefix + child.name + ".") }
        return result
    }

    /// Copies matching entries into the parameters and buffers. With `strict`,
    /// missing or unexpected keys are an error; a shape mismatch always is.
    @discardableResult
    public func loadStateDict(_ state: [String: Tensor], strict: Bool = true) throws -> (missing: [String], unexpected: [String]) {
        let mine = stateDict()
        let names = Set(mine.map(\.name))
        let missing = mine.map(\.name).filter { state[$0] == nil }
        let unexpected = state.keys.filter { !names.contains($0) }.sorted()
        if strict && (!missing.isEmpty || !unexpected.isEmpty) {
            throw CajalError.runtime("[load_state_dict] Error(s) in loading state_dict for \(type(of: self)): missing keys \(missing), unexpected keys \(unexpected)")
        }
        for (name, current) in mine {
            guard let value = state[name] else { continue }
            guard value.shape == current.shape else {
                throw CajalError.runtime("[load_state_dict] size mismatch for \(name): copying a param with shape \(value.shape) from checkpoint, the shape in current model is \(current.shape).")
            }
        }
        try GradMode.withDisabled {
            for (name, current) in mine { if let value = state[name] { try current.copyInPlace(value) } }
        }
        return (missing, unexpected)
    }
}

/// y = x Wᵀ + b.
public final class Linear: Module {
    public let inFeatures: Int, outFeatures: Int
    public var weight: Tensor? { parameter("weight") }
    public var bias: Tensor? { parameter("bias") }

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, dtype: DType = .float32) throws {
        (self.inFeatures, self.outFeatures) = (inFeatures, outFeatures)
        super.init()
        let tensors = LayerSpec.linear(inFeatures: inFeatures, outFeatures: outFeatures, bias: bias)
        try register(tensors, dtype: dtype)
        try initialize(tensors)
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard let weight else { throw CajalError.runtime("[Linear] the weight parameter was removed") }
        return try Functional.linear(input, weight: weight, bias: bias)
    }
}

/// A 2-d convolution layer (weight: out x in/groups x kH x kW).
public final class Conv2d: Module {
    public let stride: [Int], padding: ConvolutionPadding, dilation: [Int], groups: Int
    public var weight: Tensor? { parameter("weight") }
    public var bias: Tensor? { parameter("bias") }

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: [Int], stride: [Int] = [1], padding: ConvolutionPadding = .valid,
                dilation: [Int] = [1], groups: Int = 1, bias: Bool = true, dtype: DType = .float32) throws {
        guard groups > 0, inChannels % groups == 0, outChannels % groups == 0 else {
            throw CajalError.value("[Conv2d] in_channels (\(inChannels)) and out_channels (\(outChannels)) must be divisible by groups (\(groups))")
        }
        let kernel = kernelSize.count == 1 ? [kernelSize[0], kernelSize[0]] : kernelSize
        guard kernel.count == 2, kernel.allSatisfy({ $0 > 0 }) else {
            throw CajalError.value("[Conv2d] kernel_size must be one or two positive ints, got \(kernelSize)")
        }
        (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
        super.init()
        let tensors = LayerSpec.conv(inChannels: inChannels, outChannels: outChannels, kernelSize: kernel, groups: groups, bias: bias)
        try register(tensors, dtype: dtype)
        try initialize(tensors)
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard let weight else { throw CajalError.runtime("[Conv2d] the weight parameter was removed") }
        return try Tensor.conv2d(input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// Batch normalisation over dim 1, with running statistics (BatchNorm1d and 2d alike).
public final class BatchNorm: Module {
    public let momentum: Double, eps: Double

    public init(_ features: Int, eps: Double = 1e-5, momentum: Double = 0.1, dtype: DType = .float32) throws {
        (self.momentum, self.eps) = (momentum, eps)
        super.init()
        try register(LayerSpec.batchNorm(numFeatures: features, affine: true, bias: true, trackRunningStats: true), dtype: dtype)
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        if isTraining, let count = buffer("num_batches_tracked") {
            try GradMode.withDisabled { try count.addInPlace(.scalar(Int64(1))) }
        }
        return try Functional.batchNorm(input, runningMean: buffer("running_mean"), runningVar: buffer("running_var"),
                                        weight: parameter("weight"), bias: parameter("bias"), training: isTraining,
                                        momentum: momentum, eps: eps)
    }
}

/// A layer without parameters made of a function (activations, pooling, flatten).
public final class Lambda: Module {
    private let body: (Tensor) throws -> Tensor
    public init(_ body: @escaping (Tensor) throws -> Tensor) { self.body = body }
    public override func forward(_ input: Tensor) throws -> Tensor { try body(input) }

    public static var relu: Lambda { Lambda { try $0.relu() } }
    public static func maxPool2d(_ kernel: Int) -> Lambda { Lambda { try Tensor.maxPool2d($0, kernelSize: [kernel]).values } }
    public static var flatten: Lambda { Lambda { try $0.flatten(startDim: 1) } }
}

/// Modules applied in order, registered as "0", "1", ... as torch's Sequential.
public final class Sequential: Module {
    public init(_ modules: [Module]) {
        super.init()
        for (index, module) in modules.enumerated() { registerModule(String(index), module) }
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        try children.reduce(input) { x, child in try child.module(x) }
    }
}

/// The transposed convolution layer (weight: in x out/groups x kH x kW, as torch's).
public final class ConvTranspose2d: Module {
    public let stride: [Int], padding: [Int], outputPadding: [Int], groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: [Int], stride: [Int] = [1], padding: [Int] = [0],
                outputPadding: [Int] = [0], groups: Int = 1, bias: Bool = true, dtype: DType = .float32) throws {
        guard groups > 0, inChannels % groups == 0, outChannels % groups == 0 else {
            throw CajalError.value("[ConvTranspose2d] in_channels (\(inChannels)) and out_channels (\(outChannels)) must be divisible by groups (\(groups))")
        }
        let kernel = kernelSize.count == 1 ? [kernelSize[0], kernelSize[0]] : kernelSize
        guard kernel.count == 2, kernel.allSatisfy({ $0 > 0 }) else {
            throw CajalError.value("[ConvTranspose2d] kernel_size must be one or two positive ints, got \(kernelSize)")
        }
        (self.stride, self.padding, self.outputPadding, self.groups) = (stride, padding, outputPadding, groups)
        super.init()
        // torch computes the fan-in from weight.shape[1] here too.
        let tensors = LayerSpec.convTranspose(inChannels: inChannels, outChannels: outChannels, kernelSize: kernel, groups: groups,
                                              bias: bias)
        try register(tensors, dtype: dtype)
        try initialize(tensors)
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard let weight = parameter("weight") else { throw CajalError.runtime("[ConvTranspose2d] the weight parameter was removed") }
        return try Tensor.convTranspose2d(input, weight: weight, bias: parameter("bias"), stride: stride, padding: padding,
                                          outputPadding: outputPadding, groups: groups)
    }
}

/// Layer normalisation over the last dims (weight 1, bias 0 to start).
public final class LayerNorm: Module {
    public let normalizedShape: [Int], eps: Double

    public init(_ normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true, dtype: DType = .float32) throws {
        (self.normalizedShape, self.eps) = (normalizedShape, eps)
        super.init()
        try register(LayerSpec.layerNorm(normalizedShape: normalizedShape, elementwiseAffine: elementwiseAffine, bias: true),
                     dtype: dtype)
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        try Functional.layerNorm(input, normalizedShape: normalizedShape, weight: parameter("weight"), bias: parameter("bias"), eps: eps)
    }
}

/// Root-mean-square normalisation over the trailing normalized shape
/// (weight 1 to start, no bias): torch.nn.RMSNorm.
public final class RMSNorm: Module {
    public let normalizedShape: [Int], eps: Double?

    public init(_ normalizedShape: [Int], eps: Double? = nil, elementwiseAffine: Bool = true, dtype: DType = .float32) throws {
        (self.normalizedShape, self.eps) = (normalizedShape, eps)
        super.init()
        try register(LayerSpec.rmsNorm(normalizedShape: normalizedShape, elementwiseAffine: elementwiseAffine), dtype: dtype)
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        try Functional.rmsNorm(input, normalizedShape: normalizedShape, weight: parameter("weight"), eps: eps)
    }
}

/// Group normalisation over channel groups (weight 1, bias 0 to start).
public final class GroupNorm: Module {
    public let groups: Int, eps: Double

    public init(_ groups: Int, _ channels: Int, eps: Double = 1e-5, affine: Bool = true, dtype: DType = .float32) throws {
        guard groups > 0, channels % groups == 0 else {
            throw CajalError.value("[GroupNorm] num_channels (\(channels)) must be divisible by num_groups (\(groups))")
        }
        (self.groups, self.eps) = (groups, eps)
        super.init()
        try register(LayerSpec.channelNorm(numChannels: channels, affine: affine, bias: true), dtype: dtype)
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        try Functional.groupNorm(input, numGroups: groups, weight: parameter("weight"), bias: parameter("bias"), eps: eps)
    }
}

/// A lookup table of N(0, 1) rows; the padding row starts at zero and gets no gradient.
public final class Embedding: Module {
    public let paddingIndex: Int?

    public init(_ count: Int, _ dimension: Int, paddingIndex: Int? = nil, dtype: DType = .float32) throws {
        guard count > 0, dimension > 0 else { throw CajalError.value("[Embedding] sizes must be positive, got \(count) x \(dimension)") }
        if let paddingIndex, !(-count..<count).contains(paddingIndex) {
            throw CajalError.value("[Embedding] Padding_idx must be within num_embeddings")
        }
        self.paddingIndex = paddingIndex.map { ($0 + count) % count }
        super.init()
        let tensors = LayerSpec.embedding(numEmbeddings: count, embeddingDim: dimension)
        try register(tensors, dtype: dtype)
        try initialize(tensors)
        if let row = self.paddingIndex, let weight = parameter("weight") {
            try GradMode.withDisabled { try weight.narrow(dim: 0, start: row, length: 1).zeroInPlace() }
        }
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        guard let weight = parameter("weight") else { throw CajalError.runtime("[Embedding] the weight parameter was removed") }
        return try Functional.embedding(input, weight: weight, paddingIndex: paddingIndex)
    }
}

/// Zeroes elements with probability p in training (scaling the rest by 1/(1-p)); identity in evaluation.
public final class Dropout: Module {
    public let probability: Double

    public init(_ probability: Double = 0.5) throws {
        try Functional.checkDropoutProbability(probability)
        self.probability = probability
        super.init()
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        try Functional.dropout(input, probability: probability, training: isTraining)
    }
}
