import CajalCore
import CajalRuntime

/// The recurrent layers (torch.nn.RNN, LSTM, GRU) with torch's weight layout
/// and gate order. A layer runs one direction at a time over a packed batch:
/// the steps' rows are stacked, longest sequences first, so step t holds the
/// first batchSizes[t] sequences (a padded batch is the case where every step
/// holds them all). The input projection of all steps is one matrix product;
/// each step adds one product with the hidden state and one fused pass of gate
/// math; the backward walks the steps once in reverse and finishes with three
/// matrix products over all steps.
//
/// The kinds of layer are one enum, which the kernels share (declared with
/// the C constants, api/00_constants.py).
public typealias RecurrentKind = CajalRuntime.RecurrentKind

extension RecurrentKind {
    public var opName: String {
        switch self {
        case .rnnTanh, .rnnRelu: return "rnn"
        case .lstm: return "lstm"
        case .gru: return "gru"
        }
    }
}

/// The result of a recurrent layer: torch's (output, h_n) or (output, (h_n, c_n)).
public struct RecurrentOutput {
    public let output: Tensor
    public let hidden: Tensor
    /// LSTM only.
    public let cell: Tensor?
}

/// A recurrent layer's weights for one layer and direction, in torch's order.
public struct RecurrentWeights {
    public let inputWeight: Tensor, hiddenWeight: Tensor
    public let inputBias: Tensor?, hiddenBias: Tensor?
    /// An LSTM's weight_hr (proj_size, hidden_size): h = W_hr (o * tanh(c)); nil for none.
    public let projectionWeight: Tensor?

    public init(inputWeight: Tensor, hiddenWeight: Tensor, inputBias: Tensor?, hiddenBias: Tensor?, projectionWeight: Tensor? = nil) {
        (self.inputWeight, self.hiddenWeight, self.inputBias, self.hiddenBias) = (inputWeight, hiddenWeight, inputBias, hiddenBias)
        self.projectionWeight = projectionWeight
    }
}

