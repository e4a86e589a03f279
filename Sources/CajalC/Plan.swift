import Cajal
import Glibc

// Captured plans (cajal_plan_*, Python's cajal.compile): the C calls one
// thread makes between cajal_plan_begin and cajal_plan_end, recorded so that
// cajal_plan_run repeats them with new inputs and no caller in between.
//
// Every generated export that changes state or makes a tensor records itself
// (tools/generate.py writes the recording beside the call): the arguments it
// got, with each tensor handle turned into a reference — an input of the plan,
// the result of an earlier step, or a tensor from before the capture (a
// parameter, an optimizer's state), held by the plan — and pointer arguments
// copied. Replaying a step calls the same export with the references resolved
// against this run. Queries of shape and dtype pass through unrecorded (the
// run checks its inputs' shapes, dtypes and requires_grad instead); a call
// that reads values (item, copy_to, equal) or takes a callback marks the
// capture as failed, with the reason, and cajal_plan_end refuses to make a plan.

/// Where a recorded step finds one tensor argument.
enum PlanRef {
    case null
    case input(Int)  // the run's inputs[i]
    case slot(Int)  // a tensor an earlier step made
    case external(OpaquePointer)  // made before the capture; the plan holds a handle to it
}

/// A `const cajal_tensor *` argument: its references, and the buffer a run
/// fills with their handles before the call.
final class PlanTensorList {
    let refs: [PlanRef]
    let isNull: Bool
    let buffer: UnsafeMutablePointer<OpaquePointer?>

    init(_ refs: [PlanRef], isNull: Bool) {
        self.refs = refs
        self.isNull = isNull
        buffer = .allocate(capacity: max(refs.count, 1))
        buffer.initialize(repeating: nil, count: max(refs.count, 1))
    }

    deinit { buffer.deallocate() }
}

/// A pointer argument (a shape, index items, a string, raw values) copied at
/// capture time; its memory lives as long as the plan.
final class PlanCopy<Element> {
    let pointer: UnsafeMutablePointer<Element>?

    init(_ source: UnsafePointer<Element>?, _ count: Int) {
        guard let source, count > 0 else {
            pointer = nil
            return
        }
        pointer = .allocate(capacity: count)
        pointer?.initialize(from: source, count: count)
    }

    deinit { pointer?.deallocate() }
}

/// How a recorded export hands back tensors.
enum PlanOutput {
    case single(TensorOut?)  // cajal_tensor *out
    case fixed(TensorOut?, Int)  // an array of a length another argument gives
    case counted(TensorOut?, UnsafeMutablePointer<Int>?)  // outs, capacity, *count: as many as the op made
}

struct PlanStep {
    let name: String
    let replay: (PlanRun) -> Int32
    /// Per output: its first entry in the run's scratch array, its length and
    /// the slot each entry goes to (-1: a NULL result).
    var outputOffsets: [Int]
    var outputSlots: [[Int]]
    var outputCounted: [Bool] = []
    /// Slots whose last use is this step: released after it.
    var releases: [Int] = []
}

/// The state of one replay, which the generated replay closures read their
/// arguments from.
final class PlanRun {
    let inputs: UnsafePointer<OpaquePointer?>
    let slots: UnsafeMutablePointer<OpaquePointer?>
    let scratch: UnsafeMutablePointer<OpaquePointer?>
    let counts: UnsafeMutablePointer<Int>
    /// The current step's outputs: (scratch offset or -1, length) pairs from here.
    var outputTable: UnsafePointer<Int>
    unowned let plan: Plan

    init(plan: Plan, inputs: UnsafePointer<OpaquePointer?>) {
        self.plan = plan
        self.inputs = inputs
        outputTable = UnsafePointer(plan.outputTable)
        slots = .allocate(capacity: max(plan.slotCount, 1))
        slots.initialize(repeating: nil, count: max(plan.slotCount, 1))
        scratch = .allocate(capacity: max(plan.scratchCount, 1))
        scratch.initialize(repeating: nil, count: max(plan.scratchCount, 1))
        counts = .allocate(capacity: max(plan.maxOutputs, 1))
        counts.initialize(repeating: 0, count: max(plan.maxOutputs, 1))
    }

    deinit {
        for i in 0..<plan.slotCount { Handles.release(slots[i], .tensor) }
        slots.deallocate()
        scratch.deallocate()
        counts.deallocate()
    }

    subscript(ref: PlanRef) -> OpaquePointer? {
        switch ref {
        case .null: return nil
        case .input(let i): return inputs[i]
        case .slot(let i): return slots[i]
        case .external(let pointer): return pointer
        }
    }

