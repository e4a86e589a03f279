import CajalRuntime
import Glibc

// The gate math of one recurrent time step, fused: one pass over the gate
// pre-activations that applies the nonlinearities and updates the state, and
// one pass back for the gradients. The matrix products around it are BLAS's.

/// A run of neighbouring elements the gate math handles at once: 16 floats in
/// vector registers, or one double.
protocol GateLanes {
    static var width: Int { get }
    static var one: Self { get }
    /// Elements index..<index + count (count <= width; other lanes are 0).
    static func load(_ p: UnsafeRawPointer, _ index: Int, _ count: Int) -> Self
    func store(_ p: UnsafeMutableRawPointer, _ index: Int, _ count: Int)
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func sigmoid(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func relu(_ x: Self) -> Self
    /// 1 where x > 0, else 0: relu's derivative.
    static func positive(_ x: Self) -> Self
}

extension SIMD16: GateLanes where Scalar == Float {
    static var width: Int { 16 }
    static var one: SIMD16<Float> { SIMD16(repeating: 1) }
    @inline(__always)
    static func load(_ p: UnsafeRawPointer, _ index: Int, _ count: Int) -> SIMD16<Float> {
        if count == 16 { return p.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self) }
        var v = SIMD16<Float>()
        for lane in 0..<count { v[lane] = p.load(fromByteOffset: (index + lane) * 4, as: Float.self) }
        return v
    }
    @inline(__always)
    func store(_ p: UnsafeMutableRawPointer, _ index: Int, _ count: Int) {
        if count == 16 { p.storeBytes(of: self, toByteOffset: index * 4, as: SIMD16<Float>.self); return }
        for lane in 0..<count { p.storeBytes(of: self[lane], toByteOffset: (index + lane) * 4, as: Float.self) }
    }
    // Through memory, as the elementwise kernels do (see VectorFunctor): a
    // SIMD16 passed by value to an out-of-line call is computed in quarters.
    @inline(__always) static func sigmoid(_ x: SIMD16<Float>) -> SIMD16<Float> { throughMemory(x, SigmoidV.self) }
    @inline(__always) static func tanh(_ x: SIMD16<Float>) -> SIMD16<Float> { throughMemory(x, TanhV.self) }
    @inline(__always) static func relu(_ x: SIMD16<Float>) -> SIMD16<Float> { x.replacing(with: 0, where: x .< 0) }
    @inline(__always) static func positive(_ x: SIMD16<Float>) -> SIMD16<Float> {
        SIMD16<Float>().replacing(with: 1, where: x .> 0)
    }
}

extension Double: GateLanes {  // one and tanh come from FloatElement
    static var width: Int { 1 }
    @inline(__always) static func load(_ p: UnsafeRawPointer, _ index: Int, _ count: Int) -> Double {
        p.loadUnaligned(fromByteOffset: index * 8, as: Double.self)
    }
    @inline(__always) func store(_ p: UnsafeMutableRawPointer, _ index: Int, _ count: Int) {
        p.storeBytes(of: self, toByteOffset: index * 8, as: Double.self)
    }
    @inline(__always) static func sigmoid(_ x: Double) -> Double { 1 / (1 + Glibc.exp(-x)) }
    @inline(__always) static func relu(_ x: Double) -> Double { x < 0 ? 0 : x }
    @inline(__always) static func positive(_ x: Double) -> Double { x > 0 ? 1 : 0 }
}

@Sendable func recurrentForwardKernel(_ cell: RecurrentKind, _ kind: DType, _ step: RecurrentStep) {
    if kind == .float64 { recurrentForward(cell, Double.self, step) } else { recurrentForward(cell, SIMD16<Float>.self, step) }
}

@Sendable func recurrentBackwardKernel(_ cell: RecurrentKind, _ kind: DType, _ step: RecurrentGradientStep) {
    if kind == .float64 { recurrentBackward(cell, Double.self, step) } else { recurrentBackward(cell, SIMD16<Float>.self, step) }
}

/// Calls body(row, column, count) for each run of lanes of each row.
@inline(__always)
private func forEachRun<L: GateLanes>(_: L.Type, rows: Int, hidden: Int, _ body: (Int, Int, Int) -> Void) {
    for row in 0..<rows {
        var column = 0
        while column < hidden {
            let count = Swift.min(L.width, hidden - column)
            body(row, column, count)
            column += count
        }
    }
}