extension Functional {
    /// torch's _VF.rnn_tanh / rnn_relu / lstm / gru. `input` is (T, B, I), or
    /// (B, T, I) with batchFirst, or unbatched (T, I); with `batchSizes` it is
    /// a PackedSequence's data (N, I). `weights` holds numLayers x directions
    /// entries, layer by layer, forward direction first. `hidden` (and `cell`
    /// for LSTM) are (numLayers * directions, B, H), or (.., H) unbatched;
    /// nil starts from zeros.
    public static func recurrent(_ kind: RecurrentKind, input: Tensor, batchSizes: [Int]? = nil, hidden: Tensor? = nil,
                                 cell: Tensor? = nil, weights: [RecurrentWeights], numLayers: Int, bidirectional: Bool,
                                 dropout: Double = 0, training: Bool = false, batchFirst: Bool = false) throws -> RecurrentOutput {
        let op = kind.opName
        let directions = bidirectional ? 2 : 1
        guard try Arguments(op).bounded(numLayers, "num_layers") > 0, weights.count == numLayers * directions else {
            throw CajalError.value("[\(op)] expected \(numLayers * directions) sets of weights for \(numLayers) layers and \(directions) directions, got \(weights.count)")
        }
        guard (0...1).contains(dropout) else {
            throw CajalError.value("[\(op)] dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got \(dropout)")
        }
        // h's size (an LSTM's proj_size with projections) and c's.
        let hiddenSize = weights[0].hiddenWeight.rank == 2 ? weights[0].hiddenWeight.shape[1] : 0
        let inputSize = weights[0].inputWeight.rank == 2 ? weights[0].inputWeight.shape[1] : 0
        let projected = weights[0].projectionWeight != nil
        guard weights.allSatisfy({ ($0.projectionWeight != nil) == projected }) else {
            throw CajalError.value("[\(op)] every layer and direction needs weight_hr, or none")
        }
        guard !projected || kind == .lstm else {
            throw CajalError.value("[\(op)] proj_size argument is only supported for LSTM, not RNN or GRU")
        }
        let cellSize = weights[0].projectionWeight.map { $0.rank == 2 ? $0.shape[1] : 0 } ?? hiddenSize

        // Everything below runs on packed rows: (N, I) with the batch sizes per step.
        var steps: [Int], rows: Tensor
        var unbatched = false, timeSteps = 0, batch = 0
        if let batchSizes {
            guard input.rank == 2 else {
                throw CajalError.runtime("[\(op)] packed input must be 2-D (total steps, features), got \(input.rank)-D of size \(input.shape)")
            }
            try checkBatchSizes(batchSizes, rows: input.shape[0], op: op)
            steps = batchSizes
            rows = input
            batch = batchSizes[0]
        } else {
            guard input.rank == 3 || input.rank == 2 else {
                throw CajalError.runtime("[\(op)] input must have 3 dimensions (or 2 unbatched), got \(input.rank)-D of size \(input.shape)")
            }
            unbatched = input.rank == 2
            var timeMajor = unbatched ? try input.unsqueeze(dim: 1) : input
            if batchFirst && !unbatched { timeMajor = try timeMajor.transpose(0, 1) }
            (timeSteps, batch) = (timeMajor.shape[0], timeMajor.shape[1])
            guard timeSteps > 0, batch > 0 else {
                throw CajalError.runtime("[\(op)] expected a non-empty sequence and batch, got input of size \(input.shape)")
            }
            steps = [Int](repeating: batch, count: timeSteps)
            rows = try timeMajor.reshape([timeSteps * batch, timeMajor.shape[2]])
        }
        guard rows.shape[1] == inputSize else {
            throw CajalError.runtime("[\(op)] input.size(-1) must be equal to input_size. Expected \(inputSize), got \(rows.shape[1])")
        }

        // Initial states: (layers * directions, B, H), c of the cell size.
        func initialState(_ given: Tensor?, _ name: String, size: Int) throws -> Tensor {
            let stateShape = [numLayers * directions, batch, size]
            guard let given else { return try Tensor.zeros(stateShape, dtype: rows.dtype) }
            let batched = unbatched ? try given.unsqueeze(dim: 1) : given
            guard batched.shape == stateShape, !(unbatched && given.rank != 2) else {
                let expected = unbatched ? [numLayers * directions, size] : stateShape
                throw CajalError.runtime("[\(op)] Expected \(name) size (\(expected.map(String.init).joined(separator: ", "))), got \(given.shape)")
            }
            return batched
        }
        let h0 = try initialState(hidden, "hidden", size: hiddenSize)
        let c0 = kind == .lstm ? try initialState(cell, "cell", size: cellSize) : nil

        var layerInput = rows
        var finalHidden: [Tensor] = [], finalCell: [Tensor] = []
        for layer in 0..<numLayers {
            if layer > 0 && dropout > 0 && training {
                layerInput = try Functional.dropout(layerInput, probability: dropout, training: true)
            }
            var outputs: [Tensor] = []
            for direction in 0..<directions {
                let index = layer * directions + direction
                let layerStep = projected ? projectedLSTMLayer : recurrentLayer
                let result = try layerStep(kind, layerInput, steps,
                                           h0.select(dim: 0, index: index), c0.map { try $0.select(dim: 0, index: index) },
                                           weights[index], direction == 1, index)
                outputs.append(result.output)
                finalHidden.append(result.hidden)
                if let c = result.cell { finalCell.append(c) }
            }
            layerInput = directions == 1 ? outputs[0] : try Tensor.cat(outputs, dim: 1)
        }

        var output = layerInput, hN = try Tensor.stack(finalHidden), cN = kind == .lstm ? try Tensor.stack(finalCell) : nil
        if batchSizes == nil {
            output = try output.reshape([timeSteps, batch, output.shape[1]])
            if unbatched {
                output = try output.squeeze(dim: 1)
                hN = try hN.squeeze(dim: 1)
                cN = try cN?.squeeze(dim: 1)
            } else if batchFirst {
                output = try output.transpose(0, 1)
            }
        }
        return RecurrentOutput(output: output, hidden: hN, cell: cN)
    }

    /// How many slices of the batch the steps run in. Each slice's step
    /// product stays within OpenBLAS's one-thread size, so the slices can run
    /// on our cores side by side; with hidden sizes too large for slices of
    /// 4 sequences the steps run whole, each product split or threaded.
    static func sequenceParts(batch: Int, width: Int, hiddenSize: Int) -> Int {
        let sequencesPerPart = Int(Gemm.singleThreadWork) / Swift.max(width * hiddenSize, 1)
        guard sequencesPerPart >= 4 else { return 1 }
        let needed = (batch + sequencesPerPart - 1) / sequencesPerPart
        return Swift.min(batch, Swift.max(Parallel.threadCount, needed))
    }

