using System;
using System.Collections.Generic;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>The types the concurrency rules recognize, resolved once per compilation; any may be missing.</summary>
internal sealed class ConcurrencySymbols
{
    public ConcurrencySymbols(Compilation compilation)
    {
        _readHasBody = ReadHasBody; // one delegate for every question
        RequestHandlerAttribute = compilation.GetTypeByMetadataName("ExecutorGen.RequestHandlerAttribute");
        Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
        ThreadPool = compilation.GetTypeByMetadataName("System.Threading.ThreadPool");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
        TaskFactoryOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory`1");
        Parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
        Timer = compilation.GetTypeByMetadataName("System.Threading.Timer");
        Monitor = compilation.GetTypeByMetadataName("System.Threading.Monitor");
        SemaphoreSlim = compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim");
        Lock = compilation.GetTypeByMetadataName("System.Threading.Lock");
        SpinLock = compilation.GetTypeByMetadataName("System.Threading.SpinLock");
        ReaderWriterLockSlim = compilation.GetTypeByMetadataName("System.Threading.ReaderWriterLockSlim");
        WaitHandle = compilation.GetTypeByMetadataName("System.Threading.WaitHandle");
        BlockingCollection = compilation.GetTypeByMetadataName("System.Collections.Concurrent.BlockingCollection`1");
        Exception = compilation.GetTypeByMetadataName("System.Exception");
        OperationCanceledException = compilation.GetTypeByMetadataName("System.OperationCanceledException");
        ObjectDisposedException = compilation.GetTypeByMetadataName("System.ObjectDisposedException");
        ThreadStatic = compilation.GetTypeByMetadataName("System.ThreadStaticAttribute");
        ServiceProvider = compilation.GetTypeByMetadataName("System.IServiceProvider");
        Queryable = compilation.GetTypeByMetadataName("System.Linq.IQueryable");
        Assembly = compilation.Assembly;
    }

    /// <summary>The compilation's own assembly (its source types).</summary>
    public IAssemblySymbol Assembly { get; }

    /// <summary>Fields and properties whose object this compilation never disposes (EXG002: waits on them cannot fail).</summary>
    public UndisposedMembers Undisposed { get; } = new();

    /// <summary>The compilation's methods that only take or only release a lock (<c>Lock()</c>/<c>Unlock()</c>).</summary>
    public LockHelpers LockHelpers { get; } = new();

    /// <summary>The classes the compilation registers in dependency injection, with their lifetimes (EXG001: a scoped service is a request's own).</summary>
    public ServiceLifetimes Lifetimes { get; } = new();

    public INamedTypeSymbol? RequestHandlerAttribute { get; }
    public INamedTypeSymbol? Thread { get; }
    public INamedTypeSymbol? ThreadPool { get; }
    public INamedTypeSymbol? Task { get; }
    public INamedTypeSymbol? TaskOfT { get; }
    public INamedTypeSymbol? TaskFactory { get; }
    public INamedTypeSymbol? TaskFactoryOfT { get; }
    public INamedTypeSymbol? Parallel { get; }
    public INamedTypeSymbol? OperationCanceledException { get; }
    public INamedTypeSymbol? ObjectDisposedException { get; }
    public INamedTypeSymbol? Timer { get; }
    public INamedTypeSymbol? Monitor { get; }
    public INamedTypeSymbol? SemaphoreSlim { get; }

    /// <summary><c>System.Threading.Lock</c> (.NET 9 and later).</summary>
    public INamedTypeSymbol? Lock { get; }
    public INamedTypeSymbol? SpinLock { get; }
    public INamedTypeSymbol? ReaderWriterLockSlim { get; }
    public INamedTypeSymbol? WaitHandle { get; }
    public INamedTypeSymbol? BlockingCollection { get; }
    public INamedTypeSymbol? Exception { get; }
    public INamedTypeSymbol? ThreadStatic { get; }

    /// <summary><c>System.IServiceProvider</c>: what a container hands out may be a singleton every request shares.</summary>
    public INamedTypeSymbol? ServiceProvider { get; }

    /// <summary><c>System.Linq.IQueryable</c>: a query, whose results are new objects (or a per-request context's entities).</summary>
    public INamedTypeSymbol? Queryable { get; }

