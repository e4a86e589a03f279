// Fits y = 3x - 2 with a Linear layer and SGD: the engine, from a package
// that depends on cajal by version. Prints the learned weight and bias.
import Cajal

do {
    manualSeed(0)
    let xs = (0..<64).map { Float($0) / 32 - 1 }
    let x = try Tensor(xs, shape: [64, 1])
    let y = try Tensor(xs.map { 3 * $0 - 2 }, shape: [64, 1])
    let model = try Linear(1, 1)
    let optimizer = Optimizer(model.parameters, rule: .sgd(lr: 0.1))
    var loss = 0.0
    for _ in 0..<300 {
        optimizer.zeroGrad()
        let error = try Functional.mseLoss(try model(x), y)
        try error.backward()
        try optimizer.step()
        loss = try error.item()
    }
    let parameters = try model.parameters.map { try $0.toArray(Float.self) }
    print("weight \(parameters[0][0]) bias \(parameters[1][0]) loss \(loss) kernels \(kernelInstructionSet)")
} catch {
    print("error: \(error)")
}
