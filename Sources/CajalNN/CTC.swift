import CajalCore
import CajalRuntime
/// The connectionist temporal classification loss (F.ctc_loss): sequence
/// labelling without an alignment (nanopore base-calling, ECG events,
/// speech). The alpha recursion and torch's gradient run in the kernels
/// (CajalKernels/CTC.swift); this checks the arguments and reduces.
extension Functional {
    /// logProbs: (T, N, C) log-probabilities (log_softmax outputs) or (T, C)
    /// unbatched; targets: (N, S) padded or the N label sequences
    /// concatenated (1-D), int64 labels in [0, C); one input and one target
    /// length per sample. mean divides each loss by its target length (at
    /// least 1) before averaging; zeroInfinity zeroes infinite losses (an
    /// input too short for its target) and their gradients.
    public static func ctcLoss(_ logProbs: Tensor, targets: Tensor, inputLengths: [Int], targetLengths: [Int], blank: Int = 0,
                               reduction: LossReduction = .mean, zeroInfinity: Bool = false) throws -> Tensor {
        let op = "ctc_loss"
        guard logProbs.rank == 3 || logProbs.rank == 2 else {
            throw CajalError.runtime("[\(op)] expected log_probs of 2 (unbatched) or 3 dimensions (T, N, C), got \(logProbs.rank)")
        }
        if reduction == .batchmean { throw LossReduction.batchmeanOutsideKlDiv }
        let batched = logProbs.rank == 3
        let x = batched ? logProbs : try logProbs.unsqueeze(dim: 1)
        let labels = batched ? targets : try targets.unsqueeze(dim: 0)
        guard x.dtype == .float32 || x.dtype == .float64 || x.dtype.kernelType == .float32 else {
            throw CajalError.runtime("[\(op)] expected log_probs of a floating-point dtype, got \(x.dtype)")
        }
        if let out = try Tensor.inKernelType(x.dtype, { widen in
            try ctcLoss(widen(logProbs), targets: targets, inputLengths: inputLengths, targetLengths: targetLengths, blank: blank,
                        reduction: reduction, zeroInfinity: zeroInfinity)
        }) { return out }
        let (time, batch, classes) = (x.shape[0], x.shape[1], x.shape[2])
        guard blank >= 0, blank < classes else { throw CajalError.runtime("[\(op)] blank must be in label range") }
        guard inputLengths.count == batch else { throw CajalError.runtime("[\(op)] input_lengths must be of size batch_size") }
        guard targetLengths.count == batch else { throw CajalError.runtime("[\(op)] target_lengths must be of size batch_size") }
        for length in inputLengths where length < 0 || length > time {
            throw CajalError.runtime("[\(op)] Expected input_lengths to have value at most \(time) (and at least 0), but got value \(length)")
        }
        let check = Arguments(op)
        for length in targetLengths where length < 0 {
            throw CajalError.runtime("[\(op)] Expected target_lengths to be non-negative, but got value \(length)")
        }
        guard labels.rank == 1 || labels.rank == 2, !labels.dtype.isFloatingPoint, !labels.dtype.isComplex, labels.dtype != .bool else {
            throw CajalError.runtime("[\(op)] expected integer targets of 1 (concatenated) or 2 (padded) dimensions, got \(labels.dtype) of shape \(labels.shape)")
        }
        let indices = try GradMode.withDisabled { try labels.to(.int64).contiguous() }
        var starts: [Int] = [], longest = 0
        let stride = 1  // along a sample's labels, in the contiguous copy
        if labels.rank == 1 {
            var position = 0
            for length in targetLengths {
                starts.append(position)
                position = try check.sum(position, try check.size(length, "target length"), "the target lengths")
            }
            guard labels.shape[0] == position else {
                throw CajalError.runtime("[\(op)] Expected tensor to have size \(position) at dimension 0, but got size \(labels.shape[0]) for argument #2 'targets' (while checking arguments for ctc_loss_cpu)")
            }
            longest = targetLengths.max() ?? 0
        } else {
            guard labels.shape[0] == batch else {
                throw CajalError.runtime("[\(op)] Expected tensor to have size \(batch) at dimension 0, but got size \(labels.shape[0]) for argument #2 'targets' (while checking arguments for ctc_loss_cpu)")
            }
            longest = targetLengths.max() ?? 0
            guard labels.shape[1] >= longest else {
                throw CajalError.runtime("[\(op)] Expected tensor to have size at least \(longest) at dimension 1, but got size \(labels.shape[1]) for argument #2 'targets' (while checking arguments for ctc_loss_cpu)")
            }
            starts = (0..<batch).map { $0 * labels.shape[1] }
        }
        // Every label a sample uses must name a class: the kernels index the log-probabilities with it.
        let labelPointer = indices.typedPointer(Int64.self)
        for b in 0..<batch {
            for k in 0..<targetLengths[b] where labelPointer[starts[b] + k * stride] < 0 || labelPointer[starts[b] + k * stride] >= Int64(classes) {
                throw CajalError.index("[\(op)] target \(labelPointer[starts[b] + k * stride]) of sample \(b) is not a class in [0, \(classes))")
            }
        }
        let positions = try check.sum(try check.product(longest, 2, "the longest target"), 1, "the longest target")
        let values = try GradMode.withDisabled { try x.contiguous() }
        let logAlpha = try Tensor(uninitializedShape: [batch, time, positions], dtype: x.dtype, op: op)
        let losses = try Tensor(uninitializedShape: [batch], dtype: x.dtype, op: op)
        let problems = { (logProbs: Tensor) in
            CTCProblems(logProbs: logProbs.dataPointer, time: time, batch: batch, classes: classes,
                        targets: indices.typedPointer(Int64.self), targetStride: stride, targetStarts: starts,
                        inputLengths: inputLengths, targetLengths: targetLengths, blank: blank, positions: positions)
        }
        kernels.ctcForward(x.dtype, problems(values), logAlpha.dataPointer, losses.dataPointer)
        // The kernel's gradient needs the alphas and losses it computed; they stay with the graph.
        var loss = Tensor.recordingFunction(output: losses, inputs: [x], name: "CtcLossBackward0", twiceDifferentiable: false) { grad in
            let gradOut = try GradMode.withDisabled { try grad.contiguous() }
            let gradient = try Tensor(uninitializedShape: [time, batch, classes], dtype: values.dtype, op: op)
            kernels.ctcBackward(values.dtype, problems(values), logAlpha.dataPointer, losses.dataPointer, gradOut.dataPointer,
                                zeroInfinity, gradient.dataPointer)
            return [gradient]
        }
        if zeroInfinity {
            loss = try Tensor.where(loss.eq(.scalar(Double.infinity)), Tensor.scalar(0.0).to(loss.dtype), loss)
        }
        switch reduction {
        case .mean:
            let lengths = try Tensor(targetLengths.map { Double(Swift.max($0, 1)) }).to(loss.dtype)
            return try loss.div(lengths).mean()
        case .sum:
            return try loss.sum()
        default:
            return batched ? loss : try loss.squeeze(dim: 0)
        }
    }
}
