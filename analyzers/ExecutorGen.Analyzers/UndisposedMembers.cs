using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Fields and properties whose object nothing ever disposes: a wait on an event kept there (<c>ManualResetEventSlim.Wait()</c>,
/// <c>WaitHandle.WaitOne()</c>) fails only with an <c>ObjectDisposedException</c>, so it cannot fail at all (EXG002).
/// Decided from the code alone, for members only one type's code can reach (private, or in a private nested type: the
/// outermost type's declarations hold every use): each use must read the object to call a member of it other than
/// <c>Dispose</c>/<c>Close</c>, or store there a new object or one of another such member; a use that hands the object on
/// (an argument, a local, a <c>using</c>) may dispose it elsewhere. Syntax only, once per member.
/// </summary>
internal sealed class UndisposedMembers
{
    private readonly ConcurrentDictionary<ISymbol, bool> _known = new(SymbolEqualityComparer.Default);

    /// <summary>Whether <paramref name="instance"/> reads such a member.</summary>
    public bool NeverDisposed(IOperation instance, CancellationToken cancellationToken)
    {
        return Operations.VariableOf(Operations.WithoutConversions(instance)) is (IFieldSymbol or IPropertySymbol { IsIndexer: false }) and var member
            && _known.GetOrAdd(member, m => Decide(m, new HashSet<ISymbol>(SymbolEqualityComparer.Default), cancellationToken));
    }

    /// <param name="deciding">Members being decided further up (one is set from another, which may be set from the first).</param>
    private static bool Decide(ISymbol member, HashSet<ISymbol> deciding, CancellationToken cancellationToken)
    {
        if (OnlyReachableIn(member) is not { } scope)
            return false;
        if (!deciding.Add(member))
            return true; // being decided further up, where its uses are looked at
        foreach (var declaration in scope.DeclaringSyntaxReferences)
        {
            foreach (var node in declaration.GetSyntax(cancellationToken).DescendantNodes())
            {
                switch (node)
                {
                    case IdentifierNameSyntax name when name.Identifier.ValueText == member.Name:
                        if (!HarmlessUse(name, member, deciding, cancellationToken))
                            return false;
                        break;
                    case VariableDeclaratorSyntax { Initializer.Value: var value } declarator when declarator.Identifier.ValueText == member.Name:
                        if (!UndisposedValue(value, member, deciding, cancellationToken))
                            return false;
                        break;
                    case PropertyDeclarationSyntax { Initializer.Value: var value } property when property.Identifier.ValueText == member.Name:
                        if (!UndisposedValue(value, member, deciding, cancellationToken))
                            return false;
                        break;
                }
            }
        }
        return true;
    }

    /// <summary>The outermost type when only its code can reach <paramref name="member"/>; otherwise null.</summary>
    private static INamedTypeSymbol? OnlyReachableIn(ISymbol member)
    {
        bool confined = member.DeclaredAccessibility == Accessibility.Private;
        var type = member.ContainingType;
        if (type is null || type.DeclaringSyntaxReferences.IsEmpty)
            return null;
        while (type.ContainingType is { } outer)
        {
            confined |= type.DeclaredAccessibility == Accessibility.Private;
            type = outer;
        }
        return confined ? type : null;
    }

    /// <summary>A use that calls a member of the object other than Dispose or Close, or stores an undisposed object.</summary>
    private static bool HarmlessUse(IdentifierNameSyntax name, ISymbol member, HashSet<ISymbol> deciding, CancellationToken cancellationToken)
    {
        ExpressionSyntax use = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
        switch (use.Parent)
        {
            case MemberAccessExpressionSyntax called when called.Expression == use:
                return !Disposes(called.Name.Identifier.ValueText);
            case ConditionalAccessExpressionSyntax conditional when conditional.Expression == use:
                return conditional.WhenNotNull switch
                {
                    MemberBindingExpressionSyntax binding => !Disposes(binding.Name.Identifier.ValueText),
                    InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax binding } => !Disposes(binding.Name.Identifier.ValueText),
                    _ => false,
                };
            case AssignmentExpressionSyntax assignment when assignment.Left == use:
                return assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && UndisposedValue(assignment.Right, member, deciding, cancellationToken);
            case AssignmentExpressionSyntax assignment when assignment.Right == use:
                // Handed on to another member of the type (next.PreviousStateCompleted = Completed): fine if that one is never disposed either.
                return assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && SameTypeMember(assignment.Left, member) is { } target
                    && Decide(target, deciding, cancellationToken);
            default:
                return false;
        }
    }

    private static bool Disposes(string name) => name is "Dispose" or "Close" or "DisposeAsync";

    /// <summary>
    /// A value stored in <paramref name="member"/> that nothing disposes elsewhere: a new object, or the object of another
    /// member of the same type that is itself never disposed (<c>PreviousStateCompleted = previous.Completed</c>).
    /// </summary>
    private static bool UndisposedValue(ExpressionSyntax value, ISymbol member, HashSet<ISymbol> deciding, CancellationToken cancellationToken)
    {
        if (value is BaseObjectCreationExpressionSyntax)
            return true;
        return SameTypeMember(value, member) is { } source && Decide(source, deciding, cancellationToken);
    }

    /// <summary>The instance field or property of <paramref name="member"/>'s type that <paramref name="expression"/> names (<c>x.Completed</c>, <c>Completed</c>).</summary>
    private static ISymbol? SameTypeMember(ExpressionSyntax expression, ISymbol member)
    {
        string? name = expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            _ => null,
        };
        if (name is null || member.ContainingType is not { } type)
            return null;
        foreach (var other in type.GetMembers(name))
        {
            if (other is IFieldSymbol or IPropertySymbol && !other.IsStatic)
                return other.OriginalDefinition;
        }
        return null;
    }
}
