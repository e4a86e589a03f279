/// What the kernel modules and the engine agree on: op codes and step
/// buffers (DType is in DType.swift). The kernels are compiled once per instruction set (CajalKernels,
/// CajalKernelsAVX2, CajalKernelsAVX512), so every type they share lives here.


/// Elementwise binary ops. Comparisons and logical ops write bool.
public enum BinaryOp: Int32, Sendable {
    case add, sub, mul, div, pow, maximum, minimum, fmod, remainder
    case eq, ne, lt, le, gt, ge
    case logicalAnd, logicalOr, logicalXor
    /// Division rounded toward zero and toward minus infinity (integers stay integers).
    case divTrunc, divFloor
    /// Functions of real numbers: integer inputs compute in the default float dtype.
    case atan2, hypot
    /// ReLU's gradient, torch's threshold_backward at 0: a where b > 0, else 0
    /// (NaN in b passes a, as in torch). Floating point only.
    case reluGradient

    public var writesBool: Bool {
        switch self {
        case .eq, .ne, .lt, .le, .gt, .ge, .logicalAnd, .logicalOr, .logicalXor: return true
        default: return false
        }
    }
}

/// Elementwise unary ops. The predicates write bool.
public enum UnaryOp: Int32, Sendable {
    case neg, abs, sign, exp, expm1, log, log1p, log2, sqrt, rsqrt, sin, cos, tanh, sigmoid, relu, erf
    case floor, ceil, round, trunc, reciprocal
    case isnan, isinf, isfinite, logicalNot
    case log10, atan
    case sinh, cosh, asinh, asin, acos, atanh, acosh
    case erfinv, lgamma, digamma, trigamma
    /// GELU, exact: x · 0.5 · (1 + erf(x / √2)).
    case gelu

    public var writesBool: Bool {
        switch self {
        case .isnan, .isinf, .isfinite, .logicalNot: return true
        default: return false
        }
    }
}

/// Reductions over a set of dims.
public enum ReduceOp: Int32, Sendable {
    /// sumOfSquares: x1^2 + x2^2 + ... (floating point only), for the 2-norm.
    case sum, prod, max, min, sumOfSquares
}

/// How a scatter combines a source element with the target: torch.scatter,
/// scatter_add, and scatter_reduce's amax / amin (NaN wins, as in torch).
public enum ScatterMode: Int32, Sendable {
    case assign, add, maximum, minimum
}

/// The recurrent layers, with torch's gate order: LSTM rows are (input,
/// forget, cell, output), GRU rows (reset, update, new). RecurrentKind is
/// declared with the C constants (api/00_constants.py).
extension RecurrentKind {
    /// Gate blocks (rows of weight_ih per hidden unit) of `hidden` columns in one row of the projections.
    public var gateCount: Int {
        switch self {
        case .rnnTanh, .rnnRelu: return 1
        case .lstm: return 4
        case .gru: return 3
        }
    }
}

/// The buffers of one time step of a recurrent layer, for the first `rows`
/// sequences of the batch (packed batches put the longest first). Every
/// matrix is row-major and dense: rows x hidden, or rows x (gates x hidden).
public struct RecurrentStep {
    public var rows: Int, hiddenSize: Int
    /// In: the pre-activations x W_ihᵀ + b_ih (+ h W_hhᵀ + b_hh for RNN and
    /// LSTM). Out: the gates' activations, which the backward reads.
    public var gates: UnsafeMutableRawPointer
    /// GRU: in h W_hhᵀ; out the same plus b_hh (its "new" block is what the
    /// reset gate scales, and the backward reads it).
    public var hiddenGates: UnsafeMutableRawPointer?
    public var hiddenBias: UnsafeRawPointer?
    /// LSTM: c(t-1) in, c(t) out (in place).
    public var cell: UnsafeMutableRawPointer?
    public var previousHidden: UnsafeRawPointer
    /// h(t) out.
    public var hiddenOut: UnsafeMutableRawPointer

