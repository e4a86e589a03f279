// The LeNet of examples/cnn, written against the Swift library: handwritten
// digits (scikit-learn's 1797 8x8 scans), two convolution + max-pool stages and
// three linear layers, SGD with momentum, then the held-out accuracy.
//
//   make examples-swift   (or: swift run -c release DigitsLeNet path/to/digits.csv [--quick])
//
// digits.csv is scikit-learn's sklearn/datasets/data/digits.csv.gz unpacked:
// 64 pixel values (0-16) and the digit per line.
import Cajal
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2, let text = try? String(contentsOfFile: arguments[1], encoding: .utf8) else {
    print("usage: DigitsLeNet path/to/digits.csv [--quick]")
    exit(2)
}
let epochs = arguments.contains("--quick") ? 10 : 30

var rows = text.split(separator: "\n").map { $0.split(separator: ",").compactMap { Float($0) } }.filter { $0.count == 65 }
var state: UInt64 = 42  // a fixed shuffle
for i in stride(from: rows.count - 1, to: 0, by: -1) {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    rows.swapAt(i, Int((state >> 33) % UInt64(i + 1)))
}
let trainCount = rows.count * 4 / 5
func tensors(_ part: ArraySlice<[Float]>) throws -> (x: Tensor, y: Tensor) {
    let pixels = part.flatMap { $0[..<64].map { $0 / 16 } }
    return (try Tensor(pixels, shape: [part.count, 1, 8, 8]), try Tensor(part.map { Int64($0[64]) }, shape: [part.count]))
}
print("digits: \(trainCount) training and \(rows.count - trainCount) held-out 8x8 images, 10 classes")

do {
    manualSeed(0)
    let model = Sequential([
        try Conv2d(1, 6, kernelSize: [3], padding: .explicit([1])), Lambda.relu, Lambda.maxPool2d(2),   // 6 x 4 x 4
        try Conv2d(6, 16, kernelSize: [3], padding: .explicit([1])), Lambda.relu, Lambda.maxPool2d(2),  // 16 x 2 x 2
        Lambda.flatten, try Linear(64, 120), Lambda.relu, try Linear(120, 84), Lambda.relu, try Linear(84, 10),
    ])
    let optimizer = Optimizer(model.parameters, rule: .sgd(lr: 0.02, momentum: 0.9))
    var firstLoss = 0.0, lastLoss = 0.0
    for epoch in 1...epochs {
        var total = 0.0
        for start in stride(from: 0, to: trainCount, by: 32) {
            let batch = try tensors(rows[start..<min(start + 32, trainCount)])
            optimizer.zeroGrad()
            let loss = try Functional.crossEntropy(try model(batch.x), batch.y)
            try loss.backward()
            try optimizer.step()
            total += try loss.item() * Double(batch.y.shape[0])
        }
        lastLoss = total / Double(trainCount)
        if epoch == 1 { firstLoss = lastLoss }
        if epoch == 1 || epoch % 5 == 0 || epoch == epochs { print(String(format: "epoch %3d  loss %.4f", epoch, lastLoss)) }
    }
    let test = try tensors(rows[trainCount...])
    let predicted = try withNoGrad { try model.eval()(test.x).argmax(dim: 1) }.toArray(Int64.self)
    let correct = zip(predicted, try test.y.toArray(Int64.self)).filter { $0 == $1 }.count
    print(String(format: "loss %.4f -> %.4f; held-out accuracy %.4f on %d images", firstLoss, lastLoss,
                 Double(correct) / Double(predicted.count), predicted.count))
} catch {
    print("error: \(error)")
    exit(1)
}
