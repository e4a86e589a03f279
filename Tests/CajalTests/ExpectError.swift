import Testing
import Cajal

/// Runs `body`, which must throw a CajalError of `kind` whose message contains
/// every fragment (the op's name, the argument, the shapes). Failures are
/// reported at the caller's line.
func expectError(_ kind: CajalError.Kind, _ fragments: [String],
                 sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a \(kind) error containing \(fragments)", sourceLocation: sourceLocation)
    } catch let error as CajalError {
        #expect(error.kind == kind, "\(error.message)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.message.contains(fragment), "'\(error.message)' should mention '\(fragment)'", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}
