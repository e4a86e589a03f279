import Testing
import Cajal

/// The threaded and strided kernel paths, on sizes above the threading
/// threshold, against values known from arithmetic.
struct KernelTests {
    let n = 1 << 20

    @Test func largeContiguousSumsAreExact() throws {
        #expect(try Tensor.ones([n]).sum().item() == Double(n))
        let ramp = try Tensor.arange(end: Double(n), dtype: .float64)
        #expect(try ramp.sum().item() == Double(n) * Double(n - 1) / 2)
        #expect(try ramp.mean().item() == Double(n - 1) / 2)
        #expect(try Tensor.ones([n], dtype: .int64).sum().itemInt64() == Int64(n))
        // float32 keeps its precision over long sums (blocks fold into a double):
        // within 2 float32 ulps of the exact sum, as torch's cascade sum is.
        let exact = Double(Float(0.1)) * 3_000_000
        let total = try Tensor.full([3_000_000], value: 0.1).sum().item()
        #expect(abs(total - exact) <= 2 * Double(Float(exact).ulp), "\(total) vs \(exact)")
    }

    @Test func largeReductionsOverEachDim() throws {
        let rows = 1024, cols = 1000
        let m = try Tensor.arange(end: Double(rows * cols), dtype: .float64).reshape([rows, cols])
        let rowSums = try m.sum(dim: 1).toArray(Double.self)
        let colSums = try m.sum(dim: 0).toArray(Double.self)
        for r in [0, 1, 511, rows - 1] {
            let first = Double(r * cols)
            #expect(rowSums[r] == Double(cols) * first + Double(cols * (cols - 1) / 2))
        }
        for c in [0, 7, cols - 1] {
            #expect(colSums[c] == Double(rows) * Double(c) + Double(cols) * Double(rows * (rows - 1) / 2))
        }
        let transposedRowSums = try m.t().sum(dim: 0).toArray(Double.self)
        #expect(transposedRowSums == rowSums)
    }

    @Test func largeElementwiseMatchesArithmetic() throws {
        let ramp = try Tensor.arange(end: Double(n)).to(.float32)  // integers are exact in float32 below 2^24
        let doubled = try (ramp + ramp).toArray(Float.self)
        #expect(doubled.enumerated().allSatisfy { $0.element == Float(2 * $0.offset) })
        let m = try ramp.reshape([1024, 1024])
        let t = try (m.t() * 1.0).toArray(Float.self)  // strided read, contiguous write
        #expect(t[1] == 1024 && t[1024] == 1 && t[1024 * 1023 + 5] == Float(5 * 1024 + 1023))
        let row = try Tensor.arange(end: 1024).to(.float32)
        let broadcast = try (m + row).toArray(Float.self)
        #expect(broadcast[1024 * 3 + 10] == Float(1024 * 3 + 10 + 10))
        let relu = try (ramp - Double(n / 2)).relu().sum().item()
        #expect(relu == Double((n / 2 - 1) * (n / 2)) / 2)
    }

    @Test func contiguousOnLargeViews() throws {
        let m = try Tensor.arange(end: 2048 * 512).reshape([2048, 512])
        let c = try m.t().contiguous()
        #expect(c.isContiguous && c.shape == [512, 2048])
        let values = try c.toArray(Int64.self)
        #expect(values[1] == 512 && values[2048] == 1)
        let e = try Tensor.arange(end: 512).expand([2048, 512]).contiguous().sum(dim: 0).toArray(Int64.self)
        #expect(e[3] == 3 * 2048)
    }

    @Test func matmulAgainstLoops() throws {
        let a = try Tensor.randn([37, 53], dtype: .float64, generator: Generator(seed: 1))
        let b = try Tensor.randn([53, 29], dtype: .float64, generator: Generator(seed: 2))
        let c = try a.matmul(b).toArray(Double.self)
        let av = try a.toArray(Double.self), bv = try b.toArray(Double.self)
        for (i, j) in [(0, 0), (36, 28), (10, 17)] {
            var total = 0.0
            for k in 0..<53 { total += av[i * 53 + k] * bv[k * 29 + j] }
            #expect(abs(c[i * 29 + j] - total) < 1e-12)
        }
        let ai = try Tensor([1, 2, 3, 4, 5, 6] as [Int64], shape: [2, 3])
        #expect(try ai.matmul(ai.t()).toArray(Int64.self) == [14, 32, 32, 77])
    }

    @Test func viewsShareStorage() throws {
        let x = try Tensor.zeros([2, 3])
        let t = try x.t()
        let v = try x.view([6])
        #expect(t.storage === x.storage && v.storage === x.storage)
        try withNoGrad { try v.addInPlace(Tensor.arange(end: 6).to(.float32)) }
        #expect(try x.toArray(Float.self) == [0, 1, 2, 3, 4, 5])
        #expect(try t.contiguous().toArray(Float.self) == [0, 3, 1, 4, 2, 5])
    }
}
