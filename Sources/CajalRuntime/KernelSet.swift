/// The kernel entry points of one instruction set. The engine picks one set at
/// load time (CajalCore/Backend/Dispatch.swift) and calls through it. Every
/// pointer is the address of an operand's first element; the StridedLoop
/// carries the shape and each operand's element strides.
public struct KernelSet: Sendable {
    /// "avx512", "avx2" or "baseline".
    public let name: String

    /// out = op(a, b); loop operands (out, a, b). a and b have `kind`.
    public let binary: @Sendable (BinaryOp, DType, UnsafeMutableRawPointer, UnsafeRawPointer, UnsafeRawPointer, StridedLoop) -> Void
    /// out = op(x); loop operands (out, x).
    public let unary: @Sendable (UnaryOp, DType, UnsafeMutableRawPointer, UnsafeRawPointer, StridedLoop) -> Void
    /// out = D(x); loop operands (out, x); from and to kinds.
    public let cast: @Sendable (DType, DType, UnsafeMutableRawPointer, UnsafeRawPointer, StridedLoop) -> Void
    /// out = value (int64 kinds take `integer` when given); loop operand (out).
    public let fill: @Sendable (DType, UnsafeMutableRawPointer, Double, Int64?, StridedLoop) -> Void
    /// out = condition ? a : b; loop operands (out, condition, a, b).
    public let select: @Sendable (DType, UnsafeMutableRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, StridedLoop) -> Void
    /// out = min(max(x, low), high), either bound optional (nil pointer);
    /// loop operands (out, x, low, high).
    public let clamp: @Sendable (DType, UnsafeMutableRawPointer, UnsafeRawPointer, UnsafeRawPointer?, UnsafeRawPointer?, StridedLoop) -> Void
    /// Reduces x (shape, strides) over the dims marked in `reduced` into the
    /// contiguous kept dims of out, times `scale` for sums (mean). Sums of
    /// integers and bools write int64.
    public let reduce: @Sendable (ReduceOp, DType, UnsafeRawPointer, [Int], [Int], [Bool], UnsafeMutableRawPointer, Double) -> Void
    /// out[r + b * outStrideB] = src[r' + offsets[b]] for b < count and every
    /// position of the loop (operands: out's and src's strides over the other dims).
    public let take: @Sendable (DType, UnsafeMutableRawPointer, Int, UnsafeRawPointer, UnsafePointer<Int64>, Int, StridedLoop) -> Void
    /// dst[r' + offsets[b]] = (or +=, with the flag) src[r + b * srcStrideB];
    /// loop operands: dst's and src's strides over the other dims.
    public let put: @Sendable (DType, UnsafeMutableRawPointer, UnsafeRawPointer, Int, UnsafePointer<Int64>, Int, StridedLoop, Bool) -> Void
    /// torch.gather over the index's positions: (kind, out, x, step, size, index,
    /// loop (out, x with stride 0 on the dim, index)); returns an index outside 0..<size, or nil.
    public let gather: @Sendable (DType, UnsafeMutableRawPointer, UnsafeRawPointer, Int, Int, UnsafePointer<Int64>, StridedLoop) -> Int64?
    /// torch.scatter / scatter_add / scatter_reduce (amax, amin) in place over the index's positions: (kind, mode, x, step, size, src, index,
    /// loop (src, x with stride 0 on the dim, index)); returns an index outside 0..<size, or nil.
    public let scatter: @Sendable (DType, ScatterMode, UnsafeMutableRawPointer, Int, Int, UnsafeRawPointer, UnsafePointer<Int64>, StridedLoop) -> Int64?
    /// Counts the nonzero elements of x (shape, strides) and, given an output
    /// with room for `capacity` hits, writes coordinate d of hit i at out[d * capacity + i];
    /// or, given `weights` (one per dim), one column: the sum of coordinate d times weights[d].
    public let nonzero: @Sendable (DType, UnsafeRawPointer, [Int], [Int], UnsafeMutablePointer<Int64>?, Int, [Int]) -> Int
    /// Max (true) or min of x along a dim (x's step, count) with the first index
    /// where it occurs; values optional. Loop operands: (values, indices, x).
    public let argReduce: @Sendable (DType, Bool, UnsafeRawPointer, Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int64>, Int, StridedLoop) -> Void
    /// Running sums (false) or products (true) along a dim: (kind, product, x, xStep, out, outStep, count, loop (out, x)).
    public let scan: @Sendable (DType, Bool, UnsafeRawPointer, Int, UnsafeMutableRawPointer, Int, Int, StridedLoop) -> Void
    /// cumprod's gradient: (kind, dx, dxStep, x, xStep, g, gStep, count, loop (dx, x, g)).
    public let cumprodBackward: @Sendable (DType, UnsafeMutableRawPointer, Int, UnsafeRawPointer, Int, UnsafeRawPointer, Int, Int, StridedLoop) -> Void
    /// Stable sort along a dim, writing the first `limit` places (topk):
    /// (kind, descending, x, xStep, values, valueStep, indices, indexStep, count, limit, loop (values, indices, x)).
    public let sort: @Sendable (DType, Bool, UnsafeRawPointer, Int, UnsafeMutableRawPointer, Int, UnsafeMutablePointer<Int64>, Int, Int, Int, StridedLoop) -> Void
    /// One time step of a recurrent cell's gate math (float types).
    public let recurrentForward: @Sendable (RecurrentKind, DType, RecurrentStep) -> Void
    /// The same step's gradients.
    public let recurrentBackward: @Sendable (RecurrentKind, DType, RecurrentGradientStep) -> Void
    /// Max pooling, 2x2 windows at stride 2 inside the planes (float types):
    /// (kind, x, planes, height, width, outHeight, outWidth, out, index).
    public let maxPool2x2: @Sendable (DType, UnsafeRawPointer, Int, Int, Int, Int, Int, UnsafeMutableRawPointer, UnsafeMutablePointer<Int64>) -> Void
    /// Max pooling's gradient (float types): (kind, grad, index, planes, outPlane, inPlane, dx), dx written whole.
    public let maxPoolBackward: @Sendable (DType, UnsafeRawPointer, UnsafePointer<Int64>, Int, Int, Int, UnsafeMutableRawPointer) -> Void
    /// The general max pooling sweep (float types): (kind, x, planes, geometry, out, index).
    public let maxPool: @Sendable (DType, UnsafeRawPointer, Int, WindowGeometry, UnsafeMutableRawPointer, UnsafeMutablePointer<Int64>) -> Void
    /// Adaptive max pooling (float types): (kind, x, planes, height, width, outHeight, outWidth, out, index).
    public let adaptiveMaxPool: @Sendable (DType, UnsafeRawPointer, Int, Int, Int, Int, Int, UnsafeMutableRawPointer, UnsafeMutablePointer<Int64>) -> Void
    /// Average pooling, or with `backward` its gradient added into target
    /// (float types): (kind, backward, source, planes, geometry, divisor, target).
    public let averagePool: @Sendable (DType, Bool, UnsafeRawPointer, Int, WindowGeometry, AverageDivisor, UnsafeMutableRawPointer) -> Void
    /// The columns of output rows `outRows` (od * outHeight + oy) of a
    /// (channels x depth x height x width) volume's column matrix, row k at
    /// cols + k * rowStride (float types): (kind, x, geometry, cols, rowStride, outRows).
    public let im2col: @Sendable (DType, UnsafeRawPointer, ConvolutionGeometry, UnsafeMutableRawPointer, Int, Range<Int>) -> Void
    /// The adjoint: adds each column entry into the volume element it was read from.
    public let col2im: @Sendable (DType, UnsafeRawPointer, ConvolutionGeometry, UnsafeMutableRawPointer, Int, Range<Int>) -> Void

