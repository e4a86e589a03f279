import CCajalPlatform
import CajalRuntime
import Synchronization

/// oneDNN's convolutions (cajal_dnnl.h): float32 convolutions, their input
/// and weight gradients run on oneDNN's JIT kernels when libdnnl.so.2 is
/// installed and `enabled` (torch.backends.mkldnn.enabled) is on; otherwise,
/// or when oneDNN declines a geometry, on im2col and GEMM.
package enum OneDNN {
    private static let switchedOn = Atomic<Bool>(true)

    /// torch.backends.mkldnn.enabled: process-wide, on by default.
    package static var enabled: Bool {
        get { switchedOn.load(ordering: .relaxed) }
        set { switchedOn.store(newValue, ordering: .relaxed) }
    }

    /// "oneDNN 2.6.3" when loaded (loading it on the first call), "" when not installed.
    package static var version: String { String(cString: cajal_dnnl_version()) }

    enum Step { case forward, inputGradient, weightGradient }

    /// Where im2col and GEMM measured faster (benchmarks/OPS.md): a 1x1
    /// convolution is a plain product with no columns to make, and a forward
    /// convolution of one input channel has small columns while oneDNN's
    /// kernel writes a blocked output that then has to be reordered.
    private static func prefersProduct(_ step: Step, _ g: ConvolutionGeometry, groups: Int) -> Bool {
        let pointwise = g.kernelHeight == 1 && g.kernelWidth == 1 && g.depth.kernelDepth == 1
            && g.strideHeight == 1 && g.strideWidth == 1 && g.depth.strideDepth == 1
            && g.padTop == 0 && g.padLeft == 0 && g.depth.padFront == 0
        return pointwise || (step == .forward && groups == 1 && g.channels == 1)
    }

    /// Runs one step of a dense float32 convolution on oneDNN: forward
    /// (first x, second w, out y), inputGradient (dy, w -> dx) or
    /// weightGradient (x, dy -> dw). False when oneDNN is off, missing or
    /// declines, and then nothing was written.
    static func run(_ step: Step, _ g: ConvolutionGeometry, batch: Int, groups: Int, outChannels: Int,
                    _ first: UnsafeRawPointer, _ second: UnsafeRawPointer, _ out: UnsafeMutableRawPointer) -> Bool {
        guard enabled, cajal_dnnl_available() != 0, !prefersProduct(step, g, groups: groups) else { return false }
        let flat = g.depth.depth == 1 && g.depth.kernelDepth == 1 && g.depth.outDepth == 1 && g.depth.padFront == 0
        var geometry = cajal_dnnl_convolution()
        geometry.spatial = flat ? 2 : 3
        geometry.batch = Int64(batch)
        geometry.in_channels = Int64(g.channels * groups)  // validated: the input tensor's channel count
        geometry.out_channels = Int64(outChannels)
        geometry.groups = Int64(groups)
        geometry.in = (Int64(g.depth.depth), Int64(g.height), Int64(g.width))
        geometry.out = (Int64(g.depth.outDepth), Int64(g.outHeight), Int64(g.outWidth))
        geometry.kernel = (Int64(g.depth.kernelDepth), Int64(g.kernelHeight), Int64(g.kernelWidth))
        geometry.stride = (Int64(g.depth.strideDepth), Int64(g.strideHeight), Int64(g.strideWidth))
        geometry.dilation = (Int64(g.depth.dilationDepth), Int64(g.dilationHeight), Int64(g.dilationWidth))
        geometry.pad_before = (Int64(g.depth.padFront), Int64(g.padTop), Int64(g.padLeft))
        // oneDNN runs on its own (OpenMP) threads: our spinning workers would hold the cores.
        Parallel.yieldCores()
        let threads = Int32(clamping: Parallel.isRunningJob ? 1 : Parallel.threadCount)
        let a = first.assumingMemoryBound(to: Float.self), b = second.assumingMemoryBound(to: Float.self)
        let c = out.assumingMemoryBound(to: Float.self)
        switch step {
        case .forward: return cajal_dnnl_convolution_forward(&geometry, a, b, c, threads) == 0
        case .inputGradient: return cajal_dnnl_convolution_backward_data(&geometry, a, b, c, threads) == 0
        case .weightGradient: return cajal_dnnl_convolution_backward_weights(&geometry, a, b, c, threads) == 0
        }
    }
}
