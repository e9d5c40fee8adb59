using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Makes the <see cref="FunctionSummary"/> of a member's body, and of each lambda and local function in it, in one walk.
/// Statements are walked structurally, so the locks held at every point are known without looking back (a
/// <c>lock</c> body; the rest of a block after <c>Monitor.Enter</c>, <c>Lock.Enter</c>, <c>using var s = x.EnterScope()</c>
/// or <c>SemaphoreSlim.Wait</c>, up to the release or through the <c>try</c> whose <c>finally</c> releases; the true
/// branch of <c>if (Monitor.TryEnter(x))</c> or <c>if (await sem.WaitAsync(timeout))</c>, and what follows
/// <c>if (!Monitor.TryEnter(x)) return;</c>), and so is
/// whether a <c>try</c> that catches every exception surrounds it. Expressions are walked without recursion (their
/// nesting can be thousands deep in real code). Lambdas and local functions get summaries of their own, walked with no
/// lock held: they run later, not where they are written.
/// </summary>
internal sealed partial class SummaryWalker
{
    private readonly ConcurrencySymbols _symbols;
    private readonly ApiLists _lists;
    private readonly List<FunctionSummary> _made = new();
    // The expression walk's work list, kept per thread between walks: one walk per member otherwise grows a new one each time.
    [System.ThreadStatic] private static Stack<IOperation>? t_pending;
    private readonly Stack<IOperation> _pending = t_pending ??= new Stack<IOperation>();

    // The state of the function being walked; saved and reset around each nested lambda or local function.
    private FunctionSummary _function = null!;
    private IOperation _root = null!;
    private HeldLocks? _held;
    private int _protected;
    private bool _inCatchAllHandler;
    private bool _inLoopCondition;
    private bool _inCondition;
    private int _loops;
    private Dictionary<ILocalSymbol, Ownership>? _ownedLocals; // locals holding an object of the function's own, or a result of the compilation's
    private Dictionary<ILocalSymbol, Ownership>? _madeLocals; // locals holding an object the function made and has handed on where others reach it, with what it held then
    private List<(ILocalSymbol Local, Ownership Before)>? _replacedLocals; // statements that replaced what a local held, with what it held before (JoinBranches)
    private Dictionary<IParameterSymbol, Ownership>? _lambdaParameters; // while a lambda's result is decided: what its library caller hands its parameters
    private HashSet<string>? _storedNames; // in the member walked: names of the locals stored to after their declaration (CapturedOwned)
    private HashSet<ILocalSymbol>? _clockLocals; // in the member walked: locals declared with a reading of the clock (StoresClock)
    private Dictionary<IOperation, List<ThrowPoint>>? _coveredRethrows; // rethrows that end a catch, with the throw points of the try's body
    private List<ThrowPoint>? _rethrownBody; // where the throw points of a try body go whose catch rethrows (null: the function's)
    private Thrown _caught; // what the tries around this point catch by type (OperationCanceledException, ObjectDisposedException)
    private bool _fatalChecked; // in the true branch of if (IsFatal(e)) / if (e.IsCritical())
    private ISymbol? _underFlag; // the bool field of the innermost if around this point (if (_threadSafe) Monitor.Enter(_sync);)
    private ParameterGuard? _guard; // the bool parameter the innermost if around this point tests (if (disposing) …)

    private SummaryWalker(ConcurrencySymbols symbols, ApiLists lists)
    {
        _symbols = symbols;
        _lists = lists;
    }

