import CajalCore
import CajalRuntime
/// Norms and distances between embeddings (contrastive learning, metric
/// learning, retrieval): normalize, cosine_similarity, pairwise_distance and
/// pdist, composed of engine ops as torch composes them, so their gradients
/// are the engine's.
extension Functional {
    /// input / max(‖input‖_p, eps) along dim (F.normalize).
    public static func normalize(_ input: Tensor, p: Double = 2, dim: Int = 1, eps: Double = 1e-12) throws -> Tensor {
        try input.div(input.norm(p: p, dims: [dim], keepDim: true).clamp(min: eps, max: nil))
    }

    /// Σ (x1 / max(‖x1‖, eps)) (x2 / max(‖x2‖, eps)) along dim of the
    /// broadcast inputs. As torch, the norms are clamped outside the graph:
    /// the gradient is the unclamped norm's.
    public static func cosineSimilarity(_ x1: Tensor, _ x2: Tensor, dim: Int = 1, eps: Double = 1e-8) throws -> Tensor {
        let shape = try broadcastShapes(x1.shape, x2.shape, op: "cosine_similarity")
        let common = DType.promote(x1.dtype, x2.dtype)
        let floating = common.isFloatingPoint ? common : DType.defaultFloat
        let (a, b) = (try x1.to(floating).expand(shape), try x2.to(floating).expand(shape))
        func clampedNorm(_ x: Tensor) throws -> Tensor {
            let norm = try x.norm(p: 2, dims: [dim], keepDim: true)
            let lift = try GradMode.withDisabled { try norm.clamp(min: eps, max: nil).sub(norm) }
            return try norm.add(lift)
        }
        return try a.div(clampedNorm(a)).mul(b.div(clampedNorm(b))).sum(dims: [dim])
    }

    /// ‖x1 - x2 + eps‖_p along the last dim of the broadcast inputs.
    public static func pairwiseDistance(_ x1: Tensor, _ x2: Tensor, p: Double = 2, eps: Double = 1e-6,
                                        keepDim: Bool = false) throws -> Tensor {
        let innermost = Swift.max(x1.rank, x2.rank) - 1
        return try x1.sub(x2).add(.scalar(eps)).norm(p: p, dims: [Swift.max(innermost, 0)], keepDim: keepDim)
    }

    /// The p-norm distances between the rows of an (N, M) input, for every
    /// pair i < j in row-major order: N (N - 1) / 2 values (F.pdist).
    public static func pdist(_ input: Tensor, p: Double = 2) throws -> Tensor {
        guard input.rank == 2 else {
            throw CajalError.runtime("[pdist] pdist only supports 2D tensors, got: \(input.rank)D")
        }
        guard input.dtype.isFloatingPoint else {
            throw CajalError.runtime("[pdist] pdist only supports floating-point dtypes")
        }
        guard p >= 0 else { throw CajalError.runtime("[pdist] pdist only supports non-negative p values") }
        let rows = input.shape[0]
        // The (i, j) pairs above the diagonal, in row-major order.
        let pairs = try Tensor.ones([rows, rows], dtype: .bool).triu(1).nonzero()
        let first = try pairs.select(dim: 1, index: 0), second = try pairs.select(dim: 1, index: 1)
        return try input.indexSelect(dim: 0, index: first).sub(input.indexSelect(dim: 0, index: second))
            .norm(p: p, dims: [1])
    }
}
