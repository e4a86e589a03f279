import Testing
import Cajal

/// The storage dtypes from Swift: Swift's own element types in and out,
/// integer wrapping, half rounding and torch's promotion rules, all from
/// arithmetic (torch's own numbers are in Tests/python/test_dtype_programs.py).
struct StorageTypeTests {
    @Test func swiftElementsRoundTrip() throws {
        let pixels = try Tensor([UInt8(0), 17, 255, 128], shape: [2, 2])
        #expect(pixels.dtype == .uint8 && pixels.dtype.itemSize == 1)
        #expect(try pixels.toArray(UInt8.self) == [0, 17, 255, 128])
        #expect(try pixels.to(.float32).toArray(Float.self) == [0, 17, 255, 128])
        let small = try Tensor([Int8(-128), 5, 127], shape: [3])
        #expect(try small.toArray(Int64.self) == [-128, 5, 127])
        #expect(try Tensor([Int16(-3), 300], shape: [2]).toArray(Int32.self) == [-3, 300])
        #expect(try Tensor([Float16(0.5), 1.5], shape: [2]).toArray(Double.self) == [0.5, 1.5])
    }

    @Test func integersWrapAsTheirWidth() throws {
        let a = try Tensor([Int8(100), -100], shape: [2])
        #expect(try (a + a).toArray(Int8.self) == [-56, 56])  // 200 - 256, -200 + 256
        #expect(try (a + a).dtype == .int8)
        let u = try Tensor([UInt8(3)], shape: [1])
        #expect(try (u - Tensor([UInt8(5)], shape: [1])).toArray(UInt8.self) == [254])
        #expect(try a.sum().dtype == .int64 && a.sum().itemInt64() == 0)  // sums widen to int64, as torch's
        #expect(try Tensor([300.7, -1.0], shape: [2]).to(.uint8).toArray(UInt8.self) == [44, 255])
    }

    @Test func halfTypesRoundOncePerOp() throws {
        let x = try Tensor([1.0, 2049, 65519, 65520], shape: [4]).to(.float16)
        #expect(try x.toArray(Double.self) == [1, 2048, 65504, .infinity])  // nearest even; past the top is inf
        let third = try Tensor([1.0 / 3.0], shape: [1]).to(.bfloat16)
        #expect(try third.toArray(Double.self) == [0.333984375])  // 8 significant bits
        // 1 + 2^-11 is a tie in float16: computed in float32 and rounded once it is even, 1.
        let sum = try Tensor([1.0], shape: [1]).to(.float16) + Tensor([0.00048828125], shape: [1]).to(.float16)
        #expect(try sum.toArray(Double.self) == [1.0] && sum.dtype == .float16)
    }

    @Test func promotionFollowsTorch() {
        #expect(DType.promote(.uint8, .int8) == .int16)
        #expect(DType.promote(.uint8, .int32) == .int32)
        #expect(DType.promote(.float16, .bfloat16) == .float32)
        #expect(DType.promote(.int64, .float16) == .float16)
        #expect(DType.promote(.bool, .uint8) == .uint8)
        #expect(DType.promote(.int16, .int32) == .int32)
    }

    @Test func refusalsNameTheType() {
        expectError(.notImplemented, ["[linalg.inv]", "Half"]) { _ = try Tensor.eye(2).to(.float16).inv() }
        expectError(.value, ["unknown dtype code 12", "9 (bfloat16)"]) { _ = try DType(code: 12, op: "to") }
        #expect(!DType.setDefaultFloat(.float16))
    }
}
