/// Whether ops record the graph, per thread (torch's `no_grad` scope).
public enum GradMode {
    private static let enabled = ThreadLocal<Bool> { true }

    public static var isEnabled: Bool {
        get { enabled.value }
        set { enabled.value = newValue }
    }

    /// Runs `body` with graph recording switched off on this thread.
    public static func withDisabled<R>(_ body: () throws -> R) rethrows -> R {
        let previous = isEnabled
        isEnabled = false
        defer { isEnabled = previous }
        return try body()
    }
}

/// Runs `body` without recording the graph, like `with torch.no_grad():`.
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.withDisabled(body)
}