    /// <summary>The summaries of <paramref name="member"/>'s body (its operation blocks) and of the functions declared in it.</summary>
    public static List<FunctionSummary> Summarize(ISymbol member, ImmutableArray<IOperation> blocks, ConcurrencySymbols symbols, ApiLists lists)
    {
        var walker = new SummaryWalker(symbols, lists);
        walker._pending.Clear(); // left over only by a walk that threw
        var summary = new FunctionSummary(member, member, null);
        walker._made.Add(summary);
        foreach (var block in blocks)
        {
            if (block.Kind == OperationKind.Attribute)
                continue; // [MemberNotNull(nameof(_client))] names a field; it runs nothing
            walker.Enter(summary, block);
            switch (block)
            {
                case IMethodBodyOperation body:
                    if (body.BlockBody is not null)
                        walker.Statement(body.BlockBody);
                    else if (body.ExpressionBody is not null)
                        walker.Statement(body.ExpressionBody);
                    break;
                case IConstructorBodyOperation body:
                    if (body.Initializer is not null)
                        walker.Statement(body.Initializer);
                    if (body.BlockBody is not null)
                        walker.Statement(body.BlockBody);
                    else if (body.ExpressionBody is not null)
                        walker.Statement(body.ExpressionBody);
                    break;
                default:
                    walker.Statement(block);
                    break;
            }
        }
        foreach (var function in walker._made)
        {
            CheckThenAct(function);
            InRunOrder(function.Throws);
        }
        return walker._made;
    }

