using System.Collections.Generic;
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
}

/// <summary>The outcome of resolving <c>PartitionBy</c> on one handler method.</summary>
internal readonly struct PartitionByResolution
{
    public PartitionByResolution(
        PartitionByResolutionKind kind,
        int parameterIndex = -1,
        string? memberName = null,
        ITypeSymbol? keyType = null,
        ImmutableArray<string> candidates = default)
    {
        Kind = kind;
        ParameterIndex = parameterIndex;
        MemberName = memberName;
        KeyType = keyType;
        Candidates = candidates.IsDefault ? ImmutableArray<string>.Empty : candidates;
    }

    public PartitionByResolutionKind Kind { get; }

    /// <summary>The parameter holding the key, or the single request parameter whose member holds it.</summary>
    public int ParameterIndex { get; }

    /// <summary>The property or field name for <see cref="PartitionByResolutionKind.Member"/>.</summary>
    public string? MemberName { get; }

    public ITypeSymbol? KeyType { get; }

    /// <summary>For <see cref="PartitionByResolutionKind.NotFound"/>: the names it could have been.</summary>
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

    public static PartitionByResolution Resolve(IMethodSymbol method, string? partitionBy)
    {
        if (partitionBy is null)
            return new PartitionByResolution(PartitionByResolutionKind.None);

        int count = RequestParameterCount(method);
        for (int i = 0; i < count; i++)
        {
            var parameter = method.Parameters[i];
            if (parameter.Name == partitionBy)
                return new PartitionByResolution(PartitionByResolutionKind.Parameter, i, keyType: parameter.Type);
        }

        if (count == 1 && FindMember(method.Parameters[0].Type, partitionBy) is { } memberType)
            return new PartitionByResolution(PartitionByResolutionKind.Member, 0, partitionBy, memberType);

        return new PartitionByResolution(PartitionByResolutionKind.NotFound, candidates: Candidates(method, count));
    }

    private static ITypeSymbol? FindMember(ITypeSymbol type, string name)
    {
        foreach (var (memberName, memberType) in ReadableMembers(type))
        {
            if (memberName == name)
                return memberType;
        }
        return null;
    }

    private static ImmutableArray<string> Candidates(IMethodSymbol method, int count)
    {
        var names = ImmutableArray.CreateBuilder<string>();
        var seen = new HashSet<string>();
        for (int i = 0; i < count; i++)
        {
            if (seen.Add(method.Parameters[i].Name))
                names.Add(method.Parameters[i].Name);
        }
        if (count == 1)
        {
            foreach (var (memberName, _) in ReadableMembers(method.Parameters[0].Type))
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
        foreach (var declaring in TypeAndAncestors(type))
        {
            foreach (var member in declaring.GetMembers())
            {
                if (member.IsStatic || !member.CanBeReferencedByName || !IsVisibleOutside(member.DeclaredAccessibility))
                    continue;
                switch (member)
                {
                    case IPropertySymbol { IsIndexer: false, GetMethod: { } getter } property when IsVisibleOutside(getter.DeclaredAccessibility):
                        yield return (property.Name, property.Type);
                        break;
                    case IFieldSymbol field:
                        yield return (field.Name, field.Type);
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