    /// <summary>Whether <paramref name="type"/> is <paramref name="expected"/> (an interface) or implements it.</summary>
    public static bool IsOrImplements(ITypeSymbol? type, INamedTypeSymbol? expected)
    {
        if (type is null || expected is null)
            return false;
        if (Is(type, expected))
            return true;
        foreach (var @interface in type.AllInterfaces)
        {
            if (Is(@interface, expected))
                return true;
        }
        return false;
    }

    /// <summary>A method (or accessor, lambda, local function) of this compilation with code: one that has a summary.</summary>
    /// <remarks>
    /// Asked for every call and property access of the compilation: a library's is told by its assembly; one of the
    /// compilation's is read once (by its definition, which has the same locations and declaration) and remembered, since
    /// its locations and declaring references are made anew at each question (a tenth of what the walk allocated).
    /// </remarks>
    public bool HasBody(IMethodSymbol method) => IsOwn(method) && _hasBody.GetOrAdd(method.OriginalDefinition, _readHasBody);

    private readonly ConcurrentDictionary<IMethodSymbol, bool> _hasBody = new(SymbolEqualityComparer.Default);
    private readonly Func<IMethodSymbol, bool> _readHasBody;

    private bool ReadHasBody(IMethodSymbol method) =>
        method.Locations is { IsEmpty: false } locations && locations[0].IsInSource && !method.IsExtern && !method.IsAbstract
        && method.MethodKind != MethodKind.DelegateInvoke // a delegate type declared here: its Invoke runs what it holds
        && !(method.AssociatedSymbol is IPropertySymbol property && IsAutoProperty(property)); // get; set; has no code

    /// <summary>An interface's, abstract or virtual method (or accessor): a call runs the code of its implementations and overrides.</summary>
    public static bool IsDispatched(IMethodSymbol method) =>
        method.IsAbstract || method.IsVirtual || method.IsOverride || method.ContainingType?.TypeKind == TypeKind.Interface;

    /// <summary>An interface's, abstract or virtual method (or accessor) of this compilation: a call runs its implementations and overrides here.</summary>
    public bool IsDispatchedOwn(IMethodSymbol method) => IsDispatched(method) && IsOwn(method);

    /// <summary>
    /// Whether code outside this assembly is meant to see <paramref name="member"/> (and so implement or override it): no
    /// private or internal member or containing type on the way to its namespace, and no namespace named <c>Internal</c>
    /// (the .NET convention for public types that are not for users: <c>DotNetty.Common.Internal</c>,
    /// <c>Microsoft.EntityFrameworkCore.Internal</c>).
    /// </summary>
    public bool VisibleOutside(ISymbol member)
    {
        ISymbol? current = member;
        for (; current is not null and not INamespaceSymbol; current = current.ContainingSymbol)
        {
            if (current.DeclaredAccessibility is Accessibility.Private or Accessibility.Internal or Accessibility.ProtectedAndInternal)
                return false;
        }
        for (; current is INamespaceSymbol { IsGlobalNamespace: false } ns; current = ns.ContainingNamespace)
        {
            if (ns.Name == "Internal")
                return false;
        }
        return true;
    }

