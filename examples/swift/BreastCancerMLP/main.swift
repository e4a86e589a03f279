// The tumour MLP of examples/mlp, written against the Swift library:
// 30 -> 64 -> 32 -> 1 on the Wisconsin breast-cancer data, mini-batches of 32,
// Adam, binary cross-entropy on logits, then the accuracy on held-out tumours.
//
//   make examples-swift   (or: swift run -c release BreastCancerMLP path/to/breast_cancer.csv [--quick])
//
// The data is scikit-learn's own copy (sklearn/datasets/data/breast_cancer.csv:
// a header line, then 30 features and the class, 0 malignant / 1 benign).
import Cajal
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2, let text = try? String(contentsOfFile: arguments[1], encoding: .utf8) else {
    print("usage: BreastCancerMLP path/to/sklearn/datasets/data/breast_cancer.csv [--quick]")
    exit(2)
}
let epochs = arguments.contains("--quick") ? 15 : 60

// Rows of 30 features and the class; a fixed shuffle; 80 % train, 20 % held out.
var rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").compactMap { Float($0) } }
rows = rows.filter { $0.count == 31 }
var state: UInt64 = 42
for i in stride(from: rows.count - 1, to: 0, by: -1) {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    rows.swapAt(i, Int((state >> 33) % UInt64(i + 1)))
}
let trainCount = rows.count * 4 / 5
let features = 30
var means = [Float](repeating: 0, count: features), deviations = [Float](repeating: 0, count: features)
for j in 0..<features {
    let column = rows[..<trainCount].map { $0[j] }
    means[j] = column.reduce(0, +) / Float(trainCount)
    deviations[j] = (column.map { ($0 - means[j]) * ($0 - means[j]) }.reduce(0, +) / Float(trainCount)).squareRoot()
}
func tensors(_ part: ArraySlice<[Float]>) throws -> (x: Tensor, y: Tensor) {
    let x = part.flatMap { row in (0..<features).map { (row[$0] - means[$0]) / deviations[$0] } }
    return (try Tensor(x, shape: [part.count, features]), try Tensor(part.map { $0[features] }, shape: [part.count, 1]))
}
print("Wisconsin breast cancer: \(trainCount) training and \(rows.count - trainCount) held-out tumours, \(features) features")

do {
    manualSeed(0)
    let model = Sequential([try Linear(features, 64), Lambda.relu, try Linear(64, 32), Lambda.relu, try Linear(32, 1)])
    let optimizer = Optimizer(model.parameters, rule: .adam(lr: 1e-3, weightDecay: 1e-4))
    var firstLoss = 0.0, lastLoss = 0.0
    for epoch in 1...epochs {
        var total = 0.0
        for start in stride(from: 0, to: trainCount, by: 32) {
            let batch = try tensors(rows[start..<min(start + 32, trainCount)])
            optimizer.zeroGrad()
            let loss = try Functional.binaryCrossEntropyWithLogits(try model(batch.x), batch.y)
            try loss.backward()
            try optimizer.step()
            total += try loss.item() * Double(batch.x.shape[0])
        }
        lastLoss = total / Double(trainCount)
        if epoch == 1 { firstLoss = lastLoss }
        if epoch == 1 || epoch % 10 == 0 || epoch == epochs { print(String(format: "epoch %3d  loss %.4f", epoch, lastLoss)) }
    }
    let test = try tensors(rows[trainCount...])
    let logits = try withNoGrad { try model.eval()(test.x) }.toArray(Float.self)
    let labels = try test.y.toArray(Float.self)
    let correct = zip(logits, labels).filter { ($0 > 0) == ($1 > 0.5) }.count
    print(String(format: "loss %.4f -> %.4f; held-out accuracy %.4f on %d tumours", firstLoss, lastLoss,
                 Double(correct) / Double(labels.count), labels.count))
} catch {
    print("error: \(error)")
    exit(1)
}
