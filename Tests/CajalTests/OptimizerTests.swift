import Foundation
import Testing
import Cajal

/// The Swift optimizers against torch's 20-step trajectories
/// (Tests/reference/fixtures/training/optim.json; L-BFGS lives in Python only).
struct OptimizerTests {
    static let training: JSONValue? = {
        let url = Fixtures.directory.appendingPathComponent("training/optim.json")
        return try? JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
    }()

    /// The rule a fixture group asks for: its options over the optimizer's defaults.
    static func rule(_ name: String, _ options: [String: JSONValue]) throws -> Optimizer.Rule {
        func number(_ key: String, _ fallback: Double) -> Double { options[key]?.double ?? fallback }
        func flag(_ key: String) -> Bool { options[key]?.bool ?? false }
        func beta(_ i: Int, _ fallback: Double) -> Double {
            if case .array(let betas)? = options["betas"] { return betas[i].double ?? fallback }
            return fallback
        }
        switch name {
        case "SGD":
            return .sgd(lr: number("lr", 1e-3), momentum: number("momentum", 0), dampening: number("dampening", 0),
                        weightDecay: number("weight_decay", 0), nesterov: flag("nesterov"), maximize: flag("maximize"))
        case "Adam":
            return .adam(lr: number("lr", 1e-3), beta1: beta(0, 0.9), beta2: beta(1, 0.999), eps: number("eps", 1e-8),
                         weightDecay: number("weight_decay", 0), amsgrad: flag("amsgrad"), maximize: flag("maximize"))
        case "AdamW":
            return .adamW(lr: number("lr", 1e-3), beta1: beta(0, 0.9), beta2: beta(1, 0.999), eps: number("eps", 1e-8),
                          weightDecay: number("weight_decay", 1e-2), amsgrad: flag("amsgrad"), maximize: flag("maximize"))
        case "RMSprop":
            return .rmsprop(lr: number("lr", 1e-2), alpha: number("alpha", 0.99), eps: number("eps", 1e-8),
                            weightDecay: number("weight_decay", 0), momentum: number("momentum", 0),
                            centered: flag("centered"), maximize: flag("maximize"))
        case "Adagrad":
            return .adagrad(lr: number("lr", 1e-2), lrDecay: number("lr_decay", 0), weightDecay: number("weight_decay", 0),
                            initialAccumulatorValue: number("initial_accumulator_value", 0), eps: number("eps", 1e-10),
                            maximize: flag("maximize"))
        case "Adadelta":
            return .adadelta(lr: number("lr", 1), rho: number("rho", 0.9), eps: number("eps", 1e-6),
                             weightDecay: number("weight_decay", 0), maximize: flag("maximize"))
        case "NAdam":
            return .nadam(lr: number("lr", 2e-3), beta1: beta(0, 0.9), beta2: beta(1, 0.999), eps: number("eps", 1e-8),
                          weightDecay: number("weight_decay", 0), momentumDecay: number("momentum_decay", 4e-3),
                          decoupledWeightDecay: flag("decoupled_weight_decay"), maximize: flag("maximize"))
        case "RAdam":
            return .radam(lr: number("lr", 1e-3), beta1: beta(0, 0.9), beta2: beta(1, 0.999), eps: number("eps", 1e-8),
                          weightDecay: number("weight_decay", 0), decoupledWeightDecay: flag("decoupled_weight_decay"),
                          maximize: flag("maximize"))
        default:
            throw CajalError.notImplemented("no Swift rule for \(name)")
        }
    }

    static func matrix(_ value: JSONValue?, dtype: DType) throws -> Tensor {
        guard case .array(let rows)? = value else { throw CajalError.value("bad fixture matrix") }
        if case .array = rows.first {
            let values = rows.flatMap { row -> [Double] in
                guard case .array(let items) = row else { return [] }
                return items.compactMap(\.double)
            }
            return try Tensor(values, shape: [rows.count, values.count / rows.count]).to(dtype)
        }
        return try Tensor(rows.compactMap(\.double)).to(dtype)
    }