    /// One optimizer step's per-element update of a parameter (float types):
    /// (rule, kind, count, parameter, gradient, states in the rule's order).
    public let optimizerUpdate: @Sendable (OptimizerRule, DType, Int, UnsafeMutableRawPointer, UnsafeRawPointer, [UnsafeMutableRawPointer]) -> Void
    /// The matrix product without BLAS: int64, or floats when OpenBLAS is
    /// missing: (kind, m, n, k, a, b, c, ldc, beta), C = A B + beta C.
    public let plainMatrixMultiply: @Sendable (DType, Int, Int, Int, MatrixOperand, MatrixOperand, UnsafeMutableRawPointer, Int, Double) -> Void
    /// Uniforms in [0, 1) to normals in place, 16 at a time as torch's
    /// sampler (float types): (kind, data, count (a multiple of 16), mean, std).
    public let boxMuller: @Sendable (DType, UnsafeMutableRawPointer, Int, Double, Double) -> Void
    /// mt19937's tempering of raw state words, in place: (words, count).
    public let temperWords: @Sendable (UnsafeMutablePointer<UInt32>, Int) -> Void
    /// bernoulli_(p) from 2 x count raw mt19937 words (tempered in place): (kind, out, words, count, p).
    public let bernoulliFromWords: @Sendable (DType, UnsafeMutableRawPointer, UnsafeMutablePointer<UInt32>, Int, Double) -> Void

