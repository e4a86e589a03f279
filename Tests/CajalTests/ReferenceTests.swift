import Testing
import Cajal

/// The Swift front held to real PyTorch's numbers: the same fixture files
/// that pytest reads (Tests/reference/fixtures, made by generate.py).
struct ReferenceTests {
    @Test func fixturesAreLoaded() {
        #expect(Fixtures.loaded.failures.isEmpty, "\(Fixtures.loaded.failures)")
        #expect(Fixtures.cases.count > 250)
    }

    @Test(arguments: Fixtures.cases)
    func referenceCase(_ fixture: FixtureCase) throws {
        let attrs = fixture.attrs
        var bases: [Tensor] = []
        var outputs: [Tensor]
        if fixture.op == "random_sequence" {
            // Cases run in parallel, so each seeds a generator of its own.
            let generator = Generator(seed: UInt64(attrs["seed"]?.int ?? 0))
            guard case .array(let draws) = attrs["draws"] else { Issue.record("no draws"); return }
            outputs = try draws.map { draw in
                let shape = draw["shape"]?.ints ?? []
                let fn = draw["fn"]?.string ?? ""
                let integer = fn == "randint" || fn == "randperm"
                let dtype = DType(name: draw["dtype"]?.string ?? (integer ? "int64" : "float32")) ?? .float32
                switch fn {
                case "rand": return try Tensor.rand(shape, dtype: dtype, generator: generator)
                case "randn": return try Tensor.randn(shape, dtype: dtype, generator: generator)
                case "randint":
                    return try Tensor.randint(low: Int64(draw["low"]?.int ?? 0), high: Int64(draw["high"]?.int ?? 1), shape,
                                              dtype: dtype, generator: generator)
                case "randperm": return try Tensor.randperm(draw["n"]?.int ?? 0, generator: generator)
                case "normal_":
                    let t = try Tensor.zeros(shape, dtype: dtype)
                    try t.normalInPlace(mean: draw["mean"]?.double ?? 0, std: draw["std"]?.double ?? 1, generator: generator)
                    return t
                case "uniform_":
                    let t = try Tensor.zeros(shape, dtype: dtype)
                    try t.uniformInPlace(low: draw["low"]?.double ?? 0, high: draw["high"]?.double ?? 1, generator: generator)
                    return t
                default: throw CajalError.notImplemented("draw \(fn)")
                }
            }
        } else {
            var args: [Tensor] = []
            for input in fixture.inputs {
                let base = try input.data.tensor()
                if input.requires_grad { try base.setRequiresGrad() }
                bases.append(base)
                args.append(try applyView(base, input.view))
            }
            outputs = try runMany(fixture.op, args, attrs)
        }

        #expect(outputs.count == fixture.outputs.count)
        var loss: Tensor?
        for (k, out) in outputs.enumerated() {
            if let problem = try mismatch(out, fixture.outputs[k], "\(fixture.name) output \(k)", caseAtol: fixture.atol ?? 0) {
                Issue.record(Comment(rawValue: problem))
            }
            if let weight = fixture.grad_weights[k] {
                let term = try (out * weight.tensor()).sum()
                loss = try loss.map { try $0 + term } ?? term
            }
        }
        try loss?.backward()
        for (i, base) in bases.enumerated() {
            if let expected = fixture.grads[i] {
                guard let grad = base.grad else {
                    Issue.record("\(fixture.name): input \(i) got no gradient")
                    continue
                }
                if let problem = try mismatch(grad, expected, "\(fixture.name) grad \(i)", caseAtol: fixture.atol ?? 0) {
                    Issue.record(Comment(rawValue: problem))
                }
            } else {
                #expect(base.grad == nil, "\(fixture.name): input \(i) should get no gradient")
            }
        }
    }

    private func applyView(_ tensor: Tensor, _ steps: [JSONValue]) throws -> Tensor {
        var t = tensor
        for step in steps {
            switch step["kind"]?.string {
            case "transpose": t = try t.transpose(step["dim0"]?.int ?? 0, step["dim1"]?.int ?? 1)
            case "expand": t = try t.expand(step["shape"]?.ints ?? [])
            case "permute": t = try t.permute(step["dims"]?.ints ?? [])
            default: Issue.record("unknown view step")
            }
        }
        return t
    }

    /// A Python number of the fixture as a wrapped scalar tensor.
    private func scalar(_ attrs: JSONValue) throws -> Tensor {
        switch attrs["scalar_type"]?.string {
        case "int": return try Tensor.scalar(Int64(attrs["scalar"]?.int ?? 0))
        case "bool": return try Tensor.scalar(attrs["scalar"]?.bool == true ? 1 : 0, dtype: .bool)
        default: return try Tensor.scalar(attrs["scalar"]?.double ?? 0)
        }
    }

    /// The in-place programs of optable.py, written with the Swift API.
    private func program(_ name: String, _ x: Tensor, _ w: Tensor) throws -> Tensor {
        switch name {
        case "add_into_nonleaf":
            let y = try x * 2.0
            try y.addInPlace(w)
            return try y * 3.0
        case "mul_into_clone":
            let y = try x.clone()
            try y.mulInPlace(w)
            try y.subInPlace(.scalar(1.5))
            return y
        case "setitem_rows":
            let y = try x.clone()
            try y.setItem([.at(1)], value: w * 2.0)
            try y.setItem([.all, .at(0)], value: .scalar(0.5))
            return y
        case "setitem_mask":
            let y = try x * w
            try y.setItem([.tensor(y .> Tensor.scalar(0.0))], value: .scalar(0.0))
            return y
        case "index_put":
            let y = try Tensor.zeros([4, 3])
            try y.setItem([.tensor(try Tensor([0, 2] as [Int64]))], value: x.slice(dim: 0, end: 2) * w)
            return y
        case "view_inplace":
            let y = try x.clone()
            try y.select(dim: 0, index: 1).mulInPlace(w)
            return try y.exp()
        case "older_view":
            let y = try x.clone()
            let first = try y.select(dim: 0, index: 0)
            try y.select(dim: 1, index: 1).mulInPlace(w.select(dim: 0, index: 0))
            return try first * 3.0
        case "fill_view":
            let y = try x * w
            try y.select(dim: 0, index: 0).fillInPlace(1)
            return y
        case "copy_slice":
            let y = try Tensor.zeros([3, 3])
            try y.slice(dim: 0, start: 1).copyInPlace(w.expand([2, 3]))
            return try y * x
        case "clamp_and_mask":
            let y = try x * w
            try y.clampInPlace(min: .scalar(-0.5), max: .scalar(0.5))
            try y.maskedFillInPlace(y .< Tensor.scalar(-0.4), value: .scalar(2.0))
            return y
        case "chain":
            let y = try x.clone()
            try y.addInPlace(w)
            try y.mulInPlace(.scalar(2.0))
            try y.select(dim: 0, index: 0).subInPlace(.scalar(Int64(1)))
            try y.divInPlace(w.abs() + 1.0)
            return y
        default:
            throw CajalError.notImplemented("program \(name)")
        }
    }

