using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers;

/// <summary>
/// The API lists the concurrency rules consult: methods that never throw (EXG002 does not count a call to one as a way
/// out of a worker) and waits that are bounded (EXG004 does not report them). Each has a built-in part and a part read
/// per syntax tree from <c>.editorconfig</c> (or <c>.globalconfig</c>):
/// <code>
/// executorgen.never_throwing_apis = MyCompany.Logging.Log, MyCompany.Metrics.Counter.Increment
/// executorgen.bounded_waits = MyCompany.Queue.Take
/// </code>
/// Each entry is a type's full name (every member of the type) or a type's full name and a member name; entries are
/// separated by commas or semicolons; generic types are named without their arity (<c>System.Lazy.Value</c>).
/// The same configuration widens the concurrency rules from the code handlers reach to all code (<see cref="AnalyzesAllCode"/>).
/// </summary>
internal sealed class ApiLists
{
    public const string NeverThrowingKey = "executorgen.never_throwing_apis";
    public const string BoundedWaitsKey = "executorgen.bounded_waits";
    public const string ConcurrencyScopeKey = "executorgen.concurrency_scope";

    private readonly AnalyzerConfigOptionsProvider? _options;

    /// <summary>Namespace names, made once each: every call of the compilation asks for its callee's.</summary>
    private readonly ConcurrentDictionary<INamespaceSymbol, string> _namespaces = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// What each tree of the compilation is configured with, read once when the compilation starts and only read after
    /// that (no lock: every call the walk meets asks); null when no tree configures anything, which is most projects.
    /// </summary>
    private readonly Dictionary<SyntaxTree, TreeOptions>? _perTree;

    public ApiLists(AnalyzerConfigOptionsProvider? options, IEnumerable<SyntaxTree> trees)
    {
        _options = options;
        if (options is null)
            return;
        var perTree = new Dictionary<SyntaxTree, TreeOptions>();
        var distinct = new Dictionary<(string?, string?, string?), TreeOptions>(); // an .editorconfig section usually covers many files
        bool configured = false;
        foreach (var tree in trees)
        {
            var treeOptions = options.GetOptions(tree);
            var raw = (Raw(treeOptions, NeverThrowingKey), Raw(treeOptions, BoundedWaitsKey), Raw(treeOptions, ConcurrencyScopeKey));
            if (!distinct.TryGetValue(raw, out var read))
                distinct[raw] = read = Read(raw.Item1, raw.Item2, raw.Item3);
            perTree[tree] = read;
            configured |= read != s_defaults;
        }
        _perTree = configured ? perTree : null;
    }

    /// <summary>
    /// Whether a call to a library method (made in <paramref name="tree"/>) can end a worker with an exception as part of
    /// its contract: I/O, networking, data access, parsing and deserializing, reflection, a blocking collection that was
    /// completed, a dictionary's <c>Add</c>, a wait that rethrows, and any method of a library other than .NET's own.
    /// Other .NET methods fail only on a bug in their arguments, which is not what the rule is about.
    /// </summary>
    public bool ThrowsByContract(IMethodSymbol method, SyntaxTree tree)
    {
        if (NeverThrows(method, tree) || method.ContainingType is not { } type)
            return false;
        string ns = NamespaceOf(type);
        if (!IsDotNetNamespace(ns))
            return true;
        foreach (string prefix in s_throwingNamespaces)
        {
            if (ns.StartsWith(prefix, StringComparison.Ordinal))
                return true;
        }
        // Task.WaitAny does not rethrow what the tasks hold (it returns an index); without a token it fails only on a
        // bug in its arguments (a null or disposed task).
        if (method.Name == "WaitAny" && type.Name == "Task" && !method.Parameters.Any(p => p.Type.Name == "CancellationToken"))
            return false;
        return type.Name is "BlockingCollection" or "Process" or "Activator"
            || method.Name is "Parse" or "ParseExact" or "Deserialize" or "ChangeType" or "Invoke" or "DynamicInvoke" or "ThrowIfCancellationRequested"
                or "Wait" or "WaitAll" or "WaitAny" or "GetResult" or "RunSynchronously" or "Cancel"
            || method.Name.StartsWith("To", StringComparison.Ordinal) && type.Name == "Convert"
            || method.Name is "Add" && type.Name is "Dictionary" or "SortedDictionary" or "SortedList";
    }

    private static readonly string[] s_throwingNamespaces =
    {
        "System.IO", "System.Net", "System.Data", "System.Xml", "System.Text.Json", "System.Runtime.Serialization", "System.Security",
        "System.Reflection", "System.Diagnostics.Process", "Microsoft.Data", "Microsoft.Win32",
    };

    /// <summary>
    /// A reader, writer or stream of .NET that works in memory (<c>MemoryStream</c>, <c>StringReader</c>,
    /// <c>StringWriter</c>): making, reading, writing and disposing one fail only on a bug.
    /// </summary>
    public bool IsInMemory(ITypeSymbol type) =>
        type.Name is "MemoryStream" or "StringReader" or "StringWriter" && NamespaceOf(type) == "System.IO";

