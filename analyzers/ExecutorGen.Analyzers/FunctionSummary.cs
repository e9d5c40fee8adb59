using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>
/// What one method, accessor, constructor, lambda or local function does that matters to the concurrency rules, made by
/// <see cref="SummaryWalker"/> in one walk of its body: the shared state it touches and the locks held at each access,
/// the methods it calls (with the locks held at the call), the workers it starts, the locks it takes, its blocking waits,
/// and where an exception can leave it. Summaries are made once per compilation and composed at its end by
/// <see cref="ConcurrencyModel"/> (the design of Infer's RacerD: per-method summaries, composed over the call graph).
/// </summary>
internal sealed class FunctionSummary
{
    public FunctionSummary(ISymbol symbol, ISymbol member, FunctionSummary? enclosing)
    {
        Symbol = symbol;
        Member = member;
        Enclosing = enclosing;
    }

    /// <summary>The method, accessor, lambda or local function.</summary>
    public ISymbol Symbol { get; }

    /// <summary>The member whose body this is, or holds this lambda or local function (a field for its initializer).</summary>
    public ISymbol Member { get; }

    /// <summary>The function this lambda or local function is declared in; null for a member's own body.</summary>
    public FunctionSummary? Enclosing { get; }

    /// <summary>
    /// Whether this is a constructor's or an initializer's own code: it runs before the object (or the type, for static
    /// members) is shared. A lambda declared there is a function of its own, and not initialization.
    /// </summary>
    public bool IsInitialization => Enclosing is null
        && Member is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } or IFieldSymbol or IPropertySymbol or IEventSymbol;

    public List<Access> Accesses { get; } = new();

    /// <summary>
    /// The stores (and initializers) of fields declared as a collection interface (<c>ICollection&lt;T&gt; _keys = new
    /// SyncedCollection&lt;T&gt;(…)</c>), with the type of the object stored (null where the code does not show it): what the
    /// field holds decides whether changing the collection through it is safe (<see cref="Composition.HoldsThreadSafeCollection"/>).
    /// </summary>
    public List<(IFieldSymbol Field, ITypeSymbol? Stored)>? CollectionStores { get; set; }

    public List<CallSite> Calls { get; } = new();
    public List<StartSite> Starts { get; } = new();
    public List<LockTake> Takes { get; } = new();

    /// <summary>
    /// Delegates stored in a field or passed to a parameter of a method of the compilation (<c>_work = Run;</c>,
    /// <c>TimerFactory.Create(Tick)</c>): a start of that field or parameter starts them.
    /// </summary>
    public List<(ISymbol Holder, ISymbol Source)> Flows { get; } = new();
    public List<WaitSite> Waits { get; } = new();

    /// <summary>
    /// The places an exception can leave the function, in source order, up to and including the first that throws for
    /// sure: calls to methods of the compilation (which throw only if their own body lets an exception out) before it.
    /// </summary>
    public List<ThrowPoint> Throws { get; } = new();

    /// <summary>Whether <see cref="Throws"/> already ends with a point that throws for sure (nothing after it matters).</summary>
    public bool ThrowsForSure { get; set; }

    /// <summary>
    /// A value it returns may be an object others have (a static field, a parameter, an element of a shared collection): what a
    /// call of it returns is not the caller's own (<see cref="Composition.Owned"/>).
    /// </summary>
    public bool ReturnsShared { get; set; }

    /// <summary>
    /// The results of methods of the compilation it returns (<c>return await _inner.LoadAsync(id);</c>): what it returns
    /// is its caller's own if what they return is (and not <see cref="ReturnsShared"/>).
    /// </summary>
    public List<Ownership>? ReturnsOwnIf { get; set; }

    /// <summary>
    /// What it stores to each of its <c>out</c> parameters (by ordinal), every store of one together
    /// (<see cref="Ownership.And"/>): what a call of it hands out there is its caller's own if that is.
    /// </summary>
    public Dictionary<int, Ownership>? OutStores { get; set; }

    /// <summary>
    /// Where the function keeps what its parameters are given (by ordinal): the objects it stores them in or adds them
    /// to, as <see cref="Ownership"/> (<c>_workers.TryAdd(id, worker)</c>: where its <c>this</c> is own; a static or another
    /// object's collection: not own), and the methods it hands them on to. A parameter missing here is kept nowhere.
    /// </summary>
    public Dictionary<int, Ownership>? KeptIn { get; set; }

    /// <summary>
    /// It returns <c>this</c> (a fluent builder) or what this object reaches through its fields and properties
    /// (<c>return _attachments;</c>): its caller's own only when called on an object of the caller's own.
    /// </summary>
    public bool ReturnsThis { get; set; }

    /// <summary>What it may return that shows an object others have (<see cref="SharedRoot"/>); null for nothing.</summary>
    public HandedRoots? ReturnedRoots { get; set; }

    /// <summary>The same for what it stores to each of its <c>out</c> parameters (by ordinal).</summary>
    public Dictionary<int, HandedRoots>? OutRoots { get; set; }

    /// <summary>
    /// The function fails or cancels a task completion source, or hands one to other code that could
    /// (<see cref="ResultOnlySources"/>): its class's sources are not known to complete only with a result.
    /// </summary>
    public bool LetsCompletionSourcesFail { get; set; }

    /// <summary>
    /// For a lambda handed to a cache as the factory of one constant key (<c>_cache.Get("localization", () =&gt; Load())</c>,
    /// <c>_memory.GetOrCreate(nameof(Settings), e =&gt; Read())</c>), the field or property that holds the cache: the lambda
    /// runs when that entry is missing, not on every call (<see cref="BlockingWaitRule"/>). Null for any other function.
    /// </summary>
    public ISymbol? FillsConstantEntryOf { get; set; }
}