    /// Ops with several outputs, or one.
    private func runMany(_ op: String, _ a: [Tensor], _ attrs: JSONValue) throws -> [Tensor] {
        switch op {
        case "unbind": return try a[0].unbind(dim: attrs["dim"]?.int ?? 0)
        case "split":
            if case .array = attrs["size"] { return try a[0].split(sizes: attrs["size"]?.ints ?? [], dim: attrs["dim"]?.int ?? 0) }
            return try a[0].split(size: attrs["size"]?.int ?? 1, dim: attrs["dim"]?.int ?? 0)
        case "chunk": return try a[0].chunk(attrs["chunks"]?.int ?? 1, dim: attrs["dim"]?.int ?? 0)
        case "max_dim":
            let r = try a[0].max(dim: attrs["dim"]?.int ?? 0, keepDim: attrs["keepdim"]?.bool ?? false)
            return [r.values, r.indices]
        case "min_dim":
            let r = try a[0].min(dim: attrs["dim"]?.int ?? 0, keepDim: attrs["keepdim"]?.bool ?? false)
            return [r.values, r.indices]
        case "sort":
            let r = try a[0].sort(dim: attrs["dim"]?.int ?? -1, descending: attrs["descending"]?.bool ?? false)
            return [r.values, r.indices]
        case "topk":
            let r = try a[0].topk(attrs["k"]?.int ?? 1, dim: attrs["dim"]?.int ?? -1, largest: attrs["largest"]?.bool ?? true)
            return [r.values, r.indices]
        case "grad_program": return try gradProgram(attrs["name"]?.string ?? "", a[0], a[1])
        case "recurrent", "recurrent_cell", "scaled_dot_product_attention", "multihead_attention",
             "transformer_encoder_layer", "transformer_decoder_layer":
            return try runSequenceLayer(op, a, attrs)
        case "adaptive_max_pool2d", "adaptive_max_pool1d", "adaptive_max_pool3d":
            let r = try Tensor.adaptiveMaxPool(a[0], outputSize: intList(attrs["output_size"]))
            return [r.values, r.indices]
        case "instance_norm_running":
            // Fresh running statistics made inside, as optable.py makes them; they are outputs too.
            let channels = a[0].shape[1]
            let mean = try Tensor.arange(end: Double(channels), dtype: a[0].dtype).mul(.scalar(0.1))
            let variance = try Tensor.arange(end: Double(channels), dtype: a[0].dtype).mul(.scalar(0.2)).add(.scalar(0.5))
            let affine = attrs["affine"]?.bool == true
            let out = try Functional.instanceNorm(a[0], runningMean: mean, runningVar: variance, weight: affine ? a[1] : nil,
                                                  bias: affine ? a[2] : nil, useInputStats: attrs["use_input_stats"]?.bool ?? true,
                                                  momentum: attrs["momentum"]?.double ?? 0.1, eps: attrs["eps"]?.double ?? 1e-5)
            return [out, mean, variance]
        case "max_pool2d", "max_pool1d", "max_pool3d":
            let pool = op == "max_pool2d" ? Tensor.maxPool2d : op == "max_pool3d" ? Tensor.maxPool3d : Tensor.maxPool1d
            let r = try pool(a[0], intList(attrs["kernel_size"]), intList(attrs["stride"]), intList(attrs["padding"]),
                             intList(attrs["dilation"]), attrs["ceil_mode"]?.bool ?? false)
            return [r.values, r.indices]
        default:
            if let output = try runNN(op, a, attrs) { return [output] }
            return [try run(op, a, attrs)]
        }
    }

