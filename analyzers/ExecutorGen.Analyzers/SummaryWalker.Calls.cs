using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>What the walk records of calls: callees with the locks held and the receiver, starts of workers, delegates handed on.</summary>
internal sealed partial class SummaryWalker
{
    private void Invocation(IInvocationOperation invocation)
    {
        var target = invocation.TargetMethod;
        if (BlockingCall(invocation, out var waitedOn) is { } wait)
            Wait(wait, target, invocation, waitedOn);
        if (ResultOnlySources.Faults(invocation))
            _function.LetsCompletionSourcesFail = true;
        _symbols.Lifetimes.Record(invocation);
        var callee = Operations.Callee(target);
        if (callee.ContainingType?.TypeKind == TypeKind.Interface && StateClass(invocation.Instance) is { } state
            && state.FindImplementationForInterfaceMember(target) is IMethodSymbol implementation)
        {
            callee = implementation.OriginalDefinition; // the state's own method, not every implementation of the interface
        }
        if (_symbols.HasBody(callee) && !callee.IsAbstract)
        {
            Ownership from = default;
            var receiver = target.MethodKind == MethodKind.LocalFunction ? Receiver.This : ReceiverOf(invocation.Instance, target.IsStatic, out from);
            Call(callee, receiver, invocation, receiverFrom: from);
            var site = _function.Calls[_function.Calls.Count - 1];
            site.BoundedWaitArguments = BoundedWaitArguments(invocation);
            (site.ConstantTrue, site.ConstantFalse) = ConstantBoolArguments(invocation);
            // An async method never throws at its call: what fails is stored in its task, and surfaces where that is
            // awaited (or is lost with a discarded task, which is a fire-and-forget finding of its own).
            var surfaces = SurfacesAt(invocation);
            site.Awaited = callee.IsAsync && (surfaces is IAwaitOperation || WaitedHere(invocation));
            bool overridable = callee.IsVirtual || callee.IsOverride;
            if (surfaces is not null)
            {
                // A virtual method others can override runs code nobody here controls; one only this assembly can
                // override runs its overrides here, judged by their summaries.
                if (overridable && !_symbols.VisibleOutside(callee))
                    Throws(surfaces, callee, sure: false, dispatched: true);
                else
                    Throws(surfaces, overridable ? null : callee, sure: overridable);
            }
            return;
        }
        if (_held is not null && target.MethodKind == MethodKind.DelegateInvoke)
            Call(target, Receiver.Shared, invocation); // a method handed out as this delegate type may take a lock (EXG003)
        else if ((_held is not null && ConcurrencySymbols.IsDispatched(callee) || _symbols.IsDispatchedOwn(callee)) && !IsSignalRClientProxy(invocation.Instance))
        {
            // Dispatched to an implementation: of the compilation's own interfaces and virtual methods, followed by the
            // worker rules; of any (IDisposable.Dispose), under a lock, for EXG003.
            Call(callee, ReceiverOf(invocation.Instance, target.IsStatic, out var from), invocation, receiverFrom: from);
        }
        if (Locks.Acquired(invocation, _symbols, withSemaphores: true) is not null || Locks.Released(invocation, _symbols) is not null)
            return;
        // A callback, an event, an interface or virtual method runs code nobody here controls: it can throw anything (a
        // delegate kept in a static field or property is a cached thunk, a native entry point or compiled accessor, not
        // a callback; also when invoked as s_thunk?.Invoke()). A library method throws what its contract says
        // (ApiLists.ThrowsByContract).
        bool thunk = target.MethodKind == MethodKind.DelegateInvoke && invocation.Instance is { } instance
            && Operations.WithoutConversions(Operations.AccessedInstance(instance)) is IFieldReferenceOperation { Field.IsStatic: true } or IPropertyReferenceOperation { Property.IsStatic: true };
        // A virtual or interface member of .NET itself (ChannelWriter.TryComplete, WaitHandle.WaitOne, ILogger.Log) is
        // judged by its contract like any library method: its implementations are .NET's, or keep the same contract.
        bool userCode = target.MethodKind == MethodKind.DelegateInvoke
            || (callee.IsAbstract || callee.IsVirtual || callee.ContainingType?.TypeKind == TypeKind.Interface) && !_lists.IsDotNet(callee);
        if (userCode && target.MethodKind != MethodKind.DelegateInvoke && _symbols.IsOwn(callee) && !_symbols.VisibleOutside(callee))
        {
            // An interface or abstract member only this assembly can implement: what it throws is what its
            // implementations here throw (an internal clock, an internal queue), not anyone's code.
            if (MayRecordThrow(invocation) && !_lists.NeverThrows(target, invocation.Syntax.SyntaxTree) && SurfacesAt(invocation) is { } surfaces)
                Throws(surfaces, callee, sure: false, dispatched: true);
        }
        else if (MayRecordThrow(invocation) && !InMemory(invocation.Instance)
            && (userCode ? !thunk && !_lists.NeverThrows(target, invocation.Syntax.SyntaxTree) : _lists.ThrowsByContract(target, invocation.Syntax.SyntaxTree)))
        {
            var kinds = ThrownByContract(invocation);
            if ((kinds & Thrown.Disposed) != 0 && invocation.Instance is { } eventObject && _symbols.Undisposed.NeverDisposed(eventObject, default))
                kinds &= ~Thrown.Disposed;
            if (kinds != Thrown.None && SurfacesAt(invocation) is { } surfaces)
                Throws(surfaces, null, sure: true, kinds, HandedInDelegate(invocation), waitedTask: Operations.WaitedTask(invocation));
        }
    }