/// <summary>The locks held at a point: an immutable list, shared by every record made while the same locks are held.</summary>
internal sealed class HeldLocks
{
    public HeldLocks(ISymbol @lock, bool excludes, HeldLocks? next)
    {
        Lock = @lock;
        Excludes = excludes;
        Next = next;
    }

    /// <summary>The lock's identity: the field or property locked, the type for <c>lock (this)</c> or <c>typeof</c>, or a local.</summary>
    public ISymbol Lock { get; }

    /// <summary>
    /// A mutual-exclusion lock (lock, Monitor, Lock, SpinLock, a write lock), rather than a semaphore or a read lock:
    /// both guard data, but only an exclusive lock can take part in a lock-order deadlock (EXG003).
    /// </summary>
    public bool Excludes { get; }

    public HeldLocks? Next { get; }

    public bool Contains(ISymbol @lock)
    {
        for (var current = this; current is not null; current = current.Next)
        {
            if (SymbolEqualityComparer.Default.Equals(current.Lock, @lock))
                return true;
        }
        return false;
    }

    /// <summary>Whether both lists hold a lock in common (either may be null: no lock).</summary>
    public static bool Share(HeldLocks? first, HeldLocks? second)
    {
        for (var current = first; current is not null; current = current.Next)
        {
            if (second is not null && second.Contains(current.Lock))
                return true;
        }
        return false;
    }

    /// <summary>The locks of both lists (either may be null: no lock).</summary>
    public static HeldLocks? Union(HeldLocks? first, HeldLocks? second)
    {
        if (second is null)
            return first;
        var result = first;
        for (var current = second; current is not null; current = current.Next)
        {
            if (result is null || !result.Contains(current.Lock))
                result = new HeldLocks(current.Lock, current.Excludes, result);
        }
        return result;
    }

    /// <summary>The locks held in both lists.</summary>
    public static HeldLocks? Intersect(HeldLocks? first, HeldLocks? second)
    {
        HeldLocks? result = null;
        for (var current = first; current is not null; current = current.Next)
        {
            if (second is not null && second.Contains(current.Lock))
                result = new HeldLocks(current.Lock, current.Excludes, result);
        }
        return result;
    }