    /// <summary>Whether <paramref name="symbol"/> is declared in this compilation (a field the rules can report on).</summary>
    public bool IsOwn(ISymbol symbol) => SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, Assembly);

    /// <summary>A <c>[ThreadStatic]</c> field: each thread has its own.</summary>
    public bool IsThreadLocal(IFieldSymbol field)
    {
        if (ThreadStatic is null || !field.IsStatic)
            return false;
        foreach (var attribute in field.GetAttributes())
        {
            if (Is(attribute.AttributeClass, ThreadStatic))
                return true;
        }
        return false;
    }

    /// <summary>A property of this compilation whose accessors have no code (<c>{ get; private set; }</c>): a field in disguise.</summary>
    public bool IsAutoProperty(IPropertySymbol property)
    {
        // Asked for every property access and accessor call: read from the declaration, with no cache (a shared cache's
        // adds were a third of the walk's time) and no scan of the type's members.
        if (property.IsAbstract || property.IsIndexer || property.IsExtern || !IsOwn(property))
            return false;
        var references = property.DeclaringSyntaxReferences;
        return references.Length == 1 && references[0].GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax
        {
            ExpressionBody: null, AccessorList.Accessors: var accessors,
        } declaration
            && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword) && WithoutCode(accessors);

        static bool WithoutCode(SyntaxList<Microsoft.CodeAnalysis.CSharp.Syntax.AccessorDeclarationSyntax> accessors)
        {
            foreach (var accessor in accessors)
            {
                if (accessor.Body is not null || accessor.ExpressionBody is not null)
                    return false;
            }
            return true;
        }
    }

    /// <summary>
    /// A method of this compilation whose every <c>return</c> hands back a new object (<c>Builder(plan) => new(plan)</c>,
    /// <c>return new Parser(options);</c>): what a call of it returns, no other thread has. Read from the declaration.
    /// </summary>
    public bool ReturnsOnlyNew(IMethodSymbol method) => Returned(method) == OnlyNew;

    /// <summary>
    /// The ordinal of the parameter every <c>return</c> of a method of this compilation hands back
    /// (<c>Cipher ToCipher(Cipher existing) { existing.Data = Data; return existing; }</c>), one no override can change and
    /// the method never stores to; or -1. What a call of it returns is what it was given (RacerD: owned if formal k is).
    /// </summary>
    public int ReturnedParameter(IMethodSymbol method) =>
        method.IsVirtual || method.IsAbstract || method.IsOverride ? -1 : System.Math.Max(Returned(method), -1);

    /// <summary>
    /// A method of this compilation, one no override can change, whose every <c>return</c> hands back <c>this</c> (a fluent
    /// builder's <c>With(x) { _arguments.Add(x); return this; }</c>): what a call of it returns is the object it was called on.
    /// </summary>
    public bool ReturnsThis(IMethodSymbol method) =>
        !method.IsVirtual && !method.IsAbstract && !method.IsOverride && Returned(method) == OnlyThis;

    private const int OnlyNew = -2, OnlyThis = -3;

    /// <summary>What every <c>return</c> of the method hands back: <see cref="OnlyNew"/>, <see cref="OnlyThis"/>, a parameter's ordinal, or -1 (anything else).</summary>
    private int Returned(IMethodSymbol method)
    {
        // Asked for every call whose result is kept, handed on or called on (a fluent chain asks once per link): the cheap
        // tests first (most callees are a library's, or return values), then the declaration, read once per method.
        if (method.IsAsync || method.ReturnType is not { IsReferenceType: true, SpecialType: SpecialType.None } || !IsOwn(method))
            return -1;
        if (_returned.TryGetValue(method, out int known))
            return known;
        return _returned.GetOrAdd(method, ReadReturned(method));
    }

    private readonly ConcurrentDictionary<IMethodSymbol, int> _returned = new(SymbolEqualityComparer.Default);

    private static int ReadReturned(IMethodSymbol method)
    {
        if (method.DeclaringSyntaxReferences is not { Length: 1 } references
            || references[0].GetSyntax() is not Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax declaration)
        {
            return -1;
        }
        if (declaration.ExpressionBody is { } arrow)
            return Of(arrow.Expression);
        if (declaration.Body is not { } body)
            return -1;
        int? returned = null;
        List<string>? stored = null;
        foreach (var node in body.DescendantNodes(n => n is not (Microsoft.CodeAnalysis.CSharp.Syntax.AnonymousFunctionExpressionSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax)))
        {
            switch (node)
            {
                case Microsoft.CodeAnalysis.CSharp.Syntax.ReturnStatementSyntax { Expression: var expression }:
                    int value = expression is null ? -1 : Of(expression);
                    if (value == -1 || returned is { } earlier && earlier != value)
                        return -1;
                    returned = value;
                    break;
                case Microsoft.CodeAnalysis.CSharp.Syntax.YieldStatementSyntax:
                    return -1;
                case Microsoft.CodeAnalysis.CSharp.Syntax.AssignmentExpressionSyntax { Left: Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax name }:
                    (stored ??= new List<string>()).Add(name.Identifier.ValueText);
                    break;
            }
        }
        // A parameter given something else before it is returned is not what the caller gave.
        return returned is { } ordinal && (ordinal < 0 || stored is null || !stored.Contains(method.Parameters[ordinal].Name)) ? ordinal : -1;

        int Of(Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax expression)
        {
            if (expression is Microsoft.CodeAnalysis.CSharp.Syntax.BaseObjectCreationExpressionSyntax)
                return OnlyNew;
            if (expression is Microsoft.CodeAnalysis.CSharp.Syntax.ThisExpressionSyntax)
                return OnlyThis;
            if (expression is Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax name)
            {
                foreach (var parameter in method.Parameters)
                {
                    if (parameter.Name == name.Identifier.ValueText && parameter.RefKind == RefKind.None)
                        return parameter.Ordinal;
                }
            }
            return -1;
        }
    }

    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? expected) =>
        type is not null && expected is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, expected);

    public static bool IsOrDerives(ITypeSymbol? type, INamedTypeSymbol? expected)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (Is(current, expected))
                return true;
        }
        return false;
    }

    public bool IsHandler(IMethodSymbol method)
    {
        if (RequestHandlerAttribute is null)
            return false;
        foreach (var attribute in method.GetAttributes())
        {
            if (Is(attribute.AttributeClass, RequestHandlerAttribute))
                return true;
        }
        return false;
    }

    /// <summary>
    /// What kind of worker a delegate passed to <paramref name="target"/> becomes, or <see langword="null"/> when
    /// <paramref name="target"/> does not run delegates on other threads.
    /// </summary>
    public StarterKind? Starter(IMethodSymbol target)
    {
        var type = target.ContainingType;
        if (target.MethodKind == MethodKind.Constructor)
        {
            if (Is(type, Thread))
                return StarterKind.Thread;
            if (Is(type, Timer))
                return StarterKind.Timer;
            if (Is(type, Task) || Is(type, TaskOfT))
                return StarterKind.Task; // new Task(Loop).Start()
            return null;
        }
        switch (target.Name)
        {
            case "QueueUserWorkItem" or "UnsafeQueueUserWorkItem" when Is(type, ThreadPool):
                return StarterKind.ThreadPool;
            case "Run" when Is(type, Task):
            case "StartNew" when Is(type, TaskFactory) || Is(type, TaskFactoryOfT):
                return StarterKind.Task;
            case "For" or "ForEach" or "ForEachAsync" or "Invoke" when Is(type, Parallel):
                return StarterKind.Parallel;
            default:
                return null;
        }
    }

    /// <summary>The starter a delegate is handed to, if it is an argument of one.</summary>
    public StarterKind? StarterOf(IOperation function)
    {
        var parent = function.Parent;
        if (parent is IDelegateCreationOperation)
            parent = parent.Parent;
        while (parent is IConversionOperation)
            parent = parent.Parent;
        if (parent is not IArgumentOperation argument)
            return null;
        var (starter, call) = argument.Parent switch
        {
            IInvocationOperation invocation => (Starter(invocation.TargetMethod), (IOperation)invocation),
            IObjectCreationOperation { Constructor: { } constructor } creation => (Starter(constructor), creation),
            _ => (null, argument.Parent!),
        };
        return starter == StarterKind.Task && OnOwnScheduler(call) ? null : starter;
    }

    /// <summary>
    /// A task given a scheduler of its own (<c>new Task(work).Start(this)</c>, <c>StartNew(work, ct, options, _loop)</c>):
    /// the scheduler decides where it runs, typically on the one thread of an event loop, which is how such code keeps
    /// its state confined. Only <c>TaskScheduler.Default</c> is the thread pool.
    /// </summary>
    private static bool OnOwnScheduler(IOperation call)
    {
        IEnumerable<IArgumentOperation> arguments = call switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation when Operations.ParentWithoutConversions(creation) is IInvocationOperation { TargetMethod.Name: "Start" } start
                && start.Instance is { } instance && Operations.WithoutConversions(instance) == creation => start.Arguments,
            _ => Enumerable.Empty<IArgumentOperation>(),
        };
        foreach (var argument in arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.DefaultValue && argument.Parameter?.Type.Name == "TaskScheduler"
                && Operations.WithoutConversions(argument.Value) is not IPropertyReferenceOperation { Property.Name: "Default" })
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>How a worker body is started.</summary>
internal enum StarterKind
{
    Thread,
    ThreadPool,
    Task,
    Parallel,
    Timer,
}