    /// <summary>
    /// A call on a <c>MemoryStream</c>, <c>StringReader</c> or <c>StringWriter</c> (whatever type declares the method:
    /// <c>Stream.Write</c>, <c>Stream.Dispose</c>): it works in memory, and fails only on a bug.
    /// </summary>
    private bool InMemory(IOperation? instance) =>
        instance is not null && Operations.WithoutConversions(instance).Type is { } type && _lists.IsInMemory(type);

    private void Creation(IObjectCreationOperation creation)
    {
        if (creation.Constructor is not { } constructor)
            return;
        if (ConcurrencySymbols.IsOrDerives(creation.Type, _symbols.Exception))
            return; // making an exception to throw or hand over is not where one escapes
        if (_symbols.HasBody(constructor.OriginalDefinition))
        {
            // A new object: its constructor's fields are its own, but the statics it touches are everyone's.
            Call(constructor.OriginalDefinition, Receiver.Owned, creation);
            Throws(creation, constructor.OriginalDefinition, sure: false);
        }
        else if (creation.Arguments.Length > 0 && OpensAResource(creation.Type) && !_lists.NeverThrows(constructor, creation.Syntax.SyntaxTree))
        {
            Throws(creation, null, sure: true);
        }
    }

    /// <summary>
    /// A library constructor that opens something outside the process (a file, a socket, a connection), which fails as part
    /// of its contract; other library constructors (a builder, a collection, a value) fail only on a bug in the arguments.
    /// </summary>
    private bool OpensAResource(ITypeSymbol? type)
    {
        var ns = type is null ? null : _lists.NamespaceOf(type);
        return ns is not null && (ns.StartsWith("System.IO", System.StringComparison.Ordinal) || ns.StartsWith("System.Net", System.StringComparison.Ordinal)
            || ns.StartsWith("System.Data", System.StringComparison.Ordinal) || !ApiLists.IsDotNetNamespace(ns));
    }