    /// <summary>The list without <paramref name="lock"/> (its first entry, released).</summary>
    public static HeldLocks? Without(HeldLocks? held, ISymbol @lock)
    {
        if (held is null)
            return null;
        if (SymbolEqualityComparer.Default.Equals(held.Lock, @lock))
            return held.Next;
        var rest = Without(held.Next, @lock);
        return ReferenceEquals(rest, held.Next) ? held : new HeldLocks(held.Lock, held.Excludes, rest);
    }
}

/// <summary>How code reaches an object: the receiver of a call or the owner of a field.</summary>
internal enum Receiver
{
    /// <summary><c>this</c> (also implicit): the object the function runs on.</summary>
    This,

    /// <summary>No object: a static member.</summary>
    Static,

    /// <summary>An object the function made itself (<c>new T()</c>, or a local holding one): no other thread has it.</summary>
    Owned,

    /// <summary>Any other object (a field, a parameter, a property): other threads may have it.</summary>
    Shared,
}

/// <summary>What an access does to the variable.</summary>
internal enum AccessKind
{
    /// <summary>A plain read of the value.</summary>
    Read,

    /// <summary>A plain store (<c>x = value</c>, not reading <c>x</c>).</summary>
    Write,

    /// <summary>A read-modify-write: <c>x++</c>, <c>x += n</c>, <c>x = x + n</c>, <c>x ??= v</c>.</summary>
    ReadModifyWrite,

    /// <summary>A call that changes a collection that is not thread-safe (<c>Add</c>, <c>Remove</c>, an indexer set).</summary>
    Mutate,

    /// <summary>A read of a collection that is not thread-safe (<c>TryGetValue</c>, an indexer get, <c>Count</c>, enumeration).</summary>
    ReadCollection,

    /// <summary>An atomic access: <c>Interlocked</c>, <c>Volatile</c>, or a field passed by reference to a call.</summary>
    Atomic,
}

/// <summary>One access to a field, a bool auto-property (for stop flags), or a variable captured by a lambda.</summary>
internal sealed class Access
{
    public Access(ISymbol target, AccessKind kind, Receiver owner, HeldLocks? held, SyntaxNode syntax, string? interlocked, bool inLoopCondition, bool inCondition = false)
    {
        InCondition = inCondition;
        Target = target;
        Kind = kind;
        Owner = owner;
        Held = held;
        Syntax = syntax;
        Interlocked = interlocked;
        InLoopCondition = inLoopCondition;
    }

    public ISymbol Target { get; }
    public AccessKind Kind { get; }

    /// <summary><see cref="Receiver.This"/> or <see cref="Receiver.Static"/> (other objects' fields are not recorded), or <see cref="Receiver.Owned"/> for a captured local.</summary>
    public Receiver Owner { get; }

    /// <summary>The locks held here by the function itself (the caller's are added by <see cref="ConcurrencyModel.EntryLocks"/>).</summary>
    public HeldLocks? Held { get; }

    public SyntaxNode Syntax { get; }

    /// <summary>Increment, Decrement, Add or Subtract when the whole statement is one an Interlocked call can replace.</summary>
    public string? Interlocked { get; }

    /// <summary>A read in the condition of a <c>while</c> or <c>for</c> loop (a stop flag).</summary>
    public bool InLoopCondition { get; }

    /// <summary>A read in the condition of an <c>if</c> or a loop: what runs next depends on it.</summary>
    public bool InCondition { get; }

    public bool IsWrite => Kind is AccessKind.Write or AccessKind.ReadModifyWrite or AccessKind.Mutate;

    /// <summary>
    /// A field of an object the function was handed (<c>connector.State = s</c> with <c>connector</c> a parameter): the
    /// object may be any caller's, so the locks held here are no evidence of what guards its fields.
    /// </summary>
    public bool ThroughParameter { get; set; }

