using System.Collections.Generic;
using System.Linq;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Shared;

/// <summary>How a handler's <c>PartitionBy</c> name resolved.</summary>
internal enum PartitionByResolutionKind
{
    /// <summary>No <c>PartitionBy</c>: the handler is unordered.</summary>
    None,

    /// <summary>It names a parameter of the handler.</summary>
    Parameter,

    /// <summary>It names a readable instance property or field of the handler's single request parameter.</summary>
    Member,

    /// <summary>It names nothing the key can be read from.</summary>
    NotFound,

    /// <summary>
    /// It names more than one thing: a parameter and a member of the single request parameter, or members
    /// of two unrelated interfaces the request type extends (EXG101).
    /// </summary>
    Ambiguous,
}

/// <summary>The outcome of resolving <c>PartitionBy</c> on one handler method.</summary>
internal readonly struct PartitionByResolution
{
    public PartitionByResolution(
        PartitionByResolutionKind kind,
        int parameterIndex = -1,
        string? memberName = null,
        ITypeSymbol? keyType = null,
        ImmutableArray<string> candidates = default,
        ImmutableArray<(string Name, ITypeSymbol Type)> memberPath = default)
    {
        Kind = kind;
        ParameterIndex = parameterIndex;
        MemberName = memberName;
        KeyType = keyType;
        Candidates = candidates.IsDefault ? ImmutableArray<string>.Empty : candidates;
        MemberPath = !memberPath.IsDefault ? memberPath
            : memberName is not null && keyType is not null ? ImmutableArray.Create((memberName, keyType))
            : ImmutableArray<(string, ITypeSymbol)>.Empty;
    }

    public PartitionByResolutionKind Kind { get; }

    /// <summary>The parameter holding the key, or the single request parameter whose member holds it.</summary>
    public int ParameterIndex { get; }

    /// <summary>The property or field name for <see cref="PartitionByResolutionKind.Member"/>; the dotted path for a path.</summary>
    public string? MemberName { get; }

    /// <summary>
    /// The members read, in order, from the parameter to the key, with their types: one for a member of the
    /// request, several for a dotted path (<c>"Customer.Id"</c>), none when the parameter itself is the key.
    /// </summary>
    public ImmutableArray<(string Name, ITypeSymbol Type)> MemberPath { get; }

    public ITypeSymbol? KeyType { get; }

    /// <summary>
    /// For <see cref="PartitionByResolutionKind.NotFound"/>: the names it could have been; for
    /// <see cref="PartitionByResolutionKind.Ambiguous"/>: the things it matches ("parameter 'id'", "member 'IA.Id'").
    /// </summary>
    public ImmutableArray<string> Candidates { get; }
}

/// <summary>
/// Resolves a handler's <c>PartitionBy</c> name. Shared, as linked source, by the generator (which emits
/// key extraction) and the analyzer that reports EXG100, so both always agree on what a name means.
/// </summary>
internal static class PartitionByResolver
{
    public const string AttributeMetadataName = "ExecutorGen.RequestHandlerAttribute";
    public const string PartitionByPropertyName = "PartitionBy";
    public const string MaxBatchSizePropertyName = "MaxBatchSize";