    /// <summary>
    /// A plain store of a value (a counter, a timestamp, an index; not a bool flag) that the function read earlier without a lock is a
    /// read-modify-write spread over statements: <c>if (now - s_last &lt; p) return s_cached; s_last = now;</c> races like
    /// <c>s_last++</c>. (A reference set after a null check is lazy initialization: left a plain store.)
    /// </summary>
    private static void CheckThenAct(FunctionSummary function)
    {
        Dictionary<ISymbol, int>? firstRead = null;
        for (int i = 0; i < function.Accesses.Count; i++)
        {
            var access = function.Accesses[i];
            // Not a bool: a flag written after it was tested (if (_detected) _detected = false;) is a handshake between a
            // setter and a clearer, where a lost update loses one signal; a counter or a timestamp loses data.
            if (access.Held is not null || access.Target is not IFieldSymbol { Type.IsValueType: true, Type.SpecialType: not SpecialType.System_Boolean })
                continue;
            firstRead ??= new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);
            if (access.Kind == AccessKind.Read && !firstRead.ContainsKey(access.Target))
                firstRead[access.Target] = access.Syntax.SpanStart;
            else if (access.Kind == AccessKind.Write && firstRead.TryGetValue(access.Target, out int read) && read < access.Syntax.SpanStart)
                function.Accesses[i] = new Access(access.Target, AccessKind.ReadModifyWrite, access.Owner, null, access.Syntax, null, false)
                {
                    StoresClock = access.StoresClock,
                    StoredAfterCheck = true,
                };
        }
    }

    private void Enter(FunctionSummary function, IOperation root)
    {
        if (function.Enclosing is null)
        {
            _storedNames = null; // a new member
            _clockLocals = null;
            _localRoots = null;
            _memberRoot = root;
        }
        _function = function;
        _root = root;
        _held = null;
        _protected = 0;
        _inCatchAllHandler = false;
        _inLoopCondition = false;
        _inCondition = false;
        _loops = 0;
        _ownedLocals = null;
        _madeLocals = null;
        _replacedLocals = null;
        _underFlag = null;
        _guard = null;
        _rethrownBody = null;
        _caught = Thrown.None;
        _fatalChecked = false;
    }

    /// <summary>
    /// Walks a lambda or local function as a function of its own; with <paramref name="inPlace"/> (a lambda that runs as
    /// part of the code around it), it sees that code's own locals it captures as its own (<see cref="CapturedOwned"/>).
    /// </summary>
    private void Nested(ISymbol symbol, IOperation? body, bool inPlace = false)
    {
        if (body is null)
            return;
        var (function, root, held, @protected, inCatch, inLoopCondition, inCondition, loops, owned, underFlag, caught, fatalChecked) =
            (_function, _root, _held, _protected, _inCatchAllHandler, _inLoopCondition, _inCondition, _loops, _ownedLocals, _underFlag, _caught, _fatalChecked);
        var (guard, rethrownBody, published, replaced, made) = (_guard, _rethrownBody, _published, _replacedLocals, _madeLocals);
        _published = !inPlace;
        _madeLocals = null; // a nested function's calls on what the code around it made: not followed as made on the path
        var summary = new FunctionSummary(symbol, function.Member, function);
        _made.Add(summary);
        Enter(summary, body);
        if (inPlace)
            _ownedLocals = CapturedOwned(owned, root);
        Statement(body);
        (_function, _root, _held, _protected, _inCatchAllHandler, _inLoopCondition, _inCondition, _loops, _ownedLocals, _underFlag, _caught, _fatalChecked) =
            (function, root, held, @protected, inCatch, inLoopCondition, inCondition, loops, owned, underFlag, caught, fatalChecked);
        (_guard, _rethrownBody, _published, _replacedLocals, _madeLocals) = (guard, rethrownBody, published, replaced, made);
    }

    // ---- Statements: walked structurally, keeping the held locks and the try that protects.

    private void Statement(IOperation operation)
    {
        switch (operation)
        {
            case IBlockOperation block:
                Block(block.Operations);
                break;
            case ILockOperation @lock:
                Expression(@lock.LockedValue);
                HeldWhile(LockId(@lock.LockedValue), excludes: true, @lock.LockedValue.Syntax, @lock.Body);
                break;
            case ITryOperation @try:
                Try(@try);
                break;
            case IUsingOperation @using:
                Expression(@using.Resources);
                HeldWhile(AcquiredIn(@using.Resources, out bool excludes, out var usingLocked), excludes, usingLocked ?? @using.Resources.Syntax, @using.Body);
                break;
            case IConditionalOperation conditional when conditional.Type is null || conditional.Type.SpecialType == SpecialType.System_Void:
                Condition(conditional.Condition);
                var outerFlag = _underFlag;
                var outerGuard = _guard;
                var tested = TestedParameter(conditional.Condition);
                _underFlag = TestedFlag(conditional.Condition) ?? outerFlag;
                _guard = tested ?? outerGuard;
                bool outerFatal = _fatalChecked;
                _fatalChecked |= Operations.WithoutConversions(conditional.Condition) is IInvocationOperation fatalCheck && NamesFatal(fatalCheck.TargetMethod.Name);
                int branches = _replacedLocals?.Count ?? 0;
                if (Operations.WithoutAwait(conditional.Condition) is IInvocationOperation tryEnter && Acquired(tryEnter, out bool tryExcludes, out var tryLocked) is { } entered)
                    HeldWhile(entered, tryExcludes, tryLocked!, conditional.WhenTrue);
                else if (CompareExchangeLock(conditional.Condition, acquiredWhen: true) is { } guard && LetsGo(ImmutableArray.Create(conditional.WhenTrue), 0, guard.Field))
                    HeldWhile(guard.Field, excludes: false, guard.Syntax, conditional.WhenTrue);
                else
                    Statement(conditional.WhenTrue);
                JoinBranches(branches);
                _fatalChecked = outerFatal;
                _guard = tested?.Negated ?? outerGuard;
                if (conditional.WhenFalse is not null)
                {
                    Statement(conditional.WhenFalse);
                    JoinBranches(branches);
                }
                _underFlag = outerFlag;
                _guard = outerGuard;
                break;
            case IWhileLoopOperation loop:
                Loop(loop.Condition, loop.Body);
                break;
            case IForLoopOperation loop:
                foreach (var before in loop.Before)
                    Statement(before);
                Loop(loop.Condition, loop.Body);
                foreach (var after in loop.AtLoopBottom)
                    Statement(after);
                break;
            case IForEachLoopOperation loop:
                Expression(loop.Collection);
                OwnedElements(loop);
                _loops++;
                Statement(loop.Body);
                _loops--;
                break;
            case ILoopOperation loop:
                _loops++;
                Statement(loop.Body);
                _loops--;
                break;
            case ISwitchOperation @switch:
                Expression(@switch.Value);
                int sections = _replacedLocals?.Count ?? 0;
                foreach (var section in @switch.Cases)
                {
                    foreach (var clause in section.Clauses)
                        Expression(clause);
                    Block(section.Body);
                    JoinBranches(sections);
                }
                break;
            case ILabeledOperation labeled when labeled.Operation is not null:
                Statement(labeled.Operation);
                break;
            case ILocalFunctionOperation local:
                Nested(local.Symbol, (IOperation?)local.Body ?? local.IgnoredBody);
                break;
            case IReturnOperation { ReturnedValue: { } returned } @return when @return.Kind == OperationKind.Return:
                // The value first, then what the function hands out: in `return _map.TryGetValue(k, out var v) ? v : null;`
                // the walk of the value records where v comes from.
                Expression(returned);
                Visit(@return);
                break;
            default:
                Expression(operation);
                break;
        }
    }

    private void Loop(IOperation? condition, IOperation body)
    {
        if (condition is not null)
        {
            // A loop that awaits returns to its caller each time round: the condition's reads start again from memory
            // after every await, so it cannot spin on a value cached in a register (EXG006's hazard).
            _inLoopCondition = !Awaits(body);
            Condition(condition);
            _inLoopCondition = false;
        }
        _loops++;
        Statement(body);
        _loops--;
    }

    /// <summary>Whether <paramref name="body"/> itself (not a lambda or local function in it) has an <c>await</c>.</summary>
    private static bool Awaits(IOperation body) =>
        body.Syntax.DescendantNodes(node => node is not (Microsoft.CodeAnalysis.CSharp.Syntax.AnonymousFunctionExpressionSyntax
            or Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax))
        .Any(node => node is Microsoft.CodeAnalysis.CSharp.Syntax.AwaitExpressionSyntax
            || node is Microsoft.CodeAnalysis.CSharp.Syntax.CommonForEachStatementSyntax { AwaitKeyword.RawKind: not 0 });

    private void Condition(IOperation condition)
    {
        _inCondition = true;
        Expression(condition);
        _inCondition = false;
    }

    /// <summary>Where <paramref name="flag"/> is in <paramref name="takenFlags"/>, or -1 (a loop: a lambda here was made for every statement of every block).</summary>
    private static int IndexOfFlag(List<(ILocalSymbol Flag, ISymbol Lock, bool Excludes, SyntaxNode Syntax)> takenFlags, ILocalSymbol flag)
    {
        for (int i = 0; i < takenFlags.Count; i++)
        {
            if (SymbolEqualityComparer.Default.Equals(takenFlags[i].Flag, flag))
                return i;
        }
        return -1;
    }

    /// <summary>
    /// A block, statement by statement: a statement that takes a lock (and does not release it itself) holds it for the
    /// rest of the block, until a statement releases it; a <c>try</c> whose <c>finally</c> releases it ends it too.
    /// </summary>
    private void Block(ImmutableArray<IOperation> statements)
    {
        var saved = _held;
        var savedGuard = _guard;
        List<(ILocalSymbol Flag, ISymbol Lock, bool Excludes, SyntaxNode Syntax)>? takenFlags = null;
        for (int i = 0; i < statements.Length; i++)
        {
            var statement = statements[i];
            // var taken = await _gate.WaitAsync(0); if (!taken) return; ... : the rest of the block holds _gate.
            if (TakenFlag(statement) is { } flag)
                (takenFlags ??= new()).Add(flag);
            if (takenFlags is not null && statement is IConditionalOperation { WhenFalse: null, Condition: IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: ILocalReferenceOperation tested } } bail
                && EndsInJump(bail.WhenTrue) && IndexOfFlag(takenFlags, tested.Local) is var index and >= 0)
            {
                Condition(bail.Condition);
                Branch(bail.WhenTrue);
                Take(takenFlags[index].Lock, takenFlags[index].Excludes, takenFlags[index].Syntax);
                continue;
            }
            if (Released(statement) is { } released)
            {
                Expression(statement);
                _held = HeldLocks.Without(_held, released);
                continue;
            }
            if (AcquiredBy(statement, out bool excludes, out var acquiring) is { } acquired)
            {
                Statement(statement);
                Take(acquired, excludes, acquiring!, HelperSetting(statement));
                continue;
            }
            // try { await _gate.WaitAsync(token); } catch (OperationCanceledException) { return …; } ... : a wait whose every
            // failure leaves the function; the rest of the block holds _gate (ArchiSteamFarm's cacheable values).
            if (statement is ITryOperation { Finally: null, Catches.Length: > 0, Body.Operations: { Length: 1 } attempt } guarded
                && guarded.Catches.All(clause => EndsInJump(clause.Handler)) && AcquiredBy(attempt[0], out bool waitExcludes, out var waiting) is { } waited)
            {
                Statement(statement);
                Take(waited, waitExcludes, waiting!);
                continue;
            }
            // if (!Monitor.TryEnter(x)) return; if (!await _gate.WaitAsync(timeout, token)) return null; ... : the rest of the block holds x.
            if (statement is IConditionalOperation { WhenFalse: null, Condition: IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: var tried } } skip
                && Operations.WithoutAwait(tried) is IInvocationOperation tryEnter
                && Acquired(tryEnter, out bool tryExcludes, out var tryLocked) is { } entered && EndsInJump(skip.WhenTrue))
            {
                Condition(skip.Condition);
                Branch(skip.WhenTrue);
                Take(entered, tryExcludes, tryLocked!);
                continue;
            }
            // if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return; ... : the rest of the block holds _busy.
            if (statement is IConditionalOperation { WhenFalse: null } failed && EndsInJump(failed.WhenTrue)
                && CompareExchangeLock(failed.Condition, acquiredWhen: false) is { } guard && LetsGo(statements, i + 1, guard.Field))
            {
                Condition(failed.Condition);
                Branch(failed.WhenTrue);
                Take(guard.Field, excludes: false, guard.Syntax);
                continue;
            }
            Statement(statement);
            // if (!disposing) return; ... : the rest of the block runs only with disposing true.
            if (statement is IConditionalOperation { WhenFalse: null } bailOut && EndsInJump(bailOut.WhenTrue) && TestedParameter(bailOut.Condition) is { } bailed)
                _guard = bailed.Negated;
            if (statement is ITryOperation { Finally: { } @finally } && _held is not null)
            {
                foreach (var inner in @finally.Descendants())
                {
                    if (inner is IInvocationOperation release && ReleasedBy(release) is { } id)
                        _held = HeldLocks.Without(_held, id);
                }
            }
        }
        _held = saved;
        _guard = savedGuard;
    }

    /// <summary>
    /// The bool parameter of the function being walked that <paramref name="condition"/> tests (<c>if (disposing)</c>,
    /// <c>if (!disposing)</c>), with the value it has where the condition holds; or null.
    /// </summary>
    private ParameterGuard? TestedParameter(IOperation condition)
    {
        bool value = true;
        condition = Operations.WithoutConversions(condition);
        if (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
        {
            value = false;
            condition = Operations.WithoutConversions(not.Operand);
        }
        return condition is IParameterReferenceOperation { Parameter: { Type.SpecialType: SpecialType.System_Boolean, RefKind: RefKind.None, Ordinal: < 64 } parameter }
            && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _function.Symbol)
            ? new ParameterGuard(parameter.Ordinal, value)
            : null;
    }

    private void HeldWhile(ISymbol? @lock, bool excludes, SyntaxNode lockSyntax, IOperation body)
    {
        if (@lock is null)
        {
            Statement(body);
            return;
        }
        var saved = _held;
        Take(@lock, excludes, lockSyntax);
        Statement(body);
        _held = saved;
    }

    /// <summary>Holds <paramref name="lock"/> from here; <paramref name="helperSetting"/> is the setting a lock helper takes it under.</summary>
    private void Take(ISymbol @lock, bool excludes, SyntaxNode syntax, ISymbol? helperSetting = null)
    {
        if (excludes)
            _function.Takes.Add(new LockTake(@lock, _held, syntax, _underFlag ?? helperSetting));
        _held = new HeldLocks(@lock, excludes, _held);
    }

    /// <summary>The bool field an <c>if</c> tests (<c>if (_threadSafe)</c>, <c>if (!this._threadSafe)</c>), or null.</summary>
    private static IFieldSymbol? TestedFlag(IOperation condition)
    {
        if (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
            condition = not.Operand;
        return condition is IFieldReferenceOperation { Field: { Type.SpecialType: SpecialType.System_Boolean } field } ? field.OriginalDefinition : null;
    }

    private void Try(ITryOperation @try)
    {
        // A catch that ends in a rethrow (catch { _queue = null; throw; }) runs only when the body threw, and lets out what
        // the body let out: the rethrow is a throw point of the body's throw points, and the cleanup before it is none.
        List<ThrowPoint>? body = null;
        foreach (var handler in @try.Catches)
        {
            if (EndsInRethrow(handler) is { } rethrow)
                (_coveredRethrows ??= new Dictionary<IOperation, List<ThrowPoint>>())[rethrow] = body ??= new List<ThrowPoint>();
        }
        bool rethrows = body is not null;
        bool catchesAll = !rethrows && CatchesAll(@try);
        var caughtAround = _caught;
        var bodyAround = _rethrownBody;
        if (catchesAll)
            _protected++;
        if (rethrows)
            _rethrownBody = body;
        else
            _caught |= CaughtBy(@try);
        int attempted = _replacedLocals?.Count ?? 0;
        Statement(@try.Body);
        if (catchesAll)
            _protected--;
        _caught = caughtAround;
        _rethrownBody = bodyAround;
        // After a try that catches everything, only a rethrow escapes: reporting, logging and cleanup in its catch and
        // finally blocks are not counted (a handler that fails while handling is not what the rule is about).
        bool saved = _inCatchAllHandler;
        foreach (var handler in @try.Catches)
        {
            JoinBranches(attempted); // a catch runs after any part of the body
            _inCatchAllHandler = saved || catchesAll || rethrows && EndsInRethrow(handler) is not null || CatchesAllButCancellation(handler);
            if (handler.Filter is not null)
                Expression(handler.Filter);
            Statement(handler.Handler);
        }
        JoinBranches(attempted);
        _inCatchAllHandler = saved || catchesAll;
        if (@try.Finally is not null)
            Statement(@try.Finally);
        _inCatchAllHandler = saved;
    }

    /// <summary>The rethrow (<c>throw;</c> or <c>throw e;</c> of the caught exception) that ends <paramref name="handler"/>, if it ends in one.</summary>
    private static IThrowOperation? EndsInRethrow(ICatchClauseOperation handler)
    {
        var operations = handler.Handler.Operations;
        if (operations.Length == 0)
            return null;
        var last = operations[operations.Length - 1];
        if (last is IExpressionStatementOperation statement)
            last = statement.Operation;
        return last is IThrowOperation { Exception: var thrown } rethrow
            && (thrown is null || Operations.WithoutConversions(thrown) is ILocalReferenceOperation local && handler.Locals.Contains(local.Local, SymbolEqualityComparer.Default))
            ? rethrow
            : null;
    }

    /// <summary>
    /// A catch of <c>Exception</c> (or everything), with no filter or a filter that only lets fatal exceptions through
    /// (<c>when (!IsFatal(e))</c>, <c>when (e is not OutOfMemoryException)</c>).
    /// </summary>
    private bool CatchesAll(ITryOperation @try)
    {
        foreach (var handler in @try.Catches)
        {
            bool all = ConcurrencySymbols.Is(handler.ExceptionType, _symbols.Exception) || handler.ExceptionType.SpecialType == SpecialType.System_Object;
            if (all && (handler.Filter is null || OnlyFatalPassThrough(handler.Filter)))
                return true;
        }
        return false;
    }

    private static bool OnlyFatalPassThrough(IOperation filter)
    {
        if (ExcludedType(filter) is { } excluded)
            return IsFatal(excluded);
        switch (Operations.WithoutConversions(filter))
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: var operand }:
                return Operations.WithoutConversions(operand) is IInvocationOperation negatedCheck && NamesFatal(negatedCheck.TargetMethod.Name);
            case IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IBinaryPatternOperation } }:
                return true;
            case IInvocationOperation check:
                return check.TargetMethod.Name.StartsWith("IsNot", System.StringComparison.Ordinal) && NamesFatal(check.TargetMethod.Name)
                    || StartsWithAny(check.TargetMethod.Name, "ShouldCatch", "IsCatchable", "CanCatch", "IsRecoverable", "CanBeHandled");
            default:
                return false;
        }
    }

    /// <summary>
    /// The one exception type a filter keeps out of its catch: <c>!(e is T)</c>, <c>!(e is T x)</c>, <c>e is not T</c>; else null.
    /// </summary>
    private static ITypeSymbol? ExcludedType(IOperation filter) => Operations.WithoutConversions(filter) switch
    {
        IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: var operand } => Operations.WithoutConversions(operand) switch
        {
            IIsTypeOperation test => test.TypeOperand,
            IIsPatternOperation { Pattern: ITypePatternOperation or IDeclarationPatternOperation } test => ((IPatternOperation)test.Pattern).NarrowedType,
            _ => null,
        },
        IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: ITypePatternOperation or IDeclarationPatternOperation } negated } => negated.Pattern.NarrowedType,
        _ => null,
    };

    private static bool IsFatal(ITypeSymbol? type) =>
        type?.Name is "OutOfMemoryException" or "StackOverflowException" or "ThreadAbortException" or "AccessViolationException" or "InsufficientExecutionStackException";

    private static bool StartsWithAny(string name, params string[] prefixes) =>
        prefixes.Any(prefix => name.StartsWith(prefix, System.StringComparison.Ordinal));

    private static bool NamesFatal(string name) =>
        name.IndexOf("Fatal", System.StringComparison.Ordinal) >= 0 || name.IndexOf("Critical", System.StringComparison.Ordinal) >= 0;

    private static bool EndsInJump(IOperation operation)
    {
        while (operation is IBlockOperation { Operations.Length: > 0 } block)
            operation = block.Operations[block.Operations.Length - 1];
        return operation is IReturnOperation or IBranchOperation or IThrowOperation
            || operation is IExpressionStatementOperation { Operation: IThrowOperation };
    }

    // ---- Expressions: without recursion; each operation offered to Visit in source (pre-)order.

    private void Expression(IOperation operation)
    {
        int bottom = _pending.Count;
        _pending.Push(operation);
        while (_pending.Count > bottom)
        {
            var current = _pending.Pop();
            switch (current.Kind)
            {
                case OperationKind.AnonymousFunction:
                    Lambda((IAnonymousFunctionOperation)current);
                    continue;
                case OperationKind.LocalFunction:
                    var local = (ILocalFunctionOperation)current;
                    Nested(local.Symbol, (IOperation?)local.Body ?? local.IgnoredBody);
                    continue;
                case OperationKind.NameOf:
                    continue; // a constant: nameof(_items) reads nothing
            }
            Visit(current);
            // Last child pushed first, so the first is visited next (source order), with no buffer per node.
            foreach (var child in current.ChildOperations.Reverse())
                _pending.Push(child);
        }
    }

    private void Visit(IOperation operation)
    {
        switch (operation.Kind)
        {
            case OperationKind.Return or OperationKind.YieldReturn:
                Returned(operation);
                break;
            case OperationKind.SimpleAssignment or OperationKind.CoalesceAssignment or OperationKind.Argument or OperationKind.DeconstructionAssignment:
                StoredToLocal(operation);
                StoredToOutParameter(operation);
                Published(operation);
                StoredToCollectionField(operation);
                break;
            case OperationKind.FieldInitializer:
                StoredToCollectionField(operation);
                break;
        }
        switch (operation.Kind)
        {
            case OperationKind.FieldReference:
                FieldReference((IFieldReferenceOperation)operation);
                break;
            case OperationKind.LocalReference:
                Captured(operation);
                break;
            case OperationKind.ParameterReference:
                Captured(operation);
                if (operation.Type?.TypeKind == TypeKind.Delegate)
                    DelegateHolder(((IParameterReferenceOperation)operation).Parameter.OriginalDefinition, operation);
                break;
            case OperationKind.PropertyReference:
                PropertyReference((IPropertyReferenceOperation)operation);
                break;
            case OperationKind.Invocation:
                Invocation((IInvocationOperation)operation);
                break;
            case OperationKind.ObjectCreation:
                Creation((IObjectCreationOperation)operation);
                break;
            case OperationKind.MethodReference:
                MethodReference((IMethodReferenceOperation)operation);
                break;
            case OperationKind.VariableDeclarator:
                OwnedLocal((IVariableDeclaratorOperation)operation);
                break;
            case OperationKind.DeclarationPattern or OperationKind.RecursivePattern:
                OwnedPatternLocal((IPatternOperation)operation);
                break;
            case OperationKind.Throw when _coveredRethrows is not null && _coveredRethrows.TryGetValue(operation, out var body):
                Rethrows(operation, body);
                break;
            case OperationKind.Throw when _inCatchAllHandler && _fatalChecked:
                break; // if (IsFatal(e)) throw; in a handler that catches the rest: only what must not be caught passes
            case OperationKind.Throw when operation is IThrowOperation { Exception: { } thrown } && IsArgumentCheck(thrown):
                break; // a guard clause: it fires on a caller's bug, not on a condition a worker meets at run time
            case OperationKind.Throw when operation is IThrowOperation { Exception: { } thrown } && IsAssertion(thrown):
                break; // an assertion: it fires on the library's own bug
            case OperationKind.Await when Operations.WithoutAwait((IAwaitOperation)operation) is IInvocationOperation { TargetMethod: { Name: "WhenAny", ContainingType.Name: "Task" } }:
                break; // the task WhenAny returns completes with the first task to end, faulted or not: it never faults itself
            case OperationKind.Await when AwaitsACall((IAwaitOperation)operation):
                break; // the awaited call is the throw point: a library method by its contract, a method of the compilation by its summary
            case OperationKind.Await:
                Throws(operation, null, sure: true, waitedTask: Operations.WaitedTask(operation));
                break;
            case OperationKind.Throw:
                Throws(operation, null, sure: true, ThrownType(((IThrowOperation)operation).Exception));
                break;
            case OperationKind.DynamicInvocation or OperationKind.DynamicMemberReference
                or OperationKind.DynamicIndexerAccess or OperationKind.DynamicObjectCreation:
                Throws(operation, null, sure: true);
                break;
            case OperationKind.Argument or OperationKind.Return or OperationKind.SimpleAssignment
                when !_function.LetsCompletionSourcesFail && ResultOnlySources.HandsOut(operation):
                _function.LetsCompletionSourcesFail = true;
                break;
        }
    }
}
