using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.Shared;

/// <summary>The usage rules (EXG1xx) that stop or limit an executor, as data both sides understand.</summary>
internal enum HandlerRule
{
    None,

    /// <summary>EXG103: the handler method cannot be called through an envelope (generic, ref/out/in, pointer, ref struct, ref return).</summary>
    UnsupportedHandler,

    /// <summary>EXG104: the executor, declared beside the handler class, cannot reach the handler (private method, file-local class).</summary>
    InaccessibleHandler,

    /// <summary>EXG105: a type the handler class is nested in is not <c>partial</c>, so the executor cannot be declared beside it.</summary>
    ContainingTypeNotPartial,

    /// <summary>EXG106: the handler type is generic, or not a class.</summary>
    UnsupportedHandlerClass,

    /// <summary>EXG107: <c>{Class}Executor</c> already names something else.</summary>
    ExecutorNameCollision,

    /// <summary>EXG112: a batch handler (<c>MaxBatchSize</c>) whose size, request parameter or return type is not a batch handler's.</summary>
    InvalidBatchHandler,
}

/// <summary>A rule a class or method breaks, with the words that name what is at fault.</summary>
internal readonly struct HandlerRuleViolation
{
    public HandlerRuleViolation(HandlerRule rule, string subject, string reason, ISymbol? offender = null)
    {
        Rule = rule;
        Subject = subject;
        Reason = reason;
        Offender = offender;
    }

    public HandlerRule Rule { get; }

    /// <summary>The method or class at fault, as the message names it.</summary>
    public string Subject { get; }

    /// <summary>Why, in a few words ("parameter 'x' is passed by ref").</summary>
    public string Reason { get; }

    /// <summary>The symbol whose declaration the diagnostic should point at, when not the subject.</summary>
    public ISymbol? Offender { get; }

    public bool IsViolation => Rule != HandlerRule.None;
}

/// <summary>What one handler contributes to the class-wide rules (EXG102, EXG108, EXG109), symbol-free.</summary>
internal readonly struct HandlerShape
{
    public HandlerShape(string name, string requestSignature, string? keyType)
    {
        Name = name;
        RequestSignature = requestSignature;
        KeyType = keyType;
    }

    public string Name { get; }

    /// <summary>The name the generated members use: without a trailing <c>Async</c>.</summary>
    public string BaseName => HandlerRules.BaseName(Name);

    /// <summary>The request parameter types as the CLR sees them, comma-separated.</summary>
    public string RequestSignature { get; }

    /// <summary>The key type without nullable reference annotations; <see langword="null"/> for an unordered handler.</summary>
    public string? KeyType { get; }
}

/// <summary>
/// The rules that decide whether a handler class gets an executor. Linked as source into the analyzer
/// assembly (like <see cref="PartitionByResolver"/>): the analyzers report exactly what the generator skips,
/// so the generator never emits code that cannot compile and never skips a class silently.
/// Nothing here throws on broken code; error types are let through (the compiler reports them).
/// </summary>
internal static class HandlerRules
{
    public const string ExecutorSuffix = "Executor";

    /// <summary>Signatures as the CLR sees them (no nullable reference annotations), for comparing handlers.</summary>
    public static readonly SymbolDisplayFormat SignatureFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>The first rule the handler type breaks (EXG106, EXG104, EXG105, EXG107, in that order), or none.</summary>
    public static HandlerRuleViolation CheckClass(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        string name = type.Name;
        if (type.TypeKind != TypeKind.Class)
        {
            return new HandlerRuleViolation(HandlerRule.UnsupportedHandlerClass, name,
                "is " + (type.TypeKind switch
                {
                    TypeKind.Struct => type.IsRecord ? "a record struct" : "a struct",
                    TypeKind.Interface => "an interface",
                    _ => "not a class",
                }) + "; declare the handlers in a class (a record or a static class will do)");
        }
        if (type.Arity > 0)
            return new HandlerRuleViolation(HandlerRule.UnsupportedHandlerClass, name, "is generic; declare the handlers in a non-generic class (a generic containing type is fine)");
        if (type.IsFileLocal)
            return new HandlerRuleViolation(HandlerRule.InaccessibleHandler, name, "is file-local, so the generated executor (in another file) cannot see it; remove the 'file' modifier");

        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (!IsPartial(outer, cancellationToken))
                return new HandlerRuleViolation(HandlerRule.ContainingTypeNotPartial, name, $"is nested in '{outer.Name}', which is not partial; the executor is declared beside the handler class, so make '{outer.Name}' partial", outer);
            if (outer.TypeKind is not (TypeKind.Class or TypeKind.Struct or TypeKind.Interface))
                return new HandlerRuleViolation(HandlerRule.UnsupportedHandlerClass, name, $"is nested in '{outer.Name}', which cannot contain the executor");
        }

