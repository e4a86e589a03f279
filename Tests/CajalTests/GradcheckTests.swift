import Foundation
import Testing
import Cajal

/// Finite-difference checks in float64 of every differentiable op: the
/// analytic gradient of sum(f(x) * w) must match central differences.
struct GradcheckTests {
    /// Inputs are random float64 leaves of `shapes`; `positive` keeps them in
    /// [0.5, 2.5] for log, sqrt and pow bases; `awayFromZero` keeps |x| >= 0.3
    /// so relu's kink is never straddled by the finite difference; `unit`
    /// keeps them in (-0.9, 0.9) (asin, atanh), `aboveOne` in [1.5, inf) (acosh).
    func gradcheck(_ shapes: [[Int]], positive: Bool = false, awayFromZero: Bool = false, unit: Bool = false,
                   aboveOne: Bool = false, seed: UInt64 = 7, _ f: ([Tensor]) throws -> Tensor) throws {
        let generator = Generator(seed: seed)
        var data: [[Double]] = []
        for shape in shapes {
            var values = try Tensor.randn(shape, dtype: .float64, generator: generator).toArray(Double.self)
            if positive { values = values.map { abs($0) + 0.5 } }
            if awayFromZero { values = values.map { $0 >= 0 ? $0 + 0.3 : $0 - 0.3 } }
            if unit { values = values.map { 0.9 * Foundation.tanh($0) } }
            if aboveOne { values = values.map { abs($0) + 1.5 } }
            data.append(values)
        }
        func leaves(_ values: [[Double]]) throws -> [Tensor] {
            try zip(values, shapes).map { try Tensor($0.0, shape: $0.1) }
        }
        let probe = try f(leaves(data))
        let weights = try Tensor.randn(probe.shape, dtype: .float64, generator: generator)
        func loss(_ values: [[Double]]) throws -> Double {
            try (f(leaves(values)) * weights).sum().item()
        }

        let inputs = try leaves(data)
        for x in inputs { try x.setRequiresGrad() }
        try (f(inputs) * weights).sum().backward()

        let eps = 1e-6
        for k in 0..<shapes.count {
            let analytic = try inputs[k].grad.map { try $0.toArray(Double.self) } ?? [Double](repeating: 0, count: data[k].count)
            for i in 0..<data[k].count {
                var plus = data, minus = data
                plus[k][i] += eps
                minus[k][i] -= eps
                let numeric = (try loss(plus) - loss(minus)) / (2 * eps)
                #expect(abs(analytic[i] - numeric) <= 1e-5 + 1e-3 * abs(numeric),
                        "input \(k)[\(i)]: analytic \(analytic[i]) vs numeric \(numeric)")
            }
        }
    }

    @Test func arithmetic() throws {
        try gradcheck([[2, 3], [2, 3]]) { try $0[0] + $0[1] }
        try gradcheck([[2, 3], [3]]) { try $0[0] - $0[1] }
        try gradcheck([[2, 1, 3], [4, 1]]) { try $0[0] * $0[1] }
        try gradcheck([[2, 3], [2, 1]], positive: true) { try $0[0] / $0[1] }
        try gradcheck([[3]]) { try -$0[0] }
        try gradcheck([[2, 3]]) { try 2.5 - $0[0] * 3.0 }
        try gradcheck([[2, 3]], positive: true) { try 1.5 / $0[0] }
    }

    @Test func power() throws {
        try gradcheck([[2, 3], [2, 3]], positive: true) { try $0[0].pow($0[1]) }
        try gradcheck([[2, 3], [3]], positive: true) { try $0[0].pow($0[1]) }
        try gradcheck([[4]]) { try $0[0].pow(3) }
        try gradcheck([[4]], positive: true) { try $0[0].pow(-1.5) }
        try gradcheck([[4]]) { try Tensor.scalar(2.0).pow($0[0]) }
    }

    /// Every differentiable unary op declared with unary() in api/, on the
    /// inputs its declaration names (Generated/DeclaredOps.swift).
    @Test(arguments: declaredUnaryOps.filter { $0.gradcheck != nil }.map(\.name))
    func declaredUnary(_ name: String) throws {
        let op = try #require(declaredUnaryOps.first { $0.name == name })
        try gradcheck([[3, 2]], positive: op.gradcheck == .positive, awayFromZero: op.gradcheck == .awayFromZero,
                      unit: op.gradcheck == .unit, aboveOne: op.gradcheck == .aboveOne) {
            try op.call($0[0])
        }
    }

    @Test func piecewiseConstantUnaryMath() throws {
        // Piecewise-constant functions have a zero gradient away from their jumps.
        try gradcheck([[3, 2]]) { try $0[0].mul(.scalar(1.3)).floor().add($0[0]) }
        try gradcheck([[3, 2]]) { try $0[0].sign().add($0[0].round()).add($0[0]) }
    }

    @Test func binaryMath() throws {
        // Distinct values, so there are no ties for maximum and minimum.
        try gradcheck([[2, 3], [3]], seed: 11) { try $0[0].maximum($0[1]) }
        try gradcheck([[2, 3], [2, 1]], seed: 12) { try $0[0].minimum($0[1]) }
        try gradcheck([[4], [4]], positive: true, seed: 13) { try $0[0].mul(.scalar(3.0)).fmod($0[1]) }
        try gradcheck([[4], [4]], positive: true, seed: 14) { try $0[0].mul(.scalar(-3.0)).remainder($0[1]) }
        try gradcheck([[4], [4]], positive: true) { try $0[0].div($0[1], roundingMode: "floor").add($0[0].mul($0[1])) }
    }

    @Test func clamp() throws {
        try gradcheck([[3, 4]], awayFromZero: true) { try $0[0].clamp(min: -0.2, max: 0.2) }
        try gradcheck([[3, 4]], awayFromZero: true) { try $0[0].clamp(min: 0.1, max: nil) }
        try gradcheck([[2, 3], [3], [2, 1]], seed: 15) { x in
            try x[0].clamp(min: x[1].sub(.scalar(0.5)), max: x[2].add(.scalar(0.5)))
        }
    }

    @Test func whereSelect() throws {
        let mask = try Tensor([true, false, true], shape: [3])
        try gradcheck([[2, 3], [2, 1]]) { try Tensor.where(mask, $0[0], $0[1]) }
    }

    @Test func matmul() throws {
        try gradcheck([[2, 3], [3, 4]]) { try $0[0].matmul($0[1]) }
        try gradcheck([[3], [3]]) { try $0[0].matmul($0[1]) }
        try gradcheck([[3], [3, 2]]) { try $0[0].matmul($0[1]) }
        try gradcheck([[2, 3], [3]]) { try $0[0].matmul($0[1]) }
        try gradcheck([[2, 1, 2, 3], [3, 3, 2]]) { try $0[0].matmul($0[1]) }
        try gradcheck([[3, 2], [4, 3]]) { try $0[0].t().matmul($0[1].t()) }
        try gradcheck([[2, 2, 3], [3]]) { try $0[0].matmul($0[1]) }
    }

    @Test func reductions() throws {
        try gradcheck([[2, 3]]) { try $0[0].sum() }
        try gradcheck([[2, 3, 2]]) { try $0[0].sum(dims: [0, 2]) }
        try gradcheck([[2, 3]]) { try $0[0].sum(dim: 1, keepDim: true) }
        try gradcheck([[2, 3]]) { try $0[0].mean() }
        try gradcheck([[2, 3, 2]]) { try $0[0].mean(dims: [-1], keepDim: true) }
        try gradcheck([[3, 2]]) { try $0[0].t().mean(dim: 0) }
    }

    @Test func views() throws {
        try gradcheck([[2, 3]]) { try $0[0].reshape([3, 2]) }
        try gradcheck([[2, 3]]) { try $0[0].view([6]) }
        try gradcheck([[2, 3]]) { try $0[0].t().reshape([6]) }
        try gradcheck([[2, 3, 2]]) { try $0[0].transpose(0, 2) }
        try gradcheck([[2, 3, 2]]) { try $0[0].permute([1, 2, 0]) }
        try gradcheck([[3, 1]]) { try $0[0].expand([2, 3, 4]) }
        try gradcheck([[1, 3, 1]]) { try $0[0].squeeze() }
        try gradcheck([[1, 3, 1]]) { try $0[0].squeeze(dim: 0) }
        try gradcheck([[3]]) { try $0[0].unsqueeze(dim: 1) }
        try gradcheck([[2, 3]]) { try $0[0].t().contiguous() }
        try gradcheck([[2, 3]]) { try $0[0].clone() }
        try gradcheck([[2, 3]]) { try $0[0].to(.float64) }
    }

    @Test func slicingAndJoining() throws {
        try gradcheck([[3, 5]]) { try $0[0].slice(dim: 1, start: 1, end: 5, step: 2) }
        try gradcheck([[3, 4]]) { try $0[0].select(dim: 1, index: -1) }
        try gradcheck([[4, 3]]) { try $0[0].narrow(dim: 0, start: 1, length: 2) }
        try gradcheck([[3, 4]]) { try $0[0].diagonal(offset: 1) }
        try gradcheck([[2, 3], [1, 3]]) { try Tensor.cat([$0[0], $0[1]], dim: 0) }
        try gradcheck([[2, 3], [2, 3]]) { try Tensor.stack([$0[0], $0[1]], dim: 1) }
        try gradcheck([[3, 4]]) { try $0[0].flip([0, 1]) }
        try gradcheck([[3, 4]]) { try $0[0].roll(shifts: [1, -1], dims: [0, 1]) }
        try gradcheck([[2, 3]]) { try $0[0].repeat([2, 1, 2]) }
        try gradcheck([[3, 3]]) { try $0[0].tril(0).add($0[0].triu(1).mul(.scalar(2.0))) }
        try gradcheck([[3]]) { try $0[0].diag(1) }
        try gradcheck([[3, 3]]) { try $0[0].diag(-1) }
        try gradcheck([[2, 6]]) { try $0[0].split(sizes: [2, 4], dim: 1)[1] }
    }

    @Test func indexing() throws {
        let rows = try Tensor([2, 0, 2, 1] as [Int64])
        try gradcheck([[3, 4]]) { try $0[0].index([rows]) }                        // duplicates accumulate
        try gradcheck([[2, 3, 4]]) { try $0[0].getItem([.at(1), .tensor(rows), .range(1, nil)]) }
        try gradcheck([[2, 3, 4]]) { try $0[0].index([try Tensor([1, 0] as [Int64]), nil, try Tensor([3, 3] as [Int64])]) }
        let mask = try Tensor([true, false, true, true, false, true], shape: [2, 3])
        try gradcheck([[2, 3]]) { try $0[0].index([mask]) }
        try gradcheck([[2, 3]]) { try $0[0].maskedSelect(try Tensor([true, false, true])) }
        try gradcheck([[3, 4]]) { try $0[0].indexSelect(dim: 1, index: try Tensor([3, 0, 3] as [Int64])) }
        let positions = try Tensor([0, 3, 1, 1, 2, 0] as [Int64], shape: [3, 2])
        try gradcheck([[3, 4]]) { try $0[0].gather(dim: 1, index: positions) }
        try gradcheck([[3, 4], [3, 2]]) { try $0[0].scatterAdd(dim: 1, index: positions, source: $0[1]) }
        // A source larger than the index, where torch's own backward fails.
        let distinct = try Tensor([0, 3, 1, 2] as [Int64], shape: [2, 2])
        try gradcheck([[3, 4], [3, 5]]) { try $0[0].scatter(dim: 1, index: distinct, source: $0[1]) }
        try gradcheck([[3, 4], []]) { try $0[0].maskedFill(try Tensor([true, false, false, true]), value: $0[1]) }
    }

    @Test func linearAlgebra() throws {
        // A dominant diagonal keeps the matrices well away from singular.
        let shift = try Tensor.eye(3, dtype: .float64) * 4.0
        try gradcheck([[3, 4], [4, 2]]) { try $0[0].mm($0[1]) }
        try gradcheck([[2, 3, 4], [2, 4, 2]]) { try $0[0].bmm($0[1]) }
        try gradcheck([[3, 4], [4]]) { try $0[0].mv($0[1]) }
        try gradcheck([[5], [5]]) { try $0[0].dot($0[1]) }
        try gradcheck([[3], [4]]) { try $0[0].outer($0[1]) }
        try gradcheck([[3, 3]]) { try $0[0].add(shift).inv() }
        try gradcheck([[2, 3, 3]]) { try $0[0].add(shift).inv() }
        try gradcheck([[3, 3]]) { try $0[0].add(shift).det() }
        try gradcheck([[2, 3, 3]]) { try $0[0].det() }
        try gradcheck([[3, 3], [3]]) { try Tensor.solve($0[0].add(shift), $0[1]) }
        try gradcheck([[2, 3, 3], [3, 2]]) { try Tensor.solve($0[0].add(shift), $0[1]) }
        try gradcheck([[3, 4]], awayFromZero: true) { try $0[0].linalgNorm(ord: .p(1)) }
        try gradcheck([[3, 4]], seed: 28) { try $0[0].linalgNorm(ord: .p(-.infinity), dims: [0, 1]) }
        try gradcheck([[2, 3, 4]]) { try $0[0].linalgNorm(ord: .frobenius, dims: [1, 2], keepDim: true) }
        try gradcheck([[3, 4], [4, 2]]) { try Tensor.einsum("ij,jk->ki", $0) }
        try gradcheck([[2, 3, 4], [2, 4, 3]]) { try Tensor.einsum("bij,bjk->bik", $0) }
        try gradcheck([[3, 3, 2]]) { try Tensor.einsum("iij->ji", $0) }
        try gradcheck([[2, 3], [4, 3, 5], [2, 5]]) { try Tensor.einsum("bn,anm,bm->ba", $0) }
        try gradcheck([[2, 1, 3, 4], [5, 4, 2]]) { try Tensor.einsum("...ij,...jk->...ik", $0) }
        try gradcheck([[3], [4]]) { try Tensor.einsum("i,j", $0) }
    }

    @Test func moreReductions() throws {
        try gradcheck([[2, 3]]) { try $0[0].prod() }
        try gradcheck([[3, 4]]) { try $0[0].prod(dim: 1, keepDim: true) }
        // Zeros in a product: the gradient is the product of the others.
        try gradcheck([[4]]) { try $0[0].mul(try Tensor([1, 0, 1, 1] as [Double])).prod() }
        try gradcheck([[3, 4]], seed: 21) { try $0[0].max() }
        try gradcheck([[3, 4]], seed: 22) { try $0[0].max(dim: 1).values }
        try gradcheck([[3, 4]], seed: 23) { try $0[0].min(dim: 0, keepDim: true).values }
        try gradcheck([[2, 3, 4]], seed: 24) { try $0[0].amax(dims: [0, 2]) }
        try gradcheck([[3, 4]]) { try $0[0].variance(dims: [1]) }
        try gradcheck([[3, 4]]) { try $0[0].std(correction: 0) }
        try gradcheck([[3, 4]]) { try $0[0].norm() }
        try gradcheck([[3, 4]], awayFromZero: true) { try $0[0].norm(p: 1, dims: [0]) }
        try gradcheck([[3, 4]], positive: true) { try $0[0].norm(p: 3, dims: [1], keepDim: true) }
        try gradcheck([[3, 4]], seed: 25) { try $0[0].norm(p: .infinity, dims: [1]) }
        try gradcheck([[3, 4]]) { try $0[0].logsumexp(dims: [1]) }
        try gradcheck([[3, 4]]) { try $0[0].cumsum(dim: 1) }
        try gradcheck([[3, 4]]) { try $0[0].cumprod(dim: 0) }
        try gradcheck([[5]]) { try $0[0].mul(try Tensor([1, 0, 1, 0, 1] as [Double])).cumprod(dim: 0) }
        try gradcheck([[3, 5]], seed: 26) { try $0[0].sort(dim: 1, descending: true).values }
        try gradcheck([[4, 3]], seed: 27) { try $0[0].topk(2, dim: 0).values }
    }

    @Test func neuralNetworkFunctions() throws {
        try gradcheck([[2, 3, 6, 5], [4, 3, 3, 2], [4]]) { x in
            try Tensor.conv2d(x[0], weight: x[1], bias: x[2], stride: [2, 1], padding: .explicit([1, 2]), dilation: [1, 2])
        }
        try gradcheck([[1, 4, 5, 5], [4, 2, 3, 3]]) { x in try Tensor.conv2d(x[0], weight: x[1], padding: .same, groups: 2) }
        try gradcheck([[2, 4, 3, 3], [4, 2, 3, 2], [4]]) { x in
            try Tensor.convTranspose2d(x[0], weight: x[1], bias: x[2], stride: [2], padding: [1], outputPadding: [1], groups: 2)
        }
        try gradcheck([[2, 3, 9], [2, 3, 4]]) { x in try Tensor.conv1d(x[0], weight: x[1], stride: [2], padding: .explicit([2])) }
        try gradcheck([[2, 2, 5, 6]], seed: 31) { x in
            try Tensor.maxPool2d(x[0], kernelSize: [3], stride: [2], padding: [1], ceilMode: true).values
        }
        try gradcheck([[2, 2, 5, 6]]) { x in
            try Tensor.avgPool2d(x[0], kernelSize: [3, 2], stride: [2], padding: [1], ceilMode: true, countIncludePad: false)
        }
        try gradcheck([[3, 5], [4, 5], [4]]) { x in try Functional.linear(x[0], weight: x[1], bias: x[2]) }
        try gradcheck([[3, 4]]) { x in try Functional.logSoftmax(x[0], dim: 1) }
        try gradcheck([[3, 4]]) { x in try Functional.gelu(x[0]).add(Functional.softplus(x[0], beta: 2, threshold: 1)) }
        let target = try Tensor([0, 2, 1] as [Int64])
        try gradcheck([[3, 4]]) { x in
            try Functional.crossEntropy(x[0], target, weight: Tensor([1, 2, 0.5, 1] as [Double]), labelSmoothing: 0.2)
        }
        try gradcheck([[3, 4], [3, 4]]) { x in
            try Functional.binaryCrossEntropyWithLogits(x[0], x[1].sigmoid(), positiveWeight: Tensor([2, 1, 1, 3] as [Double]))
        }
    }

    @Test func normalisationAndEmbedding() throws {
        try gradcheck([[2, 3, 4], [3, 4], [3, 4]]) { x in
            try Functional.layerNorm(x[0], normalizedShape: [3, 4], weight: x[1], bias: x[2])
        }
        try gradcheck([[4, 3, 2], [3], [3]]) { x in
            try Functional.batchNorm(x[0], runningMean: nil, runningVar: nil, weight: x[1], bias: x[2], training: true)
        }
        try gradcheck([[2, 4, 3], [4], [4]]) { x in try Functional.groupNorm(x[0], numGroups: 2, weight: x[1], bias: x[2]) }
        try gradcheck([[2, 3, 2, 3]]) { x in try Functional.instanceNorm(x[0]) }
        let tokens = try Tensor([0, 3, 1, 3, 2] as [Int64])
        // (With a padding_idx the gradient is cut on purpose, as torch's: the fixtures cover that.)
        try gradcheck([[4, 3]]) { x in try Functional.embedding(tokens, weight: x[0]) }
        try gradcheck([[3, 4], [4]]) { x in try Functional.prelu(x[0], weight: x[1]).add(Functional.logSigmoid(x[0])) }
    }

    @Test func composite() throws {
        // A small MLP layer with a broadcast bias, as the demo trains.
        try gradcheck([[4, 3], [3, 2], [2]]) { x in
            try (x[0].matmul(x[1]) + x[2]).tanh().sigmoid()
        }
    }

    /// The recurrent layers' hand-written backward (BPTT through the fused gate
    /// kernels) against finite differences, on packed batches in both directions:
    /// inputs, both initial states and every weight.
    @Test(arguments: [RecurrentKind.lstm, .gru, .rnnTanh, .rnnRelu])
    func recurrentLayer(_ kind: RecurrentKind) throws {
        let (inputSize, hidden, gates) = (3, 4, kind.gateCount * 4)
        let batchSizes = [3, 3, 2, 1]  // lengths 4, 3, 2
        var shapes = [[9, inputSize], [2, 3, hidden], [2, 3, hidden]]
        for _ in 0..<2 { shapes += [[gates, inputSize], [gates, hidden], [gates], [gates]] }
        try gradcheck(shapes) { x in
            let weights = [0, 1].map { d in
                RecurrentWeights(inputWeight: x[3 + 4 * d], hiddenWeight: x[4 + 4 * d], inputBias: x[5 + 4 * d], hiddenBias: x[6 + 4 * d])
            }
            // relu's kink at 0 breaks finite differences; keep its pre-activations small but off 0 by scaling.
            let input = kind == .rnnRelu ? try x[0].mul(.scalar(0.5)) : x[0]
            let result = try Functional.recurrent(kind, input: input, batchSizes: batchSizes, hidden: x[1],
                                                  cell: kind == .lstm ? x[2] : nil, weights: weights, numLayers: 1,
                                                  bidirectional: true)
            var total = try result.output.tanh().sum() + result.hidden.mul(result.hidden).sum()
            if let cell = result.cell { total = try total + cell.sin().sum() }
            if kind != .lstm { total = try total + x[2].sum() }  // c0 unused: a zero gradient is still checked
            return total
        }
    }
}