    func tensors(_ list: PlanTensorList) -> UnsafePointer<OpaquePointer?>? {
        if list.isNull { return nil }
        for (i, ref) in list.refs.enumerated() { list.buffer[i] = self[ref] }
        return UnsafePointer(list.buffer)
    }

    /// Where output k of the current step is written (NULL where the captured call had NULL).
    func output(_ k: Int) -> TensorOut? {
        outputTable[2 &* k] < 0 ? nil : scratch + outputTable[2 &* k]
    }

    /// Where a counted output k writes how many tensors it made.
    func outputCount(_ k: Int) -> UnsafeMutablePointer<Int> { counts + k }

    /// The room a counted output k has: as many tensors as it made when captured.
    func outputCapacity(_ k: Int) -> Int { outputTable[2 &* k &+ 1] }
}

/// One capture in progress on this thread.
final class PlanTape {
    nonisolated(unsafe) static var recordingThreads = 0  // read without a lock: only a fast "none" test
    static let current = ThreadLocal<PlanTape?> { nil }

    /// The capture recording this thread's calls, or nil (also while a
    /// recorded call runs: calls it makes, such as a Python hook's, are its own).
    @inline(__always)
    static var active: PlanTape? {
        if recordingThreads == 0 { return nil }
        guard let tape = current.value, !tape.suspended else { return nil }
        return tape
    }

    /// A handle was handed out on this thread outside a recorded call: a
    /// tensor the capture cannot use, since no step makes it. (A recorded
    /// call's own results become slots; its result may be its input itself.)
    static func noteHanded(_ pointer: UnsafeMutableRawPointer) {
        guard let tape = current.value, !tape.suspended else { return }
        tape.handed.insert(UInt(bitPattern: pointer))
    }

    let inputCount: Int
    let inputSignatures: [TensorSignature]
    let gradModeAtStart: Bool
    var steps: [PlanStep] = []
    var referenceOf: [UInt: PlanRef] = [:]
    var handed: Set<UInt> = []
    var slotAddresses: [UInt] = []
    var lastUse: [Int] = []
    var externals: [OpaquePointer] = []
    var preexisting: Set<UInt> = []  // the inputs' and the held tensors' addresses
    var keptAlive: [Tensor] = []  // the capture's own results, so no address is reused while it lasts
    var maskGuards: [PlanMaskGuard] = []
    var failure: String?
    var suspended = false
    var scratchCount = 0
    var maxOutputs = 0

    init(inputs: [OpaquePointer?]) throws {
        inputCount = inputs.count
        var signatures: [TensorSignature] = []
        for (i, input) in inputs.enumerated() {
            let tensor = try tensorArgument(input, "inputs[\(i)]")
            signatures.append(TensorSignature(tensor))
            if let input, referenceOf[UInt(bitPattern: UnsafeRawPointer(input))] == nil {
                referenceOf[UInt(bitPattern: UnsafeRawPointer(input))] = .input(i)
                preexisting.insert(UInt(bitPattern: UnsafeRawPointer(input)))
            }
        }
        inputSignatures = signatures
        gradModeAtStart = GradMode.isEnabled
    }

    func fail(_ reason: String) {
        if failure == nil { failure = reason }
    }

    /// The reference a step records for a tensor argument.
    func tensor(_ pointer: OpaquePointer?) -> PlanRef {
        guard let pointer else { return .null }
        let address = UInt(bitPattern: UnsafeRawPointer(pointer))
        if let ref = referenceOf[address] {
            if case .slot(let s) = ref { lastUse[s] = steps.count }
            return ref
        }
        if handed.contains(address) {
            fail("a tensor made during the capture by a call that is not recorded was passed to a recorded one")
            return .null
        }
        // From before the capture: the plan holds it (a failed lookup leaves the
        // reference NULL; the call itself then reports the bad handle).
        guard let tensor = try? tensorArgument(pointer) else { return .null }
        let held = handle(tensor)
        externals.append(held)
        preexisting.insert(address)
        referenceOf[address] = .external(held)
        return .external(held)
    }