/// <summary>How the rules' messages name a starter.</summary>
internal static class Starters
{
    /// <summary>For EXG001, EXG004 and EXG006: where worker code starts (<c>the thread started in 'Start'</c>).</summary>
    public static string Describe(StarterKind starter) => starter switch
    {
        StarterKind.Thread => "thread started",
        StarterKind.ThreadPool => "thread-pool item queued",
        StarterKind.Task => "task started",
        StarterKind.Parallel => "parallel loop body",
        _ => "timer callback",
    };

    /// <summary>For EXG002: the body an exception leaves (<c>the thread body in 'Start'</c>).</summary>
    public static string DescribeBody(StarterKind starter) => starter switch
    {
        StarterKind.Thread => "thread body",
        StarterKind.ThreadPool => "thread-pool item",
        StarterKind.Task => "fire-and-forget task",
        _ => "timer callback",
    };
}

/// <summary>Small operation helpers shared by the concurrency rules.</summary>
internal static class Operations
{
    /// <summary>The object a call is made on: its instance, or an extension method's <c>this</c> argument; null for a static call.</summary>
    public static IOperation? Receiver(IInvocationOperation call) =>
        call.Instance ?? (call.TargetMethod.IsExtensionMethod && call.Arguments.Length > 0 ? call.Arguments[0].Value : null);

