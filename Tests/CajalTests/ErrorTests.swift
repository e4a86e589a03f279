import Testing
import Cajal

/// Bad input throws a CajalError naming the op and the shapes; nothing traps.
struct ErrorTests {
    @Test func shapeMismatchInBinaryOp() {
        expectError(.shape, ["[add]", "(2x3)", "(4)"]) { _ = try Tensor.ones([2, 3]) + Tensor.ones([4]) }
        expectError(.shape, ["[mul]"]) { _ = try Tensor.ones([2, 3]) * Tensor.ones([3, 2]) }
        expectError(.shape, ["[add_]", "(3)"]) { try Tensor.ones([3]).addInPlace(Tensor.ones([2, 3])) }
    }

    /// Collectives before the process group exists are errors, not MPI aborts
    /// (the collectives themselves run on 2 ranks in Tests/python/test_distributed.py).
    @Test func distributedCallsBeforeInitialize() {
        #expect(!Distributed.isInitialized)
        expectError(.runtime, ["[get_rank]", "init_process_group"]) { _ = try Distributed.rank() }
        expectError(.runtime, ["[all_reduce]"]) { try Distributed.allReduce(Tensor.ones([3])) }
        expectError(.runtime, ["[broadcast]"]) { try Distributed.broadcast(Tensor.ones([3]), source: 0) }
        expectError(.runtime, ["[all_reduce]"]) { _ = try Distributed.startAllReduce(Tensor.ones([3])) }
    }

    @Test func shapeMismatchInMatmul() {
        expectError(.shape, ["[matmul]", "(2x3)", "(4x5)"]) { _ = try Tensor.ones([2, 3]).matmul(Tensor.ones([4, 5])) }
        expectError(.shape, ["[matmul]", "(3)", "(4)"]) { _ = try Tensor.ones([3]).matmul(Tensor.ones([4])) }
        expectError(.shape, ["[matmul]"]) { _ = try Tensor.ones([2, 2, 3]).matmul(Tensor.ones([3, 3, 2])) }
        expectError(.runtime, ["[matmul]", "0D"]) { _ = try Tensor.ones([]).matmul(Tensor.ones([3])) }
        expectError(.runtime, ["[matmul]", "same dtype"]) { _ = try Tensor.ones([2, 2]).matmul(Tensor.ones([2, 2], dtype: .float64)) }
        expectError(.notImplemented, ["[matmul]", "Bool"]) { _ = try Tensor.ones([2, 2], dtype: .bool).matmul(Tensor.ones([2, 2], dtype: .bool)) }
    }

    @Test func invalidDims() {
        expectError(.index, ["[sum]", "Dimension out of range", "got 2"]) { _ = try Tensor.ones([2, 3]).sum(dim: 2) }
        expectError(.index, ["[transpose]"]) { _ = try Tensor.ones([2, 3]).transpose(0, -3) }
        expectError(.index, ["[unsqueeze]"]) { _ = try Tensor.ones([2]).unsqueeze(dim: 3) }
        expectError(.index, ["[squeeze]"]) { _ = try Tensor.ones([2]).squeeze(dim: 1) }
        expectError(.runtime, ["[sum]", "multiple times"]) { _ = try Tensor.ones([2, 3]).sum(dims: [1, -1]) }
        expectError(.runtime, ["[permute]"]) { _ = try Tensor.ones([2, 3]).permute([0]) }
        expectError(.runtime, ["[permute]", "repeated"]) { _ = try Tensor.ones([2, 3]).permute([1, 1]) }
        expectError(.runtime, ["[t]", "3D"]) { _ = try Tensor.ones([2, 3, 4]).t() }
    }

    @Test func badShapes() {
        expectError(.value, ["negative dimension"]) { _ = try Tensor.zeros([2, -1]) }
        expectError(.outOfMemory, ["too many elements"]) { _ = try Tensor.zeros([Int.max, 2]) }
        expectError(.outOfMemory, []) { _ = try Tensor.zeros([1 << 40, 1 << 10]) }
        expectError(.shape, ["[reshape]", "invalid for input of size 6"]) { _ = try Tensor.ones([2, 3]).reshape([4, -1]) }
        expectError(.runtime, ["[view]", "Use .reshape"]) { _ = try Tensor.ones([2, 3]).t().view([6]) }
        expectError(.shape, ["[expand]", "must match the existing size"]) { _ = try Tensor.ones([2, 3]).expand([2, 4]) }
        expectError(.shape, ["[tensor]", "cannot fill shape"]) { _ = try Tensor([1, 2, 3] as [Float], shape: [2, 2]) }
    }

    @Test func badScalars() {
        expectError(.runtime, ["[item]", "6 elements"]) { _ = try Tensor.ones([2, 3]).item() }
        expectError(.value, ["[arange]"]) { _ = try Tensor.arange(start: 0, end: .nan) }
        expectError(.value, ["[arange]", "nonzero"]) { _ = try Tensor.arange(start: 0, end: 3, step: 0) }
        expectError(.value, ["[arange]", "inconsistent"]) { _ = try Tensor.arange(start: 0, end: 3, step: -1) }
        expectError(.value, ["[full]", "int64"]) { _ = try Tensor.full([2], value: .nan, dtype: .int64) }
        expectError(.value, ["unknown dtype code 42"]) { _ = try DType(code: 42, op: "zeros") }
        expectError(.runtime, ["[pow]", "negative integer powers"]) { _ = try Tensor.ones([2], dtype: .int64).pow(-1) }
    }

    @Test func badTypes() {
        // Like torch, an op with no kernel for a dtype is NotImplementedError.
        expectError(.notImplemented, ["[sub]", "bool"]) { _ = try Tensor.ones([2], dtype: .bool) - Tensor.ones([2], dtype: .bool) }
        expectError(.notImplemented, ["[neg]", "bool"]) { _ = try -Tensor.ones([2], dtype: .bool) }
        expectError(.notImplemented, ["[mean]", "int64"]) { _ = try Tensor.ones([2], dtype: .int64).mean() }
        expectError(.type, ["[add_]", "can't be cast"]) { try Tensor.ones([2], dtype: .int64).addInPlace(Tensor.ones([2])) }
        expectError(.notImplemented, ["[rand]"]) { _ = try Tensor.rand([2], dtype: .int64) }
    }

    @Test func badAutograd() {
        expectError(.runtime, ["[backward]", "scalar outputs"]) {
            let x = try Tensor.ones([3])
            try x.setRequiresGrad()
            try (x * 2.0).backward()
        }
        expectError(.runtime, ["[backward]", "does not require grad"]) { try Tensor.ones([1]).backward() }
        expectError(.shape, ["[backward]", "Mismatch in shape"]) {
            let x = try Tensor.ones([3])
            try x.setRequiresGrad()
            try (x * 2.0).backward(gradient: Tensor.ones([2]))
        }
        expectError(.runtime, ["[add_]", "leaf Variable"]) {
            let x = try Tensor.ones([3])
            try x.setRequiresGrad()
            try x.addInPlace(Tensor.ones([3]))
        }
        expectError(.runtime, ["[grad]", "different size"]) { try Tensor.ones([2]).setGrad(Tensor.ones([3])) }
        expectError(.runtime, ["more than one element"]) {
            try withNoGrad { try Tensor.ones([1]).expand([3]).addInPlace(Tensor.ones([3])) }
        }
    }
}