    /// Batch sizes of a packed sequence: positive, never growing, summing to the rows.
    static func checkBatchSizes(_ batchSizes: [Int], rows: Int, op: String) throws {
        guard let first = batchSizes.first, first > 0 else {
            throw CajalError.runtime("[\(op)] batch_sizes must be non-empty with a positive first entry, got \(batchSizes)")
        }
        for t in 1..<batchSizes.count where batchSizes[t] > batchSizes[t - 1] || batchSizes[t] <= 0 {
            throw CajalError.runtime("[\(op)] batch_sizes must be positive and non-increasing, got \(batchSizes)")
        }
        // Each size is at most the first, so none overflows; their sum is checked.
        let check = Arguments(op)
        let total = try batchSizes.reduce(0) { try check.sum($0, $1, "the sum of batch_sizes") }
        guard total == rows else {
            throw CajalError.runtime("[\(op)] batch_sizes sum to \(total) but the packed data has \(rows) rows")
        }
    }

    /// One direction of one layer over packed rows (N, I), from states (B, H).
    /// The result is one tensor (N + B [+ B], H) — the output rows, h_n, then
    /// c_n — so one recorded op covers all three; they are returned as views.
    static func recurrentLayer(_ kind: RecurrentKind, _ input: Tensor, _ batchSizes: [Int], _ h0: Tensor, _ c0: Tensor?,
                               _ weights: RecurrentWeights, _ reverse: Bool, _ layer: Int) throws -> RecurrentOutput {
        let op = kind.opName, gates = kind.gateCount
        let batch = batchSizes[0], hiddenSize = h0.shape[1], inputSize = input.shape[1], rowCount = input.shape[0]
        let suffix = "_l\(layer)"
        let (wIH, wHH, bIH, bHH) = (weights.inputWeight, weights.hiddenWeight, weights.inputBias, weights.hiddenBias)
        guard wIH.shape == [gates * hiddenSize, inputSize] else {
            throw CajalError.runtime("[\(op)] weight_ih\(suffix) must have shape \(shapeString([gates * hiddenSize, inputSize])), got \(shapeString(wIH.shape))")
        }
        guard wHH.shape == [gates * hiddenSize, hiddenSize] else {
            throw CajalError.runtime("[\(op)] weight_hh\(suffix) must have shape \(shapeString([gates * hiddenSize, hiddenSize])), got \(shapeString(wHH.shape))")
        }
        for (bias, name) in [(bIH, "bias_ih"), (bHH, "bias_hh")] {
            if let bias, bias.shape != [gates * hiddenSize] {
                throw CajalError.runtime("[\(op)] \(name)\(suffix) must have shape \(shapeString([gates * hiddenSize])), got \(shapeString(bias.shape))")
            }
        }
        let dtype = input.dtype
        let all = [input, h0, wIH, wHH] + [c0, bIH, bHH].compactMap { $0 }
        guard dtype.isFloatingPoint, all.allSatisfy({ $0.dtype == dtype }) else {
            throw CajalError.runtime("[\(op)] input, states and weights must share one floating-point dtype, got \(all.map { "\($0.dtype)" })")
        }
        guard dtype.isNative else {
            throw CajalError.notImplemented("[\(op)] recurrent layers run in float32 or float64, not \(dtype); convert the module with .float()")
        }
        guard hiddenSize > 0 else { throw CajalError.runtime("[\(op)] hidden_size must be greater than zero") }

        let item = dtype.itemSize, width = gates * hiddenSize
        let x = try input.contiguous(), wi = try wIH.contiguous(), wh = try wHH.contiguous()
        var offsets = [Int](repeating: 0, count: batchSizes.count)
        for t in 1..<batchSizes.count { offsets[t] = offsets[t - 1] + batchSizes[t - 1] }

        // Pre-activations of every step: x W_ihᵀ + b_ih (+ b_hh, except GRU's
        // b_hh, which the reset gate scales and so is added per step).
        let activations = try Tensor(uninitializedShape: [rowCount, width], dtype: dtype, op: op)
        let rowBias: Tensor? = try GradMode.withDisabled {
            switch (bIH, kind == .gru ? nil : bHH) {
            case let (a?, b?): return try a.add(b).contiguous()
            case let (a?, nil): return try a.contiguous()
            case let (nil, b?): return try b.contiguous()
            case (nil, nil): return nil
            }
        }
        if let rowBias { try activations.copyElements(from: rowBias) }  // broadcast down the rows by the copy kernel
        if inputSize > 0 {
            Gemm.multiply(dtype: dtype, m: rowCount, n: width, k: inputSize,
                          a: MatrixOperand(pointer: x.dataPointer, transposed: false, leadingDimension: inputSize),
                          b: MatrixOperand(pointer: wi.dataPointer, transposed: true, leadingDimension: inputSize),
                          c: activations.dataPointer, ldc: width, beta: rowBias == nil ? 0 : 1)
        } else if rowBias == nil {
            try activations.zeroInPlace()
        }

        // The result holds the output rows, then the hidden and cell states,
        // which the steps update in place.
        let stateRows = kind == .lstm ? 2 * batch : batch
        let result = try Tensor(uninitializedShape: [rowCount + stateRows, hiddenSize], dtype: dtype, op: op)
        let output = result.dataPointer, rowBytes = hiddenSize * item
        let hState = output + rowCount * rowBytes, cState = hState + batch * rowBytes
        try result.narrow(dim: 0, start: rowCount, length: batch).copyElements(from: h0)
        if let c0 { try result.narrow(dim: 0, start: rowCount + batch, length: batch).copyElements(from: c0) }
        // What the backward reads: the state each step started from, and GRU's h W_hhᵀ + b_hh.
        let previousHidden = try Tensor(uninitializedShape: [rowCount, hiddenSize], dtype: dtype, op: op)
        let previousCell = kind == .lstm ? try Tensor(uninitializedShape: [rowCount, hiddenSize], dtype: dtype, op: op) : nil
        let hiddenGates = kind == .gru ? try Tensor(uninitializedShape: [rowCount, width], dtype: dtype, op: op) : nil
        let gruBias = kind == .gru ? try bHH?.contiguous() : nil

        let order = reverse ? Array((0..<batchSizes.count).reversed()) : Array(0..<batchSizes.count)
        // Sequences never interact, so each core walks all the steps for its
        // own slice of the batch: no hand-over between cores at every step,
        // and the gate math runs on every core.
        let parts = sequenceParts(batch: batch, width: width, hiddenSize: hiddenSize)
        Parallel.forEachChunk(parts, costPerItem: 1 << 20, grain: 1) { range in
            for part in range {
                let lo = batch * part / parts, hi = batch * (part + 1) / parts
                let partHidden = hState + lo * rowBytes, partCell = cState + lo * rowBytes
                for t in order where batchSizes[t] > lo {
                    let count = Swift.min(hi, batchSizes[t]) - lo, first = offsets[t] + lo
                    (previousHidden.dataPointer + first * rowBytes).copyMemory(from: partHidden, byteCount: count * rowBytes)
                    if let previousCell { (previousCell.dataPointer + first * rowBytes).copyMemory(from: partCell, byteCount: count * rowBytes) }
                    let stepGates = activations.dataPointer + first * width * item
                    let stepHiddenGates = hiddenGates.map { $0.dataPointer + first * width * item }
                    Gemm.multiply(dtype: dtype, m: count, n: width, k: hiddenSize,
                                  a: MatrixOperand(pointer: partHidden, transposed: false, leadingDimension: hiddenSize),
                                  b: MatrixOperand(pointer: wh.dataPointer, transposed: true, leadingDimension: hiddenSize),
                                  c: stepHiddenGates ?? stepGates, ldc: width, beta: kind == .gru ? 0 : 1)
                    let stepOutput = output + first * rowBytes
                    kernels.recurrentForward(kind, dtype, RecurrentStep(
                        rows: count, hiddenSize: hiddenSize, gates: stepGates, hiddenGates: stepHiddenGates,
                        hiddenBias: gruBias.map { UnsafeRawPointer($0.dataPointer) }, cell: kind == .lstm ? partCell : nil,
                        previousHidden: partHidden, hiddenOut: stepOutput))
                    partHidden.copyMemory(from: stepOutput, byteCount: count * rowBytes)
                }
            }
        }

        var inputs = [input, h0, wIH, wHH], saved = [x, wi, wh, activations, previousHidden]
        let c0Index = c0.map { inputs.append($0); return inputs.count - 1 }
        let bIHIndex = bIH.map { inputs.append($0); return inputs.count - 1 }
        let bHHIndex = bHH.map { inputs.append($0); return inputs.count - 1 }
        // The third state the backward reads: LSTM's c(t-1), GRU's h W_hhᵀ + b_hh, RNN's output h(t).
        saved.append(previousCell ?? hiddenGates ?? result)
        let inputCount = inputs.count
        let name = kind == .lstm ? "LstmBackward0" : kind == .gru ? "GruBackward0" : "RnnBackward0"
        let recorded = result.recording(name, inputs: inputs, saving: saved) { ctx in
            let grad = try ctx.grad.contiguous()
            let (x, wi, wh, activations, previousHidden) = (ctx.saved[0], ctx.saved[1], ctx.saved[2], ctx.saved[3], ctx.saved[4])
            let previousCell = kind == .lstm ? ctx.saved[5] : nil
            let hiddenGates = kind == .gru ? ctx.saved[5] : nil
            let outputRows = ctx.saved[5].dataPointer
            // dL/dh and dL/dc of the state, starting from the gradients of h_n and c_n.
            let gradState = try grad.narrow(dim: 0, start: rowCount, length: stateRows).clone()
            let gradHidden = gradState.dataPointer, gradCell = gradHidden + batch * rowBytes
            let gradGates = try Tensor(uninitializedShape: [rowCount, width], dtype: dtype, op: op)
            let gradHiddenGates = kind == .gru ? try Tensor(uninitializedShape: [rowCount, width], dtype: dtype, op: op) : nil
            Parallel.forEachChunk(parts, costPerItem: 1 << 20, grain: 1) { range in
                for part in range {
                    let lo = batch * part / parts, hi = batch * (part + 1) / parts
                    let partGradHidden = gradHidden + lo * rowBytes
                    for t in order.reversed() where batchSizes[t] > lo {
                        let count = Swift.min(hi, batchSizes[t]) - lo, first = offsets[t] + lo
                        let stepGrad = gradGates.dataPointer + first * width * item
                        let stepHiddenGrad = gradHiddenGates.map { $0.dataPointer + first * width * item }
                        kernels.recurrentBackward(kind, dtype, RecurrentGradientStep(
                            rows: count, hiddenSize: hiddenSize,
                            gates: kind == .lstm || kind == .gru ? activations.dataPointer + first * width * item : outputRows + first * rowBytes,
                            hiddenGates: hiddenGates.map { UnsafeRawPointer($0.dataPointer + first * width * item) },
                            previousCell: previousCell.map { UnsafeRawPointer($0.dataPointer + first * rowBytes) },
                            previousHidden: UnsafeRawPointer(previousHidden.dataPointer + first * rowBytes),
                            gradOutput: UnsafeRawPointer(grad.dataPointer + first * rowBytes), gradHidden: partGradHidden,
                            gradCell: kind == .lstm ? gradCell + lo * rowBytes : nil, gradGates: stepGrad, gradHiddenGates: stepHiddenGrad))
                        // dL/dh(t-1) = (hidden-side gate gradients) W_hh (+ GRU's direct dh z).
                        Gemm.multiply(dtype: dtype, m: count, n: hiddenSize, k: width,
                                      a: MatrixOperand(pointer: stepHiddenGrad ?? stepGrad, transposed: false, leadingDimension: width),
                                      b: MatrixOperand(pointer: wh.dataPointer, transposed: false, leadingDimension: hiddenSize),
                                      c: partGradHidden, ldc: hiddenSize, beta: kind == .gru ? 1 : 0)
                    }
                }
            }
            let hiddenSide = gradHiddenGates ?? gradGates
            var grads = [Tensor?](repeating: nil, count: inputCount)
            if ctx.needs(0) {
                let dx = try Tensor.zeros([rowCount, inputSize], dtype: dtype)
                if inputSize > 0 {
                    Gemm.multiply(dtype: dtype, m: rowCount, n: inputSize, k: width,
                                  a: MatrixOperand(pointer: gradGates.dataPointer, transposed: false, leadingDimension: width),
                                  b: MatrixOperand(pointer: wi.dataPointer, transposed: false, leadingDimension: inputSize),
                                  c: dx.dataPointer, ldc: inputSize)
                }
                grads[0] = dx
            }
            if ctx.needs(1) { grads[1] = try gradState.narrow(dim: 0, start: 0, length: batch) }
            if ctx.needs(2) {
                let dw = try Tensor.zeros([width, inputSize], dtype: dtype)
                if inputSize > 0 {
                    Gemm.multiply(dtype: dtype, m: width, n: inputSize, k: rowCount,
                                  a: MatrixOperand(pointer: gradGates.dataPointer, transposed: true, leadingDimension: width),
                                  b: MatrixOperand(pointer: x.dataPointer, transposed: false, leadingDimension: inputSize),
                                  c: dw.dataPointer, ldc: inputSize)
                }
                grads[2] = dw
            }
            if ctx.needs(3) {
                let dw = try Tensor(uninitializedShape: [width, hiddenSize], dtype: dtype, op: op)
                Gemm.multiply(dtype: dtype, m: width, n: hiddenSize, k: rowCount,
                              a: MatrixOperand(pointer: hiddenSide.dataPointer, transposed: true, leadingDimension: width),
                              b: MatrixOperand(pointer: previousHidden.dataPointer, transposed: false, leadingDimension: hiddenSize),
                              c: dw.dataPointer, ldc: hiddenSize)
                grads[3] = dw
            }
            if let c0Index, ctx.needs(c0Index) { grads[c0Index] = try gradState.narrow(dim: 0, start: batch, length: batch) }
            if let bIHIndex, ctx.needs(bIHIndex) { grads[bIHIndex] = try gradGates.sum(dim: 0) }
            if let bHHIndex, ctx.needs(bHHIndex) {
                // Both biases enter the same pre-activations, except GRU's b_hh.
                let shared = kind != .gru ? bIHIndex.flatMap { grads[$0] } : nil
                grads[bHHIndex] = try shared?.clone() ?? hiddenSide.sum(dim: 0)
            }
            return grads
        }
        return RecurrentOutput(output: try recorded.narrow(dim: 0, start: 0, length: rowCount),
                               hidden: try recorded.narrow(dim: 0, start: rowCount, length: batch),
                               cell: kind == .lstm ? try recorded.narrow(dim: 0, start: rowCount + batch, length: batch) : nil)
    }
}