    /// An int, a list of ints, or null (an empty list) from the fixture's attributes.
    /// The layer fixtures: a Swift module whose parameters are the case's inputs (attrs["names"]).
    private func runSequenceLayer(_ op: String, _ a: [Tensor], _ attrs: JSONValue) throws -> [Tensor] {
        var rest = a
        func take(_ flag: String) -> Tensor? { attrs[flag]?.bool == true ? rest.removeFirst() : nil }
        func assign(_ module: Module) throws {
            guard case .array(let names)? = attrs["names"] else { throw CajalError.value("names missing") }
            for (name, tensor) in zip(names.compactMap(\.string), rest) {
                var owner = module
                let parts = name.split(separator: ".").map(String.init)
                for part in parts.dropLast() {
                    guard let child = owner.children.first(where: { $0.name == part })?.module else {
                        throw CajalError.value("no child \(part) for \(name)")
                    }
                    owner = child
                }
                try owner.registerParameter(parts[parts.count - 1], tensor)
            }
        }
        let kinds: [String: RecurrentKind] = ["LSTM": .lstm, "GRU": .gru, "RNN_TANH": .rnnTanh, "RNN_RELU": .rnnRelu]
        switch op {
        case "recurrent":
            let kind = kinds[attrs["mode"]?.string ?? ""] ?? .lstm
            let x = rest.removeFirst()
            let (h0, c0) = (take("has_hx"), take("has_cx"))
            let batchFirst = attrs["batch_first"]?.bool ?? false
            let layer = try RecurrentLayer(kind, inputSize: attrs["input_size"]?.int ?? 0, hiddenSize: attrs["hidden_size"]?.int ?? 0,
                                           numLayers: attrs["num_layers"]?.int ?? 1, bias: attrs["bias"]?.bool ?? true,
                                           batchFirst: batchFirst, bidirectional: attrs["bidirectional"]?.bool ?? false,
                                           projSize: attrs["proj_size"]?.int ?? 0)
            try assign(layer)
            if let lengths = attrs["lengths"]?.ints {
                let packed = try Functional.packPaddedSequence(x, lengths: lengths, batchFirst: batchFirst,
                                                               enforceSorted: attrs["enforce_sorted"]?.bool ?? true)
                let result = try layer(packed, hidden: h0, cell: c0)
                let padded = try Functional.padPackedSequence(result.output, batchFirst: batchFirst).padded
                return [padded, result.hidden] + (result.cell.map { [$0] } ?? [])
            }
            let result = try layer(x, hidden: h0, cell: c0)
            return [result.output, result.hidden] + (result.cell.map { [$0] } ?? [])
        case "recurrent_cell":
            let kind = kinds[attrs["mode"]?.string ?? ""] ?? .lstm
            let x = rest.removeFirst()
            let (h0, c0) = (take("has_hx"), take("has_cx"))
            let cell = try RecurrentCellLayer(kind, inputSize: attrs["input_size"]?.int ?? 0, hiddenSize: attrs["hidden_size"]?.int ?? 0,
                                              bias: attrs["bias"]?.bool ?? true)
            try assign(cell)
            let result = try cell(x, hidden: h0, cell: c0)
            return [result.hidden] + (result.cell.map { [$0] } ?? [])
        case "scaled_dot_product_attention":
            return [try Functional.scaledDotProductAttention(a[0], a[1], a[2], attnMask: a.count > 3 ? a[3] : nil,
                                                             isCausal: attrs["is_causal"]?.bool ?? false, scale: attrs["scale"]?.double)]
        case "multihead_attention":
            let (query, key, value) = (rest.removeFirst(), rest.removeFirst(), rest.removeFirst())
            let (padding, mask) = (take("has_key_padding_mask"), take("has_attn_mask"))
            let attention = try MultiheadAttention(embedDim: attrs["embed_dim"]?.int ?? 0, numHeads: attrs["num_heads"]?.int ?? 0,
                                                   bias: attrs["bias"]?.bool ?? true, addBiasKV: attrs["add_bias_kv"]?.bool ?? false,
                                                   addZeroAttn: attrs["add_zero_attn"]?.bool ?? false, kdim: attrs["kdim"]?.int,
                                                   vdim: attrs["vdim"]?.int,
                                                   batchFirst: attrs["batch_first"]?.bool ?? false)
            try assign(attention)
            attention.eval()
            let needWeights = attrs["need_weights"]?.bool ?? true
            let result = try attention(query: query, key: key, value: value, keyPaddingMask: padding, needWeights: needWeights,
                                       attnMask: mask, averageAttnWeights: attrs["average_attn_weights"]?.bool ?? true)
            return [result.output] + (result.weights.map { [$0] } ?? [])
        default:
            let decoder = op == "transformer_decoder_layer"
            let source = rest.removeFirst()
            let memory = decoder ? rest.removeFirst() : nil
            let (mask, padding) = (take("has_mask"), take("has_key_padding_mask"))
            let activation = TransformerActivation(rawValue: attrs["activation"]?.string ?? "relu") ?? .relu
            let (dModel, heads, feedforward) = (attrs["d_model"]?.int ?? 0, attrs["nhead"]?.int ?? 0, attrs["dim_feedforward"]?.int ?? 0)
            let (batchFirst, normFirst) = (attrs["batch_first"]?.bool ?? false, attrs["norm_first"]?.bool ?? false)
            if let memory {
                let layer = try TransformerDecoderLayer(dModel: dModel, nhead: heads, dimFeedforward: feedforward, dropout: 0,
                                                        activation: activation, batchFirst: batchFirst, normFirst: normFirst)
                try assign(layer)
                return [try layer(source, memory: memory, targetMask: mask, memoryKeyPaddingMask: padding)]
            }
            let layer = try TransformerEncoderLayer(dModel: dModel, nhead: heads, dimFeedforward: feedforward, dropout: 0,
                                                    activation: activation, batchFirst: batchFirst, normFirst: normFirst)
            try assign(layer)
            return [try layer(source, mask: mask, keyPaddingMask: padding)]
        }
    }

    private func intList(_ value: JSONValue?) -> [Int] {
        if let single = value?.int { return [single] }
        return value?.ints ?? []
    }

