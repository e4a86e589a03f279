import Cajal

// Recurrent layers and packed sequences. Integer lists of any length
// (batch sizes, lengths, permutations) travel as 1-D int64 tensors, as in torch.

/// The values of a 1-D int64 tensor (nil for a NULL handle).
private func intList(_ pointer: OpaquePointer?, _ name: String) throws -> [Int]? {
    guard let pointer else { return nil }
    let t = try tensor(pointer, name)
    guard t.dtype == .int64, t.rank == 1 else {
        throw CajalError.runtime("\(name) must be a 1-D int64 tensor, got \(t.dtype) of size \(t.shape)")
    }
    return try t.toArray(Int64.self).map { Int($0) }
}

private func intTensor(_ values: [Int]?) throws -> OpaquePointer? {
    guard let values else { return nil }
    return handle(try Tensor(values.map { Int64($0) }))
}

/// mode: 0 RNN tanh, 1 RNN relu, 2 LSTM, 3 GRU. weights: torch's flat list,
/// layer by layer and direction by direction: w_ih, w_hh (, b_ih, b_hh).
@_cdecl("cajal_nn_rnn")
public func cajal_nn_rnn(_ mode: Int32, _ input: OpaquePointer?, _ batchSizes: OpaquePointer?, _ hx: OpaquePointer?,
                         _ cx: OpaquePointer?, _ weights: UnsafePointer<OpaquePointer?>?, _ nweights: Int, _ hasBias: Int32,
                         _ numLayers: Int64, _ bidirectional: Int32, _ dropout: Double, _ training: Int32, _ batchFirst: Int32,
                         _ output: TensorOut?, _ hidden: TensorOut?, _ cell: TensorOut?) -> Int32 {
    status {
        guard let output, let hidden else { throw CajalError(.nullArgument, "output pointer is NULL") }
        let kinds: [RecurrentKind] = [.rnnTanh, .rnnRelu, .lstm, .gru]
        guard (0..<4).contains(mode) else { throw CajalError.value("[rnn] unknown mode \(mode)") }
        let kind = kinds[Int(mode)]
        let flat = try tensorList(weights, nweights, "weights")
        let stride = hasBias != 0 ? 4 : 2
        guard flat.count % stride == 0 else {
            throw CajalError.value("[\(kind.opName)] expected \(stride) weights per layer and direction, got \(flat.count) in all")
        }
        let grouped = groupWeights(flat, stride)
        let result = try Functional.recurrent(kind, input: tensor(input, "input"), batchSizes: intList(batchSizes, "batch_sizes"),
                                              hidden: hx.map { try tensor($0, "hx") }, cell: cx.map { try tensor($0, "cx") },
                                              weights: grouped, numLayers: Int(numLayers), bidirectional: bidirectional != 0,
                                              dropout: dropout, training: training != 0, batchFirst: batchFirst != 0)
        output.pointee = handle(result.output)
        hidden.pointee = handle(result.hidden)
        if let c = result.cell { cell?.pointee = handle(c) }
    }
}

private func groupWeights(_ flat: [Tensor], _ stride: Int) -> [RecurrentWeights] {
    Swift.stride(from: 0, to: flat.count, by: stride).map { i in
        RecurrentWeights(inputWeight: flat[i], hiddenWeight: flat[i + 1], inputBias: stride == 4 ? flat[i + 2] : nil,
                         hiddenBias: stride == 4 ? flat[i + 3] : nil)
    }
}

/// Packs a padded batch; sorted/unsorted indices come back NULL when enforce_sorted.
@_cdecl("cajal_nn_pack_padded_sequence")
public func cajal_nn_pack_padded_sequence(_ input: OpaquePointer?, _ lengths: OpaquePointer?, _ batchFirst: Int32,
                                          _ enforceSorted: Int32, _ data: TensorOut?, _ batchSizes: TensorOut?,
                                          _ sortedIndices: TensorOut?, _ unsortedIndices: TensorOut?) -> Int32 {
    status {
        guard let data, let batchSizes, let sortedIndices, let unsortedIndices else {
            throw CajalError(.nullArgument, "output pointer is NULL")
        }
        guard let lengthList = try intList(lengths, "lengths") else { throw CajalError(.nullArgument, "lengths handle is NULL") }
        let packed = try Functional.packPaddedSequence(tensor(input, "input"), lengths: lengthList, batchFirst: batchFirst != 0,
                                                       enforceSorted: enforceSorted != 0)
        let sizes = try intTensor(packed.batchSizes), sorted = try intTensor(packed.sortedIndices)
        let unsorted = try intTensor(packed.unsortedIndices)
        data.pointee = handle(packed.data)
        (batchSizes.pointee, sortedIndices.pointee, unsortedIndices.pointee) = (sizes, sorted, unsorted)
    }
}

/// Unpacks to a padded batch in the original order; total_length < 0 means the longest sequence.
@_cdecl("cajal_nn_pad_packed_sequence")
public func cajal_nn_pad_packed_sequence(_ data: OpaquePointer?, _ batchSizes: OpaquePointer?, _ sortedIndices: OpaquePointer?,
                                         _ batchFirst: Int32, _ paddingValue: Double, _ totalLength: Int64,
                                         _ padded: TensorOut?, _ lengths: TensorOut?) -> Int32 {
    status {
        guard let padded, let lengths else { throw CajalError(.nullArgument, "output pointer is NULL") }
        guard let sizes = try intList(batchSizes, "batch_sizes") else { throw CajalError(.nullArgument, "batch_sizes handle is NULL") }
        let sequence = PackedSequence(data: try tensor(data, "data"), batchSizes: sizes,
                                      sortedIndices: try intList(sortedIndices, "sorted_indices"))
        let result = try Functional.padPackedSequence(sequence, batchFirst: batchFirst != 0, paddingValue: paddingValue,
                                                      totalLength: totalLength < 0 ? nil : Int(totalLength))
        let lengthTensor = try intTensor(result.lengths)
        padded.pointee = handle(result.padded)
        lengths.pointee = lengthTensor
    }
}

/// Stacks sequences (L_i, *) into (max L, B, *), or (B, max L, *) with batch_first.
@_cdecl("cajal_nn_pad_sequence")
public func cajal_nn_pad_sequence(_ sequences: UnsafePointer<OpaquePointer?>?, _ count: Int, _ batchFirst: Int32,
                                  _ paddingValue: Double, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.padSequence(tensorList(sequences, count, "sequences"), batchFirst: batchFirst != 0, paddingValue: paddingValue)
    }
}