extension Functional {
    /// One direction of one LSTM layer with projections (proj_size), over
    /// packed rows (N, I) from h0 (B, P) and c0 (B, H): torch's
    /// h = W_hr (o * tanh(c)). Composed of engine ops step by step (the fused
    /// kernel keeps h and c the same size), so its gradient is theirs.
    static func projectedLSTMLayer(_ kind: RecurrentKind, _ input: Tensor, _ batchSizes: [Int], _ h0: Tensor, _ c0: Tensor?,
                                   _ weights: RecurrentWeights, _ reverse: Bool, _ layer: Int) throws -> RecurrentOutput {
        let op = kind.opName, suffix = "_l\(layer)"
        guard let c0, let wHR = weights.projectionWeight else {
            throw CajalError.runtime("[\(op)] projections need an LSTM's cell state and weight_hr")
        }
        let (projection, cellSize, inputSize, batch) = (h0.shape[1], c0.shape[1], input.shape[1], batchSizes[0])
        let (wIH, wHH) = (weights.inputWeight, weights.hiddenWeight)
        for (tensor, shape, name) in [(wIH, [4 * cellSize, inputSize], "weight_ih"), (wHH, [4 * cellSize, projection], "weight_hh"),
                                      (wHR, [projection, cellSize], "weight_hr")] where tensor.shape != shape {
            throw CajalError.runtime("[\(op)] \(name)\(suffix) must have shape \(shapeString(shape)), got \(shapeString(tensor.shape))")
        }
        for (bias, name) in [(weights.inputBias, "bias_ih"), (weights.hiddenBias, "bias_hh")] {
            if let bias, bias.shape != [4 * cellSize] {
                throw CajalError.runtime("[\(op)] \(name)\(suffix) must have shape \(shapeString([4 * cellSize])), got \(shapeString(bias.shape))")
            }
        }
        let bias: Tensor? = switch (weights.inputBias, weights.hiddenBias) {
        case let (a?, b?): try a.add(b)
        case let (a?, nil): a
        case let (nil, b?): b
        case (nil, nil): nil
        }
        // The input's share of every step's gates at once.
        let preactivations = try linear(input, weight: wIH, bias: bias)
        var offsets = [Int](repeating: 0, count: batchSizes.count)
        for t in 1..<batchSizes.count { offsets[t] = offsets[t - 1] + batchSizes[t - 1] }
        // The states of all B sequences: the first batchSizes[t] take step t;
        // the others keep theirs (finished, or not started when reversed).
        var (h, c) = (h0, c0)
        var outputs = [Tensor?](repeating: nil, count: batchSizes.count)
        for t in reverse ? Array((0..<batchSizes.count).reversed()) : Array(0..<batchSizes.count) {
            let rows = batchSizes[t]
            let gates = try preactivations.narrow(dim: 0, start: offsets[t], length: rows)
                .add(h.narrow(dim: 0, start: 0, length: rows).matmul(wHH.transpose(0, 1))).chunk(4, dim: 1)
            let cell = try gates[1].sigmoid().mul(c.narrow(dim: 0, start: 0, length: rows))
                .add(gates[0].sigmoid().mul(gates[2].tanh()))
            let hidden = try gates[3].sigmoid().mul(cell.tanh()).matmul(wHR.transpose(0, 1))
            outputs[t] = hidden
            (h, c) = rows == batch ? (hidden, cell)
                : (try Tensor.cat([hidden, h.narrow(dim: 0, start: rows, length: batch - rows)], dim: 0),
                   try Tensor.cat([cell, c.narrow(dim: 0, start: rows, length: batch - rows)], dim: 0))
        }
        return RecurrentOutput(output: try Tensor.cat(outputs.compactMap { $0 }, dim: 0), hidden: h, cell: c)
    }
}