    /// The nn.functional ops of optable.py (nil for other ops).
    private func runNN(_ op: String, _ a: [Tensor], _ attrs: JSONValue) throws -> Tensor? {
        func optional(_ flag: String, at index: Int) -> Tensor? { attrs[flag]?.bool == true ? a[index] : nil }
        func reduction() throws -> LossReduction { try LossReduction(named: attrs["reduction"]?.string ?? "mean", op: op) }
        switch op {
        case "conv2d", "conv1d", "conv3d":
            let padding: ConvolutionPadding
            switch attrs["padding"]?.string {
            case "same": padding = .same
            case "valid": padding = .valid
            default: padding = .explicit(intList(attrs["padding"]))
            }
            let conv = op == "conv2d" ? Tensor.conv2d : op == "conv3d" ? Tensor.conv3d : Tensor.conv1d
            return try conv(a[0], a[1], optional("bias", at: 2), intList(attrs["stride"]), padding, intList(attrs["dilation"]),
                            attrs["groups"]?.int ?? 1)
        case "conv_transpose2d", "conv_transpose1d", "conv_transpose3d":
            let transpose = op == "conv_transpose2d" ? Tensor.convTranspose2d
                : op == "conv_transpose3d" ? Tensor.convTranspose3d : Tensor.convTranspose1d
            return try transpose(a[0], a[1], optional("bias", at: 2), intList(attrs["stride"]), intList(attrs["padding"]),
                                 intList(attrs["output_padding"]), attrs["groups"]?.int ?? 1, intList(attrs["dilation"]))
        case "avg_pool3d":
            return try Tensor.avgPool3d(a[0], kernelSize: intList(attrs["kernel_size"]), stride: intList(attrs["stride"]),
                                        padding: intList(attrs["padding"]), ceilMode: attrs["ceil_mode"]?.bool ?? false,
                                        countIncludePad: attrs["count_include_pad"]?.bool ?? true,
                                        divisorOverride: attrs["divisor_override"]?.int ?? 0)
        case "pad_mode":
            let mode = Functional.PadMode(name: attrs["mode"]?.string ?? "") ?? .constant
            return try Functional.pad(a[0], intList(attrs["pad"]), mode: mode)
        case "avg_pool2d":
            return try Tensor.avgPool2d(a[0], kernelSize: intList(attrs["kernel_size"]), stride: intList(attrs["stride"]),
                                        padding: intList(attrs["padding"]), ceilMode: attrs["ceil_mode"]?.bool ?? false,
                                        countIncludePad: attrs["count_include_pad"]?.bool ?? true,
                                        divisorOverride: attrs["divisor_override"]?.int ?? 0)
        case "avg_pool1d":
            return try Tensor.avgPool1d(a[0], kernelSize: intList(attrs["kernel_size"]), stride: intList(attrs["stride"]),
                                        padding: intList(attrs["padding"]), ceilMode: attrs["ceil_mode"]?.bool ?? false,
                                        countIncludePad: attrs["count_include_pad"]?.bool ?? true)
        case "linear": return try Functional.linear(a[0], weight: a[1], bias: optional("bias", at: 2))
        case "softmax": return try Functional.softmax(a[0], dim: attrs["dim"]?.int ?? -1)
        case "log_softmax": return try Functional.logSoftmax(a[0], dim: attrs["dim"]?.int ?? -1)
        case "leaky_relu": return try Functional.leakyRelu(a[0], negativeSlope: attrs["negative_slope"]?.double ?? 0.01)
        case "elu": return try Functional.elu(a[0], alpha: attrs["alpha"]?.double ?? 1)
        case "gelu": return try Functional.gelu(a[0], tanhApproximation: attrs["approximate"]?.string == "tanh")
        case "silu": return try Functional.silu(a[0])
        case "softplus":
            return try Functional.softplus(a[0], beta: attrs["beta"]?.double ?? 1, threshold: attrs["threshold"]?.double ?? 20)
        case "hardtanh": return try Functional.hardtanh(a[0], min: attrs["min"]?.double ?? -1, max: attrs["max"]?.double ?? 1)
        case "selu": return try Functional.selu(a[0])
        case "celu": return try Functional.celu(a[0], alpha: attrs["alpha"]?.double ?? 1)
        case "mish": return try Functional.mish(a[0])
        case "softsign": return try Functional.softsign(a[0])
        case "hardsigmoid": return try Functional.hardsigmoid(a[0])
        case "hardswish": return try Functional.hardswish(a[0])
        case "logsigmoid": return try Functional.logSigmoid(a[0])
        case "threshold":
            return try Functional.threshold(a[0], threshold: attrs["threshold"]?.double ?? 0, value: attrs["value"]?.double ?? 0)
        case "prelu": return try Functional.prelu(a[0], weight: a[1])
        case "layer_norm", "group_norm", "instance_norm":
            let (weight, bias) = attrs["affine"]?.bool == true ? (a[1], a[2]) : (nil, nil)
            let eps = attrs["eps"]?.double ?? 1e-5
            if op == "layer_norm" {
                return try Functional.layerNorm(a[0], normalizedShape: intList(attrs["shape"]), weight: weight, bias: bias, eps: eps)
            }
            if op == "group_norm" {
                return try Functional.groupNorm(a[0], numGroups: attrs["groups"]?.int ?? 1, weight: weight, bias: bias, eps: eps)
            }
            return try Functional.instanceNorm(a[0], weight: weight, bias: bias, eps: eps)
        case "batch_norm":
            let running = attrs["running"]?.bool == true
            let channels = a[0].shape[1]
            return try Functional.batchNorm(a[0], runningMean: running ? Tensor.zeros([channels]) : nil,
                                            runningVar: running ? Tensor.ones([channels]) : nil, weight: a[1], bias: a[2],
                                            training: attrs["training"]?.bool ?? true, momentum: attrs["momentum"]?.double ?? 0.1,
                                            eps: attrs["eps"]?.double ?? 1e-5)
        case "embedding": return try Functional.embedding(a[1], weight: a[0], paddingIndex: attrs["padding_idx"]?.int)
        case "smooth_l1_loss": return try Functional.smoothL1Loss(a[0], a[1], reduction: reduction(), beta: attrs["beta"]?.double ?? 1)
        case "huber_loss": return try Functional.huberLoss(a[0], a[1], reduction: reduction(), delta: attrs["delta"]?.double ?? 1)
        case "kl_div":
            return try Functional.klDivLoss(a[0], a[1], reduction: attrs["reduction"]?.string ?? "mean",
                                            logTarget: attrs["log_target"]?.bool ?? false)
        case "gaussian_nll_loss":
            return try Functional.gaussianNLLLoss(a[0], a[1], variance: a[2], full: attrs["full"]?.bool ?? false,
                                                  eps: attrs["eps"]?.double ?? 1e-6, reduction: reduction())
        case "poisson_nll_loss":
            return try Functional.poissonNLLLoss(a[0], a[1], logInput: attrs["log_input"]?.bool ?? true,
                                                 full: attrs["full"]?.bool ?? false, reduction: reduction())
        case "cosine_embedding_loss":
            return try Functional.cosineEmbeddingLoss(a[0], a[1], a[2], margin: attrs["margin"]?.double ?? 0, reduction: reduction())
        case "margin_ranking_loss":
            return try Functional.marginRankingLoss(a[0], a[1], a[2], margin: attrs["margin"]?.double ?? 0, reduction: reduction())
        case "triplet_margin_loss":
            return try Functional.tripletMarginLoss(a[0], a[1], a[2], margin: attrs["margin"]?.double ?? 1, p: attrs["p"]?.double ?? 2,
                                                    swap: attrs["swap"]?.bool ?? false, reduction: reduction())
        case "pad": return try Functional.pad(a[0], intList(attrs["pad"]), value: attrs["value"]?.double ?? 0)
        case "pixel_shuffle": return try Functional.pixelShuffle(a[0], upscaleFactor: attrs["factor"]?.int ?? 1)
        // The rest of everyday torch.nn (issue 20).
        case "unfold":
            return try Tensor.unfoldPatches(a[0], kernelSize: intList(attrs["kernel_size"]), dilation: intList(attrs["dilation"]),
                                            padding: intList(attrs["padding"]), stride: intList(attrs["stride"]))
        case "fold":
            return try Tensor.foldPatches(a[0], outputSize: intList(attrs["output_size"]), kernelSize: intList(attrs["kernel_size"]),
                                          dilation: intList(attrs["dilation"]), padding: intList(attrs["padding"]),
                                          stride: intList(attrs["stride"]))
        case "pixel_unshuffle": return try Functional.pixelUnshuffle(a[0], downscaleFactor: attrs["factor"]?.int ?? 1)
        case "channel_shuffle": return try Functional.channelShuffle(a[0], groups: attrs["groups"]?.int ?? 1)
        case "max_unpool":
            let dims = attrs["dims"]?.int ?? 2, kernel = intList(attrs["kernel_size"]), stride = intList(attrs["stride"])
            let pool = dims == 1 ? Tensor.maxPool1d : dims == 3 ? Tensor.maxPool3d : Tensor.maxPool2d
            let (values, indices) = try pool(a[0], kernel, stride, [0], [1], false)
            var size = intList(attrs["output_size"])
            if size.isEmpty {
                // torch's default: the size max_pool came from, (in - 1) stride + kernel.
                let spatial = Array(values.shape.suffix(dims))
                size = spatial.map { ($0 - 1) * stride[0] + kernel[0] }
            }
            return try Functional.maxUnpool(values, indices: indices, outputSize: size)
        case "normalize": return try Functional.normalize(a[0], p: attrs["p"]?.double ?? 2, dim: attrs["dim"]?.int ?? 1)
        case "cosine_similarity": return try Functional.cosineSimilarity(a[0], a[1], dim: attrs["dim"]?.int ?? 1)
        case "pairwise_distance":
            return try Functional.pairwiseDistance(a[0], a[1], p: attrs["p"]?.double ?? 2, keepDim: attrs["keepdim"]?.bool ?? false)
        case "pdist": return try Functional.pdist(a[0], p: attrs["p"]?.double ?? 2)
        case "glu": return try Functional.glu(a[0], dim: attrs["dim"]?.int ?? -1)
        case "hardshrink": return try Functional.hardshrink(a[0], lambda: attrs["lambd"]?.double ?? 0.5)
        case "softshrink": return try Functional.softshrink(a[0], lambda: attrs["lambd"]?.double ?? 0.5)
        case "tanhshrink": return try Functional.tanhshrink(a[0])
        case "rrelu_eval":
            return try Functional.rrelu(a[0], lower: attrs["lower"]?.double ?? 0.125, upper: attrs["upper"]?.double ?? 1.0 / 3)
        case "rms_norm":
            return try Functional.rmsNorm(a[0], normalizedShape: intList(attrs["shape"]), weight: a.count == 2 ? a[1] : nil,
                                          eps: attrs["eps"]?.double)
        case "local_response_norm":
            return try Functional.localResponseNorm(a[0], size: attrs["size"]?.int ?? 1, alpha: attrs["alpha"]?.double ?? 1e-4,
                                                    beta: attrs["beta"]?.double ?? 0.75, k: attrs["k"]?.double ?? 1)
        case "lp_pool":
            return try Functional.lpPool(a[0], normType: attrs["norm_type"]?.double ?? 2, kernelSize: intList(attrs["kernel_size"]),
                                         stride: intList(attrs["stride"]), ceilMode: attrs["ceil_mode"]?.bool ?? false,
                                         spatialDims: attrs["dims"]?.int ?? 2)
        case "soft_margin_loss": return try Functional.softMarginLoss(a[0], a[1], reduction: reduction())
        case "multilabel_soft_margin_loss":
            return try Functional.multilabelSoftMarginLoss(a[0], a[1], weight: a.count == 3 ? a[2] : nil, reduction: reduction())
        case "hinge_embedding_loss":
            return try Functional.hingeEmbeddingLoss(a[0], a[1], margin: attrs["margin"]?.double ?? 1, reduction: reduction())
        case "multi_margin_loss":
            return try Functional.multiMarginLoss(a[0], a[1], p: attrs["p"]?.int ?? 1, margin: attrs["margin"]?.double ?? 1,
                                                  weight: a.count == 3 ? a[2] : nil, reduction: reduction())
        case "multilabel_margin_loss": return try Functional.multilabelMarginLoss(a[0], a[1], reduction: reduction())
        case "triplet_margin_with_distance_loss":
            // torch's Python composition, with pairwise_distance or 1 - cosine similarity as the distance.
            let cosine = attrs["cosine"]?.bool ?? false
            func distance(_ x: Tensor, _ y: Tensor) throws -> Tensor {
                cosine ? try Tensor.scalar(1.0).sub(Functional.cosineSimilarity(x, y)) : try Functional.pairwiseDistance(x, y)
            }
            var negative = try distance(a[0], a[2])
            if attrs["swap"]?.bool == true { negative = try negative.minimum(distance(a[1], a[2])) }
            let loss = try distance(a[0], a[1]).sub(negative).add(.scalar(attrs["margin"]?.double ?? 1)).clamp(min: 0, max: nil)
            switch attrs["reduction"]?.string {
            case "none": return loss
            case "sum": return try loss.sum()
            default: return try loss.mean()
            }
        case "embedding_bag":
            let mode: EmbeddingBagMode = attrs["mode"]?.string == "sum" ? .sum : attrs["mode"]?.string == "max" ? .max : .mean
            return try Functional.embeddingBag(a[1], weight: a[0], offsets: a[1].rank == 1 ? a[2] : nil, mode: mode,
                                               perSampleWeights: attrs["weighted"]?.bool == true ? a[3] : nil,
                                               includeLastOffset: attrs["include_last_offset"]?.bool ?? false,
                                               paddingIndex: attrs["padding_idx"]?.int)
        case "ctc_loss":
            let logits = attrs["logits"]?.bool ?? true
            let logProbs = logits ? try Functional.logSoftmax(a[0], dim: a[0].rank - 1) : a[0]
            return try Functional.ctcLoss(logProbs, targets: a[1], inputLengths: intList(attrs["input_lengths"]),
                                          targetLengths: intList(attrs["target_lengths"]), blank: attrs["blank"]?.int ?? 0,
                                          reduction: reduction(), zeroInfinity: attrs["zero_infinity"]?.bool ?? false)
        case "adaptive_avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool3d": return try Functional.adaptiveAvgPool(a[0], outputSize: intList(attrs["output_size"]))
        case "interpolate":
            // Sizes from a scale factor as torch computes them, with its 1/scale ratios.
            let spatial = Array(a[0].shape.dropFirst(2))
            var size = intList(attrs["size"]), scales: [Double] = []
            if size.count == 1 && spatial.count > 1 { size = [Int](repeating: size[0], count: spatial.count) }
            if let factor = attrs["scale_factor"]?.double {
                size = spatial.map { Int(Double($0) * factor) }
                scales = spatial.map { _ in 1 / factor }
            }
            return try Functional.interpolate(a[0], size: size, mode: attrs["mode"]?.string == "nearest" ? .nearest : .linear,
                                              alignCorners: attrs["align_corners"]?.bool ?? false, scales: scales)
        case "affine_grid":
            return try Functional.affineGrid(a[0], size: intList(attrs["size"]), alignCorners: attrs["align_corners"]?.bool ?? false)
        case "grid_sample":
            let padding: Functional.GridPadding = attrs["padding_mode"]?.string == "border" ? .border
                : attrs["padding_mode"]?.string == "reflection" ? .reflection : .zeros
            return try Functional.gridSample(a[0], grid: a[1], bilinear: attrs["mode"]?.string != "nearest", padding: padding,
                                             alignCorners: attrs["align_corners"]?.bool ?? false)
        case "mse_loss": return try Functional.mseLoss(a[0], a[1], reduction: reduction())
        case "l1_loss": return try Functional.l1Loss(a[0], a[1], reduction: reduction())
        case "binary_cross_entropy":
            return try Functional.binaryCrossEntropy(a[0], a[1], weight: optional("weight", at: 2), reduction: reduction())
        case "binary_cross_entropy_with_logits":
            let weighted = attrs["weight"]?.bool == true
            return try Functional.binaryCrossEntropyWithLogits(a[0], a[1], weight: optional("weight", at: 2),
                                                               positiveWeight: optional("pos_weight", at: weighted ? 3 : 2),
                                                               reduction: reduction())
        case "nll_loss":
            return try Functional.nllLoss(a[0], a[1], weight: optional("weight", at: 2), ignoreIndex: attrs["ignore_index"]?.int ?? -100,
                                          reduction: reduction())
        case "cross_entropy":
            return try Functional.crossEntropy(a[0], a[1], weight: optional("weight", at: 2),
                                               ignoreIndex: attrs["ignore_index"]?.int ?? -100, reduction: reduction(),
                                               labelSmoothing: attrs["label_smoothing"]?.double ?? 0)
        default: return nil
        }
    }

