using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers;

/// <summary>
/// The concurrency facts of one compilation, shared by the analyzers of EXG001–EXG004 and EXG006: every function's
/// <see cref="FunctionSummary"/>, made once (whichever analyzer reaches a member first walks it, the others wait for that
/// walk), and, at the end of the compilation, their composition (<see cref="Composition"/>): what runs on worker threads,
/// from which entry point, with which locks held by the callers.
/// </summary>
/// <remarks>
/// Composing needs the whole compilation, so these rules report at its end: in an IDE their diagnostics show after a
/// build or with full-solution analysis, like every compilation-end rule. That is the price of following calls into
/// other types and files, which is where most real defects sit.
/// </remarks>
internal sealed class ConcurrencyModel
{
    private static readonly ConditionalWeakTable<Compilation, ConcurrencyModel> s_models = new();

    private readonly ConcurrentDictionary<ISymbol, Lazy<List<FunctionSummary>>> _members = new(SymbolEqualityComparer.Default);
    private readonly Lazy<Composition> _composition;

    private ConcurrencyModel(Compilation compilation, AnalyzerOptions options)
    {
        Symbols = new ConcurrencySymbols(compilation);
        Lists = new ApiLists(options.AnalyzerConfigOptionsProvider, compilation.SyntaxTrees);
        _composition = new Lazy<Composition>(() => new Composition(this), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public ConcurrencySymbols Symbols { get; }
    public ApiLists Lists { get; }

    /// <summary>The model of <paramref name="compilation"/>, made by the first analyzer that asks.</summary>
    public static ConcurrencyModel For(Compilation compilation, AnalyzerOptions options) =>
        s_models.GetValue(compilation, c => new ConcurrencyModel(c, options));

    /// <summary>
    /// Registers the one action every concurrency analyzer needs, summarizing each member's body, and the report at the
    /// end; nothing in a compilation where the rules cannot report (<see cref="MayReport"/>).
    /// </summary>
    public static void Register(CompilationStartAnalysisContext start, System.Action<ConcurrencyModel, CompilationAnalysisContext> report)
    {
        var model = For(start.Compilation, start.Options);
        if (!model.MayReport(start.Compilation, start.CancellationToken))
            return;
        start.RegisterOperationBlockAction(block => model.Summarize(block.OwningSymbol, block.OperationBlocks));
        start.RegisterCompilationEndAction(end => report(model, end));
    }

    /// <summary>
    /// Whether the rules can report anything in the compilation: only if a file widens them to all code, or the source
    /// names <c>[RequestHandler]</c> (whose worker code they report on by default) or <c>[GuardedBy]</c> (checked in all
    /// code). Elsewhere, which is most projects and every library without handlers, they do nothing: no summary, no
    /// composition, and none of the operation trees the summaries would have made the driver build.
    /// </summary>
    public bool MayReport(Compilation compilation, CancellationToken cancellationToken) =>
        Mentions(compilation, cancellationToken) != 0 || compilation.SyntaxTrees.Any(Lists.AnalyzesAllCode);

    /// <summary>Whether the source names <c>[RequestHandler]</c>: without it, the compilation has no handler (EXG008).</summary>
    public bool MayHaveHandlers(Compilation compilation, CancellationToken cancellationToken) =>
        (Mentions(compilation, cancellationToken) & HandlerWord) != 0;

    /// <remarks>
    /// The source text, not the symbols: an attribute is applied by its name (or by an alias, whose directive names it),
    /// so a text without the word has no such attribute, and the scan reads characters without binding anything. Asked at
    /// the start of the compilation by each analyzer that shares the model; the first answer is kept.
    /// </remarks>
    private int Mentions(Compilation compilation, CancellationToken cancellationToken)
    {
        int known = Volatile.Read(ref _mentions);
        if ((known & Scanned) != 0)
            return known & ~Scanned;
        // Only ExecutorGen's own attribute marks a handler (ConcurrencySymbols.IsHandler); [GuardedBy] is matched by its name in any namespace.
        int found = Symbols.RequestHandlerAttribute is null
            ? SourceMentions.Which(compilation.SyntaxTrees, s_intentWord, cancellationToken) << 1
            : SourceMentions.Which(compilation.SyntaxTrees, s_words, cancellationToken);
        Volatile.Write(ref _mentions, found | Scanned); // analyzers asking at once each scan, and find the same answer
        return found;
    }

    private const int HandlerWord = 1, Scanned = 1 << 30;
    private static readonly string[] s_words = { "RequestHandler", "GuardedBy" };
    private static readonly string[] s_intentWord = { "GuardedBy" };
    private int _mentions; // 0 until scanned; then Scanned and the words found (bit 0: RequestHandler, bit 1: GuardedBy)

    /// <remarks>
    /// Every member is offered once per concurrency analyzer, often at the same moment on another thread. The first offer
    /// claims the member and walks it; a later one returns at once, without waiting for that walk: the walk is finished by
    /// the time anyone composes (<see cref="AllFunctions"/> takes each claimed summary's value, which waits for a walk still
    /// running, or makes it). Waiting here instead kept one thread of a 2-core build spinning on the walking thread's lock.
    /// </remarks>
    private void Summarize(ISymbol member, System.Collections.Immutable.ImmutableArray<IOperation> blocks)
    {
        if (_members.ContainsKey(member))
            return; // claimed by another analyzer's offer
        var claim = new Lazy<List<FunctionSummary>>(
            () => SummaryWalker.Summarize(member, blocks, Symbols, Lists), LazyThreadSafetyMode.ExecutionAndPublication);
        if (_members.TryAdd(member, claim))
            _ = claim.Value;
    }

    /// <summary>The composition, made once every member is summarized (called from compilation-end actions).</summary>
    public Composition Compose() => _composition.Value;

    internal IEnumerable<FunctionSummary> AllFunctions()
    {
        foreach (var member in _members.Values)
        {
            foreach (var function in member.Value)
                yield return function;
        }
    }
}