/// torch.nn.utils.rnn.PackedSequence: the rows of every time step stacked,
/// step by step, with the longest sequences first in each step.
public struct PackedSequence {
    /// (total steps, features...).
    public let data: Tensor
    /// How many sequences are still running at each time step.
    public let batchSizes: [Int]
    /// The batch order used for packing, when the input was not sorted by length.
    public let sortedIndices: [Int]?
    /// Its inverse: where each original sequence sits in the packed order.
    public let unsortedIndices: [Int]?

    public init(data: Tensor, batchSizes: [Int], sortedIndices: [Int]? = nil, unsortedIndices: [Int]? = nil) {
        (self.data, self.batchSizes, self.sortedIndices, self.unsortedIndices) = (data, batchSizes, sortedIndices, unsortedIndices)
    }
}

extension Functional {
    /// torch.nn.utils.rnn.pack_padded_sequence: input (T, B, *) or (B, T, *)
    /// with batchFirst, and each sequence's length. Unless enforceSorted, the
    /// batch is ordered by decreasing length first (ties keep their order).
    public static func packPaddedSequence(_ input: Tensor, lengths: [Int], batchFirst: Bool = false,
                                          enforceSorted: Bool = true) throws -> PackedSequence {
        let op = "pack_padded_sequence"
        guard input.rank >= 2 else {
            throw CajalError.runtime("[\(op)] expected a padded input of at least 2 dims (time, batch), got \(input.rank)-D of size \(input.shape)")
        }
        let timeMajor = batchFirst ? try input.transpose(0, 1) : input
        let (steps, batch) = (timeMajor.shape[0], timeMajor.shape[1])
        guard lengths.count == batch else {
            throw CajalError.runtime("[\(op)] Expected `len(lengths)` to be equal to batch_size, but got \(lengths.count) (batch_size=\(batch))")
        }
        guard batch > 0, input.count > 0 else { throw CajalError.runtime("[\(op)] Cannot pack empty tensors.") }
        var order = Array(0..<batch)
        if enforceSorted {
            for b in 1..<batch where lengths[b] > lengths[b - 1] {
                throw CajalError.runtime("[\(op)] `lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.")
            }
        } else {
            order.sort { lengths[$0] > lengths[$1] || (lengths[$0] == lengths[$1] && $0 < $1) }
        }
        let sorted = order.map { lengths[$0] }
        guard let shortest = sorted.last, shortest > 0 else {
            throw CajalError.runtime("[\(op)] Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0")
        }
        guard sorted[0] <= steps else {
            throw CajalError.runtime("[\(op)] a sequence length (\(sorted[0])) is longer than the padded input's \(steps) time steps (input of size \(input.shape))")
        }
        var batchSizes: [Int] = [], rows: [Int64] = []
        for t in 0..<sorted[0] {
            let running = sorted.prefix { $0 > t }.count
            batchSizes.append(running)
            for b in 0..<running { rows.append(Int64(t * batch + order[b])) }
        }
        let flat = try timeMajor.reshape([steps * batch] + Array(timeMajor.shape[2...]))
        let data = try flat.indexSelect(dim: 0, index: Tensor(rows))
        if enforceSorted { return PackedSequence(data: data, batchSizes: batchSizes) }
        var inverse = [Int](repeating: 0, count: batch)
        for (position, b) in order.enumerated() { inverse[b] = position }
        return PackedSequence(data: data, batchSizes: batchSizes, sortedIndices: order, unsortedIndices: inverse)
    }

