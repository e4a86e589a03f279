import Testing
import Cajal
@testable import CajalCore

/// Integers are bounded where they enter an op and size arithmetic is checked:
/// extreme arguments throw a CajalError naming the op and the argument instead
/// of trapping, and requests beyond memory are refused before any is taken.
struct BoundsTests {
    @Test func argumentsAreBoundedWithTheirNames() throws {
        let check = Arguments("conv2d")
        #expect(try check.bounded(Int(Int32.max), "padding") == Int(Int32.max))
        expectError(.value, ["[conv2d] padding 4611686018427387904 is too large (at most 2147483647)"]) {
            _ = try check.bounded(1 << 62, "padding")
        }
        expectError(.value, ["[conv2d] stride -9223372036854775808 is too small"]) { _ = try check.bounded(Int.min, "stride") }
        expectError(.value, ["[conv2d] the span is too large"]) { _ = try check.product(1 << 40, 1 << 40, "the span") }
        expectError(.value, ["[conv2d] the sum is too large"]) { _ = try check.sum(Int.max, 1, "the sum") }
        expectError(.value, ["[conv2d] the gap is too large"]) { _ = try check.difference(Int.min, 1, "the gap") }
        #expect(try check.product([3, 5, 7], "volume") == 105)
        expectError(.value, ["out of range"]) { _ = try check.integer(flooring: .nan, "scale") }
        expectError(.value, ["out of range"]) { _ = try check.integer(flooring: 1e300, "scale") }
        #expect(try check.integer(flooring: -2.5, "scale") == -3)
    }

    @Test func opsRefuseWildGeometry() {
        let image = { try Tensor.zeros([1, 1, 3, 3]) }
        expectError(.value, ["[conv2d] padding 4611686018427387904 is too large"]) {
            _ = try Tensor.conv2d(image(), weight: Tensor.zeros([1, 1, 1, 1]), padding: .explicit([1 << 62]))
        }
        expectError(.value, ["[conv2d] groups"]) { _ = try Tensor.conv2d(image(), weight: Tensor.zeros([1, 1, 1, 1]), groups: Int.max) }
        expectError(.value, ["[conv_transpose2d] stride"]) {
            _ = try Tensor.convTranspose2d(image(), weight: Tensor.zeros([1, 1, 1, 1]), stride: [1 << 40])
        }
        expectError(.value, ["[max_pool2d] dilation 4611686018427387904 is too large"]) {
            _ = try Tensor.maxPool2d(image(), kernelSize: [3], dilation: [1 << 62])
        }
        expectError(.value, ["[avg_pool2d] kernel_size"]) { _ = try Tensor.avgPool2d(image(), kernelSize: [Int.max]) }
        expectError(.value, ["[pixel_shuffle] upscale_factor"]) { _ = try Functional.pixelShuffle(image(), upscaleFactor: 1 << 40) }
        expectError(.value, ["[interpolate] size"]) { _ = try Functional.interpolate(image(), size: [1 << 60, 2], mode: .nearest) }
        expectError(.value, ["[interpolate] scale factors"]) {
            _ = try Functional.interpolate(image(), size: [2, 2], mode: .linear, scales: [.nan, 1])
        }
        expectError(.value, ["[diag] diagonal"]) { _ = try Tensor.ones([3]).diag(Int.min) }
        expectError(.value, ["[one_hot] class value"]) { _ = try Tensor.oneHot(Tensor([Int64.max])) }
        expectError(.value, ["[pad] padding"]) { _ = try Functional.pad(Tensor.ones([2]), [1 << 60, 0]) }
    }

    @Test func emptyAndExpandedTensorsCannotSmuggleHugeSizes() {
        // An empty tensor takes any other sizes, and an expanded view has no memory
        // behind its sizes: the products are still bounded.
        expectError(.outOfMemory, ["[reshape]", "too many elements"]) {
            _ = try Tensor.zeros([0]).reshape([0, Int(Int32.max), Int(Int32.max), Int(Int32.max)])
        }
        expectError(.outOfMemory, ["too many elements"]) {
            _ = try Tensor.zeros([1]).expand([1 << 40, 1]) + Tensor.zeros([1]).expand([1, 1 << 40])
        }
        expectError(.value, ["[split] the split_sizes"]) { _ = try Tensor.ones([4]).split(sizes: [Int.max, Int.max, 4]) }
        expectError(.value, ["[conv2d] dilation 2147483647 with kernel size 1099511627776 is too large"]) {
            _ = try Tensor.conv2d(Tensor.zeros([1, 1, 3, 3]), weight: Tensor.zeros([1, 1, 1, 1]).expand([1, 1, 1, 1 << 40]),
                                  dilation: [Int(Int32.max)])
        }
    }

    @Test func requestsBeyondMemoryAreRefusedUpFront() throws {
        let available = MemoryBudget.availableBytes()
        #expect(available > 0)
        // Twice what is available in float32: tests running beside this one
        // free memory meanwhile, and a request just past the figure read
        // here could then pass the check and fail in malloc instead.
        let twiceAvailable = available / 2
        expectError(.outOfMemory, ["[full] cannot allocate", "of memory is available"]) {
            _ = try Tensor.zeros([twiceAvailable])
        }
        expectError(.outOfMemory, ["[contiguous] cannot allocate"]) {
            _ = try Tensor.zeros([1]).expand([twiceAvailable]).contiguous()
        }
        expectError(.outOfMemory, ["cannot allocate"]) { _ = try Tensor.ones([1 << 20, 1]).matmul(Tensor.ones([1, 1 << 20])) }
        // Small requests are never read from /proc: below 32 MiB the check returns at once.
        try MemoryBudget.reserve(1 << 20, op: "test")
        #expect(try Tensor.ones([3]).sum().item() == 3)
    }

    @Test func memoryLimitSizesParse() {
        #expect(MemoryBudget.parseSize("3G") == 3 << 30)
        #expect(MemoryBudget.parseSize("512m") == 512 << 20)
        #expect(MemoryBudget.parseSize("1048576") == 1 << 20)
        #expect(MemoryBudget.parseSize("9999999999T") == nil)
        #expect(MemoryBudget.parseSize("lots") == nil)
        #expect(MemoryBudget.parseSize("-1G") == nil)
    }

    @Test func hugeWindowsVisitOnlyTheInputsTaps() throws {
        // A window of 2^20 x 2^20 taps over a 5 x 7 input: every output is the global max, at once.
        let x = try Tensor.randn([1, 1, 5, 7])
        let out = try Tensor.maxPool2d(x, kernelSize: [1 << 20], stride: [1], padding: [1 << 19]).values
        #expect(out.shape == [1, 1, 6, 8])
        let best = try x.toArray(Float.self).max() ?? 0
        #expect(try out.toArray(Float.self).allSatisfy { $0 == best })
    }
}
