import CajalCore
import CajalRuntime
/// torch.nn.functional.embedding_bag: the rows of a lookup table summed,
/// averaged or maxed per bag without building the (bags x length x dim)
/// tensor, composed of index_select and index_add / scatter_reduce, so the
/// gradient reaches the table through them.
extension Functional {
    /// input: int64 indices, (B, L) for B bags of L each, or 1-D with
    /// offsets (the start of each bag; with includeLastOffset one more, the
    /// end of the last). Entries equal to paddingIndex are left out (of the
    /// mean's count too); empty bags give zeros. perSampleWeights (shaped as
    /// input) scale the rows, in sum mode only.
    public static func embeddingBag(_ input: Tensor, weight: Tensor, offsets: Tensor? = nil, mode: EmbeddingBagMode = .mean,
                                    perSampleWeights: Tensor? = nil, includeLastOffset: Bool = false,
                                    paddingIndex: Int? = nil) throws -> Tensor {
        let op = "embedding_bag"
        guard weight.rank == 2 else { throw CajalError.runtime("[\(op)] weight has to be a 2D Tensor, but got Tensor of dimension \(weight.rank)") }
        guard !input.dtype.isFloatingPoint, !input.dtype.isComplex, input.dtype != .bool else {
            throw CajalError.runtime("[\(op)] Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got \(input.dtype) instead")
        }
        let (rows, dim) = (weight.shape[0], weight.shape[1])
        let indices = try input.to(.int64)
        let flat = try indices.reshape([-1]), count = flat.count
        // The bag of each position.
        let bags: Int, bagOf: Tensor
        switch input.rank {
        case 2:
            guard offsets == nil else {
                throw CajalError.value("[\(op)] if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences.")
            }
            bags = input.shape[0]
            bagOf = try Tensor.arange(end: Double(bags), dtype: .int64).unsqueeze(dim: 1).expand(input.shape).reshape([-1])
        case 1:
            guard let offsets else { throw CajalError.value("[\(op)] offsets has to be a 1D Tensor but got None") }
            guard offsets.rank == 1, !offsets.dtype.isFloatingPoint, offsets.dtype != .bool else {
                throw CajalError.value("[\(op)] offsets has to be a 1D Tensor of integers, got \(offsets.dtype) of shape \(offsets.shape)")
            }
            let starts = try offsets.to(.int64)
            bags = includeLastOffset ? Swift.max(starts.count - 1, 0) : starts.count
            if starts.count > 0 {
                guard try starts.select(dim: 0, index: 0).item() == 0 else {
                    throw CajalError.runtime("[\(op)] offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got \(try starts.select(dim: 0, index: 0).item())")
                }
                guard try starts.select(dim: 0, index: starts.count - 1).item() <= Double(count) else {
                    throw CajalError.runtime("[\(op)] offsets[-1] can not be greater than input's length (\(count)), but got offsets[-1] of \(try starts.select(dim: 0, index: starts.count - 1).item())")
                }
                if starts.count > 1 {
                    let steps = try starts.narrow(dim: 0, start: 1, length: starts.count - 1)
                        .sub(starts.narrow(dim: 0, start: 0, length: starts.count - 1))
                    guard try steps.lt(.scalar(Int64(0))).any().item() == 0 else {
                        throw CajalError.runtime("[\(op)] offsets must be non-decreasing")
                    }
                }
            }
            // A 1 where each later bag starts; their running sum numbers the bags.
            let later = bags > 1 ? try starts.narrow(dim: 0, start: 1, length: bags - 1) : try Tensor.zeros([0], dtype: .int64)
            let marks = try Tensor.zeros([count + 1], dtype: .int64)
                .indexAdd(dim: 0, index: later, source: Tensor.ones([later.count], dtype: .int64))
            bagOf = try marks.narrow(dim: 0, start: 0, length: count).cumsum(dim: 0)
        default:
            throw CajalError.value("[\(op)] input has to be 1D or 2D Tensor, but got Tensor of dimension \(input.rank)")
        }
        if let perSampleWeights {
            guard mode == .sum else {
                throw CajalError.notImplemented("[\(op)] embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='\(mode.name)'). Please open a feature request on GitHub.")
            }
            guard perSampleWeights.shape == input.shape else {
                throw CajalError.value("[\(op)] embedding_bag: If per_sample_weights (\(perSampleWeights.shape)) is not None, then it must have the same shape as the input (\(input.shape))")
            }
        }
        if count > 0, try flat.lt(.scalar(Int64(0))).logicalOr(flat.ge(.scalar(Int64(rows)))).any().item() != 0 {
            throw CajalError.index("[\(op)] index out of range in self")
        }
        let padding = try paddingIndex.map { index -> Int in
            guard index >= -rows, index < rows else { throw CajalError.value("[\(op)] padding_idx must be within the number of embeddings") }
            return index < 0 ? index + rows : index
        }
        let kept = try padding.map { try flat.ne(.scalar(Int64($0))) }
        var looked = try weight.indexSelect(dim: 0, index: flat)
        if mode == .max {
            if let kept { looked = try Tensor.where(kept.unsqueeze(dim: 1), looked, Tensor.scalar(-Double.infinity).to(weight.dtype)) }
            let lowest = try Tensor.full([bags, dim], value: -Double.infinity, dtype: weight.dtype)
            let maxima = try lowest.scatterReduce(dim: 0, index: bagOf.unsqueeze(dim: 1).expand([count, dim]), source: looked,
                                                  reduce: .amax)
            // Empty bags (and bags of padding alone) give zeros, as torch.
            return try Tensor.where(maxima.eq(.scalar(-Double.infinity)), Tensor.scalar(0.0).to(weight.dtype), maxima)
        }
        if let perSampleWeights { looked = try looked.mul(perSampleWeights.reshape([count, 1]).to(weight.dtype)) }
        if let kept { looked = try looked.mul(kept.to(weight.dtype).unsqueeze(dim: 1)) }
        let sums = try Tensor.zeros([bags, dim], dtype: weight.dtype).indexAdd(dim: 0, index: bagOf, source: looked)
        guard mode == .mean else { return sums }
        let members = try kept.map { try $0.to(weight.dtype) } ?? Tensor.ones([count], dtype: weight.dtype)
        let sizes = try Tensor.zeros([bags], dtype: weight.dtype).indexAdd(dim: 0, index: bagOf, source: members)
        return try sums.div(sizes.clamp(min: 1, max: nil).unsqueeze(dim: 1))
    }
}
