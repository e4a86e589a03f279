import Foundation
import XCTest
import Cajal

/// The Swift layers, built from the same specification as the Python ones
/// (api/layers.py), against torch: under manual_seed(0) each gives the
/// state_dict torch gives (names in order, shapes, values) and the same
/// submodules (fixtures/python/layers.json; Tests/python/test_layer_specs.py
/// checks the Python layers against it). An XCTest case, not a Swift Testing
/// one: XCTest runs its tests one at a time, so nothing else draws from the
/// default generator between the seed and the layer's draws.
final class LayerSpecTests: XCTestCase {
    private struct LayerCase: Decodable {
        let call: String
        let state_dict: [String: FixtureTensor]
        let order: [String]
        let children: [String]
    }

    private struct LayersFile: Decodable {
        let layers: [LayerCase]
    }

    /// torch's constructor calls in the fixture and the Swift layer each means
    /// (nil: a layer the Swift front does not have).
    private func make(_ call: String) throws -> Module? {
        switch call {
        case "nn.Linear(5, 3)": return try Linear(5, 3)
        case "nn.Linear(4, 2, bias=False)": return try Linear(4, 2, bias: false)
        case "nn.Conv2d(4, 6, 3, groups=2)": return try Conv2d(4, 6, kernelSize: [3], groups: 2)
        case "nn.Conv2d(2, 3, (2, 3), bias=False)": return try Conv2d(2, 3, kernelSize: [2, 3], bias: false)
        case "nn.ConvTranspose2d(4, 6, 2, groups=2)": return try ConvTranspose2d(4, 6, kernelSize: [2], groups: 2)
        case "nn.BatchNorm2d(3)": return try BatchNorm(3)
        case "nn.LayerNorm([2, 3])": return try LayerNorm([2, 3])
        case "nn.LayerNorm(4, elementwise_affine=False)": return try LayerNorm([4], elementwiseAffine: false)
        case "nn.RMSNorm([3, 4])": return try RMSNorm([3, 4])
        case "nn.RMSNorm(5, elementwise_affine=False)": return try RMSNorm([5], elementwiseAffine: false)
        case "nn.GroupNorm(2, 4)": return try GroupNorm(2, 4)
        case "nn.GroupNorm(2, 4, affine=False)": return try GroupNorm(2, 4, affine: false)
        case "nn.Embedding(6, 3, padding_idx=2)": return try Embedding(6, 3, paddingIndex: 2)
        case "nn.RNN(3, 4, num_layers=2, bidirectional=True)":
            return try RecurrentLayer(.rnnTanh, inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true)
        case "nn.LSTM(3, 4, bias=False)": return try RecurrentLayer(.lstm, inputSize: 3, hiddenSize: 4, bias: false)
        case "nn.GRU(3, 4, num_layers=2)": return try RecurrentLayer(.gru, inputSize: 3, hiddenSize: 4, numLayers: 2)
        case "nn.RNNCell(3, 4)": return try RecurrentCellLayer(.rnnTanh, inputSize: 3, hiddenSize: 4)
        case "nn.LSTMCell(3, 4, bias=False)": return try RecurrentCellLayer(.lstm, inputSize: 3, hiddenSize: 4, bias: false)
        case "nn.GRUCell(3, 4)": return try RecurrentCellLayer(.gru, inputSize: 3, hiddenSize: 4)
        case "nn.MultiheadAttention(8, 2)": return try MultiheadAttention(embedDim: 8, numHeads: 2)
        case "nn.MultiheadAttention(8, 2, kdim=3, vdim=5, bias=False)":
            return try MultiheadAttention(embedDim: 8, numHeads: 2, bias: false, kdim: 3, vdim: 5)
        case "nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)": return try TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16)
        case "nn.TransformerDecoderLayer(8, 2, dim_feedforward=16)": return try TransformerDecoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16)
        default: return nil  // Conv1d and BatchNorm1d(affine=False): Python-only layers
        }
    }

    func testLayersAreBuiltAsTorchBuildsThem() throws {
        let url = Fixtures.directory.appendingPathComponent("python/layers.json")
        let file = try JSONDecoder().decode(LayersFile.self, from: Data(contentsOf: url))
        var checked = 0
        for layer in file.layers {
            Generator.default.manualSeed(0)
            guard let module = try make(layer.call) else { continue }
            checked += 1
            let state = module.stateDict()
            XCTAssertEqual(state.map(\.name), layer.order, layer.call)
            for (name, tensor) in state {
                guard let expected = layer.state_dict[name] else { continue }
                // Bounds computed in Double here and by torch's formulas there: equal up to float32 rounding.
                if let problem = try mismatch(tensor, expected, "\(layer.call) \(name)", caseAtol: 1e-7) { XCTFail(problem) }
            }
            XCTAssertEqual(module.children.map(\.name), layer.children, layer.call)
        }
        XCTAssertEqual(checked, 23, "every Swift layer of the fixture was checked")
    }
}
