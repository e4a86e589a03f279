import Testing
import Cajal

/// The Swift example of README.md, verbatim (Tests/python/test_readme.py checks
/// that the README block appears here unchanged), so that it really runs.
@Test func readmeSwiftExample() throws {
    // README example begins
let x = try Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
let w = try Tensor.randn([3, 1])
try w.setRequiresGrad()
let loss = try x.matmul(w).sigmoid().mean()
try loss.backward()
print(try loss.item(), try w.grad?.toArray(Float.self) ?? [])
    // README example ends
    #expect(w.grad?.shape == [3, 1])
}
