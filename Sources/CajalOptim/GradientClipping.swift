import CajalCore
import CajalRuntime
/// torch.nn.utils.clip_grad_norm_ and clip_grad_value_, over a list of
/// gradients in one call. The gradients are rescaled in place.
public enum GradientClipping {
    /// Scales the gradients so that their joint `normType`-norm is at most
    /// `maxNorm`, and returns the norm they had (a 0-dim tensor). As torch
    /// does, the factor is max_norm / (norm + 1e-6), clamped to at most 1.
    @discardableResult
    public static func clipNorm(_ gradients: [Tensor], maxNorm: Double, normType: Double = 2,
                                errorIfNonfinite: Bool = false) throws -> Tensor {
        try GradMode.withDisabled {
            guard let first = gradients.first else { return try Tensor.scalar(0, dtype: .float32) }
            for (i, g) in gradients.enumerated() where !g.dtype.isFloatingPoint {
                throw CajalError.type("[clip_grad_norm_] gradient \(i) has dtype \(g.dtype); gradients must be floating point")
            }
            let norms = try gradients.map { try $0.norm(p: normType).to(first.dtype) }
            let total = try Tensor.stack(norms).norm(p: normType)
            let value = try total.item()
            if errorIfNonfinite && !value.isFinite {
                throw CajalError.runtime("[clip_grad_norm_] The total norm of order \(normType) for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
            }
            let factor = try Tensor.scalar(maxNorm).div(total.add(.scalar(1e-6))).clamp(min: nil, max: 1)
            for g in gradients {
                try g.copyElements(from: g.mul(factor.to(g.dtype)))
                g.storage.bumpVersion()
            }
            return total
        }
    }

    /// Clamps every gradient to [-clipValue, clipValue].
    public static func clipValue(_ gradients: [Tensor], clipValue: Double) throws {
        try GradMode.withDisabled {
            for g in gradients {
                try g.copyElements(from: g.clamp(min: -clipValue, max: clipValue))
                g.storage.bumpVersion()
            }
        }
    }
}
