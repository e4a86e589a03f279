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

    /// A 1x1 convolution stays a plain product (no columns to make): with one
    /// output channel (a segmentation head) GEMM took half of oneDNN's time
    /// with its reorders, and about even otherwise (benchmarks/CONV.md). With
    /// the batch split, one-channel inputs went to oneDNN too (LeNet's first
    /// layer forward 306 -> 231-251 µs, a U-Net's 190 -> 143 µs).
    private static func isPointwise(_ g: ConvolutionGeometry) -> Bool {
        g.kernelHeight == 1 && g.kernelWidth == 1 && g.depth.kernelDepth == 1
            && g.strideHeight == 1 && g.strideWidth == 1 && g.depth.strideDepth == 1
            && g.padTop == 0 && g.padLeft == 0 && g.depth.padFront == 0
    }

    /// Runs the forward (x, w, bias? -> y) or input-gradient (dy, w -> dx) step
    /// of a dense float32 convolution on oneDNN. False when oneDNN is off, missing
    /// or declines, and then the caller computes it all again its own way.
    ///
    /// A batch is split across our own cores, each part on oneDNN's kernels in
    /// one thread: handing it oneDNN's OpenMP threads instead left two pools
    /// spinning on two cores, each delaying the other's next job. A single
    /// image runs whole on oneDNN's threads. The parts depend only on the
    /// batch and the thread count (a call while the cores are busy runs them
    /// one after another), so a weight gradient's sum has the same bits.
    static func run(_ step: Step, _ g: ConvolutionGeometry, batch: Int, groups: Int, outChannels: Int,
                    _ first: UnsafeRawPointer, _ second: UnsafeRawPointer, bias: UnsafeRawPointer? = nil,
                    _ out: UnsafeMutableRawPointer) -> Bool {
        // Floats of one image's input and output: validated tensors' sizes.
        let (inImage, outImage) = (g.channels * groups * g.depth.depth * g.height * g.width, outChannels * g.columnCount)
        let (read, write) = step == .forward ? (inImage, outImage) : (outImage, inImage)
        return split(step, g, batch: batch, groups: groups, outChannels: outChannels) { _, images, threads in
            let offset = images.lowerBound * MemoryLayout<Float>.size
            return call(step, g, batch: images.count, groups: groups, outChannels: outChannels, first + offset * read, second,
                        bias: bias, out + offset * write, threads: threads)
        }
    }

    /// The weight gradient (x, dy -> dw of weightShape) on oneDNN, or nil as
    /// `run` returns false. With the batch split, each part writes its own
    /// partial gradient and the parts are added in order (the same bits every run).
    static func weightGradient(_ g: ConvolutionGeometry, batch: Int, groups: Int, weightShape: [Int], _ x: UnsafeRawPointer,
                               _ dy: UnsafeRawPointer) throws -> Tensor? {
        guard usable(.weightGradient, g, groups: groups) else { return nil }
        let outChannels = weightShape[0]
        let (inImage, outImage) = (g.channels * groups * g.depth.depth * g.height * g.width, outChannels * g.columnCount)
        let weightCount = outChannels * g.columnRows
        let parts = partCount(batch)
        let partials = try Tensor(uninitializedShape: [Swift.max(parts, 1)] + weightShape, dtype: .float32, op: "conv")
        let target = partials.dataPointer
        let done = split(.weightGradient, g, batch: batch, groups: groups, outChannels: outChannels) { part, images, threads in
            let offset = images.lowerBound * MemoryLayout<Float>.size
            return call(.weightGradient, g, batch: images.count, groups: groups, outChannels: outChannels, x + offset * inImage,
                        dy + offset * outImage, target + part * weightCount * MemoryLayout<Float>.size, threads: threads)
        }
        guard done else { return nil }
        return parts <= 1 ? try partials.reshape(weightShape) : try partials.sum(dims: [0], keepDim: false)
    }

    private static func usable(_ step: Step, _ g: ConvolutionGeometry, groups: Int) -> Bool {
        enabled && cajal_dnnl_available() != 0 && !isPointwise(g)
    }

    /// Whether oneDNN's reordered copies fit: the input and the output with
    /// their channels padded to 16 (the blocked layouts; about five times a
    /// three-channel image batch). When they do not, im2col (whose column
    /// buffers are cache-sized chunks) runs instead.
    private static func fitsInMemory(_ g: ConvolutionGeometry, batch: Int, groups: Int, outChannels: Int) -> Bool {
        let padded = { (channels: Int) in (channels + 15) / 16 * 16 }
        let input = Parallel.cost(batch, Parallel.cost(padded(g.channels * groups), g.depth.depth * g.height * g.width))
        let output = Parallel.cost(batch, Parallel.cost(padded(outChannels), g.columnCount))
        let (floats, overflow) = input.addingReportingOverflow(output)
        guard !overflow, floats < Int.max / 4 else { return false }
        return (try? MemoryBudget.reserve(floats * 4, op: "conv")) != nil
    }

    /// Parts of the batch for our cores.
    private static func partCount(_ batch: Int) -> Int { Swift.min(Parallel.threadCount, batch) }

    /// Calls body(part, images, threads) for the parts of the batch, in
    /// parallel when there are several; false when oneDNN is unusable or any part failed.
    private static func split(_ step: Step, _ g: ConvolutionGeometry, batch: Int, groups: Int, outChannels: Int,
                              _ body: (Int, Range<Int>, Int32) -> Bool) -> Bool {
        guard usable(step, g, groups: groups), fitsInMemory(g, batch: batch, groups: groups, outChannels: outChannels) else {
            return false
        }
        let parts = partCount(batch)
        if parts <= 1 {
            // oneDNN may use OpenMP's threads here: our spinning workers would hold the cores.
            if !Parallel.isRunningJob { Parallel.yieldCores() }
            return body(0, 0..<batch, Int32(clamping: Parallel.threadCount))
        }
        let failures = Atomic<Int>(0)
        Parallel.forEachChunk(parts, costPerItem: 1 << 20, grain: 1) { range in
            for part in range where !body(part, batch * part / parts ..< batch * (part + 1) / parts, 1) {
                failures.add(1, ordering: .relaxed)
            }
        }
        return failures.load(ordering: .relaxed) == 0
    }

    private static func call(_ step: Step, _ g: ConvolutionGeometry, batch: Int, groups: Int, outChannels: Int,
                             _ first: UnsafeRawPointer, _ second: UnsafeRawPointer, bias: UnsafeRawPointer? = nil,
                             _ out: UnsafeMutableRawPointer, threads: Int32) -> Bool {
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
        let a = first.assumingMemoryBound(to: Float.self), b = second.assumingMemoryBound(to: Float.self)
        let c = out.assumingMemoryBound(to: Float.self)
        switch step {
        case .forward:
            return cajal_dnnl_convolution_forward(&geometry, a, b, bias?.assumingMemoryBound(to: Float.self), c, threads) == 0
        case .inputGradient: return cajal_dnnl_convolution_backward_data(&geometry, a, b, c, threads) == 0
        case .weightGradient: return cajal_dnnl_convolution_backward_weights(&geometry, a, b, c, threads) == 0
        }
    }
}