    public init(rows: Int, hiddenSize: Int, gates: UnsafeMutableRawPointer, hiddenGates: UnsafeMutableRawPointer?,
                hiddenBias: UnsafeRawPointer?, cell: UnsafeMutableRawPointer?, previousHidden: UnsafeRawPointer,
                hiddenOut: UnsafeMutableRawPointer) {
        (self.rows, self.hiddenSize, self.gates, self.hiddenGates, self.hiddenBias) = (rows, hiddenSize, gates, hiddenGates, hiddenBias)
        (self.cell, self.previousHidden, self.hiddenOut) = (cell, previousHidden, hiddenOut)
    }
}

/// The buffers of one time step of a recurrent layer's backward.
public struct RecurrentGradientStep {
    public var rows: Int, hiddenSize: Int
    /// The forward's saved activations (RNN: h(t) itself).
    public var gates: UnsafeRawPointer
    /// GRU: the saved h W_hhᵀ + b_hh.
    public var hiddenGates: UnsafeRawPointer?
    /// LSTM: c(t-1); GRU: h(t-1).
    public var previousCell: UnsafeRawPointer?
    public var previousHidden: UnsafeRawPointer?
    /// The gradient of the layer's output at this step (nil: none).
    public var gradOutput: UnsafeRawPointer?
    /// In: dL/dh(t) from the later steps. GRU out: the part of dL/dh(t-1)
    /// that skips the matrix product (dh z); the caller adds the rest.
    public var gradHidden: UnsafeMutableRawPointer
    /// LSTM: dL/dc(t) in, dL/dc(t-1) out.
    public var gradCell: UnsafeMutableRawPointer?
    /// Out: dL/d(pre-activations) on the input side.
    public var gradGates: UnsafeMutableRawPointer
    /// GRU out: dL/d(h W_hhᵀ + b_hh), which differs from the input side in the "new" block.
    public var gradHiddenGates: UnsafeMutableRawPointer?

    public init(rows: Int, hiddenSize: Int, gates: UnsafeRawPointer, hiddenGates: UnsafeRawPointer?, previousCell: UnsafeRawPointer?,
                previousHidden: UnsafeRawPointer?, gradOutput: UnsafeRawPointer?, gradHidden: UnsafeMutableRawPointer,
                gradCell: UnsafeMutableRawPointer?, gradGates: UnsafeMutableRawPointer, gradHiddenGates: UnsafeMutableRawPointer?) {
        (self.rows, self.hiddenSize, self.gates, self.hiddenGates) = (rows, hiddenSize, gates, hiddenGates)
        (self.previousCell, self.previousHidden, self.gradOutput, self.gradHidden) = (previousCell, previousHidden, gradOutput, gradHidden)
        (self.gradCell, self.gradGates, self.gradHiddenGates) = (gradCell, gradGates, gradHiddenGates)
    }
}

// What the elementwise kernels compute (CajalKernels/Elementwise.swift's
// dispatch). For any other pair a kernel writes nothing, so the ops refuse it
// before allocating: an output left unwritten would be garbage, and garbage
// bool bytes are undefined behaviour in every later kernel.
extension BinaryOp {
    public func isComputed(in kind: DType) -> Bool {
        switch kind.kernelType {
        case .float32, .float64: return true
        case .int64: return ![.div, .atan2, .hypot, .reluGradient].contains(self)  // these promote integers to float first
        case .bool: return ![.div, .pow, .fmod, .remainder, .divTrunc, .divFloor, .atan2, .hypot, .reluGradient].contains(self)
        default: return false  // kernel types are the four above
        }
    }
}

extension UnaryOp {
    public func isComputed(in kind: DType) -> Bool {
        if kind.isComplex { return false }  // computed through the real view, before any kernel
        if kind.isFloatingPoint { return true }
        return [.neg, .abs, .sign, .relu, .floor, .ceil, .round, .trunc, .isnan, .isinf, .isfinite, .logicalNot].contains(self)
    }
}

/// The sweep of a 2-d window over a (height x width) plane, as convolution
/// and pooling make it: kernel size, stride, dilation, and the padding at the
/// top and left (the bottom and right padding only show in outHeight and
/// outWidth, so 'same' padding may be asymmetric as torch's is).
public struct WindowGeometry: Sendable {
    public let height: Int, width: Int
    public let kernelHeight: Int, kernelWidth: Int
    public let strideHeight: Int, strideWidth: Int
    public let padTop: Int, padLeft: Int
    public let dilationHeight: Int, dilationWidth: Int
    public let outHeight: Int, outWidth: Int

