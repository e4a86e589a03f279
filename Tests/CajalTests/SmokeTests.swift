import Testing
import Cajal

@Test func smoke() throws {
    let a = try Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
    try a.setRequiresGrad()
    let b = try Tensor([10, 20, 30] as [Float])
    let c = try (a * b + 1.0).sum()
    try c.backward()
    print(try c.item(), try a.grad!.toArray(Float.self))
    manualSeed(0)
    print(try Tensor.rand([3]).toArray(Float.self), try Tensor.randn([20]).toArray(Float.self))
    let m = try Tensor.arange(end: 6).reshape([2, 3]).to(.float32)
    print(try m.matmul(m.t()).toArray(Float.self))
    print(try m.sum(dims: [0]).toArray(Float.self), try m.t().sum(dims: [1], keepDim: true).shape)
}
