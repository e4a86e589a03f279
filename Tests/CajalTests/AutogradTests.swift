import Dispatch
import Foundation
import Testing
import Cajal

struct AutogradTests {
    @Test func backwardWithExplicitGradient() throws {
        let x = try Tensor([1, 2, 3] as [Float])
        try x.setRequiresGrad()
        let y = try x * 2.0
        try y.backward(gradient: Tensor([1, 10, 100] as [Float]))
        #expect(try x.grad!.toArray(Float.self) == [2, 20, 200])
    }

    @Test func gradientsAccumulateOnLeaves() throws {
        let x = try Tensor([1, 2] as [Float])
        try x.setRequiresGrad()
        try (x * 3.0).sum().backward()
        try (x * x).sum().backward()
        // 3 + 2x
        #expect(try x.grad!.toArray(Float.self) == [5, 7])
    }

    @Test func secondBackwardNeedsRetainGraph() throws {
        let x = try Tensor([0.5, 1.5] as [Double])
        try x.setRequiresGrad()
        let y = try x.exp().sum()
        try y.backward(retainGraph: true)
        try y.backward()
        let twice = try x.grad!.toArray(Double.self)
        #expect(abs(twice[0] - 2 * Foundation.exp(0.5)) < 1e-12)
        #expect(throws: CajalError.self) { try y.backward() }
        do {
            try y.backward()
        } catch let error as CajalError {
            #expect(error.message.contains("backward through the graph a second time"))
        }
    }

    @Test func higherOrderGradientsThroughConvolution() throws {
        // d/dx of sum(conv1d(x, w)^2) is differentiated again: the Swift front
        // sees the same create_graph as Python. For f = sum((w * x)^2) with a
        // one-tap kernel, d2f/dx2 = 2 w^2 per element.
        let x = try Tensor([1, 2, 3] as [Double]).reshape([1, 1, 3])
        try x.setRequiresGrad()
        let w = try Tensor([3] as [Double]).reshape([1, 1, 1])
        let y = try Tensor.conv1d(x, weight: w)
        let first = try Tensor.gradients(of: [y.mul(y).sum()], withRespectTo: [x], createGraph: true)[0]!
        #expect(try first.toArray(Double.self) == [18, 36, 54])
        let second = try Tensor.gradients(of: [first.sum()], withRespectTo: [x])[0]!
        #expect(try second.toArray(Double.self) == [18, 18, 18])
    }

    @Test func hooksAndCustomFunctions() throws {
        let x = try Tensor([1, 2] as [Double])
        try x.setRequiresGrad()
        var released = 0
        // A gradient-reversal function: forward is the identity, backward -grad.
        let copy = try x.detach().clone()
        let reversed = Tensor.recordingFunction(output: copy, inputs: [x], name: "ReverseBackward",
                                                onRelease: { released += 1 }) { grad in [try grad.neg()] }
        let id = try x.registerHook { grad in try grad.mul(.scalar(10.0)) }
        try reversed.mul(reversed).sum().backward()
        #expect(try x.grad!.toArray(Double.self) == [-20, -40])
        x.removeHook(id)
        #expect(reversed.gradFn?.name == "ReverseBackward")
        _ = consume reversed
        #expect(released == 1)
    }

    @Test func nonScalarBackwardNeedsGradient() throws {
        let x = try Tensor.ones([2, 2])
        try x.setRequiresGrad()
        let y = try x * 2.0
        #expect(throws: CajalError.self) { try y.backward() }
    }

