import CajalCore
import CajalRuntime

/// How a layer's tensor starts (api/layers.py's `init`).
enum LayerInitializer {
    /// U(-1/√fan_in, 1/√fan_in), fan_in of the layer's weight: torch's
    /// kaiming_uniform_(a=√5) for the weight and its rule for the bias.
    case fanInUniform
    /// U(-1/√n, 1/√n).
    case inverseSqrtUniform(Int)
    /// U(±√(6 / (fan_in + fan_out))).
    case xavierUniform
    /// N(0, 1).
    case normal
    case ones, zeros
}

/// One parameter or buffer of a layer, as LayerSpec (generated from
/// api/layers.py) declares it; the Python front builds from the same table.
struct LayerTensor {
    let name: String, shape: [Int], initializer: LayerInitializer
    /// False: registered empty (nil), as torch registers an absent bias.
    let present: Bool
    let buffer: Bool
    /// nil: the layer's dtype.
    let dtype: DType?

    init(name: String, shape: [Int], initializer: LayerInitializer, present: Bool, buffer: Bool = false, dtype: DType? = nil) {
        (self.name, self.shape, self.initializer, self.present, self.buffer, self.dtype) = (name, shape, initializer, present, buffer, dtype)
    }
}

extension Module {
    /// Registers the tensors under name + suffix in order: ones and zeros as
    /// they start, the random ones zeroed until `initialize` draws them; an
    /// absent one as nil, or not at all with skipAbsent (torch's multi-layer RNN).
    func register(_ tensors: [LayerTensor], dtype: DType, suffix: String = "", skipAbsent: Bool = false) throws {
        for spec in tensors {
            let name = spec.name + suffix
            var tensor: Tensor? = nil
            if spec.present {
                let kind = spec.dtype ?? dtype
                if case .ones = spec.initializer {
                    tensor = try Tensor.ones(spec.shape, dtype: kind)
                } else {
                    tensor = try Tensor.zeros(spec.shape, dtype: kind)
                }
            } else if skipAbsent {
                continue
            }
            if spec.buffer { registerBuffer(name, tensor) } else { try registerParameter(name, tensor) }
        }
    }

    /// Draws the random tensors' starting values in declaration order from the
    /// default generator, as torch's reset_parameters does.
    func initialize(_ tensors: [LayerTensor], suffix: String = "") throws {
        let weight = tensors.first { $0.name == "weight" && $0.present }
        // Saturating: with a zero first dim the rest may multiply past Int.max,
        // and then the weight has no elements to draw anyway.
        let fanIn = weight.map { $0.shape.count >= 2 ? $0.shape.dropFirst().reduce(1) { total, size in
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            return overflow ? Int.max : product
        } : 0 } ?? 0
        try GradMode.withDisabled {
            for spec in tensors where spec.present {
                guard let tensor = spec.buffer ? buffer(spec.name + suffix) : parameter(spec.name + suffix) else { continue }
                switch spec.initializer {
                case .fanInUniform:
                    // kaiming_uniform_(a=√5): gain √(2/6) times √(3/fan_in) is exactly 1/√fan_in.
                    guard fanIn > 0 else { continue }
                    let bound = 1 / Double(fanIn).squareRoot()
                    try tensor.uniformInPlace(low: -bound, high: bound, generator: .default)
                case .inverseSqrtUniform(let n):
                    let bound = 1 / Double(n).squareRoot()
                    try tensor.uniformInPlace(low: -bound, high: bound, generator: .default)
                case .xavierUniform:
                    let bound = (6 / Double(tensor.shape[0] + tensor.shape[1])).squareRoot()
                    try tensor.uniformInPlace(low: -bound, high: bound, generator: .default)
                case .normal:
                    try tensor.normalInPlace(mean: 0, std: 1, generator: .default)
                case .ones, .zeros:
                    continue
                }
            }
        }
    }

    /// Registers submodules in the order `spec` declares (the order they were
    /// made in, so their draws match torch's); the names must be the declared ones.
    func registerChildren(_ spec: [(name: String, kind: String)], _ made: [String: Module]) throws {
        guard Set(spec.map(\.name)) == Set(made.keys), spec.count == made.count else {
            throw CajalError.runtime("[\(type(of: self))] submodules \(made.keys.sorted()) differ from the declared \(spec.map(\.name))")
        }
        for (name, _) in spec { if let child = made[name] { registerModule(name, child) } }
    }
}
