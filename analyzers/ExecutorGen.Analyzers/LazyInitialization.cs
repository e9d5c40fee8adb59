using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.Analyzers;

/// <summary>
/// A lazy initialization: <c>_factory ??= Resolve();</c>, <c>if (_version is null) _version = Parse(text);</c>,
/// <c>_x = _x ?? Load();</c>, the same written out as <c>_x ?? (_x = Load())</c>, a store under a test that the field is
/// null (<c>if (_x == null &amp;&amp; enabled)</c>) or must be made again (<c>if (_x == null || expired)</c>,
/// <c>force ? _x = Load() : _x ??= Load()</c>; <c>string.IsNullOrEmpty(_name)</c> tests a string field, <c>!_x.HasValue</c>
/// a nullable value), or a store after <c>if (_x is not null) return _x;</c> (also with another condition:
/// <c>if (cached &amp;&amp; _x is not null) return _x;</c>); C# 14's <c>field ??= Load()</c> in a property's accessor is the
/// same. One of a field whose type owns no resource is idempotent: threads that race there each compute a value and one
/// store wins, which costs work, and readers see one whole object either way (.NET publishes references safely). A value
/// that owns a resource (an <c>IDisposable</c>: a timer, a token source, a connection; not a certificate or key, nor a
/// class of the compilation whose disposal releases nothing) is created twice and one copy leaks or keeps running, and
/// a field a lock guards elsewhere is not initialized this way:
/// both stay reported. What is then changed in the object (<c>_list ??= new(); _list.Add(x)</c>) is reported on its own.
/// Under a lock (double-checked), a lazy initialization is no evidence that the lock guards the field's other stores: it
/// makes the one-time load happen once.
/// </summary>
internal static class LazyInitialization
{
    /// <summary>
    /// Whether <paramref name="write"/> (an assignment's syntax) initializes <paramref name="field"/> lazily, owning no
    /// resource: a reference, or a nullable flag or number of at most four bytes (<c>_isHosted ??= IsWebHost()</c>,
    /// <c>if (!_settable.HasValue) _settable = …</c>: Smartstore's flags), stored whole in one move.
    /// </summary>
    public static bool IsIdempotent(SyntaxNode write, ISymbol field) =>
        field is IFieldSymbol { Type: var type } && (type.IsReferenceType && !OwnsResource(type) || IsSmallNullable(type)) && IsLazy(write, field);

    private static bool IsSmallNullable(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T, TypeArguments: { Length: 1 } arguments }
        && arguments[0] is var value
        && (value.TypeKind == TypeKind.Enum ? ((INamedTypeSymbol)value).EnumUnderlyingType?.SpecialType : value.SpecialType) is SpecialType.System_Boolean
            or SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Char or SpecialType.System_Int16 or SpecialType.System_UInt16
            or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Single;