    /// <summary>For a field of an object one of the function's own parameters holds, that parameter's ordinal; else -1.</summary>
    public int Parameter { get; set; } = -1;

    /// <summary>For a field of another object (<c>_presence.LastSeen</c>, <c>session.State</c>), where that object comes from (<see cref="SharedRoot"/>).</summary>
    public SharedRoot? Root { get; set; }

    /// <summary>
    /// A plain store that the walk made a read-modify-write because the function read the field earlier (a check, then
    /// the store: <c>if (now - s_last &lt; p) return; s_last = now;</c>), rather than one statement that reads and writes it.
    /// </summary>
    public bool StoredAfterCheck { get; set; }

    /// <summary>A write of a constant (<c>_healthy = false;</c>, <c>_state = State.Closed;</c>, <c>_current = null;</c>).</summary>
    public bool StoresConstant { get; set; }

    /// <summary>A write of a reading of the clock (<c>_lastSeen = DateTime.UtcNow;</c>, <see cref="ClockReadings"/>); kept when the walk makes it a read-modify-write (a throttle).</summary>
    public bool StoresClock { get; set; }

    /// <summary>
    /// Whether the access is part of initializing what it touches, before anything is shared: a constructor's (or
    /// instance initializer's) access to a field of <c>this</c>, a static constructor's (or static initializer's) access
    /// to a static field. A constructor bumping a static counter is not initialization: every construction does it.
    /// </summary>
    public bool InitializesIn(FunctionSummary function) =>
        function.IsInitialization && (Owner == Receiver.This && !function.Member.IsStatic || Owner == Receiver.Static && function.Member.IsStatic);
}

/// <summary>A call to a method of the compilation (or, with locks held, to an interface or virtual method, for EXG003).</summary>
internal sealed class CallSite
{
    public CallSite(IMethodSymbol callee, Receiver receiver, HeldLocks? held, SyntaxNode syntax)
    {
        Callee = callee;
        Receiver = receiver;
        Held = held;
        Syntax = syntax;
    }

    public IMethodSymbol Callee { get; }
    public Receiver Receiver { get; }
    public HeldLocks? Held { get; }
    public SyntaxNode Syntax { get; }

    /// <summary>The static type, a class or an interface, of the object called on (<c>_parent.Close()</c>: the field's type), when it is not this; or null.</summary>
    public INamedTypeSymbol? ReceiverType { get; set; }

    /// <summary>
    /// The callee's method type arguments as the call writes them (<c>PublishEvent(new ConfigSavedEvent())</c>:
    /// <c>ConfigSavedEvent</c>), for the reach to bind them (<see cref="TypeBinding"/>); empty for a method that is not generic.
    /// </summary>
    public ImmutableArray<ITypeSymbol> TypeArguments { get; set; }

    /// <summary>The receiver's static type as written, where it mentions a method type parameter (<c>IHandle&lt;TEvent&gt;</c>); else null.</summary>
    public INamedTypeSymbol? GenericReceiverType { get; set; }

    /// <summary>
    /// For a call on an object a parameter holds or reaches through fields and properties (<c>update.Apply()</c>,
    /// <c>model.Seats.Apply()</c>), that parameter's ordinal; else -1.
    /// </summary>
    public int ReceiverParameter { get; set; } = -1;

    /// <summary>
    /// Parameters of the callee (by ordinal, the first 64) given a parameter of the caller, or what it reaches
    /// (<c>Update(model)</c>): owned along this call where the caller's is.
    /// </summary>
    public List<(int Ordinal, int CallerParameter)>? ArgumentParameters { get; set; }

    /// <summary>
    /// The parameters (bit by ordinal, the first 64) given an object of the caller's own at this call: in the callee, along
    /// this call, calls on them run on an object no other thread has (<see cref="Composition"/>'s reach).
    /// </summary>
    public ulong OwnedArguments { get; set; }

