import CajalRuntime
import Synchronization

/// An n-dimensional array on the CPU with reverse-mode autograd.
///
/// A tensor is a `Layout` (shape, strides, offset) over a shared `Storage`;
/// views such as `transpose` or `expand` make new tensors over the same
/// storage. Ops are methods in `Ops/`, each with its backward beside it.
public final class Tensor {
    public let storage: Storage
    public let layout: Layout
    public let dtype: DType

    /// The node that made this tensor, when it was computed from tensors
    /// that require grad with grad mode on. Nil for leaves.
    public internal(set) var gradFn: Node?
    /// `requires_grad` as set on a leaf.
    var leafRequiresGrad = false
    /// Accumulated gradient (leaves, and non-leaves after `retainGrad()`).
    public var grad: Tensor?
    /// A leaf's gradient hooks (a non-leaf's live on its node), in order.
    var leafHooks: [(id: Int, hook: GradientHook)] = []
    /// For views made by view ops: the tensor that owns the memory, so that an
    /// in-place write through the view can rebase the base's history.
    var viewBase: Tensor?
    /// The base's `historyVersion` when this view's history was derived.
    var viewBaseHistoryVersion = 0
    /// Bumped whenever an in-place write rebases this tensor's history.
    var historyVersion = 0
    /// True for the 0-dim tensors that stand for Python numbers: they take
    /// the lowest priority in type promotion, as torch's wrapped numbers do.
    public let isWrappedNumber: Bool

    public init(storage: Storage, layout: Layout, dtype: DType, isWrappedNumber: Bool = false) {
        self.storage = storage
        self.layout = layout
        self.dtype = dtype
        self.isWrappedNumber = isWrappedNumber
        Tensor.liveCount.add(1, ordering: .relaxed)
    }

    deinit {
        Tensor.liveCount.subtract(1, ordering: .relaxed)
    }

    /// A new contiguous tensor of `shape` with uninitialized memory.
    public convenience init(uninitializedShape shape: [Int], dtype: DType, op: String = "empty") throws {
        let count = try checkedNumel(shape, op: op)
        let storage = try Storage(byteCount: count * dtype.itemSize, op: op)
        self.init(storage: storage, layout: Layout(contiguous: shape), dtype: dtype)
    }

    // MARK: shape

    public var shape: [Int] { layout.shape }
    public var strides: [Int] { layout.strides }
    public var rank: Int { layout.shape.count }
    public var count: Int { layout.numel }
    public var isContiguous: Bool { layout.isContiguous }

    /// The address of the first element.
    public var dataPointer: UnsafeMutableRawPointer {
        storage.data + layout.offset * dtype.itemSize
    }

    package func typedPointer<T: TensorElement>(_: T.Type) -> UnsafeMutablePointer<T> {
        storage.data.assumingMemoryBound(to: T.self) + layout.offset
    }

    // MARK: autograd state

    public var requiresGrad: Bool { gradFn != nil || leafRequiresGrad }
    public var isLeaf: Bool { gradFn == nil }

    /// A new tensor over the same storage, cut out of the graph.
    public func detach() -> Tensor {
        Tensor(storage: storage, layout: layout, dtype: dtype)
    }

    /// A tensor over the same storage with a different layout (no autograd).
    func viewing(_ layout: Layout) -> Tensor {
        Tensor(storage: storage, layout: layout, dtype: dtype)
    }

    // MARK: accounting

    private static let liveCount = Atomic<Int>(0)
    /// How many Tensor objects are alive, for leak tests.
    public static var liveTensors: Int { liveCount.load(ordering: .relaxed) }
}