        if (FindExecutorNameCollision(type) is { } collision)
        {
            return new HandlerRuleViolation(HandlerRule.ExecutorNameCollision, name,
                $"'{name}{ExecutorSuffix}' already names {Describe(collision)}; rename it, or declare it 'partial class' to add members to the executor", collision);
        }
        return default;
    }

    /// <summary>The first rule the handler method breaks (EXG104, EXG103), or none.</summary>
    public static HandlerRuleViolation CheckMethod(IMethodSymbol method)
    {
        string name = method.Name;
        if (method.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
        {
            return new HandlerRuleViolation(HandlerRule.InaccessibleHandler, name,
                $"is {AccessibilityWords(method.DeclaredAccessibility)}, so the executor beside its class cannot call it; make it internal or public");
        }
        if (method.IsGenericMethod)
            return new HandlerRuleViolation(HandlerRule.UnsupportedHandler, name, "is generic; a request must have concrete types");
        if (method.MethodKind != MethodKind.Ordinary || !method.ExplicitInterfaceImplementations.IsEmpty)
            return new HandlerRuleViolation(HandlerRule.UnsupportedHandler, name, "is not an ordinary method (explicit interface implementations and accessors cannot be handlers)");
        if (method.IsVararg)
            return new HandlerRuleViolation(HandlerRule.UnsupportedHandler, name, "takes __arglist");
        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
            return new HandlerRuleViolation(HandlerRule.UnsupportedHandler, name, "returns by reference");

        foreach (var parameter in method.Parameters)
        {
            string? problem = parameter.RefKind switch
            {
                RefKind.Ref => "is passed by ref",
                RefKind.Out => "is an out parameter",
                RefKind.In => "is passed by in",
                RefKind.None => null,
                _ => "is passed by reference",
            } ?? UnstorableReason(parameter.Type);
            if (problem is not null)
                return new HandlerRuleViolation(HandlerRule.UnsupportedHandler, name, $"parameter '{parameter.Name}' {problem}; requests are stored in a queue, so pass it by value", parameter);
        }

        var result = UnwrapTask(method.ReturnType);
        if (UnstorableReason(result) is { } returnProblem)
            return new HandlerRuleViolation(HandlerRule.UnsupportedHandler, name, $"its result {returnProblem}");
        return default;
    }

    /// <summary>
    /// The rule a batch handler (one whose attribute sets <c>MaxBatchSize</c>) breaks, or none (also for a handler of
    /// single requests): EXG112. A <c>MaxBatchSize</c> that does not bind is the compiler's to report.
    /// </summary>
    public static HandlerRuleViolation CheckBatch(IMethodSymbol method, AttributeData attribute)
    {
        if (!PartitionByResolver.IsBatchHandler(attribute))
            return default;
        string name = method.Name;
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == PartitionByResolver.MaxBatchSizePropertyName && argument.Value.Value is int size && size < 1)
                return new HandlerRuleViolation(HandlerRule.InvalidBatchHandler, name, $"has MaxBatchSize = {size}; a batch holds at least one request");
        }
        if (PartitionByResolver.BatchItemType(method) is null)
        {
            return new HandlerRuleViolation(HandlerRule.InvalidBatchHandler, name,
                "is a batch handler (MaxBatchSize), so its request parameter must be one IReadOnlyList<T> (optionally followed by a CancellationToken)",
                method.Parameters.FirstOrDefault(p => !PartitionByResolver.IsCancellationToken(p.Type)));
        }
        if (method.ReturnType is { SpecialType: not SpecialType.System_Void, TypeKind: not TypeKind.Error } returnType
            && !(returnType is INamedTypeSymbol { Arity: 0, Name: "Task" or "ValueTask", ContainingNamespace: { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } }))
        {
            return new HandlerRuleViolation(HandlerRule.InvalidBatchHandler, name,
                $"is a batch handler (MaxBatchSize) and returns {returnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}; a batch handler returns void, Task or ValueTask (each caller learns that its request ran)");
        }
        return default;
    }

    /// <summary>Why a value of the type cannot be stored in a queued request, or <see langword="null"/> when it can (error types can).</summary>
    public static string? UnstorableReason(ITypeSymbol type) => type switch
    {
        IPointerTypeSymbol or IFunctionPointerTypeSymbol => "is a pointer",
        { IsRefLikeType: true } => $"is a ref struct ({type.Name})",
        IArrayTypeSymbol array => UnstorableReason(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Select(UnstorableReason).FirstOrDefault(r => r is not null),
        _ => null,
    };

    /// <summary>Whether the key type compares by value. Reference types compare by identity unless they are strings, records, or override <c>Equals</c> / implement <c>IEquatable&lt;T&gt;</c>.</summary>
    public static bool HasValueEquality(ITypeSymbol type)
    {
        switch (type)
        {
            case ITypeParameterSymbol or IErrorTypeSymbol:
                return true; // unknown here: no warning
            case IArrayTypeSymbol or IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                return false;
        }
        if (type.IsValueType || type.SpecialType == SpecialType.System_String || type.TypeKind == TypeKind.Error)
            return true;
        if (type.SpecialType == SpecialType.System_Object || type.TypeKind is TypeKind.Interface or TypeKind.Delegate or TypeKind.Dynamic)
            return false;
        if (type.IsRecord)
            return true;
        if (type.AllInterfaces.Any(i => i.Name == "IEquatable" && i.Arity == 1 && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0].WithNullableAnnotation(NullableAnnotation.NotAnnotated), type.WithNullableAnnotation(NullableAnnotation.NotAnnotated))))
            return true;
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            if (current.IsRecord)
                return true;
            foreach (var member in current.GetMembers("Equals"))
            {
                if (member is IMethodSymbol { IsOverride: true, Parameters.Length: 1 } equals
                    && equals.Parameters[0].Type.SpecialType == SpecialType.System_Object)
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Whether the key can be null: <c>Nullable&lt;T&gt;</c>, or a reference type annotated <c>?</c>.</summary>
    public static bool IsNullableKey(ITypeSymbol type) =>
        type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
        || (type.NullableAnnotation == NullableAnnotation.Annotated && !type.IsValueType && type is not ITypeParameterSymbol);

    /// <summary>
    /// The shape of a handler for the class-wide rules, by the request its executor members take (one item for a batch
    /// handler); <paramref name="keyType"/> is the resolved key type, if any.
    /// </summary>
    public static HandlerShape Shape(IMethodSymbol method, AttributeData attribute, ITypeSymbol? keyType)
    {
        var types = PartitionByResolver.RequestParameters(method, attribute).Select(p => p.Type.ToDisplayString(SignatureFormat));
        return new HandlerShape(method.Name, RequestSignature(types), keyType?.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SignatureFormat));
    }

    /// <summary>A handler's name without a trailing <c>Async</c>: what its generated members are named after (<c>Submit{BaseName}Async</c>).</summary>
    public static string BaseName(string name) =>
        name.Length > "Async".Length && name.EndsWith("Async", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - "Async".Length) : name;

    /// <summary>The request signature two handlers are compared by: their parameter types in <see cref="SignatureFormat"/>, comma-separated.</summary>
    public static string RequestSignature(IEnumerable<string> parameterTypes) => string.Join(",", parameterTypes);

    /// <summary>EXG102: each keyed handler whose key type differs from the first keyed handler's, with that first handler.</summary>
    public static IEnumerable<(int Handler, int First)> KeyTypeConflicts(IReadOnlyList<HandlerShape> handlers)
    {
        int first = -1;
        for (int i = 0; i < handlers.Count; i++)
        {
            if (handlers[i].KeyType is null)
                continue;
            if (first < 0)
                first = i;
            else if (handlers[i].KeyType != handlers[first].KeyType)
                yield return (i, first);
        }
    }

    /// <summary>EXG108: each handler whose generated named members (same base name, same request types) an earlier handler already has.</summary>
    public static IEnumerable<(int Handler, int Earlier)> NamedMemberCollisions(IReadOnlyList<HandlerShape> handlers)
    {
        for (int i = 0; i < handlers.Count; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (handlers[i].BaseName == handlers[j].BaseName && handlers[i].RequestSignature == handlers[j].RequestSignature)
                {
                    yield return (i, j);
                    break;
                }
            }
        }
    }

    /// <summary>EXG109: each handler sharing its request types with another one (so no plain overloads), with the first other one.</summary>
    public static IEnumerable<(int Handler, int Other)> SharedSignatures(IReadOnlyList<HandlerShape> handlers)
    {
        for (int i = 0; i < handlers.Count; i++)
        {
            for (int j = 0; j < handlers.Count; j++)
            {
                if (i != j && handlers[i].RequestSignature == handlers[j].RequestSignature)
                {
                    yield return (i, j);
                    break;
                }
            }
        }
    }

    /// <summary>Whether any declaration of the type carries the <c>partial</c> modifier.</summary>
    public static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        type.DeclaringSyntaxReferences.Any(reference =>
            reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
            && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

    /// <summary>
    /// Something already named <c>{Class}Executor</c> beside the handler class that the generated
    /// <c>sealed partial class</c> cannot merge with. A user's own non-static <c>partial class</c> of that name
    /// merges (it adds members), and so does the generated declaration itself, which analyzers see.
    /// </summary>
    public static ISymbol? FindExecutorNameCollision(INamedTypeSymbol type)
    {
        string executorName = type.Name + ExecutorSuffix;
        IEnumerable<ISymbol> members = type.ContainingType is { } outer
            ? outer.GetMembers(executorName)
            : type.ContainingNamespace is { } ns ? ns.GetMembers(executorName) : Enumerable.Empty<ISymbol>();
        foreach (var member in members)
        {
            if (member is INamedTypeSymbol named)
            {
                if (named.Arity != 0)
                    continue; // Executor<T> is another type
                bool merges = named.TypeKind == TypeKind.Class && !named.IsRecord && !named.IsStatic
                    && named.DeclaringSyntaxReferences.Length > 0
                    && named.DeclaringSyntaxReferences.All(r => r.GetSyntax() is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword));
                if (!merges)
                    return named;
            }
            else
            {
                return member;
            }
        }
        return null;
    }

    private static ITypeSymbol UnwrapTask(ITypeSymbol type) =>
        type is INamedTypeSymbol { Arity: 1, Name: "Task" or "ValueTask", ContainingNamespace: { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } } task
            ? task.TypeArguments[0]
            : type;

    private static string Describe(ISymbol symbol) => symbol switch
    {
        INamespaceSymbol => "a namespace",
        INamedTypeSymbol { TypeKind: TypeKind.Class, IsRecord: true } => "a record",
        INamedTypeSymbol { TypeKind: TypeKind.Class, IsStatic: true } => "a static class",
        INamedTypeSymbol { TypeKind: TypeKind.Class } => "a class that is not partial",
        INamedTypeSymbol { TypeKind: TypeKind.Struct } => "a struct",
        INamedTypeSymbol { TypeKind: TypeKind.Interface } => "an interface",
        INamedTypeSymbol { TypeKind: TypeKind.Enum } => "an enum",
        INamedTypeSymbol { TypeKind: TypeKind.Delegate } => "a delegate",
        IPropertySymbol => "a property",
        IFieldSymbol => "a field",
        IMethodSymbol => "a method",
        IEventSymbol => "an event",
        _ => "another member",
    };

    private static string AccessibilityWords(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "not accessible",
    };
}
