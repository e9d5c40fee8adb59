using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>Every diagnostic the ExecutorGen analyzers report, in one place.</summary>
internal static class DiagnosticDescriptors
{
    /// <summary>The category of rules about misusing ExecutorGen's attributes (<c>EXG1xx</c>).</summary>
    public const string UsageCategory = "ExecutorGen.Usage";

    /// <summary>The category of rules about code that runs on several threads at once (<c>EXG0xx</c>).</summary>
    public const string ConcurrencyCategory = "ExecutorGen.Concurrency";

    private const string HelpLinkBase = "https://github.com/executorgen/executorgen/blob/main/docs/rules/";

    /// <summary>Diagnostic property: the comma-separated names the <c>PartitionBy</c> could have named.</summary>
    public const string CandidatesProperty = "Candidates";

    /// <summary>EXG100: <c>PartitionBy</c> names no parameter of the handler and no member of its request.</summary>
    public static readonly DiagnosticDescriptor PartitionByNotFound = new(
        id: "EXG100",
        title: "PartitionBy names no parameter or member",
        messageFormat: "PartitionBy \"{0}\" on handler '{1}' names no parameter, property or field; it could name: {2}",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "PartitionBy must name a parameter of the handler, or a readable instance property or field of its single request parameter. A trailing CancellationToken is not a request parameter.",
        helpLinkUri: HelpLinkBase + "EXG100.md");

    /// <summary>EXG101: <c>PartitionBy</c> names more than one thing.</summary>
    public static readonly DiagnosticDescriptor PartitionByAmbiguous = new(
        id: "EXG101",
        title: "PartitionBy is ambiguous",
        messageFormat: "PartitionBy \"{0}\" on handler '{1}' is ambiguous: it matches {2}",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "PartitionBy must name exactly one parameter, or one member of the single request parameter. A name that matches a parameter and a member, or members of two unrelated interfaces, is refused rather than guessed.",
        helpLinkUri: HelpLinkBase + "EXG101.md");

    /// <summary>EXG102: the keyed handlers of one class have different key types.</summary>
    public static readonly DiagnosticDescriptor KeyTypesDiffer = new(
        id: "EXG102",
        title: "Handlers of one class partition by different key types",
        messageFormat: "Handler '{0}' partitions by {1} but handler '{2}' of '{3}' partitions by {4}; the handlers of a class share one key space, so their keys must have the same type",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "All handlers of a class run on one executor with one key space: a user's Login, Update and Logout are ordered together. Their partition keys must therefore have the same type.",
        helpLinkUri: HelpLinkBase + "EXG102.md");

    /// <summary>EXG103: a handler method the executor cannot call through a queued request.</summary>
    public static readonly DiagnosticDescriptor UnsupportedHandler = new(
        id: "EXG103",
        title: "Handler method cannot be queued",
        messageFormat: "Handler '{0}' cannot be run by an executor: {1}",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A request is stored in a queue and run later on a worker, so a handler cannot be generic or take ref, out, in, pointer or ref struct parameters, and cannot return by reference.",
        helpLinkUri: HelpLinkBase + "EXG103.md");

    /// <summary>EXG104: the executor cannot reach the handler.</summary>
    public static readonly DiagnosticDescriptor InaccessibleHandler = new(
        id: "EXG104",
        title: "Handler is not accessible to its executor",
        messageFormat: "Handler '{0}' {1}",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The executor is generated beside the handler class, in another file: it can call public and internal handlers of a class that is not file-local.",
        helpLinkUri: HelpLinkBase + "EXG104.md");

    /// <summary>EXG105: a containing type of the handler class is not partial.</summary>
    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = new(
        id: "EXG105",
        title: "Type containing a handler class must be partial",
        messageFormat: "Handler class '{0}' {1}",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "For a handler class nested in other types, the executor is nested beside it, so every containing type must be declared partial.",
        helpLinkUri: HelpLinkBase + "EXG105.md");

    /// <summary>EXG106: the handler type is generic or not a class.</summary>
    public static readonly DiagnosticDescriptor UnsupportedHandlerClass = new(
        id: "EXG106",
        title: "Handler type is generic or not a class",
        messageFormat: "Handler type '{0}' {1}",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "An executor is generated for a non-generic class (including records and static classes). A generic class would need one executor per type argument; a struct would be copied into the executor.",
        helpLinkUri: HelpLinkBase + "EXG106.md");