    @Test func trajectoriesMatchTorch() throws {
        guard case .array(let cases)? = Self.training?["optimizers"], let problem = Self.training?["problem"] else {
            Issue.record("training/optim.json did not load")
            return
        }
        var checked = 0
        for c in cases where c["closure"]?.bool == false {
            let name = c["name"]?.string ?? "?"
            let dtype: DType = c["dtype"]?.string == "float64" ? .float64 : .float32
            let (rtol, atol) = dtype == .float64 ? (1e-10, 1e-12) : (2e-5, 2e-6)
            let params = ["W": try Self.matrix(problem["W"], dtype: dtype), "b": try Self.matrix(problem["b"], dtype: dtype)]
            for p in params.values { try p.setRequiresGrad() }
            let x = try Self.matrix(problem["x"], dtype: dtype), y = try Self.matrix(problem["y"], dtype: dtype)
            guard case .object(let defaults)? = c["defaults"], case .array(let groups)? = c["groups"],
                  case .array(let trajectory)? = c["trajectory"], let kind = c["optimizer"]?.string else {
                Issue.record("\(name): malformed case")
                continue
            }
            let optimizers = try groups.map { group -> Optimizer in
                guard case .object(let options)? = group["options"], case .array(let names)? = group["params"] else {
                    throw CajalError.value("\(name): malformed group")
                }
                return Optimizer(names.compactMap { $0.string.flatMap { params[$0] } },
                                 rule: try Self.rule(kind, defaults.merging(options) { $1 }))
            }
            for (step, expected) in trajectory.enumerated() {
                for o in optimizers { o.zeroGrad() }
                let (W, b) = (params["W"]!, params["b"]!)
                let fit = try x.matmul(W.transpose(0, 1)).add(b).sub(y)
                let loss = try fit.mul(fit).mean().add(W.pow(4).sum().mul(.scalar(0.01)))
                try loss.backward()
                for o in optimizers { try o.step() }
                for (key, p) in params {
                    let got = try p.to(.float64).toArray(Double.self)
                    guard case .array(let want)? = expected[key] else { continue }
                    for (g, w) in zip(got, want.compactMap(\.double)) where abs(g - w) > atol + rtol * abs(w) {
                        Issue.record("\(name): \(key) after step \(step + 1): \(g) != torch's \(w)")
                        return
                    }
                }
            }
            checked += 1
        }
        #expect(checked == 21)
    }

    @Test func stateIsMadeOnFirstStepUnderTorchsNames() throws {
        let p = try Tensor([1.0, 2.0] as [Float])
        try p.setRequiresGrad()
        let optimizer = Optimizer([p], rule: .adam(lr: 0.1, amsgrad: true))
        try p.sum().backward()
        try optimizer.step()
        #expect(Set(optimizer.state[0].keys) == ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"])
        #expect(try optimizer.state[0]["step"]?.item() == 1)
        // Adam's first step moves every coordinate by lr * g / (|g| + eps): lr against the gradient's sign.
        let moved = try p.toArray(Float.self)
        #expect(abs(moved[0] - 0.9) < 1e-6 && abs(moved[1] - 1.9) < 1e-6)
    }

    @Test func mismatchedStateThrows() throws {
        let p = try Tensor([1.0, 2.0] as [Float]), g = try Tensor([1.0, 2.0, 3.0] as [Float])
        #expect(throws: CajalError.self) {
            var buffers: [Tensor?] = [nil]
            try OptimizerStep.sgd(parameters: [p], gradients: [g], momentumBuffers: &buffers, lr: 0.1)
        }
        #expect(throws: CajalError.self) {
            try OptimizerStep.adam(parameters: [p], gradients: [p], steps: [], expAvgs: [p], expAvgSqs: [p], lr: 0.1)
        }
    }

    @Test func clipGradNormReturnsTheNormAndScales() throws {
        let g = try Tensor([3.0, 4.0] as [Float])
        let total = try GradientClipping.clipNorm([g], maxNorm: 1)
        #expect(abs(try total.item() - 5) < 1e-6)
        let scaled = try g.toArray(Float.self)
        #expect(abs(Double(scaled[0]) - 3 / (5 + 1e-6)) < 1e-6 && abs(Double(scaled[1]) - 4 / (5 + 1e-6)) < 1e-6)
    }

    /// The Swift Optimizer checks its rule with the table the Python
    /// optimizers use (OptimizerOptions), with torch's messages.
    @Test func badOptionsFailTheStepWithTorchsMessages() throws {
        let w = try Tensor([1, 2] as [Float], shape: [2])
        try w.setRequiresGrad()
        try w.mul(w).sum().backward()
        expectError(.value, ["Invalid beta parameter at index 1: 1.5"]) {
            try Optimizer([w], rule: .adam(beta2: 1.5)).step()
        }
        expectError(.value, ["Invalid learning rate: -0.1"]) { try Optimizer([w], rule: .sgd(lr: -0.1)).step() }
        expectError(.value, ["Nesterov momentum requires a momentum and zero dampening"]) {
            try Optimizer([w], rule: .sgd(lr: 0.1, nesterov: true)).step()
        }
        expectError(.value, ["Invalid rho value: nan"]) { try Optimizer([w], rule: .adadelta(rho: .nan)).step() }
        #expect(try w.toArray(Float.self) == [1, 2])  // nothing moved
        try Optimizer([w], rule: .sgd(lr: 0.5)).step()
        #expect(try w.toArray(Float.self) == [0, 0])  // w - 0.5 * 2w
    }
}