    /// <summary>Whether <paramref name="method"/> is declared by .NET itself (a <c>System</c> or <c>Microsoft</c> namespace).</summary>
    public bool IsDotNet(IMethodSymbol method) => method.ContainingType is { } type && IsDotNetNamespace(NamespaceOf(type));

    /// <summary><c>System</c>, <c>Microsoft</c> or a namespace inside them.</summary>
    public static bool IsDotNetNamespace(string ns) =>
        ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) || ns == "Microsoft" || ns.StartsWith("Microsoft.", StringComparison.Ordinal);

    /// <summary>The full name of <paramref name="type"/>'s namespace ("" for the global one).</summary>
    public string NamespaceOf(ITypeSymbol type) =>
        type.ContainingNamespace is { IsGlobalNamespace: false } ns ? _namespaces.GetOrAdd(ns, n => n.ToDisplayString()) : "";

    /// <summary>Whether a call to <paramref name="method"/> (made in <paramref name="tree"/>) cannot end a worker with an exception.</summary>
    public bool NeverThrows(IMethodSymbol method, SyntaxTree tree)
    {
        if (BuiltInNeverThrows(method))
            return true;
        var configured = For(tree).NeverThrowing;
        return configured.Count > 0 && method.ContainingType is { } type
            && (configured.Contains(FullName(type)) || configured.Contains(FullName(type) + "." + method.Name));
    }

    /// <summary>
    /// A logging abstraction, of any library (<c>ILog</c>, <c>ILogger</c>, <c>IInternalLogger</c>, <c>LoggerBase</c>): an
    /// interface or abstract class named after a logger. Loggers are required not to throw (every logging library
    /// swallows a failing sink), and nobody wraps a log call in a <c>try</c>; on real code, thread bodies were reported
    /// at their log calls (Rebus's workers). Not any name ending in "Log": a commit log or an audit log writes data.
    /// </summary>
    private static bool IsLogger(INamedTypeSymbol type) =>
        (type.TypeKind == TypeKind.Interface || type.IsAbstract)
        && (type.Name is "ILog" || type.Name.EndsWith("Logger", StringComparison.Ordinal) || type.Name.StartsWith("Logger", StringComparison.Ordinal));

    /// <summary>Whether a wait on <paramref name="member"/> (made in <paramref name="tree"/>) is listed as bounded: its type, or its type and name.</summary>
    public bool BoundedWait(ISymbol member, SyntaxTree tree)
    {
        var configured = For(tree).Bounded;
        return configured.Count > 0 && member.ContainingType is { } type
            && (configured.Contains(FullName(type)) || configured.Contains(FullName(type) + "." + member.Name));
    }

    /// <summary>
    /// Whether the concurrency rules report in <paramref name="tree"/> what they infer about code that runs on threads,
    /// timers and pool items the code starts itself (<c>executorgen.concurrency_scope = all</c>), and not only about the
    /// code <c>[RequestHandler]</c> methods reach, which the executor runs on several workers at once (the default,
    /// <c>handlers</c>). Measured on public codebases the rules were never tuned on, the inferences about code of the
    /// first kind were right 3 times in 79 (docs/analyzers-on-real-code.md): a project opts in where it wants them and
    /// accepts their noise.
    /// </summary>
    public bool AnalyzesAllCode(SyntaxTree tree) => For(tree).AllCode;

    /// <summary>What the configuration says for one syntax tree, read once per tree.</summary>
    private sealed class TreeOptions(HashSet<string> neverThrowing, HashSet<string> bounded, bool allCode)
    {
        public HashSet<string> NeverThrowing { get; } = neverThrowing;

        public HashSet<string> Bounded { get; } = bounded;

        public bool AllCode { get; } = allCode;
    }

    private TreeOptions For(SyntaxTree tree)
    {
        if (_perTree is null)
            return s_defaults;
        if (_perTree.TryGetValue(tree, out var known))
            return known;
        // A tree the compilation did not have when it started (none in a build); read, not kept.
        var options = _options!.GetOptions(tree);
        return Read(Raw(options, NeverThrowingKey), Raw(options, BoundedWaitsKey), Raw(options, ConcurrencyScopeKey));
    }

    private static string? Raw(AnalyzerConfigOptions options, string key) => options.TryGetValue(key, out string? value) ? value : null;

    private static TreeOptions Read(string? neverThrowing, string? bounded, string? scope)
    {
        bool allCode = scope is not null && string.Equals(scope.Trim(), "all", StringComparison.OrdinalIgnoreCase);
        var neverThrowingSet = Parse(neverThrowing);
        var boundedSet = Parse(bounded);
        return neverThrowingSet.Count == 0 && boundedSet.Count == 0 && !allCode ? s_defaults : new TreeOptions(neverThrowingSet, boundedSet, allCode);
    }

    private static readonly HashSet<string> s_empty = new(StringComparer.Ordinal);

    // After s_empty: static fields are initialized in the order they are written.
    private static readonly TreeOptions s_defaults = new(s_empty, s_empty, allCode: false);

    private static HashSet<string> Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return s_empty;
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (string entry in value!.Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries))
        {
            string trimmed = entry.Trim();
            if (trimmed.Length > 0)
                set.Add(trimmed);
        }
        return set;
    }

    /// <summary>A type's full name without arity or type arguments: <c>System.Collections.Generic.List</c>.</summary>
    public static string FullName(INamedTypeSymbol type)
    {
        string name = type.Name;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            name = outer.Name + "." + name;
        var ns = type.ContainingNamespace;
        return ns is null || ns.IsGlobalNamespace ? name : ns.ToDisplayString() + "." + name;
    }

    /// <summary>
    /// Calls that do not throw unless the program is already broken (out of memory, a null argument): what no maintainer
    /// wraps in a try. Atomic operations and locks, waits' signals, thread-safe collections without callbacks, the clock,
    /// math, strings, console, debug output and logging.
    /// </summary>
    private bool BuiltInNeverThrows(IMethodSymbol method)
    {
        if (method.ContainingType is not { } type)
            return false;
        if (method.Name is "ToString" or "GetHashCode" or "Equals" && method.Parameters.Length <= 1)
            return true; // object's own members, which .NET's design guidelines say never throw
        if (IsLogger(type))
            return true;

        var ns = NamespaceOf(type);
        switch (ns)
        {
            case "System.Threading":
                return type.Name switch
                {
                    "Interlocked" or "Volatile" or "Monitor" or "SpinWait" or "SpinLock" or "Lock" or "Timeout" => true,
                    "Thread" => method.Name is "Sleep" or "Yield" or "SpinWait" or "MemoryBarrier" or "get_CurrentThread" or "get_ManagedThreadId",
                    "CancellationToken" => method.Name != "ThrowIfCancellationRequested",
                    "CancellationTokenSource" => method.Name is not "Cancel" and not "CancelAfter",
                    "Timer" => method.Name is "Change" or "Dispose",
                    "ManualResetEventSlim" or "ManualResetEvent" or "AutoResetEvent" or "EventWaitHandle" or "CountdownEvent" => method.Name is "Set" or "Reset",
                    "SemaphoreSlim" or "Semaphore" => method.Name == "Release",
                    _ => false,
                };
            case "System.Threading.Tasks":
                return type.Name is "TaskCompletionSource" && method.Name.StartsWith("Try", StringComparison.Ordinal)
                    || type.Name is "Task" && method.Name is "FromResult" or "Delay" or "Run" or "ContinueWith" or "Yield" or "ConfigureAwait" or "WhenAll" or "WhenAny"
                    || type.Name is "ValueTask" && method.Name is "FromResult" or "ConfigureAwait" or "AsTask";
            case "System.Collections.Concurrent":
                foreach (var parameter in method.Parameters)
                {
                    if (parameter.Type.TypeKind == TypeKind.Delegate && parameter.RefKind == RefKind.None)
                        return false; // GetOrAdd(key, factory) runs code that can throw
                }
                return type.Name != "BlockingCollection";
            case "System.Collections.Generic":
                return method.Name.StartsWith("Try", StringComparison.Ordinal) || method.Name is "Contains" or "ContainsKey" or "ContainsValue" or "Clear" or "GetEnumerator"
                    || method.Name is "Add" or "Enqueue" or "Push" or "AddLast" or "AddFirst" or "Remove" && type.Name is not "Dictionary" and not "SortedDictionary" and not "SortedList";
            case "System":
                return type.Name is "Math" or "MathF" or "String" or "Console" or "Environment" or "DateTime" or "DateTimeOffset" or "TimeSpan" or "Guid" or "GC"
                    or "Object" or "BitConverter" or "Convert" or "Array" or "Buffer" or "Nullable" or "Delegate" or "MulticastDelegate"
                    && method.Name != "Invoke" && method.Name != "DynamicInvoke";
            case "System.Diagnostics":
                return type.Name is "Stopwatch" or "Debug" or "Trace" or "Debugger" or "Activity" or "ActivitySource" or "DiagnosticSource" or "DiagnosticListener";
            case "System.IO" when method.MethodKind == MethodKind.Constructor:
                // In memory, or a wrapper around a stream already open: making one opens nothing.
                return IsInMemory(type) || type.Name is "BinaryReader" or "BinaryWriter" or "BufferedStream";
            case "System.Security.Cryptography" when type.Name == "RandomNumberGenerator":
                return true;
            case "System.Linq":
                return type.Name == "Enumerable"; // throws only on a null source; the lambdas it runs are the caller's own code
            case "System.Diagnostics.Metrics":
            case "Microsoft.Extensions.Logging":
                return true;
            default:
                return false;
        }
    }
}
