using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Reports EXG005 on <c>hash % n</c> where the hash is signed (a <c>GetHashCode()</c> result, or a variable named
/// like a hash used as an index), and on <c>Math.Abs(hash)</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HashRoutingAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property set when the <c>(int)((uint)hash % (uint)n)</c> fix applies (both operands are int).</summary>
    public const string FixableProperty = "Fixable";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.NegativeHashRouting);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var math = start.Compilation.GetTypeByMetadataName("System.Math");
            start.RegisterOperationAction(c => AnalyzeRemainder(c), OperationKind.Binary);
            if (math is not null)
                start.RegisterOperationAction(c => AnalyzeAbs(c, math), OperationKind.Invocation);
        });
    }

    private static void AnalyzeRemainder(OperationAnalysisContext context)
    {
        var remainder = (IBinaryOperation)context.Operation;
        if (remainder.OperatorKind != BinaryOperatorKind.Remainder
            || !IsSigned(remainder.LeftOperand.Type) || remainder.Type is null
            || remainder.RightOperand is IInvalidOperation || remainder.RightOperand.Type is null or { TypeKind: TypeKind.Error })
        {
            return;
        }
        var left = Operations.WithoutConversions(remainder.LeftOperand);
        var hash = Hash(left);
        if (hash == HashKind.None || WidenedFromUnsigned(remainder.LeftOperand) || InsideAbs(remainder) || ComparedWithZero(remainder) || ShiftedBackIntoRange(remainder)
            || SignCheckedBefore(left, remainder))
        {
            return;
        }
        if (hash == HashKind.Named && (!UsedAsIndex(remainder) || StoredNonNegative(left, context.CancellationToken)))
            return;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.NegativeHashRouting,
            remainder.Syntax.GetLocation(),
            Fixable(remainder.LeftOperand, remainder.RightOperand),
            $"'{remainder.Syntax}' is negative when the hash is: GetHashCode may return any int, so the remainder can index out of range; use (int)((uint)hash % (uint)n)"));
    }

    private static void AnalyzeAbs(OperationAnalysisContext context, INamedTypeSymbol math)
    {
        var invocation = (IInvocationOperation)context.Operation;
        // A 64-bit hash is long.MinValue, where Math.Abs throws, for one value in 2^64: no key set reaches it. An int hash is
        // int.MinValue for one key in 2^32, which real key sets do.
        if (invocation.TargetMethod.Name != "Abs" || !SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, math)
            || invocation.Arguments.Length != 1 || !IsSigned(invocation.Arguments[0].Value.Type)
            || invocation.Arguments[0].Value.Type?.SpecialType == SpecialType.System_Int64
            || Hash(Operations.WithoutConversions(invocation.Arguments[0].Value)) == HashKind.None
            || MinValueExcluded(Operations.WithoutConversions(invocation.Arguments[0].Value), invocation))
        {
            return;
        }
        var properties = ImmutableDictionary<string, string?>.Empty;
        if (Operations.ParentWithoutConversions(invocation) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Remainder } parent
            && Operations.WithoutConversions(parent.LeftOperand) == invocation)
        {
            properties = Fixable(invocation.Arguments[0].Value, parent.RightOperand);
        }
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.NegativeHashRouting,
            invocation.Syntax.GetLocation(),
            properties,
            $"'{invocation.Syntax}' throws OverflowException when the hash is int.MinValue; use (int)((uint)hash % (uint)n)"));
    }

    private enum HashKind
    {
        None,
        /// <summary>A <c>GetHashCode()</c> call or a local initialized from one: negative for about half the values.</summary>
        Computed,
        /// <summary>A variable whose name says it is a hash.</summary>
        Named,
    }

    private static HashKind Hash(IOperation operation)
    {
        switch (operation)
        {
            case IInvocationOperation invocation when IsHashMethod(invocation.TargetMethod):
                return HashKind.Computed;
            case ILocalReferenceOperation local:
                return Initializer(local) switch
                {
                    { } value when NonNegative(value) => HashKind.None,
                    { } value when Operations.WithoutConversions(value) is IInvocationOperation invocation && IsHashMethod(invocation.TargetMethod) => HashKind.Computed,
                    _ => NamedHash(local.Local.Name),
                };
            case IParameterReferenceOperation parameter:
                return NamedHash(parameter.Parameter.Name);
            case IFieldReferenceOperation field:
                return NamedHash(field.Field.Name);
            case IPropertyReferenceOperation property when !property.Property.IsIndexer:
                return NamedHash(property.Property.Name);
            default:
                return HashKind.None;
        }
    }

    private static bool IsHashMethod(IMethodSymbol method) =>
        method.Name == "GetHashCode"
        || method.ContainingType is { Name: "HashCode", ContainingNamespace.Name: "System" } && method.Name is "Combine" or "ToHashCode";

    /// <summary>
    /// A name that says hash, but not a count of hashes (<c>totalHashes</c>, <c>hashCount</c>: Duplicati's block arithmetic,
    /// where an int named so is a number of them).
    /// </summary>
    private static HashKind NamedHash(string name) =>
        name.IndexOf("hash", StringComparison.OrdinalIgnoreCase) >= 0 && name.IndexOf("hashes", StringComparison.OrdinalIgnoreCase) < 0
        && name.IndexOf("hashcount", StringComparison.OrdinalIgnoreCase) < 0
            ? HashKind.Named
            : HashKind.None;

    /// <summary>
    /// The initializer of a local (<c>int h = key.GetHashCode();</c>), or null; a later assignment being too costly to
    /// check, the initializer decides.
    /// </summary>
    private static IOperation? Initializer(ILocalReferenceOperation reference)
    {
        if (reference.SemanticModel is not { } model)
            return null;
        foreach (var syntaxReference in reference.Local.DeclaringSyntaxReferences)
        {
            if (syntaxReference.SyntaxTree == model.SyntaxTree && syntaxReference.GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: { } value })
                return model.GetOperation(value);
        }
        return null;
    }

    /// <summary>A value made non-negative on purpose: <c>hash &amp; 0x7FFFFFFF</c>, <c>(int)((uint)hash % n)</c>, <c>hash &gt;&gt;&gt; 1</c>.</summary>
    private static bool NonNegative(IOperation value)
    {
        value = Operations.WithoutConversions(value);
        return value switch
        {
            IBinaryOperation { OperatorKind: BinaryOperatorKind.And } and => IsNonNegativeConstant(and.RightOperand) || IsNonNegativeConstant(and.LeftOperand),
            IBinaryOperation { OperatorKind: BinaryOperatorKind.UnsignedRightShift } => true,
            IBinaryOperation { OperatorKind: BinaryOperatorKind.Remainder } remainder => !IsSigned(remainder.LeftOperand.Type),
            _ => false,
        };
    }

    /// <summary>
    /// A field or property named like a hash into which the code around it stores hashes made non-negative
    /// (<c>slot.HashCode = key.GetHashCode() &amp; 0x7FFFFFFF</c>, directly or through a local initialized so), and no value that
    /// is not (a negative constant is a sentinel, not a hash): the hashes were sanitised where they were stored. The
    /// stores looked at are those in the remainder's file, in the outermost type around the member (a hash table's slot
    /// struct is written by the table); they are bound only when a named hash is used as an index, which is rare.
    /// </summary>
    private static bool StoredNonNegative(IOperation hash, System.Threading.CancellationToken cancellationToken)
    {
        var member = Operations.VariableOf(hash);
        if (member is not (IFieldSymbol or IPropertySymbol) || member.ContainingType is not { } type || hash.SemanticModel is not { } model)
            return false;
        while (type.ContainingType is { } outer)
            type = outer;
        bool sanitised = false;
        foreach (var declaration in type.DeclaringSyntaxReferences)
        {
            if (declaration.SyntaxTree != model.SyntaxTree)
                continue;
            foreach (var assignment in declaration.GetSyntax(cancellationToken).DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                if (TargetName(assignment.Left) != member.Name
                    || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol?.OriginalDefinition, member))
                {
                    continue;
                }
                if (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) || model.GetOperation(assignment.Right, cancellationToken) is not { } value)
                    return false;
                if (value.ConstantValue.HasValue)
                    continue; // a sentinel (-1 for a free slot) or a fixed value, not a hash
                if (!NonNegative(value) && !(Operations.WithoutConversions(value) is ILocalReferenceOperation local && Initializer(local) is { } initial && NonNegative(initial)))
                    return false;
                sanitised = true;
            }
        }
        return sanitised;
    }

    private static string? TargetName(ExpressionSyntax target) => target switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
        _ => null,
    };

    /// <summary>
    /// A local whose sign the code tests before the remainder (<c>if (hash &lt; 0) hash = -hash;</c>): the author handled
    /// negative hashes there, whatever the branch does.
    /// </summary>
    private static bool SignCheckedBefore(IOperation hash, IOperation remainder)
    {
        if (hash is not ILocalReferenceOperation local)
            return false;
        var body = remainder.Syntax.FirstAncestorOrSelf<SyntaxNode>(n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax
            or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax);
        if (body is null)
            return false;
        string name = local.Local.Name;
        foreach (var comparison in body.DescendantNodes(n => n.SpanStart < remainder.Syntax.SpanStart).OfType<BinaryExpressionSyntax>())
        {
            if (comparison.SpanStart < remainder.Syntax.SpanStart
                && comparison.Kind() is SyntaxKind.LessThanExpression or SyntaxKind.LessThanOrEqualExpression
                    or SyntaxKind.GreaterThanExpression or SyntaxKind.GreaterThanOrEqualExpression
                && (IsName(comparison.Left, name) && IsZeroLiteral(comparison.Right) || IsZeroLiteral(comparison.Left) && IsName(comparison.Right, name)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// <c>h == int.MinValue ? 0 : Math.Abs(h) % n</c> (or <c>h != int.MinValue ? … : …</c>): the one value <c>Math.Abs</c>
    /// throws for is tested first, by a conditional around the call.
    /// </summary>
    private static bool MinValueExcluded(IOperation hash, IOperation abs)
    {
        var symbol = Operations.VariableOf(hash);
        if (symbol is null)
            return false;
        for (IOperation? current = abs, parent = abs.Parent; parent is not null; current = parent, parent = parent.Parent)
        {
            if (parent is not IConditionalOperation conditional
                || conditional.Condition is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } test)
            {
                continue;
            }
            bool comparesHash = IsMinValue(test.RightOperand) && SymbolEqualityComparer.Default.Equals(Operations.VariableOf(Operations.WithoutConversions(test.LeftOperand)), symbol)
                || IsMinValue(test.LeftOperand) && SymbolEqualityComparer.Default.Equals(Operations.VariableOf(Operations.WithoutConversions(test.RightOperand)), symbol);
            // The branch the call is in must be the one where the hash is not MinValue.
            bool excluded = test.OperatorKind == BinaryOperatorKind.Equals ? conditional.WhenFalse == current : conditional.WhenTrue == current;
            if (comparesHash && excluded)
                return true;
        }
        return false;

        static bool IsMinValue(IOperation operation) =>
            operation.ConstantValue is { HasValue: true, Value: int.MinValue or long.MinValue or short.MinValue or sbyte.MinValue };
    }

    private static bool IsName(ExpressionSyntax expression, string name) => expression is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == name;

    private static bool IsZeroLiteral(ExpressionSyntax expression) => expression is LiteralExpressionSyntax { Token.ValueText: "0" };

    private static bool IsNonNegativeConstant(IOperation operation) =>
        operation.ConstantValue is { HasValue: true, Value: int or long } constant && Convert.ToInt64(constant.Value, System.Globalization.CultureInfo.InvariantCulture) >= 0;

    /// <summary><c>((h % n) + n) % n</c>: a negative remainder shifted back into range by adding the divisor and reducing again.</summary>
    private static bool ShiftedBackIntoRange(IBinaryOperation remainder) =>
        Operations.ParentWithoutConversions(remainder) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } add
        && Operations.ParentWithoutConversions(add) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Remainder } outer
        && Operations.WithoutConversions(outer.LeftOperand) == add;

    /// <summary>
    /// An unsigned value widened (<c>uint % int</c> is computed as <c>long</c>): never negative. An explicit narrowing on
    /// the way (<c>(int)hash</c>) can make it so, and is not seen through.
    /// </summary>
    private static bool WidenedFromUnsigned(IOperation operand)
    {
        while (operand is IConversionOperation { Conversion.IsImplicit: true } conversion)
            operand = conversion.Operand;
        return operand.Type?.SpecialType is SpecialType.System_UInt32 or SpecialType.System_UInt64 or SpecialType.System_UInt16
            or SpecialType.System_Byte or SpecialType.System_Char;
    }

    private static bool IsSigned(ITypeSymbol? type) =>
        type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16 or SpecialType.System_SByte;

    private static bool InsideAbs(IOperation operation) =>
        Operations.ParentWithoutConversions(operation) is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Abs" } };

    /// <summary><c>hash % 2 == 0</c> samples or alternates: the sign does not matter.</summary>
    private static bool ComparedWithZero(IOperation operation) =>
        Operations.ParentWithoutConversions(operation) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison
        && (IsZero(comparison.LeftOperand) || IsZero(comparison.RightOperand));

    private static bool IsZero(IOperation operation) =>
        operation.ConstantValue is { HasValue: true, Value: { } value } && Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) == 0 && value is not bool;

    /// <summary>An array index, an indexer argument, or stored (a local, a return) where it becomes one.</summary>
    private static bool UsedAsIndex(IOperation operation) => Operations.ParentWithoutConversions(operation) switch
    {
        IArrayElementReferenceOperation element => element.Indices.Any(i => Operations.WithoutConversions(i) == operation),
        IArgumentOperation { Parent: IPropertyReferenceOperation { Property.IsIndexer: true } } => true,
        IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "ElementAt" or "ElementAtOrDefault" } } => true,
        IVariableInitializerOperation or IReturnOperation or ISimpleAssignmentOperation => true,
        _ => false,
    };

    private static ImmutableDictionary<string, string?> Fixable(IOperation hash, IOperation divisor) =>
        hash.Type?.SpecialType == SpecialType.System_Int32 && Operations.WithoutConversions(divisor).Type?.SpecialType == SpecialType.System_Int32
            ? ImmutableDictionary<string, string?>.Empty.Add(FixableProperty, "true")
            : ImmutableDictionary<string, string?>.Empty;
}