    /// The autograd.grad programs of optable.py; unused inputs come back as zeros.
    private func gradProgram(_ name: String, _ a: Tensor, _ b: Tensor) throws -> [Tensor] {
        func grads(_ outputs: [Tensor], _ inputs: [Tensor], _ gradOutputs: [Tensor?]? = nil) throws -> [Tensor] {
            try zip(Tensor.gradients(of: outputs, withRespectTo: inputs, gradOutputs: gradOutputs, allowUnused: true), inputs)
                .map { try $0.0 ?? Tensor.zeros($0.1.shape, dtype: $0.1.dtype) }
        }
        switch name {
        case "two_inputs": return try grads([(a * a * b).sum() + a.exp().sum()], [a, b])
        case "nonleaf":
            let h = try a * 3.0
            return try grads([(h.sin() * b).sum()], [h, a])
        case "weighted_outputs": return try grads([a.tanh() * b], [a], [b * 2.0])
        case "several_outputs": return try grads([a.sum(), (a * b).sum(), (b * b).mean()], [b, a])
        case "unused_materialized": return try grads([(a * 2.0).sum()], [a, b])
        case "broadcast_leaf": return try grads([(a + b.select(dim: 0, index: 0)).pow(2).sum()], [b])
        case "of_input_itself": return try grads([a], [a], [(b * 2.0).detach()])
        default: throw CajalError.notImplemented("grad program \(name)")
        }
    }

