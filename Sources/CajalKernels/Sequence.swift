import CajalRuntime

// torch.arange and torch.linspace: count values of an arithmetic sequence.

@Sendable func sequenceKernel(_ rule: SequenceRule, _ kind: DType, _ out: UnsafeMutableRawPointer, _ count: Int) {
    switch (rule, kind) {
    case (_, .float32):
        let p = out.assumingMemoryBound(to: Float.self)
        for i in 0..<count { p[i] = Float(value(rule, i, count)) }
    case (_, .float64):
        let p = out.assumingMemoryBound(to: Double.self)
        for i in 0..<count { p[i] = value(rule, i, count) }
    case let (.arange(start, step), .int64):
        let p = out.assumingMemoryBound(to: Int64.self)
        let first = Int64(double: start), stride = Int64(double: step)
        for i in 0..<count { p[i] = first &+ Int64(i) &* stride }
    case (.linspace, .int64), (_, .bool):
        break  // linspace computes in float64 and converts; bool is refused by the ops
    default: break  // storage types: the engine computes them in their kernel type
    }
}

@inline(__always)
private func value(_ rule: SequenceRule, _ i: Int, _ count: Int) -> Double {
    switch rule {
    case let .arange(start, step):
        return start + Double(i) * step
    case let .linspace(start, end, step):
        return count == 1 ? start : (i < count / 2 ? start + step * Double(i) : end - step * Double(count - i - 1))
    }
}