    /// <summary>
    /// For a call on the result of a method of the compilation (<c>(await repository.FindAsync(id)).Rename(n)</c>, or a
    /// local holding it): that result, the caller's own if what the method returns is (<see cref="Composition.Owned"/>).
    /// </summary>
    public Ownership ReceiverFrom { get; set; }

    /// <summary>
    /// For a call on a local holding an object the caller made and has handed on since where others reach it
    /// (<c>var worker = new Worker(); _workers.TryAdd(id, worker); worker.Run();</c>), what the local held before: the
    /// object is shared, but each run of the caller makes its own (<see cref="Reached.ThisMadeOnPath"/>).
    /// </summary>
    public Ownership ReceiverMade { get; set; }

    /// <summary>For a call on an object that is not the caller's own, where it comes from (<see cref="SharedRoot"/>); null for no evidence.</summary>
    public SharedRoot? ReceiverRoot { get; set; }

    /// <summary>
    /// Parameters (by ordinal, the first 64) given an object that is not the caller's own, with where it comes from
    /// (<see cref="SharedRoot"/>); a parameter of the caller's passed on is in <see cref="ArgumentParameters"/>.
    /// </summary>
    public List<(int Ordinal, SharedRoot Root)>? SharedArguments { get; set; }

    /// <summary>
    /// The parameters (bit by ordinal, the first 64) given the caller's <c>this</c> (<c>_manager.Report(this)</c>): owned
    /// along this call where the caller's this is.
    /// </summary>
    public ulong ThisArguments { get; set; }

    /// <summary>Parameters (by ordinal, the first 64) given the result of a method of the compilation: owned if what it returns is.</summary>
    public List<(int Ordinal, Ownership From)>? ArgumentsFrom { get; set; }

    /// <summary>A method group handed out as a delegate (not to a starter): its callers are not all known.</summary>
    public bool Escapes { get; set; }

    /// <summary>
    /// A lambda stored in a field, property or collection, or added to an event (<c>_onClose = () => …</c>,
    /// <c>process.Exited += (_, _) => …</c>): it may run later, on another thread, so what it captures is not the
    /// caller's own there (<see cref="Composition"/>'s reach).
    /// </summary>
    public bool HandedOut { get; set; }

    /// <summary>
    /// For a lambda given as an argument to a method, of the compilation or not (<c>_queue.QueueTask(() => …)</c>): that
    /// parameter. The lambda runs where the method runs it, in the call or later on another thread (<see cref="QueuedWork"/>).
    /// </summary>
    public IParameterSymbol? PassedTo { get; set; }

    /// <summary>
    /// A callback subscribed to an event (<c>x.Changed += OnChanged</c>), registered on a cancellation token, or stored in
    /// a member the compilation declares of another object (<c>_provider.OnResume = OnResume</c>): handed out, not called
    /// here; whoever raises the event, cancels or holds it calls it later, with its own locks. Not an edge of the call graph.
    /// </summary>
    public bool Subscribed { get; set; }

    /// <summary>
    /// The parameters (bit by ordinal, the first 64) given a task a wait on which is bounded at this call (EXG004): known
    /// to be complete, ending within a bounded time, or from a call given a cancellation token.
    /// </summary>
    public ulong BoundedWaitArguments { get; set; }

    /// <summary>The bool parameters (bit by ordinal, the first 64) given a constant <c>true</c> at this call.</summary>
    public ulong ConstantTrue { get; set; }

    /// <summary>The bool parameters (bit by ordinal, the first 64) given a constant <c>false</c> at this call.</summary>
    public ulong ConstantFalse { get; set; }

    /// <summary>
    /// A call to an async method whose task is awaited here: the callee runs to its end inside the caller's locks (an
    /// async lock such as a semaphore; <c>lock</c> cannot span the await); or waited for synchronously here, which keeps
    /// any lock held until it ends. One neither awaited nor waited for goes on after the caller let go.
    /// </summary>
    public bool Awaited { get; set; }