    /// <summary>EXG107: the executor's name is taken.</summary>
    public static readonly DiagnosticDescriptor ExecutorNameCollision = new(
        id: "EXG107",
        title: "Executor name is already taken",
        messageFormat: "No executor is generated for '{0}': {1}",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The executor of class X is the sealed partial class XExecutor beside X. A type or member of that name that is not a non-static partial class would collide with it.",
        helpLinkUri: HelpLinkBase + "EXG107.md");

    /// <summary>EXG108: two handlers would get the same generated members.</summary>
    public static readonly DiagnosticDescriptor DuplicateHandlerMembers = new(
        id: "EXG108",
        title: "Two handlers would generate the same members",
        messageFormat: "Handlers '{0}' and '{1}' of '{2}' both generate Submit{3}Async, TrySubmit{3} and Invoke{3}Async with parameters ({4}); rename one of them",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Each handler H gets SubmitHAsync, TrySubmitH and InvokeHAsync, with a trailing Async dropped from H. Two handlers with the same such name and the same request parameter types would get members that collide.",
        helpLinkUri: HelpLinkBase + "EXG108.md");

    /// <summary>EXG109: plain overloads are omitted because two handlers share request types.</summary>
    public static readonly DiagnosticDescriptor SharedHandlerSignature = new(
        id: "EXG109",
        title: "Handlers share request types: only named members are generated",
        messageFormat: "Handlers '{0}' and '{1}' of '{2}' take the same request types ({3}), so '{0}' gets only Submit{4}Async, TrySubmit{4} and Invoke{4}Async, not the plain SubmitAsync, TrySubmit and InvokeAsync overloads",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "The plain SubmitAsync/TrySubmit/InvokeAsync overloads are told apart by parameter types. Where two handlers share them, those overloads would collide, so only the named members are generated.",
        helpLinkUri: HelpLinkBase + "EXG109.md");

    /// <summary>EXG110: the key type compares by reference.</summary>
    public static readonly DiagnosticDescriptor KeyWithoutValueEquality = new(
        id: "EXG110",
        title: "Partition key type has no value equality",
        messageFormat: "The partition key of handler '{0}' has type '{1}', which compares by reference: two equal-looking keys are different keys, so their requests are not ordered together",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Requests are ordered per key by the key's Equals and GetHashCode. A class that overrides neither compares by reference identity, so per-key order only holds for the very same instance. Use a string, a number, a Guid, an enum, a record or a struct.",
        helpLinkUri: HelpLinkBase + "EXG110.md");

    /// <summary>EXG111: the key can be null.</summary>
    public static readonly DiagnosticDescriptor NullableKey = new(
        id: "EXG111",
        title: "Partition key can be null",
        messageFormat: "The partition key of handler '{0}' can be null ({1}): every request with a null key shares one lane and runs one at a time, in order",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A null key is a key like any other: all null keys share one lane, ordered like any key, so they run one at a time. Make the key non-nullable, or suppress the warning if that is intended.",
        helpLinkUri: HelpLinkBase + "EXG111.md");

    /// <summary>EXG112: a batch handler that cannot take batches.</summary>
    public static readonly DiagnosticDescriptor InvalidBatchHandler = new(
        id: "EXG112",
        title: "Batch handler cannot take batches",
        messageFormat: "No executor is generated: handler '{0}' {1}",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A handler whose [RequestHandler] sets MaxBatchSize is a batch handler: it takes one IReadOnlyList<T> (optionally followed by a CancellationToken), the executor's members take one T, and the executor hands it up to MaxBatchSize queued requests of one key per call. MaxBatchSize must be at least 1, and the handler returns void, Task or ValueTask.",
        helpLinkUri: HelpLinkBase + "EXG112.md");

    /// <summary>Diagnostic property of EXG001 and EXG010: Increment, Decrement, Add or Subtract when an Interlocked call can replace the statement.</summary>
    public const string InterlockedProperty = "Interlocked";

    /// <summary>EXG006 property: set when the stop flag is a field, which the code fix can make <c>volatile</c> (an auto-property cannot be).</summary>
    public const string VolatileFixableProperty = "VolatileFixable";