    /// Indexing with a bool mask makes a result whose shape depends on how
    /// many entries the mask selects. A mask the plan is given (an input, or a
    /// tensor from before the capture, such as a GNN's training-node mask) is
    /// counted before each run, ahead of any step; one a step makes cannot be.
    func refuseMasks(_ pointer: UnsafePointer<OpaquePointer?>?, _ count: Int) {
        guard let pointer, count >= 0, count <= maxListCount else { return }
        for i in 0..<count {
            guard let mask = try? tensorArgument(pointer[i]), mask.dtype == .bool else { continue }
            let ref = tensor(pointer[i])
            switch ref {
            case .input, .external:
                if let selected = try? PlanMaskGuard.selected(mask) { maskGuards.append(PlanMaskGuard(ref: ref, selected: selected)) }
                else { fail("a bool mask that could not be counted") }
            default:
                fail("indexing with a bool mask computed inside the function (the result's shape depends on its values)")
            }
        }
    }

    func tensors(_ pointer: UnsafePointer<OpaquePointer?>?, _ count: Int) -> PlanTensorList {
        guard let pointer else { return PlanTensorList([], isNull: true) }
        guard count >= 0, count <= maxListCount else {
            fail("a tensor list of \(count) entries")
            return PlanTensorList([], isNull: true)
        }
        return PlanTensorList((0..<count).map { tensor(pointer[$0]) }, isNull: false)
    }

    func copy<Element>(_ pointer: UnsafePointer<Element>?, _ count: Int, times: Int = 1) -> PlanCopy<Element> {
        let (count, overflow) = count.multipliedReportingOverflow(by: times)
        guard !overflow, count >= 0, count <= PlanTape.maxCopiedElements else {
            fail("a pointer argument of \(count) entries")
            return PlanCopy(nil, 0)
        }
        return PlanCopy(pointer, count)
    }

    func copyBytes(_ pointer: UnsafeRawPointer?, _ count: Int) -> PlanCopy<UInt8> {
        copy(pointer?.assumingMemoryBound(to: UInt8.self), count)
    }

    func string(_ pointer: UnsafePointer<CChar>?) -> PlanCopy<CChar> {
        guard let pointer else { return PlanCopy(nil, 0) }
        return copy(pointer, strlen(pointer) + 1)
    }

    /// Runs the call as it was made, then records how to repeat it: `replay`
    /// reads the arguments (after the call accepted them, so no count is read
    /// before the library checked it) and returns the step.
    func record(_ name: String, outputs: [PlanOutput], call: () -> Int32,
                replay: () -> (PlanRun) -> Int32) -> Int32 {
        suspended = true
        let status = call()
        suspended = false
        if status != 0 {
            fail("\(name) failed during the capture")
            return status
        }
        var step = PlanStep(name: name, replay: replay(), outputOffsets: [], outputSlots: [])
        var offset = 0
        for output in outputs {
            var handles: [OpaquePointer?] = []
            var isNull = false
            switch output {
            case .single(let out):
                if let out { handles = [out.pointee] } else { isNull = true }
            case .fixed(let outs, let length):
                guard length >= 0, length <= maxListCount else {
                    fail("\(name) returned \(length) tensors")
                    return status
                }
                if let outs { handles = (0..<length).map { outs[$0] } } else { isNull = true }
            case .counted(let outs, let count):
                if let outs, let count, count.pointee > 0 { handles = (0..<count.pointee).map { outs[$0] } }
            }
            if case .counted = output { step.outputCounted.append(true) } else { step.outputCounted.append(false) }
            step.outputOffsets.append(isNull ? -1 : offset)
            step.outputSlots.append(handles.map(newSlot))
            offset += handles.count
        }
        scratchCount = max(scratchCount, offset)
        maxOutputs = max(maxOutputs, outputs.count)
        steps.append(step)
        return status
    }

    private func newSlot(_ pointer: OpaquePointer?) -> Int {
        guard let pointer, let tensor = try? tensorArgument(pointer) else { return -1 }
        let slot = slotAddresses.count
        let address = UInt(bitPattern: UnsafeRawPointer(pointer))
        slotAddresses.append(address)
        lastUse.append(steps.count)
        keptAlive.append(tensor)
        referenceOf[address] = .slot(slot)
        return slot
    }

    static let maxCopiedElements = 1 << 30
}

/// A bool mask a step indexes with, and how many entries it selected when captured.
struct PlanMaskGuard {
    let ref: PlanRef
    let selected: Int

    static func selected(_ mask: Tensor) throws -> Int {
        try GradMode.withDisabled { Int(try mask.sum().item()) }
    }
}

/// What a plan checks of each input before it runs.
struct TensorSignature: Equatable {
    let shape: [Int]
    let strides: [Int]
    let dtype: DType
    let requiresGrad: Bool

