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
/// branch of <c>if (Monitor.TryEnter(x))</c>, and what follows <c>if (!Monitor.TryEnter(x)) return;</c>), and so is
/// whether a <c>try</c> that catches every exception surrounds it. Expressions are walked without recursion (their
/// nesting can be thousands deep in real code). Lambdas and local functions get summaries of their own, walked with no
/// lock held: they run later, not where they are written.
/// </summary>
internal sealed class SummaryWalker
{
    private readonly ConcurrencySymbols _symbols;
    private readonly ApiLists _lists;
    private readonly List<FunctionSummary> _made = new();
    private readonly Stack<IOperation> _pending = new();

    // The state of the function being walked; saved and reset around each nested lambda or local function.
    private FunctionSummary _function = null!;
    private IOperation _root = null!;
    private HeldLocks? _held;
    private int _protected;
    private bool _inCatchAllHandler;
    private bool _inLoopCondition;
    private bool _inCondition;
    private int _loops;
    private HashSet<ILocalSymbol>? _ownedLocals;

    private SummaryWalker(ConcurrencySymbols symbols, ApiLists lists)
    {
        _symbols = symbols;
        _lists = lists;
    }

    /// <summary>The summaries of <paramref name="member"/>'s body (its operation blocks) and of the functions declared in it.</summary>
    public static List<FunctionSummary> Summarize(ISymbol member, ImmutableArray<IOperation> blocks, ConcurrencySymbols symbols, ApiLists lists)
    {
        var walker = new SummaryWalker(symbols, lists);
        var summary = new FunctionSummary(member, member, null);
        walker._made.Add(summary);
        foreach (var block in blocks)
        {
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
            InRunOrder(function);
        }
        return walker._made;
    }