    /// <summary>
    /// The method of the compilation's code a call of <paramref name="target"/> runs, as summaries are keyed: an extension
    /// method called as one (<c>builder.Where(x)</c>) is its static declaration, a generic one its definition, a partial
    /// one its implementation.
    /// </summary>
    public static IMethodSymbol Callee(IMethodSymbol target)
    {
        var definition = (target.ReducedFrom ?? target).OriginalDefinition;
        return definition.PartialImplementationPart ?? definition;
    }

    public static IOperation WithoutConversions(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
            operation = conversion.Operand;
        return operation;
    }

    /// <summary>The variable an operation reads: a field or property (its definition), a local or a parameter; else null.</summary>
    public static ISymbol? VariableOf(IOperation operation) => operation switch
    {
        IFieldReferenceOperation field => field.Field.OriginalDefinition,
        IPropertyReferenceOperation property => property.Property.OriginalDefinition,
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        _ => null,
    };

    /// <summary>
    /// What an awaited expression waits on: <c>await F()</c> and <c>await F().ConfigureAwait(false)</c> give <c>F()</c>
    /// (anything else is returned without its conversions).
    /// </summary>
    public static IOperation WithoutAwait(IOperation operation)
    {
        operation = WithoutConversions(operation);
        if (operation is IAwaitOperation awaited)
            operation = WithoutConversions(awaited.Operation);
        if (operation is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
            operation = WithoutConversions(configured);
        return operation;
    }

    /// <summary>
    /// The task a wait that rethrows its failure waits on (<c>t.GetAwaiter().GetResult()</c>, <c>t.Wait()</c>,
    /// <c>t.Result</c>, <c>await t</c>), or null.
    /// </summary>
    public static IOperation? WaitedTask(IOperation wait) => wait switch
    {
        IInvocationOperation { TargetMethod.Name: "GetResult", Instance: IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } awaited } } => awaited,
        IInvocationOperation { TargetMethod.Name: "Wait", Instance: { } waited } => waited,
        IPropertyReferenceOperation { Property.Name: "Result", Instance: { } result } => result,
        IAwaitOperation awaited => awaited.Operation,
        _ => null,
    };

    public static IOperation? ParentWithoutConversions(IOperation operation)
    {
        var parent = operation.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
            parent = parent.Parent;
        return parent;
    }

    /// <summary>
    /// Every store to <paramref name="local"/> in <paramref name="root"/>: the value of its initializer and of each
    /// assignment (<c>var t = A(); t = B();</c>), and, for a call that may set it (<c>TryGet(key, out t)</c>), the argument
    /// itself, whose value is not known here. A declaration without an initializer stores nothing.
    /// </summary>
    public static IEnumerable<IOperation> StoresTo(ILocalSymbol local, IOperation root)
    {
        foreach (var operation in root.Descendants())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation { Initializer.Value: { } initial } declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                    yield return initial;
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, local):
                    yield return assignment.Value;
                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref, Value: ILocalReferenceOperation passed } argument
                    when SymbolEqualityComparer.Default.Equals(passed.Local, local):
                    yield return argument;
                    break;
            }
        }
    }

    /// <summary>
    /// The object a member is accessed on: for <c>x?.M()</c>, whose instance is the conditional access's placeholder,
    /// <c>x</c>; any other instance as it is.
    /// </summary>
    public static IOperation AccessedInstance(IOperation instance)
    {
        if (WithoutConversions(instance) is not IConditionalAccessInstanceOperation)
            return instance;
        for (var parent = instance.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is IConditionalAccessOperation access)
                return access.Operation;
        }
        return instance;
    }
}