    /// <summary>For a method handed out as a delegate: the delegate type, which an invocation of it may run (EXG003).</summary>
    public ITypeSymbol? DelegateType { get; set; }
}

/// <summary>A delegate handed to something that runs it on another thread: a thread, the pool, a task, a parallel loop, a timer.</summary>
internal sealed class StartSite
{
    public StartSite(ISymbol target, StarterKind starter, bool inLoop, bool discarded, Receiver receiver, SyntaxNode syntax, bool throughHolder = false)
    {
        ThroughHolder = throughHolder;
        Target = target;
        Starter = starter;
        InLoop = inLoop;
        Discarded = discarded;
        Receiver = receiver;
        Syntax = syntax;
    }

    /// <summary>The lambda, local function or method that runs; or, <see cref="ThroughHolder"/>, the field or parameter holding it.</summary>
    public ISymbol Target { get; }

    /// <summary>A delegate held in a field or parameter is started (<c>Task.Run(_work)</c>): what runs is what flows there.</summary>
    public bool ThroughHolder { get; }

    public StarterKind Starter { get; }

    /// <summary>Started inside a loop: several copies run at once.</summary>
    public bool InLoop { get; }

    /// <summary>A started task nobody keeps (an expression statement or <c>_ = ...</c>): its exception is lost.</summary>
    public bool Discarded { get; }

    /// <summary>How the started method reaches its object (<c>new Worker().Run</c> is <see cref="Receiver.Owned"/>).</summary>
    public Receiver Receiver { get; }

    /// <summary>For a method of an object a method of the compilation returned (<c>Create().Run</c>): that result.</summary>
    public Ownership ReceiverFrom { get; set; }

    /// <summary>The delegate, where the worker starts: what the starting function did before this is published to it.</summary>
    public SyntaxNode Syntax { get; }
}

/// <summary>A lock taken (for EXG003), with the locks already held.</summary>
internal sealed class LockTake
{
    public LockTake(ISymbol @lock, HeldLocks? heldBefore, SyntaxNode syntax, ISymbol? flag)
    {
        Lock = @lock;
        HeldBefore = heldBefore;
        Syntax = syntax;
        Flag = flag;
    }

    public ISymbol Lock { get; }
    public HeldLocks? HeldBefore { get; }
    public SyntaxNode Syntax { get; }

    /// <summary>
    /// The bool field whose test guards the take: <c>if (_threadSafe) Monitor.Enter(_sync);</c>, directly or in a lock
    /// helper. Where that field is a setting (written only while the object is made), the lock is optional by design
    /// (<see cref="Composition.OptionalLockSetting"/>).
    /// </summary>
    public ISymbol? Flag { get; }
}

/// <summary>What can leave a throw point or a function, as far as the catches by type that EXG002 follows can stop it.</summary>
[System.Flags]
internal enum Thrown
{
    None = 0,

    /// <summary>An <c>OperationCanceledException</c>: a token was cancelled.</summary>
    Cancelled = 1,

    /// <summary>An <c>ObjectDisposedException</c>: a wait handle was disposed under the waiter.</summary>
    Disposed = 2,

    /// <summary>Anything else.</summary>
    Other = 4,
}

/// <summary>A blocking wait with neither a timeout nor a cancellation token (EXG004).</summary>
internal sealed class WaitSite
{
    public WaitSite(string wait, SyntaxNode syntax, int parameter, bool onTask, bool inAsyncCode)
    {
        Wait = wait;
        Syntax = syntax;
        Parameter = parameter;
        OnTask = onTask;
        InAsyncCode = inAsyncCode;
    }

    public string Wait { get; }
    public SyntaxNode Syntax { get; }