    /// <summary>Reads <c>PartitionBy</c> from the attribute; <see langword="null"/> when absent or not a constant string.</summary>
    public static string? GetPartitionBy(AttributeData attribute)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == PartitionByPropertyName && argument.Value.Value is string name)
                return name;
        }
        return null;
    }

    /// <summary>Whether the parameter is a trailing <see cref="System.Threading.CancellationToken"/> the executor supplies.</summary>
    public static bool IsCancellationToken(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "CancellationToken", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

    /// <summary>The handler's request parameters: all of them but a trailing cancellation token.</summary>
    public static int RequestParameterCount(IMethodSymbol method)
    {
        var parameters = method.Parameters;
        return parameters.Length > 0 && IsCancellationToken(parameters[parameters.Length - 1].Type)
            ? parameters.Length - 1
            : parameters.Length;
    }

    /// <summary>Whether the attribute makes its method a batch handler: it sets <c>MaxBatchSize</c> (to anything).</summary>
    public static bool IsBatchHandler(AttributeData attribute)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == MaxBatchSizePropertyName)
                return true;
        }
        return false;
    }

    /// <summary>
    /// The <c>T</c> of a batch handler's <c>IReadOnlyList&lt;T&gt;</c> request parameter, when its one request parameter
    /// is that; else <see langword="null"/>.
    /// </summary>
    public static ITypeSymbol? BatchItemType(IMethodSymbol method) =>
        RequestParameterCount(method) == 1 && method.Parameters[0].Type is INamedTypeSymbol
        {
            Name: "IReadOnlyList", Arity: 1,
            ContainingNamespace: { Name: "Generic", ContainingNamespace: { Name: "Collections", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } },
        } list
            ? list.TypeArguments[0]
            : null;

    /// <summary>
    /// The request as the executor's members take it, each parameter's name and type: the handler's request parameters,
    /// or for a well-formed batch handler one item of its list (under the list parameter's name, so that a
    /// <c>PartitionBy</c> naming the list makes each item its own key).
    /// </summary>
    public static ImmutableArray<(string Name, ITypeSymbol Type)> RequestParameters(IMethodSymbol method, AttributeData attribute)
    {
        if (IsBatchHandler(attribute) && BatchItemType(method) is { } item)
            return ImmutableArray.Create((method.Parameters[0].Name, item));
        int count = RequestParameterCount(method);
        var parameters = ImmutableArray.CreateBuilder<(string Name, ITypeSymbol Type)>(count);
        for (int i = 0; i < count; i++)
            parameters.Add((method.Parameters[i].Name, method.Parameters[i].Type));
        return parameters.MoveToImmutable();
    }

    /// <summary>Resolves the <c>PartitionBy</c> of <paramref name="attribute"/> on <paramref name="method"/>.</summary>
    public static PartitionByResolution Resolve(IMethodSymbol method, AttributeData attribute) =>
        Resolve(RequestParameters(method, attribute), GetPartitionBy(attribute));

    /// <summary>Resolves <paramref name="partitionBy"/> against the request parameters (<see cref="RequestParameters"/>).</summary>
    public static PartitionByResolution Resolve(ImmutableArray<(string Name, ITypeSymbol Type)> parameters, string? partitionBy)
    {
        if (partitionBy is null)
            return new PartitionByResolution(PartitionByResolutionKind.None);
        if (partitionBy.IndexOf('.') >= 0)
            return ResolvePath(parameters, partitionBy);

        int count = parameters.Length;
        int parameterIndex = -1;
        for (int i = 0; i < count; i++)
        {
            if (parameters[i].Name == partitionBy)
            {
                parameterIndex = i;
                break;
            }
        }

        var matches = count == 1 ? FindMembers(parameters[0].Type, partitionBy) : ImmutableArray<(ITypeSymbol Declaring, ITypeSymbol Type)>.Empty;
        if ((parameterIndex >= 0 ? 1 : 0) + matches.Length > 1)
        {
            var found = ImmutableArray.CreateBuilder<string>();
            if (parameterIndex >= 0)
                found.Add($"parameter '{partitionBy}'");
            foreach (var (declaring, _) in matches)
                found.Add($"member '{declaring.Name}.{partitionBy}'");
            return new PartitionByResolution(PartitionByResolutionKind.Ambiguous, parameterIndex, candidates: found.ToImmutable());
        }
        if (parameterIndex >= 0)
            return new PartitionByResolution(PartitionByResolutionKind.Parameter, parameterIndex, keyType: parameters[parameterIndex].Type);
        if (matches.Length == 1)
            return new PartitionByResolution(PartitionByResolutionKind.Member, 0, partitionBy, matches[0].Type);

        return new PartitionByResolution(PartitionByResolutionKind.NotFound, candidates: Candidates(parameters));
    }

    /// <summary>
    /// A dotted path, <c>"Customer.Id"</c> or <c>"order.Customer.Id"</c>: the first name resolves like a plain
    /// <c>PartitionBy</c> (a parameter, or a member of the single request parameter); each next one is a
    /// readable member of the type before it. Candidates for a name that is not found are the full paths
    /// that would have resolved at that point.
    /// </summary>
    private static PartitionByResolution ResolvePath(ImmutableArray<(string Name, ITypeSymbol Type)> parameters, string partitionBy)
    {
        string[] segments = partitionBy.Split('.');
        if (System.Array.Exists(segments, s => s.Length == 0))
            return new PartitionByResolution(PartitionByResolutionKind.NotFound, candidates: Candidates(parameters));

        var head = Resolve(parameters, segments[0]);
        if (head.Kind is PartitionByResolutionKind.NotFound or PartitionByResolutionKind.Ambiguous || head.KeyType is null)
            return head;

        var path = ImmutableArray.CreateBuilder<(string Name, ITypeSymbol Type)>();
        path.AddRange(head.MemberPath);
        var current = head.KeyType;
        string prefix = segments[0];
        for (int i = 1; i < segments.Length; i++)
        {
            var matches = FindMembers(current, segments[i]);
            if (matches.Length == 0)
            {
                var candidates = ReadableMembers(current).Select(m => prefix + "." + m.Name).Distinct().ToImmutableArray();
                return new PartitionByResolution(PartitionByResolutionKind.NotFound, candidates: candidates);
            }
            if (matches.Length > 1)
            {
                var found = matches.Select(m => $"member '{m.Declaring.Name}.{segments[i]}'").ToImmutableArray();
                return new PartitionByResolution(PartitionByResolutionKind.Ambiguous, head.ParameterIndex, candidates: found);
            }
            current = matches[0].Type;
            path.Add((segments[i], current));
            prefix += "." + segments[i];
        }
        var members = path.ToImmutable();
        return new PartitionByResolution(head.Kind, head.ParameterIndex, string.Join(".", members.Select(m => m.Name)), current, memberPath: members);
    }

    /// <summary>
    /// The members a name finds, nearest first: one, except when unrelated interfaces both declare it
    /// (C# itself calls such an access ambiguous). A class member hides base members of the same name.
    /// </summary>
    private static ImmutableArray<(ITypeSymbol Declaring, ITypeSymbol Type)> FindMembers(ITypeSymbol type, string name)
    {
        var found = ImmutableArray.CreateBuilder<(ITypeSymbol Declaring, ITypeSymbol Type)>();
        foreach (var (_, memberType, declaring) in ReadableMembersWithOwner(type, name))
        {
            if (declaring.TypeKind != TypeKind.Interface || SymbolEqualityComparer.Default.Equals(declaring, type))
                return ImmutableArray.Create((declaring, memberType));
            // An interface member is hidden by one of an interface that extends its declaring interface.
            if (found.Any(e => e.Declaring.AllInterfaces.Contains((INamedTypeSymbol)declaring, SymbolEqualityComparer.Default)))
                continue;
            for (int k = found.Count - 1; k >= 0; k--)
            {
                if (declaring.AllInterfaces.Contains((INamedTypeSymbol)found[k].Declaring, SymbolEqualityComparer.Default))
                    found.RemoveAt(k);
            }
            found.Add((declaring, memberType));
        }
        return found.ToImmutable();
    }

    private static ImmutableArray<string> Candidates(ImmutableArray<(string Name, ITypeSymbol Type)> parameters)
    {
        var names = ImmutableArray.CreateBuilder<string>();
        var seen = new HashSet<string>();
        foreach (var (name, _) in parameters)
        {
            if (seen.Add(name))
                names.Add(name);
        }
        if (parameters.Length == 1)
        {
            foreach (var (memberName, _) in ReadableMembers(parameters[0].Type))
            {
                if (seen.Add(memberName))
                    names.Add(memberName);
            }
        }
        return names.ToImmutable();
    }

    /// <summary>
    /// Every member a key can be read from, nearest declaration first: instance fields and non-indexer
    /// properties with a getter that code outside the type can call, declared on the type, its base
    /// classes, or (for an interface) the interfaces it extends. Lookup and candidates both use this, so
    /// a name offered as a candidate always resolves.
    /// </summary>
    private static IEnumerable<(string Name, ITypeSymbol Type)> ReadableMembers(ITypeSymbol type)
    {
        foreach (var (name, memberType, _) in ReadableMembersWithOwner(type))
            yield return (name, memberType);
    }

    /// <summary>
    /// <see cref="ReadableMembers"/> with the type declaring each; only those named <paramref name="name"/> when it is given
    /// (looked up by name: a key type like <c>string</c> has hundreds of members, and every handler resolves its key).
    /// </summary>
    private static IEnumerable<(string Name, ITypeSymbol Type, ITypeSymbol Declaring)> ReadableMembersWithOwner(ITypeSymbol type, string? name = null)
    {
        foreach (var declaring in TypeAndAncestors(type))
        {
            foreach (var member in name is null ? declaring.GetMembers() : declaring.GetMembers(name))
            {
                if (member.IsStatic || !member.CanBeReferencedByName || !IsVisibleOutside(member.DeclaredAccessibility))
                    continue;
                switch (member)
                {
                    case IPropertySymbol { IsIndexer: false, GetMethod: { } getter } property when IsVisibleOutside(getter.DeclaredAccessibility):
                        yield return (property.Name, property.Type, declaring);
                        break;
                    case IFieldSymbol field:
                        yield return (field.Name, field.Type, declaring);
                        break;
                }
            }
        }
    }

    private static IEnumerable<ITypeSymbol> TypeAndAncestors(ITypeSymbol type)
    {
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            yield return current;
        if (type.TypeKind == TypeKind.Interface)
        {
            foreach (var extended in type.AllInterfaces)
                yield return extended;
        }
    }

    private static bool IsVisibleOutside(Accessibility accessibility) =>
        accessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal;
}