    /// A JSON index expression (see optable.py) as TensorIndex items; index
    /// tensors come from the inputs after the indexed one.
    private func decodeIndex(_ spec: JSONValue?, _ tensors: ArraySlice<Tensor>) throws -> [TensorIndex] {
        guard case .array(let items) = spec else { return [] }
        return try items.map { item -> TensorIndex in
            guard case .array(let parts) = item, let kind = parts.first?.string else { throw CajalError.value("bad index item") }
            switch kind {
            case "int": return .at(parts[1].int ?? 0)
            case "slice": return .range(parts[1].int, parts[2].int, step: parts[3].int ?? 1)
            case "none": return .newAxis
            case "ellipsis": return .ellipsis
            case "list": return .tensor(try Tensor((parts[1].ints ?? []).map { Int64($0) }))
            case "tensor": return .tensor(tensors[tensors.startIndex + (parts[1].int ?? 0)])
            default: throw CajalError.value("bad index item \(kind)")
            }
        }
    }

    /// A JSON number as the wrapped scalar Python would pass (int or float).
    private func scalarTensor(_ value: JSONValue) throws -> Tensor {
        if case .integer(let i) = value { return try Tensor.scalar(i) }
        return try Tensor.scalar(value.double ?? 0)
    }

    private func withScalar(_ x: Tensor, _ attrs: JSONValue, _ f: (Tensor, Tensor) throws -> Tensor) throws -> Tensor {
        let s = try scalar(attrs)
        return attrs["reverse"]?.bool == true ? try f(s, x) : try f(x, s)
    }

    /// A fixture's ord: null, a number, "inf"/"-inf", or "fro"/"nuc".
    private func normOrder(_ value: JSONValue?) -> Tensor.NormOrder? {
        switch value?.string {
        case "fro": return .frobenius
        case "nuc": return .nuclear
        default: return value?.double.map { .p($0) }
        }
    }

    private func reduce(_ x: Tensor, _ attrs: JSONValue, sum: Bool) throws -> Tensor {
        guard let dims = attrs["dim"]?.ints else { return sum ? try x.sum() : try x.mean() }
        let keep = attrs["keepdim"]?.bool ?? false
        return sum ? try x.sum(dims: dims, keepDim: keep) : try x.mean(dims: dims, keepDim: keep)
    }

