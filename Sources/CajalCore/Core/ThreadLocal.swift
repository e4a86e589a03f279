import Glibc

/// One value per thread, created on first use. Grad mode and the C layer's
/// last error live in these, so threads never see each other's state.
public final class ThreadLocal<Value> {
    private final class Box {
        var value: Value
        init(_ value: Value) { self.value = value }
    }

    private var key = pthread_key_t()
    private let makeInitial: () -> Value

    public init(_ makeInitial: @escaping () -> Value) {
        self.makeInitial = makeInitial
        // The destructor releases the box when its thread exits.
        pthread_key_create(&key) { raw in
            if let raw { Unmanaged<AnyObject>.fromOpaque(raw).release() }
        }
    }

    private var box: Box {
        if let raw = pthread_getspecific(key) {
            return Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue()
        }
        let fresh = Box(makeInitial())
        pthread_setspecific(key, Unmanaged.passRetained(fresh).toOpaque())
        return fresh
    }

    public var value: Value {
        get { box.value }
        set { box.value = newValue }
    }
}