    /// <summary>EXG001 and EXG010 property: the name of the type's lock field that guards the same state elsewhere, for the fix to take that lock.</summary>
    public const string LockProperty = "Lock";

    // Severity policy (docs/rules/README.md): a rule is a warning by default only if at least 70 % of what it reports on
    // real code is worth fixing, and on by default only if it comes near. EXG001-EXG004 and EXG006 are suggestions (Info),
    // and by default they report on the code handlers reach only (ApiLists.AnalyzesAllCode); a project raises them with
    // dotnet_diagnostic.EXG001.severity = warning and widens them with executorgen.concurrency_scope = all. EXG010, the
    // half of EXG001's judgment that was right 38 % of the time on real code, is off until a project gives it a severity.

    /// <summary>EXG001: a collection changed, or a field read and written by one statement, in worker code without synchronization (stores of a whole value and reads are EXG010).</summary>
    public static readonly DiagnosticDescriptor UnguardedSharedState = new(
        id: "EXG001",
        title: "Unguarded shared state",
        messageFormat: "{0} '{1}' is {2} in {3} without lock, Monitor, Interlocked or a semaphore{4}",
        category: ConcurrencyCategory,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "Worker code runs on several threads at once: one handler instance serves every worker. A read-modify-write (++, +=, x = x + 1) or a change of a collection that is not thread-safe (List.Add, a dictionary indexer set) of a static field, a field of that instance or a variable captured by a parallel body races: it loses updates or corrupts the collection. Guard it with lock, use Interlocked, or use a thread-safe type. A store of a whole value and a read without the lock are EXG010, off by default.",
        helpLinkUri: HelpLinkBase + "EXG001.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>
    /// EXG010: shared state stored whole or read in worker code without synchronization: the plain stores and reads EXG001
    /// leaves out. Disabled by default (docs/rules/README.md, severity policy): on real code 38 % of what it reported was a
    /// race a maintainer would fix, against 82 % of EXG001's reports.
    /// </summary>
    public static readonly DiagnosticDescriptor UnsynchronizedSharedValue = new(
        id: "EXG010",
        title: "Shared field stored or read without synchronization",
        messageFormat: "{0} '{1}' is {2} in {3} without lock, Monitor, Interlocked or a semaphore{4}",
        category: ConcurrencyCategory,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: false,
        description: "Worker code runs on several threads at once. A plain store of a whole value into shared state (x = value), or a read without the lock of state written under one, is never torn for a reference or a word, but a check and the store that follows it, a value kept for a later step of the same request, or fields updated together can interleave with another thread's. Many such stores are a setting or a cache whose last writer may win; so this rule is off by default. Enable it with dotnet_diagnostic.EXG010.severity = suggestion when hunting a race.",
        helpLinkUri: HelpLinkBase + "EXG010.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>EXG002: an exception thrown by a worker body is lost or kills the process.</summary>
    public static readonly DiagnosticDescriptor ExceptionEscapesWorker = new(
        id: "EXG002",
        title: "Exception can escape a worker",
        messageFormat: "An exception thrown in {0} is not caught{2}: {1}; wrap the body in try/catch (Exception)",
        category: ConcurrencyCategory,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "An exception escaping a thread body, a thread-pool item, a timer callback or an async void method terminates the process; one escaping a fire-and-forget task is silently lost. Catch Exception at the top of the body and report it.",
        helpLinkUri: HelpLinkBase + "EXG002.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>EXG003: two locks taken nested in opposite orders.</summary>
    public static readonly DiagnosticDescriptor LockOrderInversion = new(
        id: "EXG003",
        title: "Lock-order inversion",
        messageFormat: "Locks '{0}' and '{1}' are taken in opposite orders: '{0}' then '{1}' in {2}, '{1}' then '{0}' in {3}; two threads running both can deadlock",
        category: ConcurrencyCategory,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "A thread holding A and waiting for B and a thread holding B and waiting for A wait forever. Locks are taken by lock, Monitor.Enter/TryEnter and System.Threading.Lock, directly or in a method called while the other is held. Take nested locks in one global order everywhere, or use a single lock.",
        helpLinkUri: HelpLinkBase + "EXG003.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>EXG004: a blocking wait with neither a timeout nor a cancellation token in worker code.</summary>
    public static readonly DiagnosticDescriptor BlockingWaitWithoutTimeout = new(
        id: "EXG004",
        title: "Blocking wait without timeout or cancellation in worker code",
        messageFormat: "'{0}' in {1} blocks a worker with no timeout and no cancellation token; pass one, or await instead",
        category: ConcurrencyCategory,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "A worker blocked forever holds its thread and its lane: shutdown cannot finish and the queue behind it stalls. Give every blocking wait a timeout or a CancellationToken, or await the task.",
        helpLinkUri: HelpLinkBase + "EXG004.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>EXG005: a hash code reduced with % or Math.Abs can be negative or throw.</summary>
    public static readonly DiagnosticDescriptor NegativeHashRouting = new(
        id: "EXG005",
        title: "Hash routing can go negative",
        messageFormat: "{0}",
        category: ConcurrencyCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "GetHashCode returns negative values, so hash % n is negative for about half the keys and indexes out of range; Math.Abs(hash) throws OverflowException for int.MinValue. Use (int)((uint)hash % (uint)n).",
        helpLinkUri: HelpLinkBase + "EXG005.md");

    /// <summary>EXG006: a plain bool field used as a stop flag by a worker loop.</summary>
    public static readonly DiagnosticDescriptor UnsynchronizedStopFlag = new(
        id: "EXG006",
        title: "Unsynchronized stop flag",
        messageFormat: "Field '{0}' is written in '{1}' and read by the loop in {2} with no volatile, Volatile or lock: the loop may never see the change; make it volatile or use a CancellationToken",
        category: ConcurrencyCategory,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "The JIT may hoist a plain field read out of a loop, so a worker loop can spin forever after another thread sets its stop flag. Mark the field volatile, read it with Volatile.Read, or better, loop on a CancellationToken.",
        helpLinkUri: HelpLinkBase + "EXG006.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>EXG007: a started local thread that is never joined, stored, or made background.</summary>
    public static readonly DiagnosticDescriptor ThreadNeverJoined = new(
        id: "EXG007",
        title: "Thread started and never joined",
        messageFormat: "Thread '{0}' is started in '{1}' but never joined, stored or made a background thread: nothing waits for it or sees it end, and it keeps the process alive",
        category: ConcurrencyCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A foreground thread nobody joins keeps running after its creator is done, keeps the process from exiting, and its end (or failure) is never observed. Join it, keep it in a field to join at shutdown, or set IsBackground = true.",
        helpLinkUri: HelpLinkBase + "EXG007.md");

    /// <summary>EXG008: a handler that catches every exception and does not rethrow.</summary>
    public static readonly DiagnosticDescriptor HandlerSwallowsExceptions = new(
        id: "EXG008",
        title: "Handler swallows every exception",
        messageFormat: "Handler '{0}' catches every exception and does not rethrow: the executor sees success, so failures skip retries, dead letters and failure metrics",
        category: ConcurrencyCategory,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "The executor catches what a handler throws, and counts, retries or dead-letters it. A handler that catches Exception around its whole body and carries on hides its failures from all of that. Catch only what you can handle, or rethrow.",
        helpLinkUri: HelpLinkBase + "EXG008.md");

    /// <summary>EXG009: a handler that waits for its own executor's <c>Invoke…Async</c>.</summary>
    public static readonly DiagnosticDescriptor HandlerAwaitsOwnExecutor = new(
        id: "EXG009",
        title: "Handler waits on its own executor",
        messageFormat: "Handler '{0}' waits for '{1}' of its own executor: a request that can only start after '{0}' has finished (its own key; under PerPartition a key of its worker; with one worker any) would never complete, and any other holds a worker while it waits",
        category: ConcurrencyCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A handler holds its key and its worker until it returns. Awaiting (or blocking on) InvokeAsync of the same executor from inside it waits for a request that may need exactly those: the executor refuses the certain cases with InvalidOperationException, and the others tie up a worker for the length of another request. Submit the request without waiting for its result (Submit…Async), or call the handler method directly.",
        helpLinkUri: HelpLinkBase + "EXG009.md");
}