    /// <summary>Whether <paramref name="write"/> (an assignment's syntax) stores to <paramref name="field"/> only where it is still null.</summary>
    public static bool IsLazy(SyntaxNode write, ISymbol field)
    {
        if (write is not AssignmentExpressionSyntax assignment || !MemoCache.Names(assignment.Left, field.Name))
            return false;
        return assignment.Kind() switch
        {
            SyntaxKind.CoalesceAssignmentExpression => true,
            SyntaxKind.SimpleAssignmentExpression => assignment.Right is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.CoalesceExpression } coalesce
                && MemoCache.Names(coalesce.Left, field.Name) || CoalescedWithItself(assignment, field.Name) || RefreshBesideLazy(assignment, field)
                || UnderNullTest(assignment, field.Name) || AfterExitWhenSet(assignment, field.Name),
            _ => false,
        };
    }

    private static bool OwnsResource(ITypeSymbol type)
    {
        if (type.TypeKind == TypeKind.TypeParameter)
            return true; // anything
        if (IsKeyMaterial(type))
            return false;
        foreach (var @interface in type.AllInterfaces)
        {
            if (@interface.Name is "IDisposable" or "IAsyncDisposable" && @interface.ContainingNamespace?.Name == "System")
                return !DisposalReleasesNothing(type);
        }
        return type.Name is "IDisposable" or "IAsyncDisposable";
    }

    /// <summary>
    /// A class of the compilation whose disposal, as written, releases nothing: no finalizer, and every <c>Dispose</c> and
    /// <c>DisposeAsync</c> it and its base classes declare calls no method but <c>GC.SuppressFinalize</c>, its own and the
    /// base class's disposal (Opserver's poll caches: <c>public void Dispose() { Owner = null; }</c>). A copy made by a racing
    /// thread and dropped holds nothing the garbage collector does not take back. A base class or a disposal the
    /// compilation does not declare, and a virtual one of a class that is not sealed, may release anything: the type owns
    /// a resource.
    /// </summary>
    private static bool DisposalReleasesNothing(ITypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class)
            return false; // an interface or a struct: any implementation, or a copy disposed by value
        for (var current = type as INamedTypeSymbol; current is { SpecialType: not SpecialType.System_Object }; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is not IMethodSymbol method)
                    continue;
                if (method.MethodKind == MethodKind.Destructor)
                    return false;
                if (!IsDisposal(method))
                    continue;
                // Not where it is declared only, or where a class made from the field's type may override it.
                if (method.DeclaringSyntaxReferences.IsEmpty || (method.IsVirtual || method.IsAbstract || method.IsOverride) && !type.IsSealed)
                    return false;
                foreach (var reference in method.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax().DescendantNodes().OfType<InvocationExpressionSyntax>().Any(call => !ReleasesNothing(call)))
                        return false;
                }
            }
        }
        return true;
    }

    private static bool IsDisposal(IMethodSymbol method) =>
        method.Name is "Dispose" or "DisposeAsync" || method.MethodKind == MethodKind.ExplicitInterfaceImplementation
            && (method.Name.EndsWith(".Dispose", System.StringComparison.Ordinal) || method.Name.EndsWith(".DisposeAsync", System.StringComparison.Ordinal));

    private static bool ReleasesNothing(InvocationExpressionSyntax call) => call.Expression switch
    {
        // The class's own or its base class's disposal, each judged on its own.
        IdentifierNameSyntax { Identifier.ValueText: "Dispose" or "DisposeAsync" } => true,
        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name.Identifier.ValueText: "Dispose" or "DisposeAsync" } => true,
        MemberAccessExpressionSyntax { Expression: BaseExpressionSyntax } => true,
        MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "GC" }, Name.Identifier.ValueText: "SuppressFinalize" } => true,
        _ => false,
    };

    /// <summary>
    /// A certificate, key or hash of <c>System.Security.Cryptography</c>: disposable for its native handle, but it runs
    /// nothing and holds no connection, so the copy a racing thread made waits for the finalizer and harms nothing
    /// (IoTSharp's broker certificates, loaded from the same files by whichever request asks first).
    /// </summary>
    private static bool IsKeyMaterial(ITypeSymbol type)
    {
        for (var space = type.ContainingNamespace; space is { IsGlobalNamespace: false }; space = space.ContainingNamespace)
        {
            if (space is { Name: "Cryptography", ContainingNamespace: { Name: "Security", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } })
                return true;
        }
        return false;
    }

    /// <summary>
    /// Whether <paramref name="node"/> runs only while the field <paramref name="name"/> is still null (or where another
    /// condition that does not read it asks for the value to be made again), as the branch of a lazy initialization: in
    /// the true branch of an <c>if</c> that tests it for null (<see cref="UnderNullTest"/>), or after an <c>if</c> that
    /// returns when it is set (<see cref="AfterExitWhenSet"/>).
    /// </summary>
    public static bool WhileUnset(SyntaxNode node, string name) => UnderNullTest(node, name) || AfterExitWhenSet(node, name);

    /// <summary>
    /// The right operand of a <c>??</c> whose left one is the field: <c>return _settings ?? (_settings = await Load());</c>
    /// (Ombi's settings memos and singletons, Jackett's file-name characters), <c>??=</c> written out.
    /// </summary>
    private static bool CoalescedWithItself(AssignmentExpressionSyntax assignment, string name)
    {
        SyntaxNode operand = assignment;
        while (operand.Parent is ParenthesizedExpressionSyntax parenthesized)
            operand = parenthesized;
        return operand.Parent is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.CoalesceExpression } coalesce
            && coalesce.Right == operand && MemoCache.Names(coalesce.Left, name);
    }

    /// <summary>
    /// A branch of a conditional whose other branch initializes the field with <c>??=</c>, on a condition that does not read it:
    /// <c>force ? _titles = Load() : _titles ??= Load()</c> (ShokoServer's cached entities), which is <c>if (force ||
    /// _titles is null) _titles = Load();</c> written another way (<see cref="UnderNullTest"/>).
    /// </summary>
    private static bool RefreshBesideLazy(AssignmentExpressionSyntax assignment, ISymbol field)
    {
        SyntaxNode branch = assignment;
        while (branch.Parent is ParenthesizedExpressionSyntax parenthesized)
            branch = parenthesized;
        if (branch.Parent is not ConditionalExpressionSyntax conditional || conditional.Condition == branch
            || Mentions(conditional.Condition, field.Name))
        {
            return false;
        }
        var other = conditional.WhenTrue == branch ? conditional.WhenFalse : conditional.WhenTrue;
        while (other is ParenthesizedExpressionSyntax inner)
            other = inner.Expression;
        return other is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.CoalesceAssignmentExpression } lazy && MemoCache.Names(lazy.Left, field.Name);
    }

    /// <summary>
    /// In the true branch of an <c>if</c> (in its member) that holds where the field is null, alone or with another
    /// condition that does not read the field: in a <c>&amp;&amp;</c>, a store only while it is null (<c>if (_certificate ==
    /// null &amp;&amp; EnableTls)</c>, IoTSharp's broker settings); in a <c>||</c>, a cache made again when empty or expired
    /// (<c>if (_dbTv == null || now - _cacheTime &gt; expiry)</c>, Ombi's request lists). Threads that race there each make
    /// a value and one store wins, as in a plain lazy initialization; the other condition only makes it happen again later.
    /// One that reads the field (<c>_user == null || _user.Id != id</c>) keeps one request's object for the next: reported.
    /// </summary>
    private static bool UnderNullTest(SyntaxNode node, string name)
    {
        for (var current = node; current.Parent is { } parent and not MemberDeclarationSyntax; current = parent)
        {
            if (parent is IfStatementSyntax { Condition: var condition } @if && @if.Statement == current
                && (TestsAmong(condition, SyntaxKind.LogicalOrExpression, name, isNull: true)
                    || TestsAmong(condition, SyntaxKind.LogicalAndExpression, name, isNull: true)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// After an <c>if</c>, earlier in a block around <paramref name="node"/> (in its member), that returns or throws when
    /// the field is not null (<c>if (_configuration is not null) return _configuration;</c>).
    /// </summary>
    private static bool AfterExitWhenSet(SyntaxNode node, string name)
    {
        for (var current = node; current.Parent is { } parent and not MemberDeclarationSyntax; current = parent)
        {
            if (parent is not BlockSyntax block || current is not StatementSyntax statement)
                continue;
            foreach (var earlier in block.Statements)
            {
                if (earlier == statement)
                    break;
                if (earlier is IfStatementSyntax { Else: null } @if && TestsAmong(@if.Condition, SyntaxKind.LogicalAndExpression, name, isNull: false) && Exits(@if.Statement))
                    return true;
            }
        }
        return false;

        static bool Exits(StatementSyntax statement) => statement switch
        {
            ReturnStatementSyntax or ThrowStatementSyntax => true,
            BlockSyntax { Statements: { Count: > 0 } statements } => statements[statements.Count - 1] is ReturnStatementSyntax or ThrowStatementSyntax,
            _ => false,
        };
    }

    /// <summary>
    /// Whether <paramref name="condition"/>, split at <paramref name="junction"/> (<c>&amp;&amp;</c> or <c>||</c>), has an operand
    /// that tests the field <paramref name="name"/> against null (<see cref="ComparesWithNull"/>) and no other operand
    /// that reads it. With <c>&amp;&amp;</c> and "not null", the condition holds only where the field is set (Sonarr's page
    /// mappers: <c>if (IsProduction &amp;&amp; _content != null) return _content;</c>): what follows such an exit stores only
    /// where the field is null or another condition asks for the value to be made again, a memo like the plain lazy
    /// initialization. With <c>||</c> and "null", it holds wherever the field is null.
    /// </summary>
    private static bool TestsAmong(ExpressionSyntax condition, SyntaxKind junction, string name, bool isNull)
    {
        var operands = new List<ExpressionSyntax>();
        Split(condition);
        int tests = 0;
        foreach (var operand in operands)
        {
            if (ComparesWithNull(operand, name, isNull))
                tests++;
            else if (Mentions(operand, name))
                return false;
        }
        return tests > 0;

        void Split(ExpressionSyntax part)
        {
            switch (part)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    Split(parenthesized.Expression);
                    break;
                case BinaryExpressionSyntax binary when binary.IsKind(junction):
                    Split(binary.Left);
                    Split(binary.Right);
                    break;
                default:
                    operands.Add(part);
                    break;
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="condition"/> is true exactly when the field <paramref name="name"/> is null
    /// (<paramref name="isNull"/>: <c>_x == null</c>, <c>_x is null</c>) or is not (<c>_x != null</c>, <c>_x is not null</c>).
    /// </summary>
    private static bool ComparesWithNull(ExpressionSyntax condition, string name, bool isNull) => condition switch
    {
        BinaryExpressionSyntax { RawKind: var kind } comparison when kind == (int)(isNull ? SyntaxKind.EqualsExpression : SyntaxKind.NotEqualsExpression) =>
            MemoCache.Names(comparison.Left, name) && comparison.Right.IsKind(SyntaxKind.NullLiteralExpression)
            || MemoCache.Names(comparison.Right, name) && comparison.Left.IsKind(SyntaxKind.NullLiteralExpression),
        IsPatternExpressionSyntax { Pattern: var pattern } test => MemoCache.Names(test.Expression, name) && IsNullPattern(pattern, isNull),
        ParenthesizedExpressionSyntax parenthesized => ComparesWithNull(parenthesized.Expression, name, isNull),
        PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression, Operand: var negated } => ComparesWithNull(negated, name, !isNull),
        InvocationExpressionSyntax invocation => isNull && IsNullOrEmptyTest(invocation, name),
        // _settable.HasValue of a nullable value: set where it has one
        MemberAccessExpressionSyntax { Name.Identifier.ValueText: "HasValue", Expression: var value } => !isNull && MemoCache.Names(value, name),
        _ => false,
    };

    /// <summary>
    /// <c>string.IsNullOrEmpty(_name)</c> or <c>IsNullOrWhiteSpace</c>: true where a string field is null, and where it is
    /// empty, which a memo that stores a made value leaves only until its first store (Ombi's Plex application name).
    /// </summary>
    private static bool IsNullOrEmptyTest(InvocationExpressionSyntax invocation, string name) =>
        invocation is { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "IsNullOrEmpty" or "IsNullOrWhiteSpace", Expression: var type }, ArgumentList.Arguments: { Count: 1 } arguments }
        && type is PredefinedTypeSyntax { Keyword.ValueText: "string" } or IdentifierNameSyntax { Identifier.ValueText: "String" } or MemberAccessExpressionSyntax { Name.Identifier.ValueText: "String" }
        && MemoCache.Names(arguments[0].Expression, name);

    private static bool IsNullPattern(PatternSyntax pattern, bool isNull) => pattern switch
    {
        ConstantPatternSyntax { Expression: var constant } => isNull && constant.IsKind(SyntaxKind.NullLiteralExpression),
        UnaryPatternSyntax { RawKind: (int)SyntaxKind.NotPattern, Pattern: var negated } => IsNullPattern(negated, !isNull),
        _ => false,
    };

    /// <summary>Whether <paramref name="expression"/> names <paramref name="name"/> anywhere (reads the field, or may).</summary>
    private static bool Mentions(ExpressionSyntax expression, string name) =>
        expression.DescendantNodesAndSelf().Any(node => node is IdentifierNameSyntax identifier ? identifier.Identifier.ValueText == name
            : MemoCache.IsBackingFieldKeyword(node) && MemoCache.IsBackingFieldName(name));
}