    /// arange / linspace values into a contiguous buffer: (rule, kind, out, count).
    public let sequence: @Sendable (SequenceRule, DType, UnsafeMutableRawPointer, Int) -> Void
    /// The CTC forward (float types): (kind, problems, logAlpha (batch, time,
    /// positions), nll (batch)), the alphas and each sample's negative log-likelihood.
    public let ctcForward: @Sendable (DType, CTCProblems, UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Void
    /// Its gradient with respect to the log-probabilities, torch's formula
    /// exp(lp) - exp(log(Σ alpha beta) + nll - lp), times each sample's output
    /// gradient: (kind, problems, logAlpha, nll, gradOut (batch), zeroInfinity, grad (time, batch, classes)).
    public let ctcBackward: @Sendable (DType, CTCProblems, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, Bool,
                                       UnsafeMutableRawPointer) -> Void
    /// softmax / log_softmax / logsumexp along a dim (float types): (mode, kind,
    /// x, xStep, out, outStep, count, loop (out, x)); logsumexp writes one value per position.
    public let softmax: @Sendable (SoftmaxMode, DType, UnsafeRawPointer, Int, UnsafeMutableRawPointer, Int, Int, StridedLoop) -> Void
    /// Their gradients from the output y: (mode, kind, dx, dxStep, g, gStep, y, yStep, count, loop (dx, g, y)).
    public let softmaxBackward: @Sendable (SoftmaxMode, DType, UnsafeMutableRawPointer, Int, UnsafeRawPointer, Int, UnsafeRawPointer, Int,
                                           Int, StridedLoop) -> Void
    /// Scaled dot-product attention over (batch · head) problems (float32):
    /// (kind, problem, q, k, v, weights (batch, L, S), out (batch, L, Dv)).
    public let attentionForward: @Sendable (DType, AttentionProblem, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer,
                                            UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Void
    /// Its gradients from the saved weights: (kind, problem, q, k, v, weights, gradOut, dq, dk, dv).
    public let attentionBackward: @Sendable (DType, AttentionProblem, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer,
                                             UnsafeRawPointer, UnsafeRawPointer, UnsafeMutableRawPointer, UnsafeMutableRawPointer,
                                             UnsafeMutableRawPointer) -> Void
    /// Layer norm over contiguous rows (float types): (kind, rows, n, x, weight?, bias?, eps, out, mean, rstd).
    public let layerNormForward: @Sendable (DType, Int, Int, UnsafeRawPointer, UnsafeRawPointer?, UnsafeRawPointer?, Double,
                                            UnsafeMutableRawPointer, UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Void
    /// Its gradients: (kind, rows, n, x, weight?, g, mean, rstd, dx, dweight?, dbias?).
    public let layerNormBackward: @Sendable (DType, Int, Int, UnsafeRawPointer, UnsafeRawPointer?, UnsafeRawPointer, UnsafeRawPointer,
                                             UnsafeRawPointer, UnsafeMutableRawPointer, UnsafeMutableRawPointer?,
                                             UnsafeMutableRawPointer?) -> Void
    /// Batch norm's per-channel mean and biased variance, in double: (kind, blocks, x, mean, variance).
    public let batchNormStatistics: @Sendable (DType, ChannelBlocks, UnsafeRawPointer, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void
    /// x · scale[c] + shift[c] per channel (float types): (kind, blocks, x, scale, shift, out).
    public let channelAffine: @Sendable (DType, ChannelBlocks, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeMutableRawPointer) -> Void
    /// Per channel Σ g and Σ (x - mean) g, in double: (kind, blocks, x, g, mean, sumG, dot).
    public let batchNormGradientSums: @Sendable (DType, ChannelBlocks, UnsafeRawPointer, UnsafeRawPointer, UnsafePointer<Double>, UnsafeMutablePointer<Double>,
                                                 UnsafeMutablePointer<Double>) -> Void
    /// Batch norm's input gradient in training: (kind, blocks, x, g, coefficients (mean, k, gradMean, scale), dx).
    public let batchNormInputGradient: @Sendable (DType, ChannelBlocks, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeMutableRawPointer) -> Void
    /// Attention for long sequences, keeping each query row's logsumexp
    /// instead of the weights (float32): (kind, problem, q, k, v, lse (batch, L), out).
    public let attentionStreamingForward: @Sendable (DType, AttentionProblem, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer,
                                                     UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Void
    /// Its gradients, the weights recomputed row by row: (kind, problem, q, k, v, lse, gradOut, dq, dk, dv).
    public let attentionStreamingBackward: @Sendable (DType, AttentionProblem, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer,
                                                      UnsafeRawPointer, UnsafeRawPointer, UnsafeMutableRawPointer,
                                                      UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Void
    /// One row repeated: `row` (rowBytes) copied to each of `rows` contiguous
    /// rows at `out` (a linear layer's bias before its product adds in): (out, row, rows, rowBytes).
    public let repeatRow: @Sendable (UnsafeMutableRawPointer, UnsafeRawPointer, Int, Int) -> Void
    /// GELU's gradient over contiguous elements (float types): (kind, dx, g, x, count).
    public let geluBackward: @Sendable (DType, UnsafeMutableRawPointer, UnsafeRawPointer, UnsafeRawPointer, Int) -> Void
    /// binary_cross_entropy_with_logits per element over contiguous operands, weight and
    /// pos_weight expanded to the input's shape or nil (float types): (kind, loss, x, t, weight, posWeight, count).
    public let binaryCrossEntropyWithLogits: @Sendable (DType, UnsafeMutableRawPointer, UnsafeRawPointer, UnsafeRawPointer,
                                                        UnsafeRawPointer?, UnsafeRawPointer?, Int) -> Void
    /// Its input gradient: (kind, dx, x, t, weight, posWeight, g, gStep (0: one value), divisor (the count for a mean), count).
    public let binaryCrossEntropyWithLogitsBackward: @Sendable (DType, UnsafeMutableRawPointer, UnsafeRawPointer, UnsafeRawPointer,
                                                                UnsafeRawPointer?, UnsafeRawPointer?, UnsafeRawPointer, Int,
                                                                Double, Int) -> Void
    /// nll_loss's terms (float types): -input[p, target[p]] weight[target[p]] and
    /// that weight (0 where ignored) per position: (kind, problem, input,
    /// target, weight, loss, weights). Returns the lowest and highest target
    /// that is not ignored (nil: none), so the caller can report one out of range
    /// before reading the results; a target out of range writes nothing.
    public let nllLoss: @Sendable (DType, NllProblem, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer?,
                                   UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> (low: Int64, high: Int64)?
    /// Its input gradient, zeros but at each position's target: -(g / divisor)
    /// weight[target] (targets checked): (kind, problem, target, weight, g,
    /// gStep (0: one value), divisor (the total weight for a mean, else 1), dx).
    public let nllLossBackward: @Sendable (DType, NllProblem, UnsafeRawPointer, UnsafeRawPointer?, UnsafeRawPointer, Int, Double,
                                           UnsafeMutableRawPointer) -> Void
    /// Bilinear resize of (planes, H, W) images, or its adjoint added into a
    /// zeroed input (float types): (kind, adjoint, source, planes, inHeight, inWidth, rows, columns, target).
    public let bilinear: @Sendable (DType, Bool, UnsafeRawPointer, Int, Int, Int, InterpolationTable, InterpolationTable,
                                    UnsafeMutableRawPointer) -> Void
    public init(name: String,
                binary: @escaping @Sendable (BinaryOp, DType, UnsafeMutableRawPointer, UnsafeRawPointer, UnsafeRawPointer, StridedLoop) -> Void,
                unary: @escaping @Sendable (UnaryOp, DType, UnsafeMutableRawPointer, UnsafeRawPointer, StridedLoop) -> Void,
                cast: @escaping @Sendable (DType, DType, UnsafeMutableRawPointer, UnsafeRawPointer, StridedLoop) -> Void,
                fill: @escaping @Sendable (DType, UnsafeMutableRawPointer, Double, Int64?, StridedLoop) -> Void,
                select: @escaping @Sendable (DType, UnsafeMutableRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, StridedLoop) -> Void,
                clamp: @escaping @Sendable (DType, UnsafeMutableRawPointer, UnsafeRawPointer, UnsafeRawPointer?, UnsafeRawPointer?, StridedLoop) -> Void,
                reduce: @escaping @Sendable (ReduceOp, DType, UnsafeRawPointer, [Int], [Int], [Bool], UnsafeMutableRawPointer, Double) -> Void,
                take: @escaping @Sendable (DType, UnsafeMutableRawPointer, Int, UnsafeRawPointer, UnsafePointer<Int64>, Int, StridedLoop) -> Void,
                put: @escaping @Sendable (DType, UnsafeMutableRawPointer, UnsafeRawPointer, Int, UnsafePointer<Int64>, Int, StridedLoop, Bool) -> Void,
                gather: @escaping @Sendable (DType, UnsafeMutableRawPointer, UnsafeRawPointer, Int, Int, UnsafePointer<Int64>, StridedLoop) -> Int64?,
                scatter: @escaping @Sendable (DType, ScatterMode, UnsafeMutableRawPointer, Int, Int, UnsafeRawPointer, UnsafePointer<Int64>, StridedLoop) -> Int64?,
                nonzero: @escaping @Sendable (DType, UnsafeRawPointer, [Int], [Int], UnsafeMutablePointer<Int64>?, Int, [Int]) -> Int,
                argReduce: @escaping @Sendable (DType, Bool, UnsafeRawPointer, Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int64>, Int, StridedLoop) -> Void,
                scan: @escaping @Sendable (DType, Bool, UnsafeRawPointer, Int, UnsafeMutableRawPointer, Int, Int, StridedLoop) -> Void,
                cumprodBackward: @escaping @Sendable (DType, UnsafeMutableRawPointer, Int, UnsafeRawPointer, Int, UnsafeRawPointer, Int, Int, StridedLoop) -> Void,
                sort: @escaping @Sendable (DType, Bool, UnsafeRawPointer, Int, UnsafeMutableRawPointer, Int, UnsafeMutablePointer<Int64>, Int, Int, Int, StridedLoop) -> Void,
                recurrentForward: @escaping @Sendable (RecurrentKind, DType, RecurrentStep) -> Void,
                recurrentBackward: @escaping @Sendable (RecurrentKind, DType, RecurrentGradientStep) -> Void,
                maxPool2x2: @escaping @Sendable (DType, UnsafeRawPointer, Int, Int, Int, Int, Int, UnsafeMutableRawPointer, UnsafeMutablePointer<Int64>) -> Void,
                maxPoolBackward: @escaping @Sendable (DType, UnsafeRawPointer, UnsafePointer<Int64>, Int, Int, Int, UnsafeMutableRawPointer) -> Void,
                maxPool: @escaping @Sendable (DType, UnsafeRawPointer, Int, WindowGeometry, UnsafeMutableRawPointer, UnsafeMutablePointer<Int64>) -> Void,
                adaptiveMaxPool: @escaping @Sendable (DType, UnsafeRawPointer, Int, Int, Int, Int, Int, UnsafeMutableRawPointer, UnsafeMutablePointer<Int64>) -> Void,
                averagePool: @escaping @Sendable (DType, Bool, UnsafeRawPointer, Int, WindowGeometry, AverageDivisor, UnsafeMutableRawPointer) -> Void,
                im2col: @escaping @Sendable (DType, UnsafeRawPointer, ConvolutionGeometry, UnsafeMutableRawPointer, Int, Range<Int>) -> Void,
                col2im: @escaping @Sendable (DType, UnsafeRawPointer, ConvolutionGeometry, UnsafeMutableRawPointer, Int, Range<Int>) -> Void,
                optimizerUpdate: @escaping @Sendable (OptimizerRule, DType, Int, UnsafeMutableRawPointer, UnsafeRawPointer, [UnsafeMutableRawPointer]) -> Void,
                plainMatrixMultiply: @escaping @Sendable (DType, Int, Int, Int, MatrixOperand, MatrixOperand, UnsafeMutableRawPointer, Int, Double) -> Void,
                boxMuller: @escaping @Sendable (DType, UnsafeMutableRawPointer, Int, Double, Double) -> Void,
                temperWords: @escaping @Sendable (UnsafeMutablePointer<UInt32>, Int) -> Void,
                bernoulliFromWords: @escaping @Sendable (DType, UnsafeMutableRawPointer, UnsafeMutablePointer<UInt32>, Int, Double) -> Void,
                sequence: @escaping @Sendable (SequenceRule, DType, UnsafeMutableRawPointer, Int) -> Void,
                ctcForward: @escaping @Sendable (DType, CTCProblems, UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Void,
                ctcBackward: @escaping @Sendable (DType, CTCProblems, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, Bool,
                                                  UnsafeMutableRawPointer) -> Void,
                softmax: @escaping @Sendable (SoftmaxMode, DType, UnsafeRawPointer, Int, UnsafeMutableRawPointer, Int, Int, StridedLoop) -> Void,
                softmaxBackward: @escaping @Sendable (SoftmaxMode, DType, UnsafeMutableRawPointer, Int, UnsafeRawPointer, Int,
                                                      UnsafeRawPointer, Int, Int, StridedLoop) -> Void,
                attentionForward: @escaping @Sendable (DType, AttentionProblem, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer,
                                                       UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Void,
                attentionBackward: @escaping @Sendable (DType, AttentionProblem, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer,
                                                        UnsafeRawPointer, UnsafeRawPointer, UnsafeMutableRawPointer,
                                                        UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Void,
                layerNormForward: @escaping @Sendable (DType, Int, Int, UnsafeRawPointer, UnsafeRawPointer?, UnsafeRawPointer?, Double,
                                                       UnsafeMutableRawPointer, UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Void,
                layerNormBackward: @escaping @Sendable (DType, Int, Int, UnsafeRawPointer, UnsafeRawPointer?, UnsafeRawPointer,
                                                        UnsafeRawPointer, UnsafeRawPointer, UnsafeMutableRawPointer,
                                                        UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void,
                batchNormStatistics: @escaping @Sendable (DType, ChannelBlocks, UnsafeRawPointer, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void,
                channelAffine: @escaping @Sendable (DType, ChannelBlocks, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeMutableRawPointer) -> Void,
                batchNormGradientSums: @escaping @Sendable (DType, ChannelBlocks, UnsafeRawPointer, UnsafeRawPointer, UnsafePointer<Double>, UnsafeMutablePointer<Double>,
                                                 UnsafeMutablePointer<Double>) -> Void,
                batchNormInputGradient: @escaping @Sendable (DType, ChannelBlocks, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeMutableRawPointer) -> Void,
                attentionStreamingForward: @escaping @Sendable (DType, AttentionProblem, UnsafeRawPointer, UnsafeRawPointer,
                                                                UnsafeRawPointer, UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Void,
                attentionStreamingBackward: @escaping @Sendable (DType, AttentionProblem, UnsafeRawPointer, UnsafeRawPointer,
                                                                 UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer,
                                                                 UnsafeMutableRawPointer, UnsafeMutableRawPointer,
                                                                 UnsafeMutableRawPointer) -> Void,
                repeatRow: @escaping @Sendable (UnsafeMutableRawPointer, UnsafeRawPointer, Int, Int) -> Void,
                geluBackward: @escaping @Sendable (DType, UnsafeMutableRawPointer, UnsafeRawPointer, UnsafeRawPointer, Int) -> Void,
                binaryCrossEntropyWithLogits: @escaping @Sendable (DType, UnsafeMutableRawPointer, UnsafeRawPointer, UnsafeRawPointer,
                                                                   UnsafeRawPointer?, UnsafeRawPointer?, Int) -> Void,
                binaryCrossEntropyWithLogitsBackward: @escaping @Sendable (DType, UnsafeMutableRawPointer, UnsafeRawPointer,
                                                                           UnsafeRawPointer, UnsafeRawPointer?, UnsafeRawPointer?,
                                                                           UnsafeRawPointer, Int, Double, Int) -> Void,
                nllLoss: @escaping @Sendable (DType, NllProblem, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer?,
                                              UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> (low: Int64, high: Int64)?,
                nllLossBackward: @escaping @Sendable (DType, NllProblem, UnsafeRawPointer, UnsafeRawPointer?, UnsafeRawPointer, Int,
                                                      Double, UnsafeMutableRawPointer) -> Void,
                bilinear: @escaping @Sendable (DType, Bool, UnsafeRawPointer, Int, Int, Int, InterpolationTable, InterpolationTable,
                                               UnsafeMutableRawPointer) -> Void) {
        self.name = name
        self.binary = binary
        self.unary = unary
        self.cast = cast
        self.fill = fill
        self.select = select
        self.clamp = clamp
        self.reduce = reduce
        self.take = take
        self.put = put
        self.gather = gather
        self.scatter = scatter
        self.nonzero = nonzero
        self.argReduce = argReduce
        self.scan = scan
        self.cumprodBackward = cumprodBackward
        self.sort = sort
        self.recurrentForward = recurrentForward
        self.recurrentBackward = recurrentBackward
        self.maxPool2x2 = maxPool2x2
        self.maxPoolBackward = maxPoolBackward
        self.maxPool = maxPool
        self.adaptiveMaxPool = adaptiveMaxPool
        self.averagePool = averagePool
        self.im2col = im2col
        self.col2im = col2im
        self.optimizerUpdate = optimizerUpdate
        self.plainMatrixMultiply = plainMatrixMultiply
        self.boxMuller = boxMuller
        self.temperWords = temperWords
        self.bernoulliFromWords = bernoulliFromWords
        self.sequence = sequence
        self.ctcForward = ctcForward
        self.ctcBackward = ctcBackward
        self.softmax = softmax
        self.softmaxBackward = softmaxBackward
        self.attentionForward = attentionForward
        self.attentionBackward = attentionBackward
        self.layerNormForward = layerNormForward
        self.layerNormBackward = layerNormBackward
        self.batchNormStatistics = batchNormStatistics
        self.channelAffine = channelAffine
        self.batchNormGradientSums = batchNormGradientSums
        self.batchNormInputGradient = batchNormInputGradient
        self.attentionStreamingForward = attentionStreamingForward
        self.attentionStreamingBackward = attentionStreamingBackward
        self.repeatRow = repeatRow
        self.geluBackward = geluBackward
        self.binaryCrossEntropyWithLogits = binaryCrossEntropyWithLogits
        self.binaryCrossEntropyWithLogitsBackward = binaryCrossEntropyWithLogitsBackward
        self.nllLoss = nllLoss
        self.nllLossBackward = nllLossBackward
        self.bilinear = bilinear
    }
}