    init(_ tensor: Tensor) {
        shape = tensor.shape
        strides = tensor.strides
        dtype = tensor.dtype
        requiresGrad = tensor.requiresGrad
    }

    var description: String {
        "\(dtype) \(shape)\(requiresGrad ? " requiring grad" : "")"
    }
}

/// A finished capture: its steps, ready to run.
final class Plan {
    let steps: [PlanStep]
    let inputSignatures: [TensorSignature]
    let gradMode: Bool
    let outputs: [PlanRef]
    let maskGuards: [PlanMaskGuard]
    let slotCount: Int
    let scratchCount: Int
    let maxOutputs: Int
    /// Each step's outputs as (scratch offset or -1, length) pairs, from outputStart[step].
    let outputTable: UnsafeMutablePointer<Int>
    let outputStart: [Int]
    private let externals: [OpaquePointer]
    private var lock = pthread_mutex_t()

    init(_ tape: PlanTape, outputs: [PlanRef]) {
        var steps = tape.steps
        // Each slot is released after its last use, unless it is an output.
        var keep = Set<Int>()
        for case .slot(let s) in outputs { keep.insert(s) }
        for (slot, last) in tape.lastUse.enumerated() where !keep.contains(slot) { steps[last].releases.append(slot) }
        self.steps = steps
        inputSignatures = tape.inputSignatures
        gradMode = tape.gradModeAtStart
        self.outputs = outputs
        maskGuards = tape.maskGuards
        slotCount = tape.slotAddresses.count
        scratchCount = tape.scratchCount
        maxOutputs = tape.maxOutputs
        externals = tape.externals
        var table: [Int] = [], starts: [Int] = []
        for step in steps {
            starts.append(table.count)
            for (offset, slots) in zip(step.outputOffsets, step.outputSlots) { table += [offset, slots.count] }
        }
        outputTable = .allocate(capacity: max(table.count, 1))
        outputTable.initialize(repeating: 0, count: max(table.count, 1))
        for (i, value) in table.enumerated() { outputTable[i] = value }
        outputStart = starts
        pthread_mutex_init(&lock, nil)
    }

    deinit {
        outputTable.deallocate()
        for pointer in externals { Handles.release(pointer, .tensor) }
        pthread_mutex_destroy(&lock)
    }

    /// Checks the inputs against the capture's, then repeats every step.
    func run(_ inputs: UnsafePointer<OpaquePointer?>?, _ inputCount: Int,
             _ results: UnsafeMutablePointer<OpaquePointer?>?, _ resultCount: Int) throws {
        guard inputCount == inputSignatures.count else {
            throw CajalError.value("[cajal_plan_run] the plan takes \(inputSignatures.count) inputs, got \(inputCount)")
        }
        guard resultCount == outputs.count else {
            throw CajalError.value("[cajal_plan_run] the plan makes \(outputs.count) outputs, room for \(resultCount)")
        }
        guard GradMode.isEnabled == gradMode else {
            throw CajalError.value("[cajal_plan_run] guard: captured with grad mode \(gradMode ? "on" : "off"), run with it \(gradMode ? "off" : "on")")
        }
        if outputs.count > 0, results == nil { throw CajalError(.nullArgument, "[cajal_plan_run] outputs is NULL") }
        let empty = UnsafeMutablePointer<OpaquePointer?>.allocate(capacity: 1)
        defer { empty.deallocate() }
        let inputs = inputs ?? UnsafePointer(empty)
        if inputCount > 0, inputs == UnsafePointer(empty) { throw CajalError(.nullArgument, "[cajal_plan_run] inputs is NULL") }
        for i in 0..<inputCount {
            let tensor = try tensorArgument(inputs[i], "inputs[\(i)]")
            let signature = TensorSignature(tensor)
            guard signature == inputSignatures[i] else {
                throw CajalError.value("[cajal_plan_run] guard: inputs[\(i)] is \(signature.description) with strides \(signature.strides); "
                                       + "the plan was captured for \(inputSignatures[i].description) with strides \(inputSignatures[i].strides)")
            }
        }
        // One run at a time: the tensor lists' buffers belong to the plan.
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        let run = PlanRun(plan: self, inputs: inputs)
        for check in maskGuards {
            guard let mask = try? tensorArgument(run[check.ref]), let selected = try? PlanMaskGuard.selected(mask),
                  selected == check.selected else {
                throw CajalError.value("[cajal_plan_run] guard: a bool mask no longer selects \(check.selected) entries")
            }
        }
        let savedGradMode = GradMode.isEnabled
        defer { GradMode.isEnabled = savedGradMode }  // a failed step may leave a no_grad section open
        for index in steps.indices {
            run.outputTable = UnsafePointer(outputTable + outputStart[index])
            let step = steps[index]
            let status = step.replay(run)
            if status != 0 {
                for (k, offset) in step.outputOffsets.enumerated() where offset >= 0 {
                    for e in 0..<step.outputSlots[k].count { Handles.release(run.scratch[offset + e], .tensor); run.scratch[offset + e] = nil }
                }
                let message = lastErrorMessage.value.text.map { String(cString: $0) } ?? ""
                throw CajalError(CajalError.Kind(rawValue: status) ?? .runtime,
                                 "[cajal_plan_run] step \(index) (\(step.name)): \(message)")
            }
            for (k, slots) in step.outputSlots.enumerated() where step.outputCounted[k] && run.counts[k] != slots.count {
                throw CajalError.shape("[cajal_plan_run] step \(index) (\(step.name)) made \(run.counts[k]) tensors; "
                                       + "the capture made \(slots.count)")
            }
            for (k, offset) in step.outputOffsets.enumerated() where offset >= 0 {
                let slots = step.outputSlots[k]
                for (e, slot) in slots.enumerated() {
                    let made = run.scratch[offset + e]
                    run.scratch[offset + e] = nil
                    if slot >= 0 {
                        run.slots[slot] = made
                    } else {
                        Handles.release(made, .tensor)
                    }
                }
            }
            for slot in step.releases {
                Handles.release(run.slots[slot], .tensor)
                run.slots[slot] = nil
            }
        }
        for (i, ref) in outputs.enumerated() {
            if let pointer = run[ref], let tensor = try? tensorArgument(pointer) {
                results?[i] = handle(tensor)
            } else {
                results?[i] = nil
            }
        }
    }
}