    @Test func noGradIsPerThread() throws {
        let x = try Tensor.ones([2])
        try x.setRequiresGrad()
        try withNoGrad { () throws -> Void in
            #expect(!GradMode.isEnabled)
            #expect(try !(x * 2.0).requiresGrad)
            // Another thread still records.
            final class Flag: @unchecked Sendable { var value = false }
            let otherThreadRecords = Flag()
            let done = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                otherThreadRecords.value = GradMode.isEnabled && ((try? x * 2.0)?.requiresGrad ?? false)
                done.signal()
            }
            done.wait()
            #expect(otherThreadRecords.value)
        }
        #expect(GradMode.isEnabled)
        #expect(try (x * 2.0).requiresGrad)
    }

    @Test func detachSharesStorageWithoutGrad() throws {
        let x = try Tensor([1, 2] as [Float])
        try x.setRequiresGrad()
        let d = try (x * 2.0).detach()
        #expect(!d.requiresGrad && d.isLeaf && d.gradFn == nil)
        let view = x.detach()
        #expect(view.storage === x.storage)
    }

    @Test func requiresGradRules() throws {
        #expect(throws: CajalError.self) { try Tensor.zeros([2], dtype: .int64).setRequiresGrad() }
        let x = try Tensor.ones([2])
        try x.setRequiresGrad()
        let y = try x + 1.0
        #expect(!y.isLeaf && x.isLeaf)
        #expect(throws: CajalError.self) { try y.setRequiresGrad(false) }
        try y.setRequiresGrad(true)  // a no-op on a computed tensor that already requires grad
    }

    @Test func retainGradKeepsNonLeafGradient() throws {
        let x = try Tensor([1, 2] as [Float])
        try x.setRequiresGrad()
        let y = try x * 3.0
        try y.retainGrad()
        try (y * y).sum().backward()
        #expect(try y.grad!.toArray(Float.self) == [6, 12])  // d(y^2)/dy = 2y
        #expect(try x.grad!.toArray(Float.self) == [18, 36])
    }

    @Test func gradFnNames() throws {
        let x = try Tensor.ones([2, 2])
        try x.setRequiresGrad()
        #expect(try (x + x).gradFn?.name == "AddBackward0")
        #expect(try x.matmul(x).gradFn?.name == "MmBackward0")
        #expect(try x.sum().gradFn?.name == "SumBackward0")
        #expect(try x.t().gradFn?.name == "TransposeBackward0")
        #expect(x.gradFn == nil)
    }

    @Test func savedTensorsAreFreedAfterBackward() throws {
        weak var saved: Storage?
        let x = try Tensor.randn([1000], dtype: .float64)
        try x.setRequiresGrad()
        var loss: Tensor? = try {
            let y = try x.exp()  // exp saves its output for backward
            saved = y.storage
            return try y.sum()
        }()
        #expect(saved != nil)
        try loss?.backward()
        #expect(saved == nil, "the saved exp output should be freed by backward")
        loss = nil
    }

    @Test func retainGraphKeepsSavedTensors() throws {
        weak var saved: Storage?
        let x = try Tensor.randn([10], dtype: .float64)
        try x.setRequiresGrad()
        var loss: Tensor? = try {
            let y = try x.exp()
            saved = y.storage
            return try y.sum()
        }()
        try loss?.backward(retainGraph: true)
        #expect(saved != nil)
        loss = nil
        #expect(saved == nil, "dropping the graph frees what it saved")
    }

    /// 10,000 small graphs built and dropped leave nothing behind: every
    /// tensor, node and storage they made is freed (no retain cycles).
    @Test func droppedGraphsLeaveNothingBehind() throws {
        let w = try Tensor.randn([8, 4])
        let b = try Tensor.zeros([4])
        try w.setRequiresGrad()
        try b.setRequiresGrad()
        var survivors = 0
        for _ in 0..<10_000 {
            weak var weakOutput: Tensor?
            weak var weakNode: Node?
            weak var weakHiddenStorage: Storage?
            try {
                let x = try Tensor.randn([2, 8])
                let hidden = try (x.matmul(w) + b).sigmoid()
                let loss = try hidden.mean()
                weakOutput = loss
                weakNode = loss.gradFn
                weakHiddenStorage = hidden.storage
                try loss.backward()
            }()
            if weakOutput != nil || weakNode != nil || weakHiddenStorage != nil { survivors += 1 }
        }
        #expect(survivors == 0)
        #expect(w.grad != nil)
    }

    @Test func deepGraphReleasesWithoutStackOverflow() throws {
        let x = try Tensor.ones([1])
        try x.setRequiresGrad()
        var y = x
        for _ in 0..<200_000 { y = try y + 1.0 }
        try y.backward()
        #expect(try x.grad!.item() == 1)
        y = x  // drops a 200,000-node chain
    }

    @Test func inPlaceOpsRespectAutograd() throws {
        let w = try Tensor.ones([2])
        try w.setRequiresGrad()
        #expect(throws: CajalError.self) { try w.subInPlace(Tensor.ones([2])) }
        try withNoGrad { try w.subInPlace(Tensor([0.5, 0.25] as [Float])) }
        #expect(try w.toArray(Float.self) == [0.5, 0.75])

        // Overwriting a tensor saved for backward is caught at backward time.
        let x = try Tensor([1, 2] as [Float])
        try x.setRequiresGrad()
        let y = try x.exp()
        let loss = try y.sum()
        try withNoGrad { try y.mulInPlace(Tensor.scalar(2.0)) }
        #expect(throws: CajalError.self) { try loss.backward() }
    }
}

