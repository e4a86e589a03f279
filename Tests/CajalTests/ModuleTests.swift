import Foundation
import Testing
import Cajal

/// The Swift layer API against real torch: Tests/reference/models.py's LeNet
/// built from Swift modules takes torch's state_dict (fixtures/python/modules.json)
/// under the same keys and gives torch's outputs and parameter gradients.
struct ModuleTests {
    private struct ModelFixture: Decodable {
        let state_dict: [String: FixtureTensor]
        let parameters: [String]
        let input: FixtureTensor
        let output: FixtureTensor
        let grad_weight: FixtureTensor
        let grads: [String: FixtureTensor]
    }

    private struct ModelsFile: Decodable {
        let models: [String: ModelFixture]
    }

    /// LeNet-5 as models.py writes it with torch.nn.
    final class LeNet: Module {
        override init() {
            super.init()
            do {
                registerModule("features", Sequential([
                    try Conv2d(1, 6, kernelSize: [5], padding: .explicit([2])), Lambda.relu, Lambda.maxPool2d(2),
                    try Conv2d(6, 16, kernelSize: [5]), Lambda.relu, Lambda.maxPool2d(2)]))
                registerModule("classifier", Sequential([
                    Lambda.flatten, try Linear(400, 120), Lambda.relu, try Linear(120, 84), Lambda.relu, try Linear(84, 10)]))
            } catch {
                Issue.record("LeNet could not be built: \(error)")
            }
        }

        override func forward(_ input: Tensor) throws -> Tensor {
            try children.reduce(input) { x, child in try child.module(x) }
        }
    }

    private func lenetFixture() throws -> ModelFixture {
        let url = Fixtures.directory.appendingPathComponent("python/modules.json")
        let file = try JSONDecoder().decode(ModelsFile.self, from: Data(contentsOf: url))
        guard let lenet = file.models["lenet"] else { throw CajalError.runtime("no lenet in modules.json") }
        return lenet
    }

    @Test func lenetLoadsTorchWeightsAndMatchesTorch() throws {
        let fixture = try lenetFixture()
        let model = LeNet()
        #expect(model.namedParameters().map(\.name) == fixture.parameters)
        #expect(Set(model.stateDict().map(\.name)) == Set(fixture.state_dict.keys))
        let report = try model.loadStateDict(try fixture.state_dict.mapValues { try $0.tensor() })
        #expect(report.missing.isEmpty && report.unexpected.isEmpty)
        model.eval()
        let out = try model(fixture.input.tensor())
        if let problem = try mismatch(out, fixture.output, "lenet output", caseAtol: 1e-5) { Issue.record(Comment(rawValue: problem)) }
        try (out * fixture.grad_weight.tensor()).sum().backward()
        for (name, parameter) in model.namedParameters() {
            guard let grad = parameter.grad, let expected = fixture.grads[name] else {
                Issue.record("no gradient for \(name)")
                continue
            }
            if let problem = try mismatch(grad, expected, "lenet grad \(name)", caseAtol: 1e-4) { Issue.record(Comment(rawValue: problem)) }
        }
        model.zeroGrad()
        #expect(model.parameters.allSatisfy { $0.grad == nil })
    }

    @Test func stateDictsRefuseWrongKeysAndShapes() throws {
        let model = try Linear(3, 2)
        #expect(model.stateDict().map(\.name) == ["weight", "bias"])
        #expect(throws: CajalError.self) { try model.loadStateDict(["weight": Tensor.zeros([2, 3])]) }  // bias missing
        let loose = try model.loadStateDict(["weight": Tensor.zeros([2, 3]), "extra": Tensor.zeros([1])], strict: false)
        #expect(loose.missing == ["bias"] && loose.unexpected == ["extra"])
        #expect(try model.weight?.sum().item() == 0)
        #expect(throws: CajalError.self) { try model.loadStateDict(["weight": Tensor.zeros([3, 3]), "bias": Tensor.zeros([2])]) }
        #expect(throws: CajalError.self) { try Conv2d(3, 4, kernelSize: [3], groups: 2) }
        #expect(throws: CajalError.self) { try model(Tensor.zeros([5, 4])) }
    }

    @Test func batchNormSwitchesBetweenBatchAndRunningStatistics() throws {
        let norm = try BatchNorm(2, momentum: 0.5)
        let x = try Tensor([1, 2, 3, 6] as [Float], shape: [2, 2])
        _ = try norm(x)
        // Running mean: half of the batch mean (2, 4); running var: 0.5 + 0.5 * unbiased var (2, 8).
        #expect(try norm.buffer("running_mean")?.toArray(Float.self) == [1, 2])
        #expect(try norm.buffer("running_var")?.toArray(Float.self) == [1.5, 4.5])
        #expect(try norm.buffer("num_batches_tracked")?.item() == 1)
        norm.eval()
        let y = try norm(x).toArray(Float.self)
        #expect(abs(y[0] - (1 - 1) / Float(1.5 + 1e-5).squareRoot()) < 1e-6)
        #expect(abs(y[3] - (6 - 2) / Float(4.5 + 1e-5).squareRoot()) < 1e-5)
        #expect(!norm.isTraining && norm.stateDict().map(\.name) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"])
    }

    @Test func moreLayersHaveTorchShapesModesAndErrors() throws {
        let up = try ConvTranspose2d(4, 6, kernelSize: [2], stride: [2])
        #expect(up.stateDict().map(\.name) == ["weight", "bias"])
        #expect(try up(Tensor.zeros([1, 4, 3, 5])).shape == [1, 6, 6, 10])
        #expect(up.namedParameters()[0].tensor.shape == [4, 6, 2, 2])
        let norm = try LayerNorm([5])
        let y = try norm(Tensor.randn([3, 5], generator: Generator(seed: 1)))
        #expect(try abs(y.mean().item()) < 1e-6)
        #expect(try GroupNorm(2, 4)(Tensor.zeros([2, 4, 3])).shape == [2, 4, 3])
        #expect(throws: CajalError.self) { try GroupNorm(3, 4) }
        let table = try Embedding(6, 3, paddingIndex: -1)
        #expect(try table.parameter("weight")?.narrow(dim: 0, start: 5, length: 1).abs().sum().item() == 0)
        #expect(try table(Tensor([0, 5, 2] as [Int64])).shape == [3, 3])
        #expect(throws: CajalError.self) { try table(Tensor([6] as [Int64])) }
        let drop = try Dropout(0.5)
        let ones = try Tensor.ones([1000])
        let kept = try drop(ones).toArray(Float.self)
        #expect(kept.allSatisfy { $0 == 0 || $0 == 2 })
        drop.eval()
        #expect(try drop(ones).toArray(Float.self).allSatisfy { $0 == 1 })
        #expect(throws: CajalError.self) { try Dropout(1.5) }
    }
}
