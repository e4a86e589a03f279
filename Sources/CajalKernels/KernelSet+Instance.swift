import CajalRuntime

/// This module's kernels. The same sources build three modules, one per
/// instruction set; the engine picks the best one the CPU supports.
public let kernelSet = KernelSet(
    name: isaName,
    binary: binaryKernel,
    unary: unaryKernel,
    cast: castKernel,
    fill: fillKernel,
    select: selectKernel,
    clamp: clampKernel,
    reduce: reduceKernel,
    take: takeKernel,
    put: putKernel,
    gather: gatherKernel,
    scatter: scatterKernel,
    nonzero: nonzeroKernel,
    argReduce: argReduceKernel,
    scan: scanKernel,
    cumprodBackward: cumprodBackwardKernel,
    sort: sortKernel,
    recurrentForward: recurrentForwardKernel,
    recurrentBackward: recurrentBackwardKernel,
    maxPool2x2: maxPool2x2Kernel,
    maxPoolBackward: maxPoolBackwardKernel,
    maxPool: maxPoolKernel,
    adaptiveMaxPool: adaptiveMaxPoolKernel,
    averagePool: averagePoolKernel,
    im2col: im2colKernel,
    col2im: col2imKernel,
    optimizerUpdate: optimizerUpdateKernel,
    plainMatrixMultiply: plainMatrixMultiplyKernel,
    boxMuller: boxMullerKernel,
    temperWords: temperWordsKernel,
    bernoulliFromWords: bernoulliFromWordsKernel,
    sequence: sequenceKernel,
    ctcForward: ctcForwardKernel,
    ctcBackward: ctcBackwardKernel,
    softmax: softmaxKernel,
    softmaxBackward: softmaxBackwardKernel,
    attentionForward: attentionForwardKernel,
    attentionBackward: attentionBackwardKernel,
    layerNormForward: layerNormForwardKernel,
    layerNormBackward: layerNormBackwardKernel,
    batchNormStatistics: batchNormStatisticsKernel,
    channelAffine: channelAffineKernel,
    batchNormGradientSums: batchNormGradientSumsKernel,
    batchNormInputGradient: batchNormInputGradientKernel,
    attentionStreamingForward: attentionStreamingForwardKernel,
    attentionStreamingBackward: attentionStreamingBackwardKernel,
    repeatRow: repeatRowKernel,
    geluBackward: geluBackwardKernel,
    binaryCrossEntropyWithLogits: binaryCrossEntropyWithLogitsKernel,
    binaryCrossEntropyWithLogitsBackward: binaryCrossEntropyWithLogitsBackwardKernel,
    nllLoss: nllLossKernel,
    nllLossBackward: nllLossBackwardKernel,
    bilinear: bilinearKernel
)

/// Which instruction set this copy was compiled for, from the compiler's own flags.
private var isaName: String {
    #if arch(x86_64)
    // `-target-cpu skylake-avx512` / `haswell` in Package.swift define no
    // condition Swift can test, so each module states it in its build settings.
    #if CAJAL_ISA_AVX512
    return "avx512"
    #elseif CAJAL_ISA_AVX2
    return "avx2"
    #else
    return "baseline"
    #endif
    #else
    return "baseline"
    #endif
}