private func recurrentForward<L: GateLanes>(_ cell: RecurrentKind, _: L.Type, _ s: RecurrentStep) {
    let h = s.hiddenSize, width = cell.gateCount * h
    switch cell {
    case .rnnTanh, .rnnRelu:
        let useTanh = cell == .rnnTanh
        forEachRun(L.self, rows: s.rows, hidden: h) { row, j, n in
            let x = L.load(s.gates, row * width + j, n)
            (useTanh ? L.tanh(x) : L.relu(x)).store(s.hiddenOut, row * h + j, n)
        }
    case .lstm:
        guard let state = s.cell else { return }
        forEachRun(L.self, rows: s.rows, hidden: h) { row, j, n in
            let g0 = row * width + j
            let i = L.sigmoid(L.load(s.gates, g0, n)), f = L.sigmoid(L.load(s.gates, g0 + h, n))
            let g = L.tanh(L.load(s.gates, g0 + 2 * h, n)), o = L.sigmoid(L.load(s.gates, g0 + 3 * h, n))
            let c = f * L.load(state, row * h + j, n) + i * g
            i.store(s.gates, g0, n); f.store(s.gates, g0 + h, n); g.store(s.gates, g0 + 2 * h, n); o.store(s.gates, g0 + 3 * h, n)
            c.store(state, row * h + j, n)
            (o * L.tanh(c)).store(s.hiddenOut, row * h + j, n)
        }
    case .gru:
        guard let hiddenGates = s.hiddenGates else { return }
        forEachRun(L.self, rows: s.rows, hidden: h) { row, j, n in
            let g0 = row * width + j
            var hr = L.load(hiddenGates, g0, n), hz = L.load(hiddenGates, g0 + h, n), hn = L.load(hiddenGates, g0 + 2 * h, n)
            if let bias = s.hiddenBias {
                hr = hr + L.load(bias, j, n); hz = hz + L.load(bias, h + j, n); hn = hn + L.load(bias, 2 * h + j, n)
                hr.store(hiddenGates, g0, n); hz.store(hiddenGates, g0 + h, n); hn.store(hiddenGates, g0 + 2 * h, n)
            }
            let r = L.sigmoid(L.load(s.gates, g0, n) + hr), z = L.sigmoid(L.load(s.gates, g0 + h, n) + hz)
            let candidate = L.tanh(L.load(s.gates, g0 + 2 * h, n) + r * hn)
            r.store(s.gates, g0, n); z.store(s.gates, g0 + h, n); candidate.store(s.gates, g0 + 2 * h, n)
            let previous = L.load(s.previousHidden, row * h + j, n)
            ((L.one - z) * candidate + z * previous).store(s.hiddenOut, row * h + j, n)
        }
    }
}

private func recurrentBackward<L: GateLanes>(_ cell: RecurrentKind, _: L.Type, _ s: RecurrentGradientStep) {
    let h = s.hiddenSize, width = cell.gateCount * h
    @inline(__always) func incoming(_ row: Int, _ j: Int, _ n: Int) -> L {
        let dh = L.load(s.gradHidden, row * h + j, n)
        guard let gradOutput = s.gradOutput else { return dh }
        return dh + L.load(gradOutput, row * h + j, n)
    }
    switch cell {
    case .rnnTanh, .rnnRelu:
        let useTanh = cell == .rnnTanh
        forEachRun(L.self, rows: s.rows, hidden: h) { row, j, n in
            let y = L.load(s.gates, row * h + j, n), dh = incoming(row, j, n)
            (useTanh ? dh * (L.one - y * y) : dh * L.positive(y)).store(s.gradGates, row * h + j, n)
        }
    case .lstm:
        guard let previousCell = s.previousCell, let gradCell = s.gradCell else { return }
        forEachRun(L.self, rows: s.rows, hidden: h) { row, j, n in
            let g0 = row * width + j
            let i = L.load(s.gates, g0, n), f = L.load(s.gates, g0 + h, n)
            let g = L.load(s.gates, g0 + 2 * h, n), o = L.load(s.gates, g0 + 3 * h, n)
            let previous = L.load(previousCell, row * h + j, n)
            let tc = L.tanh(f * previous + i * g)  // c(t) again, as the forward computed it
            let dh = incoming(row, j, n)
            let dc = L.load(gradCell, row * h + j, n) + dh * o * (L.one - tc * tc)
            (dc * g * i * (L.one - i)).store(s.gradGates, g0, n)
            (dc * previous * f * (L.one - f)).store(s.gradGates, g0 + h, n)
            (dc * i * (L.one - g * g)).store(s.gradGates, g0 + 2 * h, n)
            (dh * tc * o * (L.one - o)).store(s.gradGates, g0 + 3 * h, n)
            (dc * f).store(gradCell, row * h + j, n)
        }
    case .gru:
        guard let hiddenGates = s.hiddenGates, let previousHidden = s.previousHidden,
              let gradHiddenGates = s.gradHiddenGates else { return }
        forEachRun(L.self, rows: s.rows, hidden: h) { row, j, n in
            let g0 = row * width + j
            let r = L.load(s.gates, g0, n), z = L.load(s.gates, g0 + h, n), candidate = L.load(s.gates, g0 + 2 * h, n)
            let hn = L.load(hiddenGates, g0 + 2 * h, n), previous = L.load(previousHidden, row * h + j, n)
            let dh = incoming(row, j, n)
            let dCandidate = dh * (L.one - z) * (L.one - candidate * candidate)
            let dz = dh * (previous - candidate) * z * (L.one - z)
            let dr = dCandidate * hn * r * (L.one - r)
            dr.store(s.gradGates, g0, n); dz.store(s.gradGates, g0 + h, n); dCandidate.store(s.gradGates, g0 + 2 * h, n)
            dr.store(gradHiddenGates, g0, n); dz.store(gradHiddenGates, g0 + h, n)
            (dCandidate * r).store(gradHiddenGates, g0 + 2 * h, n)
            (dh * z).store(s.gradHidden, row * h + j, n)
        }
    }
}