/// The C entry points' bodies (api/18_plans.py).
enum Plans {
    static func begin(_ inputs: UnsafePointer<OpaquePointer?>?, _ count: Int) throws {
        guard PlanTape.current.value == nil else {
            throw CajalError.value("[cajal_plan_begin] a capture is already running on this thread")
        }
        let count = try checkedCount(count, "inputs", limit: maxListCount)
        if count > 0, inputs == nil { throw CajalError(.nullArgument, "[cajal_plan_begin] inputs is NULL") }
        let tape = try PlanTape(inputs: (0..<count).map { inputs?[$0] })
        PlanTape.current.value = tape
        PlanTape.recordingThreads += 1
    }

    static func finish() -> PlanTape? {
        guard let tape = PlanTape.current.value else { return nil }
        PlanTape.current.value = nil
        PlanTape.recordingThreads -= 1
        return tape
    }

    static func end(_ outputs: UnsafePointer<OpaquePointer?>?, _ count: Int) throws -> Plan {
        guard let tape = finish() else { throw CajalError.value("[cajal_plan_end] no capture is running on this thread") }
        let count = try checkedCount(count, "outputs", limit: maxListCount)
        if count > 0, outputs == nil { throw CajalError(.nullArgument, "[cajal_plan_end] outputs is NULL") }
        tape.suspended = true  // the output references are the plan's, not a step's
        let refs = (0..<count).map { tape.tensor(outputs?[$0]) }
        if let failure = tape.failure {
            throw CajalError(.notImplemented, "[cajal_plan_end] cannot capture: \(failure)")
        }
        // A tensor a step made that the caller still holds, other than an
        // output, was kept (in a list, an attribute): a run would not update it.
        let outputAddresses = Set((0..<count).compactMap { outputs?[$0] }.map { UInt(bitPattern: UnsafeRawPointer($0)) })
        for (slot, address) in tape.slotAddresses.enumerated()
        where !outputAddresses.contains(address) && !tape.preexisting.contains(address) {
            if case .slot(let s)? = tape.referenceOf[address], s == slot, Handles.holds(address, .tensor) > 0 {
                let step = tape.steps.first { $0.outputSlots.contains { $0.contains(slot) } }?.name ?? "?"
                throw CajalError(.notImplemented, "[cajal_plan_end] cannot capture: a tensor made by \(step) "
                                 + "outlives the capture without being one of its outputs (kept in a variable or an attribute?)")
            }
        }
        return Plan(tape, outputs: refs)
    }
}

func planArgument(_ pointer: OpaquePointer?) throws -> Plan {
    try Handles.borrow(pointer, .plan, as: Plan.self, "plan")
}