    /// The same op table as generate.py and test_reference.py.
    private func run(_ op: String, _ a: [Tensor], _ attrs: JSONValue) throws -> Tensor {
        let dtype = DType(name: attrs["dtype"]?.string ?? "") ?? .float32
        // The elementwise ops declared with unary() and binary() in api/ (Generated/DeclaredOps.swift).
        if let declared = declaredUnaryOps.first(where: { $0.name == op }) { return try declared.call(a[0]) }
        if let declared = declaredBinaryOps.first(where: { $0.name == op }) { return try declared.call(a[0], a[1]) }
        switch op {
        case "add": return try a[0] + a[1]
        case "sub": return try a[0] - a[1]
        case "mul": return try a[0] * a[1]
        case "div": return try a[0] / a[1]
        case "pow": return try a[0].pow(a[1])
        case "add_scalar": return try withScalar(a[0], attrs) { try $0 + $1 }
        case "sub_scalar": return try withScalar(a[0], attrs) { try $0 - $1 }
        case "mul_scalar": return try withScalar(a[0], attrs) { try $0 * $1 }
        case "div_scalar": return try withScalar(a[0], attrs) { try $0 / $1 }
        case "pow_scalar": return try withScalar(a[0], attrs) { try $0.pow($1) }
        case "eq": return try a[0] .== a[1]
        case "ne": return try a[0] .!= a[1]
        case "lt": return try a[0] .< a[1]
        case "le": return try a[0] .<= a[1]
        case "gt": return try a[0] .> a[1]
        case "ge": return try a[0] .>= a[1]
        case "lt_scalar": return try withScalar(a[0], attrs) { try $0 .< $1 }
        case "eq_scalar": return try withScalar(a[0], attrs) { try $0 .== $1 }
        case "where": return try Tensor.where(a[0], a[1], a[2])
        case "round": return try a[0].round()
        case "mod": return try a[0].remainder(a[1])
        case "div_rounding": return try a[0].div(a[1], roundingMode: attrs["mode"]?.string ?? "")
        case "floordiv": return try a[0].div(a[1], roundingMode: "floor")
        case "clamp_scalar": return try a[0].clamp(min: attrs["min"].map { try scalarTensor($0) }, max: attrs["max"].map { try scalarTensor($0) })
        case "clamp_tensor": return try a[0].clamp(min: a[1], max: a[2])
        case "clamp_min_tensor": return try a[0].clamp(min: a[1])
        case "slice":
            return try a[0].slice(dim: attrs["dim"]?.int ?? 0, start: attrs["start"]?.int, end: attrs["end"]?.int,
                                  step: attrs["step"]?.int ?? 1)
        case "select": return try a[0].select(dim: attrs["dim"]?.int ?? 0, index: attrs["index"]?.int ?? 0)
        case "narrow": return try a[0].narrow(dim: attrs["dim"]?.int ?? 0, start: attrs["start"]?.int ?? 0, length: attrs["length"]?.int ?? 0)
        case "diagonal":
            return try a[0].diagonal(offset: attrs["offset"]?.int ?? 0, dim1: attrs["dim1"]?.int ?? 0, dim2: attrs["dim2"]?.int ?? 1)
        case "cat": return try Tensor.cat(a, dim: attrs["dim"]?.int ?? 0)
        case "stack": return try Tensor.stack(a, dim: attrs["dim"]?.int ?? 0)
        case "flip": return try a[0].flip(attrs["dims"]?.ints ?? [])
        case "roll": return try a[0].roll(shifts: attrs["shifts"]?.ints ?? [], dims: attrs["dims"]?.ints ?? [])
        case "movedim": return try a[0].movedim(attrs["source"]?.ints ?? [], attrs["destination"]?.ints ?? [])
        case "flatten": return try a[0].flatten(startDim: attrs["start"]?.int ?? 0, endDim: attrs["end"]?.int ?? -1)
        case "unflatten": return try a[0].unflatten(dim: attrs["dim"]?.int ?? 0, sizes: attrs["sizes"]?.ints ?? [])
        case "repeat": return try a[0].repeat(attrs["repeats"]?.ints ?? [])
        case "tril": return try a[0].tril(attrs["k"]?.int ?? 0)
        case "triu": return try a[0].triu(attrs["k"]?.int ?? 0)
        case "diag": return try a[0].diag(attrs["k"]?.int ?? 0)
        case "getitem": return try a[0].getItem(decodeIndex(attrs["index"], a[1...]))
        case "setitem":
            let out = try a[0].clone().detach()
            try out.setItem(decodeIndex(attrs["index"], a[2...]), value: a[1])
            return out
        case "index_select": return try a[0].indexSelect(dim: attrs["dim"]?.int ?? 0, index: a[1])
        case "gather": return try a[0].gather(dim: attrs["dim"]?.int ?? 0, index: a[1])
        case "scatter": return try a[0].scatter(dim: attrs["dim"]?.int ?? 0, index: a[1], source: a[2])
        case "scatter_value": return try a[0].scatter(dim: attrs["dim"]?.int ?? 0, index: a[1], value: attrs["value"]?.double ?? 0)
        case "scatter_add": return try a[0].scatterAdd(dim: attrs["dim"]?.int ?? 0, index: a[1], source: a[2])
        case "scatter_reduce":
            return try a[0].scatterReduce(dim: attrs["dim"]?.int ?? 0, index: a[1], source: a[2], reduce: attrs["reduce"]?.string ?? "",
                                          includeSelf: attrs["include_self"]?.bool ?? true)
        case "index_add": return try a[0].indexAdd(dim: attrs["dim"]?.int ?? 0, index: a[1], source: a[2], alpha: attrs["alpha"]?.double ?? 1)
        case "scatter_add_", "scatter_reduce_", "index_add_", "add_alpha_", "sub_alpha_":
            let copy = try a[0].clone()
            let (dim, alpha) = (attrs["dim"]?.int ?? 0, attrs["alpha"]?.double ?? 1)
            switch op {
            case "scatter_add_": try copy.scatterAddInPlace(dim: dim, index: a[1], source: a[2])
            case "scatter_reduce_":
                try copy.scatterReduceInPlace(dim: dim, index: a[1], source: a[2],
                                              reduce: ScatterReduction(name: attrs["reduce"]?.string ?? "") ?? .prod,
                                              includeSelf: attrs["include_self"]?.bool ?? true)
            case "index_add_": try copy.indexAddInPlace(dim: dim, index: a[1], source: a[2], alpha: alpha)
            case "add_alpha_": try copy.addInPlace(a[1], alpha: alpha)
            default: try copy.subInPlace(a[1], alpha: alpha)
            }
            return copy
        case "add_alpha": return try a[0].add(a[1], alpha: attrs["alpha"]?.double ?? 1)
        case "sub_alpha": return try a[0].sub(a[1], alpha: attrs["alpha"]?.double ?? 1)
        case "round_decimals": return try a[0].round(decimals: attrs["decimals"]?.int ?? 0)
        case "masked_fill": return try a[0].maskedFill(a[1], value: scalarTensor(attrs["value"] ?? .null))
        case "masked_fill_tensor": return try a[0].maskedFill(a[1], value: a[2])
        case "masked_select": return try a[0].maskedSelect(a[1])
        case "nonzero": return try a[0].nonzero()
        case "one_hot": return try Tensor.oneHot(a[0], numClasses: attrs["num_classes"]?.int ?? -1)
        case "prod":
            guard let dim = attrs["dim"]?.int else { return try a[0].prod() }
            return try a[0].prod(dim: dim, keepDim: attrs["keepdim"]?.bool ?? false)
        case "max_all": return try a[0].max()
        case "min_all": return try a[0].min()
        case "argmax": return try a[0].argmax(dim: attrs["dim"]?.int, keepDim: attrs["keepdim"]?.bool ?? false)
        case "argmin": return try a[0].argmin(dim: attrs["dim"]?.int, keepDim: attrs["keepdim"]?.bool ?? false)
        case "amax": return try a[0].amax(dims: attrs["dim"]?.ints ?? [], keepDim: attrs["keepdim"]?.bool ?? false)
        case "amin": return try a[0].amin(dims: attrs["dim"]?.ints ?? [], keepDim: attrs["keepdim"]?.bool ?? false)
        case "all": return try a[0].all(dims: attrs["dim"]?.ints ?? [], keepDim: attrs["keepdim"]?.bool ?? false)
        case "any": return try a[0].any(dims: attrs["dim"]?.ints ?? [], keepDim: attrs["keepdim"]?.bool ?? false)
        case "var":
            return try a[0].variance(dims: attrs["dim"]?.ints ?? [], correction: attrs["correction"]?.double ?? 1,
                                     keepDim: attrs["keepdim"]?.bool ?? false)
        case "std":
            return try a[0].std(dims: attrs["dim"]?.ints ?? [], correction: attrs["correction"]?.double ?? 1,
                                keepDim: attrs["keepdim"]?.bool ?? false)
        case "norm":
            let p = attrs["p"]?.string == "inf" ? Double.infinity : attrs["p"]?.double ?? 2
            return try a[0].norm(p: p, dims: attrs["dim"]?.ints ?? [], keepDim: attrs["keepdim"]?.bool ?? false)
        case "logsumexp": return try a[0].logsumexp(dims: attrs["dim"]?.ints ?? [], keepDim: attrs["keepdim"]?.bool ?? false)
        case "cumsum": return try a[0].cumsum(dim: attrs["dim"]?.int ?? 0)
        case "cumprod": return try a[0].cumprod(dim: attrs["dim"]?.int ?? 0)
        case "argsort": return try a[0].argsort(dim: attrs["dim"]?.int ?? -1, descending: attrs["descending"]?.bool ?? false)
        case "program": return try program(attrs["name"]?.string ?? "", a[0], a[1])
        case "isclose":
            return try a[0].isclose(a[1], rtol: attrs["rtol"]?.double ?? 0, atol: attrs["atol"]?.double ?? 0,
                                    equalNaN: attrs["equal_nan"]?.bool ?? false)
        case "matmul": return try a[0].matmul(a[1])
        case "mm": return try a[0].mm(a[1])
        case "bmm": return try a[0].bmm(a[1])
        case "mv": return try a[0].mv(a[1])
        case "dot": return try a[0].dot(a[1])
        case "outer": return try a[0].outer(a[1])
        case "einsum": return try Tensor.einsum(attrs["equation"]?.string ?? "", a)
        case "inv": return try a[0].inv()
        case "det": return try a[0].det()
        case "solve": return try Tensor.solve(a[0], a[1])
        case "linalg_norm":
            return try a[0].linalgNorm(ord: normOrder(attrs["ord"]), dims: attrs["dim"]?.ints, keepDim: attrs["keepdim"]?.bool ?? false)
        case "vector_norm":
            return try a[0].norm(p: attrs["ord"]?.double ?? 2, dims: attrs["dim"]?.ints ?? [], keepDim: attrs["keepdim"]?.bool ?? false)
        case "matrix_norm":
            return try a[0].linalgNorm(ord: normOrder(attrs["ord"]), dims: [-2, -1], keepDim: attrs["keepdim"]?.bool ?? false)
        case "sum": return try reduce(a[0], attrs, sum: true)
        case "mean": return try reduce(a[0], attrs, sum: false)
        case "reshape": return try a[0].reshape(attrs["shape"]?.ints ?? [])
        case "view": return try a[0].view(attrs["shape"]?.ints ?? [])
        case "transpose": return try a[0].transpose(attrs["dim0"]?.int ?? 0, attrs["dim1"]?.int ?? 1)
        case "t": return try a[0].t()
        case "permute": return try a[0].permute(attrs["dims"]?.ints ?? [])
        case "expand": return try a[0].expand(attrs["shape"]?.ints ?? [])
        case "squeeze": return try attrs["dim"]?.int.map { try a[0].squeeze(dim: $0) } ?? a[0].squeeze()
        case "unsqueeze": return try a[0].unsqueeze(dim: attrs["dim"]?.int ?? 0)
        case "contiguous": return try a[0].contiguous()
        case "clone": return try a[0].clone()
        case "to": return try a[0].to(dtype)
        case "zeros": return try Tensor.zeros(attrs["shape"]?.ints ?? [], dtype: dtype)
        case "eye": return try Tensor.eye(attrs["n"]?.int ?? 0, attrs["m"]?.int, dtype: dtype)
        case "linspace":
            return try Tensor.linspace(start: attrs["start"]?.double ?? 0, end: attrs["end"]?.double ?? 0, steps: attrs["steps"]?.int ?? 0,
                                       dtype: dtype)
        case "ones": return try Tensor.ones(attrs["shape"]?.ints ?? [], dtype: dtype)
        case "full":
            if attrs["scalar_type"]?.string == "int" {
                return try Tensor.full(attrs["shape"]?.ints ?? [], integer: Int64(attrs["scalar"]?.int ?? 0), dtype: dtype)
            }
            return try Tensor.full(attrs["shape"]?.ints ?? [], value: attrs["scalar"]?.double ?? 0, dtype: dtype)
        case "arange":
            return try Tensor.arange(start: attrs["start"]?.double ?? 0, end: attrs["end"]?.double ?? 0,
                                     step: attrs["step"]?.double ?? 1, dtype: attrs["dtype"].flatMap { DType(name: $0.string ?? "") })
        default:
            throw CajalError.notImplemented("fixture op \(op) has no Swift mapping")
        }
    }
}