    /// torch.nn.utils.rnn.pad_packed_sequence: the padded batch (T, B, *) (or
    /// (B, T, *)) in the original order, and each sequence's length. Steps
    /// past a sequence's end hold paddingValue; totalLength pads to more steps.
    public static func padPackedSequence(_ sequence: PackedSequence, batchFirst: Bool = false, paddingValue: Double = 0,
                                         totalLength: Int? = nil) throws -> (padded: Tensor, lengths: [Int]) {
        let op = "pad_packed_sequence", data = sequence.data, batchSizes = sequence.batchSizes
        guard data.rank >= 1 else { throw CajalError.runtime("[\(op)] packed data must have at least 1 dim, got a 0-D tensor") }
        try checkBatchSizes(batchSizes, rows: data.shape[0], op: op)
        let batch = batchSizes[0], maxLength = batchSizes.count
        let check = Arguments(op)
        let steps = try check.size(totalLength ?? maxLength, "total_length")
        guard steps >= maxLength else {
            throw CajalError.value("[\(op)] Expected total_length to be at least the length of the longest sequence in input, but got total_length=\(steps) and max sequence length being \(maxLength)")
        }
        let order = sequence.sortedIndices ?? Array(0..<batch)
        guard order.count == batch, Set(order) == Set(0..<batch) else {
            throw CajalError.runtime("[\(op)] sorted_indices must be a permutation of the \(batch) sequences, got \(order)")
        }
        // Every padded position reads a packed row, or the padding row after them.
        let rowCount = data.shape[0]
        let positions = try check.product(steps, batch, "total_length \(steps) times the batch of \(batch)")
        try MemoryBudget.reserve(count: positions, of: MemoryLayout<Int64>.stride, op: op)
        var source = [Int64](repeating: Int64(rowCount), count: positions)
        var first = 0
        for t in 0..<maxLength {
            for b in 0..<batchSizes[t] { source[t * batch + order[b]] = Int64(first + b) }
            first += batchSizes[t]
        }
        let fill = try Tensor.full([1] + Array(data.shape.dropFirst()), value: paddingValue, dtype: data.dtype)
        let padded = try Tensor.cat([data, fill]).indexSelect(dim: 0, index: Tensor(source))
            .reshape([steps, batch] + Array(data.shape.dropFirst()))
        var lengths = [Int](repeating: 0, count: batch)
        for (position, b) in order.enumerated() { lengths[b] = batchSizes.prefix { $0 > position }.count }
        return (batchFirst ? try padded.transpose(0, 1) : padded, lengths)
    }