    /// <summary>A wait on a task (sync over async), or the seed's <c>BlockingCollection.Take()</c>: wrong in any worker code.</summary>
    public bool OnTask { get; }

    /// <summary>In an async method, lambda or local function, which should await instead.</summary>
    public bool InAsyncCode { get; }

    /// <summary>The ordinal of the function's parameter holding the task waited on, or -1: complete if every caller says so.</summary>
    public int Parameter { get; }

    /// <summary>The bool parameter the wait depends on (<c>if (disposing) Close().Wait();</c>), or null.</summary>
    public ParameterGuard? Guard { get; set; }

    /// <summary>The field holding the task waited on (<c>_scheduler.Result</c>), or null.</summary>
    public IFieldSymbol? TaskField { get; set; }
}

/// <summary>Code that runs only when the function's bool parameter <see cref="Ordinal"/> is <see cref="Value"/>.</summary>
internal readonly struct ParameterGuard
{
    public ParameterGuard(int ordinal, bool value) => (Ordinal, Value) = (ordinal, value);

    public int Ordinal { get; }
    public bool Value { get; }

    /// <summary>The guard of the other branch.</summary>
    public ParameterGuard Negated => new(Ordinal, !Value);

    /// <summary>Whether a call that gives the parameters <paramref name="constantTrue"/> and <paramref name="constantFalse"/> can run the guarded code.</summary>
    public bool AllowedBy(ulong constantTrue, ulong constantFalse) => ((Value ? constantFalse : constantTrue) >> Ordinal & 1) == 0;
}

/// <summary>A place an exception can leave a function by (EXG002): a call to a method of the compilation, or a sure throw.</summary>
internal sealed class ThrowPoint
{
    public ThrowPoint(SyntaxNode syntax, IMethodSymbol? callee, Thrown kinds, Thrown caught, ISymbol? handedIn = null, bool dispatched = false)
    {
        Syntax = syntax;
        Callee = callee;
        Kinds = kinds;
        Caught = caught;
        HandedIn = handedIn;
        Dispatched = dispatched;
    }

    /// <summary>
    /// A call of an interface, abstract or virtual member that only this assembly can implement or override: it throws
    /// what the <see cref="Composition.Targets"/> of <see cref="Callee"/> throw.
    /// </summary>
    public bool Dispatched { get; }

    /// <summary>
    /// The invocation of a delegate handed in through this parameter or field (not an event's handlers): it throws what
    /// the delegates the compilation hands in there throw (<see cref="Composition.HeldDelegates"/>); one that only the
    /// library's users hand in is their work, as with <c>Task.Run(work)</c>.
    /// </summary>
    public ISymbol? HandedIn { get; }

    /// <summary>
    /// A rethrow that ends a catch (<c>catch { _queue = null; throw; }</c>): it lets out what these throw points of the
    /// try's body let out, in the order they run, and nothing when they let nothing out (the catch never runs).
    /// </summary>
    public List<ThrowPoint>? Rethrown { get; set; }

    /// <summary>
    /// A wait on the task of a completion source of this class (<c>_done.Task.GetAwaiter().GetResult()</c>): it throws
    /// only if the class lets its completion sources fail (<see cref="Composition.LetsCompletionSourcesFail"/>).
    /// </summary>
    public INamedTypeSymbol? SourceOwner { get; set; }

    public SyntaxNode Syntax { get; }

    /// <summary>The called method of the compilation, whose own summary decides; null when this throws for sure.</summary>
    public IMethodSymbol? Callee { get; }

    /// <summary>
    /// What a sure throw lets out: for most, anything (<see cref="Thrown.Other"/>); for a call that fails only when its
    /// token is cancelled or its object disposed, only that.
    /// </summary>
    public Thrown Kinds { get; }

    /// <summary>What the catches of this function around the point stop (<c>catch (OperationCanceledException)</c>, <c>catch (ObjectDisposedException)</c>).</summary>
    public Thrown Caught { get; }
}