    private void Call(IMethodSymbol callee, Receiver receiver, IOperation at, Ownership receiverFrom = default)
    {
        var arguments = at switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            _ => ImmutableArray<IArgumentOperation>.Empty,
        };
        var (owned, from, passed, thisGiven, shared) = OwnedArguments(arguments);
        var instance = at switch
        {
            IInvocationOperation invocation => invocation.Instance,
            IPropertyReferenceOperation property => property.Instance,
            _ => null,
        };
        _function.Calls.Add(new CallSite(callee, receiver, _held, at.Syntax)
        {
            ReceiverType = receiver is Receiver.Shared or Receiver.Owned && instance?.Type is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Interface } type
                ? type.OriginalDefinition : null,
            ReceiverParameter = receiver == Receiver.Shared ? ParameterRoot(instance) : -1,
            ReceiverFrom = receiverFrom,
            ReceiverMade = receiver == Receiver.Shared ? MadeReceiver(instance) : Ownership.NotOwn,
            ReceiverRoot = receiver == Receiver.Shared && instance is not null ? SharedRootOf(instance, receiverFrom) : null,
            SharedArguments = shared,
            TypeArguments = at is IInvocationOperation { TargetMethod: { IsGenericMethod: true } generic } ? generic.TypeArguments : ImmutableArray<ITypeSymbol>.Empty,
            GenericReceiverType = instance?.Type is INamedTypeSymbol { IsGenericType: true } constructed && TypeBinding.MentionsMethodTypeParameter(constructed) ? constructed : null,
            OwnedArguments = owned,
            ArgumentsFrom = from,
            ArgumentParameters = passed,
            ThisArguments = thisGiven,
        });
    }

    /// <summary>
    /// How a call reaches its object: <c>this</c>, none (static), an object of the function's own, or another; for one a
    /// method of the compilation returned, <paramref name="from"/> is that result (the composition decides).
    /// </summary>
    private Receiver ReceiverOf(IOperation? instance, bool isStatic, out Ownership from)
    {
        from = default;
        if (instance is null)
            return isStatic ? Receiver.Static : Receiver.This;
        if (Operations.WithoutConversions(instance) is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
            return Receiver.This;
        var ownership = OwnershipOf(Operations.AccessedInstance(instance));
        if (ownership.IsOwn)
            return Receiver.Owned;
        from = ownership;
        return Receiver.Shared;
    }

    /// <summary>For a call on a local holding an object the function made and has handed on since (<see cref="_madeLocals"/>), what it held then; else not own.</summary>
    private Ownership MadeReceiver(IOperation? instance) =>
        _madeLocals is not null && instance is not null && Operations.WithoutConversions(Operations.AccessedInstance(instance)) is ILocalReferenceOperation local
        && _madeLocals.TryGetValue(local.Local, out var made)
            ? made
            : Ownership.NotOwn;

    /// <summary>
    /// A field or parameter holding a delegate: started here (<c>Task.Run(_work)</c>, <c>new Timer(callback)</c>), or passed
    /// on to another holder (<c>Create(callback)</c>, <c>_work = callback</c>).
    /// </summary>
    private void DelegateHolder(ISymbol holder, IOperation reference)
    {
        if (_symbols.StarterOf(reference) is { } starter)
            _function.Starts.Add(new StartSite(holder, starter, _loops > 0, Discarded(reference), Receiver.This, reference.Syntax, throughHolder: true));
        else if (HolderOf(reference) is { } next && !SymbolEqualityComparer.Default.Equals(next, holder))
            _function.Flows.Add((next, holder));
    }

    /// <summary>
    /// Where a delegate goes: a field or auto-property it is stored in, an event it is subscribed to, or the parameter of a
    /// method of the compilation it is passed to.
    /// </summary>
    private ISymbol? HolderOf(IOperation function)
    {
        var parent = UseOf(function);
        switch (parent)
        {
            case ISimpleAssignmentOperation { Target: IFieldReferenceOperation field }:
                return field.Field.OriginalDefinition;
            case IFieldInitializerOperation { InitializedFields: { Length: > 0 } fields }:
                return fields[0].OriginalDefinition;
            case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: var property } } when _symbols.IsAutoProperty(property):
                return property.OriginalDefinition; // Action = action: an auto-property is a field in disguise
            case IPropertyInitializerOperation { InitializedProperties: { Length: > 0 } properties } when _symbols.IsAutoProperty(properties[0]):
                return properties[0].OriginalDefinition;
            case IEventAssignmentOperation { Adds: true, EventReference: IEventReferenceOperation { Event: var subscribed } }:
                return subscribed.OriginalDefinition; // x.Closing += OnClosing: the event runs what is subscribed
            case IArgumentOperation { Parameter: { } parameter, Parent: IInvocationOperation or IObjectCreationOperation }
                when parameter.ContainingSymbol is IMethodSymbol method && _symbols.HasBody(method.OriginalDefinition):
                return parameter.OriginalDefinition;
            case IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Add" or "Enqueue" or "Push" or "Insert" or "TryAdd", Instance: { } collection } }
                when Operations.WithoutConversions(collection) is IFieldReferenceOperation field:
                return field.Field.OriginalDefinition; // _resolvers.Add(resolver): the list holds what is handed in
            default:
                return null;
        }
    }

    private void Lambda(IAnonymousFunctionOperation lambda)
    {
        var starter = _symbols.StarterOf(lambda);
        var holder = starter is null ? HolderOf(lambda) : null;
        bool subscribed = RegisteredOnToken(lambda) || HandedToAnotherObject(lambda);
        // Only a lambda that runs in place (LINQ, a helper of the compilation it is handed to) sees the objects of the code
        // around as that code's own: one started, stored in a field, property or collection, added to an event or
        // registered on a token may run on another thread while that code goes on with them.
        bool handedOut = holder is not (null or IParameterSymbol);
        int made = _made.Count; // Nested adds the lambda's summary first, then those of the functions inside it
        Nested(lambda.Symbol, lambda.Body, inPlace: starter is null && !handedOut && !subscribed);
        if (made < _made.Count)
            _made[made].FillsConstantEntryOf = ConstantEntryCache(lambda);
        if (starter is not null)
        {
            _function.Starts.Add(new StartSite(lambda.Symbol, starter.Value, _loops > 0, Discarded(lambda), Receiver.This, lambda.Syntax));
            return;
        }
        if (holder is not null)
            _function.Flows.Add((holder, lambda.Symbol));
        // Runs as part of the code around it (LINQ, callbacks run in place): under the locks held here only where a library
        // method runs it before the expression completes (HeldWhileRun). A callback registered on a cancellation token runs
        // on the thread that cancels, when it cancels: like an event handler, it is handed out, not called here.
        var (owned, from, passed) = ElementsGiven(lambda);
        _function.Calls.Add(new CallSite(lambda.Symbol, Receiver.This, HeldWhileRun(lambda), lambda.Syntax)
        {
            Subscribed = subscribed,
            HandedOut = handedOut,
            PassedTo = UseOf(lambda) is IArgumentOperation { Parameter: { } parameter, Parent: IInvocationOperation } ? parameter.OriginalDefinition : null,
            OwnedArguments = owned,
            ArgumentsFrom = from,
            ArgumentParameters = passed,
            SharedArguments = SharedElementsGiven(lambda),
        });
    }

    /// <summary>
    /// The field or property holding a cache that <paramref name="lambda"/> is the value factory of, for a key that is a
    /// constant (a literal, a constant, <c>nameof</c>): <c>_cache.Get("localization", () =&gt; …)</c>, <c>GetOrAdd</c>,
    /// <c>GetOrCreate</c>, <c>GetOrSet</c> and their async forms, on an instance or as an extension method. Null where the
    /// key varies (a user's id: the factory runs for every user) or the cache is not a field or property.
    /// </summary>
    private static ISymbol? ConstantEntryCache(IAnonymousFunctionOperation lambda)
    {
        if (UseOf(lambda) is not IArgumentOperation { Parent: IInvocationOperation invocation } factory
            || invocation.TargetMethod.Name is not ("Get" or "GetOrAdd" or "GetOrAddAsync" or "GetOrCreate" or "GetOrCreateAsync" or "GetOrSet" or "GetOrSetAsync"))
        {
            return null;
        }
        var arguments = invocation.Arguments;
        int first = invocation.Instance is null && invocation.TargetMethod.IsExtensionMethod ? 1 : 0;
        var cache = first == 1 ? arguments[0].Value : invocation.Instance;
        // The key: the first argument after the cache (the factory comes after it in every such API); a constant boxed to
        // object (IMemoryCache's keys) is one still.
        if (arguments.Length <= first + 1 || arguments[first] == factory || !Operations.WithoutConversions(arguments[first].Value).ConstantValue.HasValue)
            return null;
        return cache is null ? null : Operations.WithoutConversions(cache) switch
        {
            IFieldReferenceOperation field => field.Field.OriginalDefinition,
            IPropertyReferenceOperation property => property.Property.OriginalDefinition,
            _ => null,
        };
    }

    /// <summary>What uses a lambda or method group: the operation around it, past the delegate it becomes and conversions.</summary>
    private static IOperation? UseOf(IOperation function)
    {
        var parent = function.Parent;
        while (parent is IDelegateCreationOperation or IConversionOperation)
            parent = parent.Parent;
        return parent;
    }

    /// <summary>A callback given to <c>CancellationToken.Register</c> or <c>UnsafeRegister</c>.</summary>
    private static bool RegisteredOnToken(IOperation function)
    {
        var parent = UseOf(function);
        return parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "Register" or "UnsafeRegister", ContainingType.Name: "CancellationToken" } } };
    }

    /// <summary>
    /// A SignalR hub's typed client (<c>Clients.User(id).AddedToThreadAsync(thread)</c>, <c>Clients.All.Notify(…)</c>): a
    /// proxy that sends a message to the connected clients, which run their handlers in their own processes. It never runs
    /// the compilation's class that implements the client interface (LANCommander's SDK client, compiled with its server).
    /// </summary>
    private static bool IsSignalRClientProxy(IOperation? instance)
    {
        var clients = (instance is null ? null : Operations.WithoutConversions(instance)) switch
        {
            IInvocationOperation call => call.TargetMethod.ContainingType,
            IPropertyReferenceOperation property => property.Property.ContainingType,
            _ => null,
        };
        return clients is not null && InNamespace(clients, "SignalR", "AspNetCore", "Microsoft");
    }

    /// <summary>
    /// A callback stored in a member, declared in this compilation, of another object (<c>_provider.OnResume = OnResume</c>,
    /// <c>new Options { Configure = Apply }</c>): that object's code runs it when it chooses, like an event it raises; not
    /// this path. A member of a library's object (<c>_handler.ConnectCallback = ConnectCallback</c>) is run by the library on
    /// its threads, where the storing path is the only place the reach sees the callback from: followed as before. One
    /// stored in this object's own field stays with the code that calls it here.
    /// </summary>
    private bool HandedToAnotherObject(IOperation function) =>
        UseOf(function) is ISimpleAssignmentOperation { Target: IMemberReferenceOperation { Instance: { } instance, Member: var member } }
        && _symbols.IsOwn(member)
        && Operations.WithoutConversions(instance) is not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };

    private void MethodReference(IMethodReferenceOperation reference)
    {
        var method = reference.Method.OriginalDefinition;
        method = method.PartialImplementationPart ?? method;
        var receiver = ReceiverOf(reference.Instance, method.IsStatic, out var from);
        if (_symbols.StarterOf(reference) is { } starter)
        {
            _function.Starts.Add(new StartSite(method, starter, _loops > 0, Discarded(reference), receiver, reference.Syntax) { ReceiverFrom = from });
            return;
        }
        var subscription = EventAssignment(reference);
        if (subscription is { Adds: false })
            return; // x.Changed -= OnChanged hands nothing out: it only removes a handler
        if (HolderOf(reference) is { } holder)
            _function.Flows.Add((holder, method));
        if (_symbols.HasBody(method))
        {
            _function.Calls.Add(new CallSite(method, receiver, HeldWhileRun(reference), reference.Syntax)
            {
                ReceiverFrom = from,
                Escapes = true, DelegateType = reference.Parent?.Type, Subscribed = subscription is not null || RegisteredOnToken(reference) || HandedToAnotherObject(reference),
            });
        }
    }

    /// <summary>The event assignment a method group is added to or removed from (<c>server.DescriptionChanged += OnChanged</c>), or null.</summary>
    private static IEventAssignmentOperation? EventAssignment(IMethodReferenceOperation reference)
    {
        var parent = reference.Parent;
        while (parent is IConversionOperation or IDelegateCreationOperation)
            parent = parent.Parent;
        return parent as IEventAssignmentOperation;
    }

    /// <summary>The task started with the delegate is dropped: <c>Task.Run(...);</c>, <c>_ = Task.Run(...)</c>, <c>new Task(...).Start();</c>.</summary>
    private static bool Discarded(IOperation function)
    {
        var call = function.Parent;
        while (call is not null and not IInvocationOperation and not IObjectCreationOperation)
            call = call.Parent;
        if (call is null)
            return false;
        var parent = Operations.ParentWithoutConversions(call);
        if (parent is IInvocationOperation { TargetMethod.Name: "Start" } start && start.Instance is { } instance && Operations.WithoutConversions(instance) == call)
            parent = Operations.ParentWithoutConversions(start);
        return parent is IExpressionStatementOperation or ISimpleAssignmentOperation { Target: IDiscardOperation };
    }

    private void Wait(string wait, ISymbol member, IOperation at, IOperation? task)
    {
        if (_lists.BoundedWait(member, at.Syntax.SyntaxTree) || task is not null && SynchronousByConstruction(task))
            return;
        int parameter = task is not null && Operations.WithoutConversions(task) is IParameterReferenceOperation reference
            && SymbolEqualityComparer.Default.Equals(reference.Parameter.ContainingSymbol, _function.Symbol) ? reference.Parameter.Ordinal : -1;
        // Waiting on a task blocks a thread on work that was written to be awaited; so does the seed's worker loop
        // (BlockingCollection.Take() with no way out). The other waits (Monitor.Wait, WaitOne, Join, a semaphore) are how a
        // synchronous thread waits for its work or its peers; they block wrongly only in async code and handlers.
        bool onTask = task is not null || member.Name == "Take";
        bool inAsyncCode = _function.Symbol is IMethodSymbol { IsAsync: true };
        _function.Waits.Add(new WaitSite(wait, at.Syntax, parameter, onTask, inAsyncCode)
        {
            Guard = _guard,
            TaskField = task is not null && Operations.WithoutConversions(task) is IFieldReferenceOperation field ? field.Field.OriginalDefinition : null,
        });
    }

    /// <summary>
    /// A task from a method called with <c>async: false</c> (any bool parameter whose name says async, given a constant
    /// false): the method's synchronous path, complete when it returns (the pattern of .NET's own streams and of data
    /// clients such as Npgsql, where one body serves both the sync and the async API).
    /// </summary>
    private static bool SynchronousByConstruction(IOperation task)
    {
        if (Operations.WithoutConversions(task) is not IInvocationOperation call)
            return false;
        foreach (var argument in call.Arguments)
        {
            if (argument.Parameter is { Type.SpecialType: SpecialType.System_Boolean } parameter
                && parameter.Name.IndexOf("async", System.StringComparison.OrdinalIgnoreCase) >= 0
                && argument.Value.ConstantValue is { HasValue: true, Value: false })
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The parameters (bit by ordinal, the first 64) a call gives a constant <c>true</c>, and those it gives a constant <c>false</c>.</summary>
    private static (ulong True, ulong False) ConstantBoolArguments(IInvocationOperation invocation)
    {
        ulong constantTrue = 0, constantFalse = 0;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { Ordinal: < 64, Type.SpecialType: SpecialType.System_Boolean } parameter && argument.Value.ConstantValue is { HasValue: true, Value: bool value })
            {
                if (value)
                    constantTrue |= 1UL << parameter.Ordinal;
                else
                    constantFalse |= 1UL << parameter.Ordinal;
            }
        }
        return (constantTrue, constantFalse);
    }

    /// <summary>The task arguments of a call known to be complete where it is made (a helper waiting on them does not block).</summary>
    private ulong BoundedWaitArguments(IInvocationOperation invocation)
    {
        ulong complete = 0;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { Ordinal: < 64 } parameter && IsTaskType(parameter.Type) && WaitIsBounded(argument.Value, invocation))
            {
                complete |= 1UL << parameter.Ordinal;
            }
        }
        return complete;
    }

    /// <summary>A <c>Task</c>, <c>Task&lt;T&gt;</c>, <c>ValueTask</c> or <c>ValueTask&lt;T&gt;</c> (Smartstore's <c>Await(this ValueTask&lt;T&gt;)</c>).</summary>
    private bool IsTaskType(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "Task" or "ValueTask" } && _lists.NamespaceOf(type) == "System.Threading.Tasks";

    /// <summary>
    /// Where what a call throws surfaces: at the <c>await</c> of its task (<c>await F()</c>,
    /// <c>await F().ConfigureAwait(false)</c>); at the call itself otherwise, which for an async method only counts when it
    /// hands its task to the caller (<c>return F();</c>, <c>=&gt; F()</c>), who awaits it. A task-returning interface,
    /// virtual or delegate call that is not awaited here throws nowhere here (see <see cref="Dispatched"/>).
    /// </summary>
    private IOperation? SurfacesAt(IInvocationOperation call)
    {
        var parent = Operations.ParentWithoutConversions(call);
        if (parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure && configure.Instance is { } instance
            && ReferenceEquals(Operations.WithoutConversions(instance), call))
        {
            parent = Operations.ParentWithoutConversions(configure);
        }
        bool reportsThroughTask = Dispatched(call.TargetMethod) && ReturnsTask(call.TargetMethod);
        return parent switch
        {
            IAwaitOperation awaited => awaited,
            IReturnOperation => reportsThroughTask ? null : call,
            _ => call.TargetMethod.IsAsync || reportsThroughTask ? null : call,
        };
    }

    /// <summary>
    /// The call's task is waited for right here (<c>F().GetAwaiter().GetResult()</c>, <c>F().Wait()</c>, <c>F().Result</c>,
    /// also after <c>ConfigureAwait</c>): the caller's thread keeps its locks until the task ends, so the callee runs to
    /// its end inside them, on whatever thread its continuations take.
    /// </summary>
    private static bool WaitedHere(IInvocationOperation call)
    {
        IOperation task = call;
        var parent = Operations.ParentWithoutConversions(call);
        if (parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure)
            (task, parent) = (configure, Operations.ParentWithoutConversions(configure));
        if (parent is IInvocationOperation { TargetMethod.Name: "GetAwaiter" } getAwaiter)
            parent = Operations.ParentWithoutConversions(getAwaiter);
        return parent is not (null or IAwaitOperation) && Operations.WaitedTask(parent) is { } waited && ReferenceEquals(Operations.WithoutConversions(waited), task);
    }

    /// <summary>
    /// A call whose code is chosen at run time: a delegate, an interface or virtual member. When it returns a task, its
    /// implementations report failure through that task (the .NET convention; most are async methods), not at the call.
    /// </summary>
    private static bool Dispatched(IMethodSymbol method) =>
        method.MethodKind == MethodKind.DelegateInvoke || method.IsVirtual || method.IsAbstract || method.IsOverride
        || method.ContainingType?.TypeKind == TypeKind.Interface;

    private bool ReturnsTask(IMethodSymbol method) => IsTaskType(method.ReturnType);
}