    /// <summary>
    /// A plain store of a value (a counter, a timestamp, an index) that the function read earlier without a lock is a
    /// read-modify-write spread over statements: <c>if (now - s_last &lt; p) return s_cached; s_last = now;</c> races like
    /// <c>s_last++</c>. (A reference set after a null check is lazy initialization: left a plain store.)
    /// </summary>
    private static void CheckThenAct(FunctionSummary function)
    {
        Dictionary<ISymbol, int>? firstRead = null;
        for (int i = 0; i < function.Accesses.Count; i++)
        {
            var access = function.Accesses[i];
            if (access.Held is not null || access.Target is not IFieldSymbol { Type.IsValueType: true })
                continue;
            firstRead ??= new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);
            if (access.Kind == AccessKind.Read && !firstRead.ContainsKey(access.Target))
                firstRead[access.Target] = access.Syntax.SpanStart;
            else if (access.Kind == AccessKind.Write && firstRead.TryGetValue(access.Target, out int read) && read < access.Syntax.SpanStart)
                function.Accesses[i] = new Access(access.Target, AccessKind.ReadModifyWrite, access.Owner, null, access.Syntax, null, false);
        }
    }

    private void Enter(FunctionSummary function, IOperation root)
    {
        _function = function;
        _root = root;
        _held = null;
        _protected = 0;
        _inCatchAllHandler = false;
        _inLoopCondition = false;
        _inCondition = false;
        _loops = 0;
        _ownedLocals = null;
    }

    private void Nested(ISymbol symbol, IOperation? body)
    {
        if (body is null)
            return;
        var (function, root, held, @protected, inCatch, inLoopCondition, inCondition, loops, owned) =
            (_function, _root, _held, _protected, _inCatchAllHandler, _inLoopCondition, _inCondition, _loops, _ownedLocals);
        var summary = new FunctionSummary(symbol, function.Member, function);
        _made.Add(summary);
        Enter(summary, body);
        Statement(body);
        (_function, _root, _held, _protected, _inCatchAllHandler, _inLoopCondition, _inCondition, _loops, _ownedLocals) =
            (function, root, held, @protected, inCatch, inLoopCondition, inCondition, loops, owned);
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
                if (conditional.Condition is IInvocationOperation tryEnter && Acquired(tryEnter, out bool tryExcludes, out var tryLocked) is { } entered)
                    HeldWhile(entered, tryExcludes, tryLocked!, conditional.WhenTrue);
                else
                    Statement(conditional.WhenTrue);
                if (conditional.WhenFalse is not null)
                    Statement(conditional.WhenFalse);
                break;
            case IWhileLoopOperation loop:
                Loop(loop.Condition, loop.Body, loop.ConditionIsTop ? null : loop.Body);
                break;
            case IForLoopOperation loop:
                foreach (var before in loop.Before)
                    Statement(before);
                Loop(loop.Condition, loop.Body, null);
                foreach (var after in loop.AtLoopBottom)
                    Statement(after);
                break;
            case IForEachLoopOperation loop:
                Expression(loop.Collection);
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
                foreach (var section in @switch.Cases)
                {
                    foreach (var clause in section.Clauses)
                        Expression(clause);
                    Block(section.Body);
                }
                break;
            case ILabeledOperation labeled when labeled.Operation is not null:
                Statement(labeled.Operation);
                break;
            case ILocalFunctionOperation local:
                Nested(local.Symbol, (IOperation?)local.Body ?? local.IgnoredBody);
                break;
            default:
                Expression(operation);
                break;
        }
    }

    private void Loop(IOperation? condition, IOperation body, IOperation? _)
    {
        if (condition is not null)
        {
            _inLoopCondition = true;
            Condition(condition);
            _inLoopCondition = false;
        }
        _loops++;
        Statement(body);
        _loops--;
    }

    private void Condition(IOperation condition)
    {
        _inCondition = true;
        Expression(condition);
        _inCondition = false;
    }

    /// <summary>
    /// A block, statement by statement: a statement that takes a lock (and does not release it itself) holds it for the
    /// rest of the block, until a statement releases it; a <c>try</c> whose <c>finally</c> releases it ends it too.
    /// </summary>
    private void Block(ImmutableArray<IOperation> statements)
    {
        var saved = _held;
        foreach (var statement in statements)
        {
            if (Released(statement) is { } released)
            {
                Expression(statement);
                _held = HeldLocks.Without(_held, released);
                continue;
            }
            if (AcquiredBy(statement, out bool excludes, out var acquiring) is { } acquired)
            {
                Statement(statement);
                Take(acquired, excludes, acquiring!);
                continue;
            }
            // if (!Monitor.TryEnter(x)) return; ... : the rest of the block holds x.
            if (statement is IConditionalOperation { WhenFalse: null, Condition: IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: IInvocationOperation tryEnter } } skip
                && Acquired(tryEnter, out bool tryExcludes, out var tryLocked) is { } entered && EndsInJump(skip.WhenTrue))
            {
                Condition(skip.Condition);
                Statement(skip.WhenTrue);
                Take(entered, tryExcludes, tryLocked!);
                continue;
            }
            Statement(statement);
            if (statement is ITryOperation { Finally: { } @finally } && _held is not null)
            {
                foreach (var inner in @finally.Descendants())
                {
                    if (inner is IInvocationOperation release && Locks.Released(release, _symbols) is { } value && LockId(value) is { } id)
                        _held = HeldLocks.Without(_held, id);
                }
            }
        }
        _held = saved;
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

    private void Take(ISymbol @lock, bool excludes, SyntaxNode syntax)
    {
        if (excludes)
            _function.Takes.Add(new LockTake(@lock, _held, syntax));
        _held = new HeldLocks(@lock, excludes, _held);
    }

    private void Try(ITryOperation @try)
    {
        bool catchesAll = CatchesAll(@try);
        if (catchesAll)
            _protected++;
        Statement(@try.Body);
        if (catchesAll)
            _protected--;
        // After a try that catches everything, only a rethrow escapes: reporting, logging and cleanup in its catch and
        // finally blocks are not counted (a handler that fails while handling is not what the rule is about).
        bool saved = _inCatchAllHandler;
        _inCatchAllHandler |= catchesAll;
        foreach (var handler in @try.Catches)
        {
            if (handler.Filter is not null)
                Expression(handler.Filter);
            Statement(handler.Handler);
        }
        if (@try.Finally is not null)
            Statement(@try.Finally);
        _inCatchAllHandler = saved;
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
        switch (Operations.WithoutConversions(filter))
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: var operand }:
                return Operations.WithoutConversions(operand) switch
                {
                    IInvocationOperation check => NamesFatal(check.TargetMethod.Name),
                    IIsTypeOperation test => IsFatal(test.TypeOperand),
                    IIsPatternOperation { Pattern: ITypePatternOperation or IDeclarationPatternOperation } test => IsFatal(((IPatternOperation)test.Pattern).NarrowedType),
                    _ => false,
                };
            case IIsPatternOperation { Pattern: INegatedPatternOperation negated }:
                return IsFatal(negated.Pattern.NarrowedType) || negated.Pattern is IBinaryPatternOperation;
            case IInvocationOperation check:
                return check.TargetMethod.Name.StartsWith("IsNot", System.StringComparison.Ordinal) && NamesFatal(check.TargetMethod.Name)
                    || check.TargetMethod.Name is "ShouldCatch" or "IsCatchable" or "CanCatch" or "IsRecoverable";
            default:
                return false;
        }
    }

    private static bool IsFatal(ITypeSymbol? type) =>
        type?.Name is "OutOfMemoryException" or "StackOverflowException" or "ThreadAbortException" or "AccessViolationException" or "InsufficientExecutionStackException";

    private static bool NamesFatal(string name) =>
        name.IndexOf("Fatal", System.StringComparison.Ordinal) >= 0 || name.IndexOf("Critical", System.StringComparison.Ordinal) >= 0;

    private static bool EndsInJump(IOperation operation)
    {
        while (operation is IBlockOperation { Operations.Length: > 0 } block)
            operation = block.Operations[block.Operations.Length - 1];
        return operation is IReturnOperation or IBranchOperation or IThrowOperation
            || operation is IExpressionStatementOperation { Operation: IThrowOperation };
    }

    // ---- Lock shapes.

    /// <summary>A statement that takes a lock and leaves it held: <c>Monitor.Enter(x)</c>, <c>await sem.WaitAsync()</c>, <c>using var s = x.EnterScope();</c>.</summary>
    private ISymbol? AcquiredBy(IOperation statement, out bool excludes, out SyntaxNode? syntax)
    {
        excludes = false;
        syntax = null;
        var expression = statement switch
        {
            IExpressionStatementOperation expressionStatement => expressionStatement.Operation,
            IUsingDeclarationOperation usingDeclaration => usingDeclaration.DeclarationGroup,
            _ => null,
        };
        if (expression is IVariableDeclarationGroupOperation group)
        {
            foreach (var declaration in group.Declarations)
            {
                foreach (var declarator in declaration.Declarators)
                {
                    if (declarator.Initializer?.Value is { } value && Operations.WithoutConversions(value) is IInvocationOperation scope
                        && Acquired(scope, out excludes, out syntax) is { } id)
                    {
                        return id;
                    }
                }
            }
            return null;
        }
        if (expression is IAwaitOperation awaited)
            expression = awaited.Operation;
        // await _gate.WaitAsync().ConfigureAwait(false)
        if (expression is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
            expression = configured;
        if (expression is not null && Operations.WithoutConversions(expression) is IInvocationOperation invocation && Acquired(invocation, out excludes, out syntax) is { } acquired)
            return acquired;
        return null;
    }

    private ISymbol? Released(IOperation statement) =>
        statement is IExpressionStatementOperation { Operation: IInvocationOperation invocation } && Locks.Released(invocation, _symbols) is { } value
            ? LockId(value)
            : null;

    private ISymbol? AcquiredIn(IOperation resources, out bool excludes, out SyntaxNode? lockedSyntax)
    {
        excludes = false;
        lockedSyntax = null;
        foreach (var operation in resources.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation invocation && Acquired(invocation, out excludes, out lockedSyntax) is { } id)
                return id;
        }
        return null;
    }

    /// <summary>The lock an acquiring call takes, and the syntax of its operand (what EXG003 points at).</summary>
    private ISymbol? Acquired(IInvocationOperation invocation, out bool excludes, out SyntaxNode? lockedSyntax)
    {
        var value = Locks.Acquired(invocation, _symbols, withSemaphores: true);
        lockedSyntax = value?.Syntax;
        excludes = value is not null && !ConcurrencySymbols.Is(invocation.TargetMethod.ContainingType, _symbols.SemaphoreSlim)
            && invocation.TargetMethod.Name is not "EnterReadLock" and not "TryEnterReadLock";
        return value is null ? null : LockId(value);
    }

    /// <summary>What a lock operand names: a field or property, the type for <c>this</c> and <c>typeof</c>, a local or parameter.</summary>
    private static ISymbol? LockId(IOperation lockedValue) => Operations.WithoutConversions(lockedValue) switch
    {
        IFieldReferenceOperation field => (ISymbol)field.Field.OriginalDefinition,
        IPropertyReferenceOperation property => property.Property.OriginalDefinition,
        IInstanceReferenceOperation instance => instance.Type,
        ITypeOfOperation type => type.TypeOperand,
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IInvocationOperation call => call.TargetMethod.OriginalDefinition,
        _ => null,
    };

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
            case OperationKind.Throw when operation is IThrowOperation { Exception: { } thrown } && IsArgumentCheck(thrown):
                break; // a guard clause: it fires on a caller's bug, not on a condition a worker meets at run time
            case OperationKind.Throw or OperationKind.Await or OperationKind.DynamicInvocation or OperationKind.DynamicMemberReference
                or OperationKind.DynamicIndexerAccess or OperationKind.DynamicObjectCreation:
                Throws(operation, null, sure: true);
                break;
        }
    }

    // ---- Shared state.

    private void FieldReference(IFieldReferenceOperation reference)
    {
        var field = reference.Field;
        if (field.IsConst)
            return;
        if (field.Type.TypeKind == TypeKind.Delegate)
            DelegateHolder(field.OriginalDefinition, reference);
        Receiver owner;
        if (field.IsStatic)
            owner = Receiver.Static;
        else if (reference.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
            owner = Receiver.This;
        else if (reference.Instance is not null && IsSharedObject(reference.Instance))
            owner = Receiver.Shared; // _presence.LastSeen: the field of an object this one shares
        else
            return; // a field of an object made or looked up here (partition-confined state, a new object): not shared
        if (IsThreadSafe(field.Type) || _symbols.IsThreadLocal(field))
            return;
        Record(field.OriginalDefinition, reference, owner, collection: IsUnsafeCollection(field.Type), readOnly: field.IsReadOnly,
            writesOnly: owner == Receiver.Shared && !IsUnsafeCollection(field.Type));
    }

    /// <summary>An object reached through a field of this object (or a static one), or a parameter: other threads may have it too.</summary>
    private static bool IsSharedObject(IOperation instance) => Operations.WithoutConversions(instance) switch
    {
        IFieldReferenceOperation { Field.IsStatic: true } => true,
        IFieldReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } } => true,
        IParameterReferenceOperation => true,
        _ => false,
    };

    /// <summary>A bool auto-property of the compilation: a stop flag may be one (<c>while (IsRunning)</c>).</summary>
    private void PropertyReference(IPropertyReferenceOperation reference)
    {
        var property = reference.Property;
        if (property.Name == "Result" && ConcurrencySymbols.Is(property.ContainingType, _symbols.TaskOfT) && reference.Instance is { } task
            && !KnownComplete(task, reference))
        {
            Wait("Task.Result", property, reference, task);
        }
        if (property.Type.SpecialType == SpecialType.System_Boolean && !property.IsIndexer && _symbols.IsAutoProperty(property)
            && (property.IsStatic || reference.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }))
        {
            Record(property.OriginalDefinition, reference, property.IsStatic ? Receiver.Static : Receiver.This, collection: false, readOnly: false);
            return;
        }
        // A property with code of its own: a call. Which accessor runs depends on where the reference stands.
        bool set = Operations.ParentWithoutConversions(reference) is IAssignmentOperation assignment && Operations.WithoutConversions(assignment.Target) == reference;
        var accessor = set ? property.SetMethod : property.GetMethod;
        if (accessor is not null && _symbols.HasBody(accessor.OriginalDefinition))
        {
            Call(accessor.OriginalDefinition, ReceiverOf(reference.Instance, property.IsStatic), reference);
            Throws(reference, accessor.OriginalDefinition, sure: false);
        }
        else if (!set && ThrowingGet(property))
        {
            Throws(reference, null, sure: true);
        }
    }

    /// <summary>A read or write of a local or parameter in a lambda that captured it from the code around.</summary>
    private void Captured(IOperation reference)
    {
        if (_function.Enclosing is null || _function.Symbol is not IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda)
            return;
        ISymbol symbol;
        ITypeSymbol type;
        switch (reference)
        {
            case ILocalReferenceOperation local when IsCaptured(local.Local, lambda):
                (symbol, type) = (local.Local, local.Local.Type);
                break;
            case IParameterReferenceOperation parameter when !SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, lambda)
                && parameter.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: not MethodKind.AnonymousFunction }:
                (symbol, type) = (parameter.Parameter, parameter.Parameter.Type);
                break;
            default:
                return;
        }
        if (IsThreadSafe(type))
            return;
        Record(symbol, reference, Receiver.Shared, collection: IsUnsafeCollection(type), readOnly: false, writesOnly: true);
    }

    /// <summary>Declared outside the lambda: its declaration does not lie inside the lambda's syntax.</summary>
    private static bool IsCaptured(ILocalSymbol local, IMethodSymbol lambda)
    {
        var declaration = local.DeclaringSyntaxReferences.FirstOrDefault();
        var body = lambda.DeclaringSyntaxReferences.FirstOrDefault();
        return declaration is not null && body is not null
            && (declaration.SyntaxTree != body.SyntaxTree || !body.Span.Contains(declaration.Span));
    }

    /// <summary>Classifies a reference to a variable by what the code around does with it, and records the access.</summary>
    private void Record(ISymbol target, IOperation reference, Receiver owner, bool collection, bool readOnly, bool writesOnly = false)
    {
        var parent = Operations.ParentWithoutConversions(reference);
        AccessKind kind;
        string? interlocked = null;
        SyntaxNode syntax = reference.Syntax;
        switch (parent)
        {
            case IIncrementOrDecrementOperation step:
                kind = AccessKind.ReadModifyWrite;
                interlocked = step.Kind == OperationKind.Increment ? "Increment" : "Decrement";
                syntax = step.Syntax;
                break;
            case ICompoundAssignmentOperation compound when Operations.WithoutConversions(compound.Target) == reference:
                kind = AccessKind.ReadModifyWrite;
                interlocked = compound.OperatorKind switch { BinaryOperatorKind.Add => "Add", BinaryOperatorKind.Subtract => "Subtract", _ => null };
                syntax = compound.Syntax;
                break;
            case ICoalesceAssignmentOperation coalesce when Operations.WithoutConversions(coalesce.Target) == reference:
                kind = AccessKind.ReadModifyWrite;
                syntax = coalesce.Syntax;
                break;
            case ISimpleAssignmentOperation assignment when Operations.WithoutConversions(assignment.Target) == reference:
                if (assignment.Parent is IObjectOrCollectionInitializerOperation)
                    return;
                kind = References(assignment.Value, target) ? AccessKind.ReadModifyWrite : AccessKind.Write;
                syntax = assignment.Syntax;
                break;
            case IArgumentOperation { Parameter.RefKind: not RefKind.None }:
                kind = AccessKind.Atomic;
                break;
            case ILockOperation:
                return;
            case IArgumentOperation { Parent: IInvocationOperation monitor } when ConcurrencySymbols.Is(monitor.TargetMethod.ContainingType, _symbols.Monitor):
                return;
            case IInvocationOperation call when call.Instance is { } instance && Operations.WithoutConversions(instance) == reference:
                if (!collection)
                {
                    kind = AccessKind.Read;
                    if (UsesThreadSafeMember(call.TargetMethod))
                        return;
                    break;
                }
                kind = Mutators.Contains(call.TargetMethod.Name) ? AccessKind.Mutate : AccessKind.ReadCollection;
                syntax = call.Syntax;
                break;
            case IInvocationOperation { Instance: null, TargetMethod.IsExtensionMethod: true } extension when collection
                && extension.Arguments.Length > 0 && Operations.WithoutConversions(extension.Arguments[0].Value) == reference:
                kind = AccessKind.ReadCollection;
                syntax = extension.Syntax;
                break;
            case IArgumentOperation { Parent: IInvocationOperation { Instance: null, TargetMethod.IsExtensionMethod: true } extension } argument
                when collection && extension.Arguments[0] == argument:
                kind = AccessKind.ReadCollection;
                syntax = extension.Syntax;
                break;
            case IPropertyReferenceOperation property when property.Instance is { } instance && Operations.WithoutConversions(instance) == reference:
                if (!collection)
                {
                    if (UsesThreadSafeMember(property.Property))
                        return;
                    kind = AccessKind.Read;
                    break;
                }
                if (property.Property.Name is "Count" or "Length" or "IsEmpty" or "Capacity")
                {
                    kind = AccessKind.Read; // one word of the collection: a stale value, never a torn one or a corrupted table
                    break;
                }
                bool stored = property.Property.IsIndexer && Operations.ParentWithoutConversions(property) is IAssignmentOperation store
                    && Operations.WithoutConversions(store.Target) == property;
                kind = stored ? AccessKind.Mutate : AccessKind.ReadCollection;
                syntax = stored ? Operations.ParentWithoutConversions(property)!.Syntax : property.Syntax;
                break;
            case IForEachLoopOperation when collection:
                kind = AccessKind.ReadCollection;
                break;
            case IInvalidOperation invalid when collection && InvalidMutation(invalid, reference):
                kind = AccessKind.Mutate;
                syntax = invalid.Syntax;
                break;
            default:
                kind = AccessKind.Read;
                break;
        }
        if (readOnly && kind is AccessKind.Read or AccessKind.Write or AccessKind.ReadModifyWrite or AccessKind.Atomic)
            return; // a readonly field's value never changes after construction; its contents may (collections)
        if (writesOnly && kind is AccessKind.Read or AccessKind.ReadCollection or AccessKind.Atomic)
            return;
        if (interlocked is not null && (Operations.ParentWithoutConversions(reference)?.Parent is not IExpressionStatementOperation || target is not IFieldSymbol
            || Operations.WithoutConversions(reference).Type?.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64)))
        {
            interlocked = null;
        }
        _function.Accesses.Add(new Access(target, kind, owner, _held, syntax, interlocked, _inLoopCondition && kind == AccessKind.Read, _inCondition && kind == AccessKind.Read));
    }

    /// <summary><c>list.Add(Make(x))</c> with <c>Make</c> unknown: half-typed code, still a mutation of <c>list</c>.</summary>
    private static bool InvalidMutation(IInvalidOperation invalid, IOperation receiver) =>
        invalid.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax
        {
            Expression: Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax access
        }
        && access.Expression == receiver.Syntax && Mutators.Contains(access.Name.Identifier.ValueText);

    private static bool References(IOperation operation, ISymbol target)
    {
        foreach (var inner in operation.DescendantsAndSelf())
        {
            var referenced = inner switch
            {
                IFieldReferenceOperation field => (ISymbol)field.Field.OriginalDefinition,
                IPropertyReferenceOperation property => property.Property.OriginalDefinition,
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                _ => null,
            };
            if (referenced is not null && SymbolEqualityComparer.Default.Equals(referenced, target))
                return true;
        }
        return false;
    }

    /// <summary><c>_cts.Cancel()</c>, <c>_tcs.TrySetResult(x)</c>: one atomic read of the reference, then a thread-safe member.</summary>
    private static bool UsesThreadSafeMember(ISymbol member) =>
        member.ContainingType is { } type && (IsThreadSafe(type) || InNamespace(type, "Tasks", "Threading", "System") || InNamespace(type, "Threading", "System"));

    // ---- Calls, starts, waits.

    private void Invocation(IInvocationOperation invocation)
    {
        var target = invocation.TargetMethod;
        if (BlockingCall(invocation, out var waitedOn) is { } wait)
            Wait(wait, target, invocation, waitedOn);
        var callee = (target.ReducedFrom ?? target).OriginalDefinition;
        callee = callee.PartialImplementationPart ?? callee;
        var receiver = ReceiverOf(invocation.Instance, target.IsStatic || target.MethodKind == MethodKind.LocalFunction && target.IsStatic);
        if (target.MethodKind == MethodKind.LocalFunction)
            receiver = Receiver.This;
        if (_symbols.HasBody(callee) && !callee.IsAbstract)
        {
            Call(callee, receiver, invocation);
            _function.Calls[_function.Calls.Count - 1].CompleteArguments = CompleteArguments(invocation);
            Throws(invocation, callee.IsVirtual || callee.IsOverride ? null : callee, sure: callee.IsVirtual || callee.IsOverride);
            return;
        }
        if (_held is not null && target.MethodKind == MethodKind.DelegateInvoke)
            Call(target, Receiver.Shared, invocation); // a method handed out as this delegate type may take a lock (EXG003)
        else if ((callee.IsAbstract || callee.IsVirtual || callee.IsOverride || callee.ContainingType?.TypeKind == TypeKind.Interface)
            && (_held is not null || SymbolEqualityComparer.Default.Equals(callee.ContainingAssembly, _function.Symbol.ContainingAssembly)))
        {
            // Dispatched to an implementation: of the compilation's own interfaces and virtual methods, followed by the
            // worker rules; of any (IDisposable.Dispose), under a lock, for EXG003.
            Call(callee, receiver, invocation);
        }
        if (Locks.Acquired(invocation, _symbols, withSemaphores: true) is not null || Locks.Released(invocation, _symbols) is not null)
            return;
        // A callback, an event, an interface or virtual method runs code nobody here controls: it can throw anything (a
        // delegate kept in a static field is a cached thunk, a native entry point or compiled accessor, not a callback).
        // A library method throws what its contract says (ApiLists.ThrowsByContract).
        bool thunk = target.MethodKind == MethodKind.DelegateInvoke && invocation.Instance is { } instance
            && Operations.WithoutConversions(instance) is IFieldReferenceOperation { Field.IsStatic: true };
        bool userCode = target.MethodKind == MethodKind.DelegateInvoke || callee.IsAbstract || callee.IsVirtual || callee.ContainingType?.TypeKind == TypeKind.Interface;
        if (MayRecordThrow(invocation)
            && (userCode ? !thunk && !_lists.NeverThrows(target, invocation.Syntax.SyntaxTree) : _lists.ThrowsByContract(target, invocation.Syntax.SyntaxTree)))
        {
            Throws(invocation, null, sure: true);
        }
    }

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
            || ns.StartsWith("System.Data", System.StringComparison.Ordinal) || !ns.StartsWith("System", System.StringComparison.Ordinal) && !ns.StartsWith("Microsoft", System.StringComparison.Ordinal));
    }

    private void Call(IMethodSymbol callee, Receiver receiver, IOperation at) =>
        _function.Calls.Add(new CallSite(callee, receiver, _held, at.Syntax));

    private Receiver ReceiverOf(IOperation? instance, bool isStatic)
    {
        if (instance is null)
            return isStatic ? Receiver.Static : Receiver.This;
        return Operations.WithoutConversions(instance) switch
        {
            IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } => Receiver.This,
            IObjectCreationOperation => Receiver.Owned,
            ILocalReferenceOperation local when _ownedLocals is not null && _ownedLocals.Contains(local.Local) => Receiver.Owned,
            _ => Receiver.Shared,
        };
    }

    /// <summary><c>var parser = new Parser();</c>: the local holds an object no other thread has (until handed out).</summary>
    private void OwnedLocal(IVariableDeclaratorOperation declarator)
    {
        if (declarator.Initializer?.Value is { } value && Operations.WithoutConversions(value) is IObjectCreationOperation)
            (_ownedLocals ??= new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default)).Add(declarator.Symbol);
    }

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

    /// <summary>Where a delegate goes: a field it is stored in, or the parameter of a method of the compilation it is passed to.</summary>
    private ISymbol? HolderOf(IOperation function)
    {
        var parent = function.Parent;
        while (parent is IDelegateCreationOperation or IConversionOperation)
            parent = parent.Parent;
        switch (parent)
        {
            case ISimpleAssignmentOperation { Target: IFieldReferenceOperation field }:
                return field.Field.OriginalDefinition;
            case IFieldInitializerOperation { InitializedFields: { Length: > 0 } fields }:
                return fields[0].OriginalDefinition;
            case IArgumentOperation { Parameter: { } parameter, Parent: IInvocationOperation or IObjectCreationOperation }
                when parameter.ContainingSymbol is IMethodSymbol method && _symbols.HasBody(method.OriginalDefinition):
                return parameter.OriginalDefinition;
            default:
                return null;
        }
    }

    private void Lambda(IAnonymousFunctionOperation lambda)
    {
        Nested(lambda.Symbol, lambda.Body);
        if (_symbols.StarterOf(lambda) is { } starter)
        {
            _function.Starts.Add(new StartSite(lambda.Symbol, starter, _loops > 0, Discarded(lambda), Receiver.This, lambda.Syntax));
            return;
        }
        if (HolderOf(lambda) is { } holder)
            _function.Flows.Add((holder, lambda.Symbol));
        // Runs as part of the code around it (LINQ, callbacks run in place), but later: not under the locks held here.
        _function.Calls.Add(new CallSite(lambda.Symbol, Receiver.This, null, lambda.Syntax));
    }

    private void MethodReference(IMethodReferenceOperation reference)
    {
        var method = reference.Method.OriginalDefinition;
        method = method.PartialImplementationPart ?? method;
        var receiver = ReceiverOf(reference.Instance, method.IsStatic);
        if (_symbols.StarterOf(reference) is { } starter)
        {
            _function.Starts.Add(new StartSite(method, starter, _loops > 0, Discarded(reference), receiver, reference.Syntax));
            return;
        }
        if (HolderOf(reference) is { } holder)
            _function.Flows.Add((holder, method));
        if (_symbols.HasBody(method))
            _function.Calls.Add(new CallSite(method, receiver, null, reference.Syntax) { Escapes = true, DelegateType = reference.Parent?.Type });
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
        if (_lists.BoundedWait(member, at.Syntax.SyntaxTree))
            return;
        int parameter = task is not null && Operations.WithoutConversions(task) is IParameterReferenceOperation reference
            && SymbolEqualityComparer.Default.Equals(reference.Parameter.ContainingSymbol, _function.Symbol) ? reference.Parameter.Ordinal : -1;
        _function.Waits.Add(new WaitSite(wait, at.Syntax, parameter));
    }

    /// <summary>The task arguments of a call known to be complete where it is made (a helper waiting on them does not block).</summary>
    private ulong CompleteArguments(IInvocationOperation invocation)
    {
        ulong complete = 0;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { Ordinal: < 64 } parameter && parameter.Type.Name is "Task" or "ValueTask" && ConcurrencySymbols.IsOrDerives(parameter.Type, _symbols.Task)
                && KnownComplete(argument.Value, invocation))
            {
                complete |= 1UL << parameter.Ordinal;
            }
        }
        return complete;
    }

    // ---- Exceptions.

    /// <summary>
    /// Whether a throw point here would be recorded at all: not under a try that catches everything, not in its handlers
    /// (only a rethrow counts there), and not past the function's first sure throw (only what runs before it still
    /// matters: its own operands, which are visited next). Checked before the costlier question of what a call throws.
    /// </summary>
    private bool MayRecordThrow(IOperation operation) =>
        _protected == 0 && (!_inCatchAllHandler || operation.Kind == OperationKind.Throw)
        && (!_function.ThrowsForSure || _function.Throws[_function.Throws.Count - 1].Syntax.Span.Contains(operation.Syntax.Span));

    private void Throws(IOperation operation, IMethodSymbol? callee, bool sure)
    {
        if (!MayRecordThrow(operation))
            return;
        _function.Throws.Add(new ThrowPoint(operation.Syntax, sure ? null : callee));
        if (sure)
            _function.ThrowsForSure = true;
    }

    /// <summary>
    /// Puts the throw points in the order they run: operands before the call they are passed to
    /// (<c>_log.WriteLine(Report.Generate(x))</c> fails in <c>Generate</c> first), up to the first sure throw.
    /// </summary>
    private static void InRunOrder(FunctionSummary function)
    {
        var points = function.Throws;
        if (points.Count < 2)
            return;
        // By where each ends; of two ending together (await F()), the outer one: that is where the exception surfaces.
        points.Sort((x, y) => x.Syntax.Span.End != y.Syntax.Span.End ? x.Syntax.Span.End.CompareTo(y.Syntax.Span.End) : x.Syntax.SpanStart.CompareTo(y.Syntax.SpanStart));
        int firstSure = points.FindIndex(p => p.Callee is null);
        if (firstSure >= 0 && firstSure < points.Count - 1)
            points.RemoveRange(firstSure + 1, points.Count - firstSure - 1);
    }

    /// <summary><c>throw new ArgumentNullException(nameof(x))</c> and the other <c>ArgumentException</c>s.</summary>
    private bool IsArgumentCheck(IOperation thrown) =>
        Operations.WithoutConversions(thrown) is IObjectCreationOperation { Type: { } type }
        && type.Name.StartsWith("Argument", System.StringComparison.Ordinal) && ConcurrencySymbols.IsOrDerives(type, _symbols.Exception);

    /// <summary>Property gets that throw as part of their contract: a dictionary's indexer, <c>Task.Result</c>, <c>Lazy.Value</c>.</summary>
    private static bool ThrowingGet(IPropertySymbol property) =>
        property.IsIndexer && property.ContainingType is { } type && (type.Name.Contains("Dictionary") || type.AllInterfaces.Any(i => i.Name == "IDictionary"))
        || property.Name == "Result" && property.ContainingType?.Name == "Task"
        || property.Name == "Value" && property.ContainingType?.Name is "Lazy";

    // ---- Waits.

    private string? BlockingCall(IInvocationOperation invocation, out IOperation? task)
    {
        task = null;
        var method = invocation.TargetMethod;
        // Most calls are not waits: match the name before counting arguments.
        if (method.Name is not ("Take" or "Wait" or "Join" or "WaitOne" or "GetResult"))
            return null;
        var type = method.ContainingType;
        int arguments = 0;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.DefaultValue)
                arguments++;
        }
        switch (method.Name)
        {
            case "Take" when arguments == 0 && ConcurrencySymbols.Is(type, _symbols.BlockingCollection):
                return "BlockingCollection.Take()";
            case "Wait" when arguments == 0 && ConcurrencySymbols.IsOrDerives(type, _symbols.Task):
                task = invocation.Instance;
                return task is not null && KnownComplete(task, invocation) ? null : "Task.Wait()";
            case "Wait" when arguments == 0 && ConcurrencySymbols.Is(type, _symbols.SemaphoreSlim):
                return "SemaphoreSlim.Wait()";
            case "Wait" when arguments == 1 && method.IsStatic && ConcurrencySymbols.Is(type, _symbols.Monitor):
                return "Monitor.Wait(object)";
            case "Join" when arguments == 0 && ConcurrencySymbols.Is(type, _symbols.Thread):
                return "Thread.Join()";
            case "WaitOne" when arguments == 0 && ConcurrencySymbols.IsOrDerives(type, _symbols.WaitHandle):
                return "WaitHandle.WaitOne()";
            case "GetResult" when arguments == 0 && type is { Name: "TaskAwaiter" or "ValueTaskAwaiter" or "ConfiguredTaskAwaiter" or "ConfiguredValueTaskAwaiter" }
                && invocation.Instance is IInvocationOperation { Instance: { } awaited } getAwaiter
                && !KnownComplete(awaited, getAwaiter):
                task = awaited;
                return "GetAwaiter().GetResult()";
            default:
                return null;
        }
    }

    /// <summary>
    /// The task is known to be complete where it is waited on: a variable awaited earlier in the function
    /// (<c>await Task.WhenAll(a, b)</c>, <c>await a</c>), the task <c>await Task.WhenAny(...)</c> returned, a variable tested
    /// earlier with <c>IsCompleted</c>/<c>IsCompletedSuccessfully</c>/<c>IsFaulted</c>/<c>IsCanceled</c>/<c>Status</c>, or
    /// the parameter of a continuation lambda.
    /// </summary>
    private bool KnownComplete(IOperation task, IOperation use)
    {
        var symbol = Referenced(Operations.WithoutConversions(task));
        if (symbol is null)
            return false;
        if (symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } })
            return true;
        int position = use.Syntax.SpanStart;
        foreach (var operation in _root.Descendants())
        {
            if (operation.Syntax.SpanStart >= position)
                continue;
            switch (operation)
            {
                case IAwaitOperation awaitOperation when awaitOperation.Syntax.Span.End <= position:
                    foreach (var awaited in awaitOperation.Operation.DescendantsAndSelf())
                    {
                        if (SymbolEqualityComparer.Default.Equals(Referenced(awaited), symbol))
                            return true;
                    }
                    // var t = await Task.WhenAny(a, b): the task WhenAny returns is complete.
                    if (Operations.WithoutConversions(awaitOperation.Operation) is IInvocationOperation { TargetMethod.Name: "WhenAny" }
                        && AssignedTo(awaitOperation) is { } assigned && SymbolEqualityComparer.Default.Equals(assigned, symbol))
                    {
                        return true;
                    }
                    break;
                case IPropertyReferenceOperation { Property.Name: "IsCompleted" or "IsCompletedSuccessfully" or "IsFaulted" or "IsCanceled" or "Status", Instance: { } instance }
                    when operation.Syntax.Span.End <= position && SymbolEqualityComparer.Default.Equals(Referenced(Operations.WithoutConversions(instance)), symbol):
                    return true;
            }
        }
        return false;
    }

    private static ISymbol? AssignedTo(IOperation value)
    {
        var parent = Operations.ParentWithoutConversions(value);
        return parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation assignment => Referenced(Operations.WithoutConversions(assignment.Target)),
            _ => null,
        };
    }

    private static ISymbol? Referenced(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation field => field.Field,
        _ => null,
    };

    // ---- Types.

    private static readonly HashSet<string> Mutators = new()
    {
        "Add", "AddRange", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "RemoveWhere", "Clear",
        "Enqueue", "Dequeue", "TryDequeue", "Push", "Pop", "TryPop", "TryAdd", "Sort", "Reverse", "UnionWith", "ExceptWith", "IntersectWith",
        "SymmetricExceptWith", "AddFirst", "AddLast", "RemoveFirst", "RemoveLast", "Append", "EnsureCapacity", "TrimExcess", "Set", "SetAll",
    };

    /// <summary>Concurrent, immutable and channel types, thread-local holders. Compares namespace names without building strings.</summary>
    public static bool IsThreadSafe(ITypeSymbol? type)
    {
        if (type is null)
            return true;
        return InNamespace(type, "Concurrent", "Collections", "System") || InNamespace(type, "Immutable", "Collections", "System")
            || InNamespace(type, "Channels", "Threading", "System")
            || type.Name is "ThreadLocal" or "AsyncLocal" && InNamespace(type, "Threading", "System")
            || type.Name.StartsWith("Concurrent", System.StringComparison.Ordinal)
            || type.Name.StartsWith("Immutable", System.StringComparison.Ordinal);
    }

    public static bool IsUnsafeCollection(ITypeSymbol? type) =>
        type is not null && (InNamespace(type, "Generic", "Collections", "System") || InNamespace(type, "Collections", "System")) && !IsThreadSafe(type)
        && type.TypeKind != TypeKind.Interface || type is { TypeKind: TypeKind.Interface } && InNamespace(type, "Generic", "Collections", "System")
        && type.Name is "IList" or "IDictionary" or "ICollection" or "ISet";

    /// <summary>Whether <paramref name="type"/> is declared directly in the namespace whose names, innermost first, are <paramref name="names"/>.</summary>
    public static bool InNamespace(ITypeSymbol type, params string[] names)
    {
        var current = type.ContainingNamespace;
        foreach (string name in names)
        {
            if (current is null || current.Name != name)
                return false;
            current = current.ContainingNamespace;
        }
        return current is { IsGlobalNamespace: true };
    }
}