    public init(height: Int, width: Int, kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int,
                padTop: Int, padLeft: Int, dilationHeight: Int, dilationWidth: Int, outHeight: Int, outWidth: Int) {
        (self.height, self.width) = (height, width)
        (self.kernelHeight, self.kernelWidth, self.strideHeight, self.strideWidth) = (kernelHeight, kernelWidth, strideHeight, strideWidth)
        (self.padTop, self.padLeft, self.dilationHeight, self.dilationWidth) = (padTop, padLeft, dilationHeight, dilationWidth)
        (self.outHeight, self.outWidth) = (outHeight, outWidth)
    }
}

/// The sweep of a window along the depth of a volume (3-d convolutions):
/// one plane of kernel 1 for images and sequences.
public struct DepthSweep: Sendable {
    public let depth: Int, kernelDepth: Int, strideDepth: Int, padFront: Int, dilationDepth: Int, outDepth: Int

    public init(depth: Int, kernelDepth: Int, strideDepth: Int, padFront: Int, dilationDepth: Int, outDepth: Int) {
        (self.depth, self.kernelDepth, self.strideDepth) = (depth, kernelDepth, strideDepth)
        (self.padFront, self.dilationDepth, self.outDepth) = (padFront, dilationDepth, outDepth)
    }

    /// A plane: depth 1, kernel 1.
    public static let flat = DepthSweep(depth: 1, kernelDepth: 1, strideDepth: 1, padFront: 0, dilationDepth: 1, outDepth: 1)
}

/// A convolution's window sweep over a (channels x depth x height x width)
/// volume (depth 1 for images); its window's fields read through
/// (g.kernelHeight is g.window.kernelHeight).
@dynamicMemberLookup
public struct ConvolutionGeometry: Sendable {
    public let channels: Int
    public let window: WindowGeometry
    public let depth: DepthSweep

    public init(channels: Int, window: WindowGeometry, depth: DepthSweep = .flat) {
        (self.channels, self.window, self.depth) = (channels, window, depth)
    }

    public subscript(dynamicMember field: KeyPath<WindowGeometry, Int>) -> Int { window[keyPath: field] }

    /// Output positions of one output plane.
    public var planeColumns: Int { window.outHeight * window.outWidth }
    /// Rows of the column matrix: one per (channel, kernel depth, kernel row, kernel column).
    public var columnRows: Int { channels * depth.kernelDepth * window.kernelHeight * window.kernelWidth }
    /// Columns of the column matrix: one per output position.
    public var columnCount: Int { depth.outDepth * planeColumns }
}

/// How average pooling divides each window's sum: by the window's size with
/// or without its padded part, or by a fixed divisor (when above zero).
public struct AverageDivisor: Sendable {
    public let countIncludePad: Bool
    public let divisorOverride: Int

    public init(countIncludePad: Bool, divisorOverride: Int) {
        (self.countIncludePad, self.divisorOverride) = (countIncludePad, divisorOverride)
    }
}

/// A matrix operand for a matrix product: its first element, and whether it
/// is stored row-major (`transposed == false`, leading dimension = row stride)
/// or column-major (read as the transpose of a row-major matrix).
public struct MatrixOperand {
    public let pointer: UnsafeRawPointer
    public let transposed: Bool
    public let leadingDimension: Int

    public init(pointer: UnsafeRawPointer, transposed: Bool, leadingDimension: Int) {
        (self.pointer, self.transposed, self.leadingDimension) = (pointer, transposed, leadingDimension)
    }
}

/// How a 1-d creation op lays out its values; float types compute each value
/// in Double and round once, as torch does.
public enum SequenceRule: Sendable {
    /// start + i * step (torch.arange); int64 wraps.
    case arange(start: Double, step: Double)
    /// torch.linspace's two halves: start + i * step below count / 2, and
    /// end - (count - 1 - i) * step from there, so both ends are exact.
    case linspace(start: Double, end: Double, step: Double)
}