    /// torch.nn.utils.rnn.pad_sequence: sequences (L_i, *) stacked into
    /// (max L, B, *) (or (B, max L, *)), padded with paddingValue.
    public static func padSequence(_ sequences: [Tensor], batchFirst: Bool = false, paddingValue: Double = 0) throws -> Tensor {
        let op = "pad_sequence"
        guard let first = sequences.first else { throw CajalError.runtime("[\(op)] received an empty list of sequences") }
        guard first.rank >= 1 else { throw CajalError.runtime("[\(op)] sequences must have at least 1 dim, got a 0-D tensor") }
        let trailing = Array(first.shape.dropFirst())
        for (i, s) in sequences.enumerated() where s.rank != first.rank || Array(s.shape.dropFirst()) != trailing {
            throw CajalError.runtime("[\(op)] The size of tensor \(i) (\(s.shape)) must match the trailing sizes \(trailing) of the first sequence")
        }
        let longest = sequences.map { $0.shape[0] }.max() ?? 0
        let padded = try sequences.map { s -> Tensor in
            let missing = longest - s.shape[0]
            guard missing > 0 else { return s }
            return try Tensor.cat([s, Tensor.full([missing] + trailing, value: paddingValue, dtype: s.dtype)])
        }
        return try Tensor.stack(padded, dim: batchFirst ? 0 : 1)
    }
}