/// One batch of connectionist temporal classification problems for the CTC
/// kernels: log-probabilities (time, batch, classes) contiguous in the
/// kernel's float type, and per sample its input length, target length and
/// where its int64 labels start in `targets` (label k at start + k * targetStride).
/// Every length and label was checked by the op.
public struct CTCProblems: @unchecked Sendable {
    public let logProbs: UnsafeRawPointer
    public let time: Int, batch: Int, classes: Int
    public let targets: UnsafePointer<Int64>
    public let targetStride: Int
    public let targetStarts: [Int], inputLengths: [Int], targetLengths: [Int]
    public let blank: Int
    /// Extended positions (2 L + 1) kept per time step in the log-alpha table.
    public let positions: Int

    public init(logProbs: UnsafeRawPointer, time: Int, batch: Int, classes: Int, targets: UnsafePointer<Int64>, targetStride: Int,
                targetStarts: [Int], inputLengths: [Int], targetLengths: [Int], blank: Int, positions: Int) {
        (self.logProbs, self.time, self.batch, self.classes) = (logProbs, time, batch, classes)
        (self.targets, self.targetStride, self.targetStarts) = (targets, targetStride, targetStarts)
        (self.inputLengths, self.targetLengths, self.blank, self.positions) = (inputLengths, targetLengths, blank, positions)
    }
}

/// The softmax family along one dim: softmax, log_softmax, and logsumexp
/// (one value per position).
public enum SoftmaxMode: Int32, Sendable {
    case softmax, logSoftmax, logSumExp
}

/// One batched attention problem (float32, contiguous): query (batch, L, D),
/// key (batch, S, D), value (batch, S, Dv), an optional additive mask read at
/// mask[b * maskStrides.0 + i * maskStrides.1 + j * maskStrides.2] (stride 0
/// where it broadcasts), and a causal flag (key j may follow query i when j <= i).
public struct AttentionProblem: @unchecked Sendable {
    public let batch: Int, targetLength: Int, sourceLength: Int, headDim: Int, valueDim: Int
    public let scale: Float
    public let causal: Bool
    public let mask: UnsafeRawPointer?
    public let maskStrides: (Int, Int, Int)

    public init(batch: Int, targetLength: Int, sourceLength: Int, headDim: Int, valueDim: Int, scale: Float, causal: Bool,
                mask: UnsafeRawPointer?, maskStrides: (Int, Int, Int)) {
        (self.batch, self.targetLength, self.sourceLength, self.headDim, self.valueDim) = (batch, targetLength, sourceLength, headDim, valueDim)
        (self.scale, self.causal, self.mask, self.maskStrides) = (scale, causal, mask, maskStrides)
    }
}

/// nll_loss over an (outer, classes, inner) input, contiguous: position p =
/// n inner + d reads class c at n classes inner + c inner + d; its target is
/// target[p] (int64). A target equal to ignoreIndex weighs nothing.
public struct NllProblem: Sendable {
    public let outer: Int, classes: Int, inner: Int
    public let ignoreIndex: Int64

    public init(outer: Int, classes: Int, inner: Int, ignoreIndex: Int64) {
        (self.outer, self.classes, self.inner, self.ignoreIndex) = (outer, classes, inner, ignoreIndex)
    }
}

/// Where each output row (or column) of a linear resize reads: the two input
/// positions and the weight of the second (torch's h1lambda), per output index.
public struct InterpolationTable: Sendable {
    public let low: [Int], high: [Int], weight: [Double]
    public init(low: [Int], high: [Int], weight: [Double]) { (self.low, self.high, self.weight) = (low, high, weight) }
}

/// A contiguous (batch, channels, spatial) tensor seen per channel: batch
/// normalisation's layout, every channel `batch` runs of `spatial` values.
public struct ChannelBlocks: Sendable {
    public let batch: Int, channels: Int, spatial: Int

    public init(batch: Int, channels: Int, spatial: Int) { (self.batch, self.channels, self.spatial) = (batch, channels, spatial) }

    /// Values per channel.
    public var count: Int { batch * spatial }
}
