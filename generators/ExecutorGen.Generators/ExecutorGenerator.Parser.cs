using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using ExecutorGen.Generators.Model;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.Generators;

public sealed partial class ExecutorGenerator
{
    /// <summary>
    /// Turns symbols into the equatable model. Anything it cannot generate for (broken code included) yields
    /// <see langword="null"/> parts rather than throwing; diagnostics for these cases are reported elsewhere.
    /// </summary>
    internal static class Parser
    {
        private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        private static readonly SymbolDisplayFormat s_namespaceFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted);

        public static HandlerCandidate? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not IMethodSymbol method
                || method.ContainingType is not { TypeKind: not TypeKind.Error } type
                || method.Name.Length == 0
                || context.Attributes.IsEmpty)
            {
                return null;
            }

            var handlerClass = ParseClass(type, cancellationToken);
            var handler = handlerClass is null ? null : ParseHandler(method, context.Attributes[0]);
            return new HandlerCandidate(MetadataName(type), handlerClass, handler);
        }

        /// <summary>The name <see cref="Compilation.GetTypeByMetadataName"/> finds <paramref name="type"/> by.</summary>
        private static string MetadataName(INamedTypeSymbol type)
        {
            if (type.ContainingType is { } outer)
                return MetadataName(outer) + "+" + type.MetadataName;
            var name = type.MetadataName;
            for (var ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
                name = ns.MetadataName + "." + name;
            return name;
        }

        private static HandlerClassModel? ParseClass(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            // Whatever HandlerRules rejects is reported (EXG104-EXG107, SkipReasons): skipped, never half-generated.
            if (!IsNameable(type) || HandlerRules.CheckClass(type, cancellationToken).IsViolation)
                return null;
            if (AccessibilityKeyword(type.DeclaredAccessibility) is not { } accessibility)
                return null;
            // A namespace-level "private class" is an error the compiler reports; the executor must not repeat it.
            if (type.ContainingType is null && accessibility is not ("public" or "internal"))
                return null;

            var containingTypes = ImmutableArray.CreateBuilder<ContainingTypeModel>();
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                // The executor is declared inside the containing types (CheckClass made sure each is partial).
                if (TypeKeyword(outer) is not { } keyword)
                    return null;
                containingTypes.Insert(0, new ContainingTypeModel(keyword, NameWithTypeParameters(outer)));
            }

            var ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing
                ? containing.ToDisplayString(s_namespaceFormat)
                : null;
            return new HandlerClassModel(
                type.ToDisplayString(s_typeFormat),
                ns,
                new EquatableArray<ContainingTypeModel>(containingTypes.ToImmutable()),
                type.Name,
                accessibility,
                type.IsStatic);
        }

        private static HandlerModel? ParseHandler(IMethodSymbol method, AttributeData attribute)
        {
            // Generic, by-ref, pointer, ref struct, private, a batch handler that cannot batch... (EXG103, EXG104,
            // EXG112): skipped, and reported (SkipReasons).
            if (HandlerRules.CheckMethod(method).IsViolation || HandlerRules.CheckBatch(method, attribute).IsViolation)
                return null;
            if (!TryParseMaxBatchSize(attribute, out int maxBatchSize))
                return null;

            // The executor is a sibling of the handler class: it can call public and internal methods only.
            string accessibility = method.DeclaredAccessibility == Accessibility.Public ? "public" : "internal";

            int count = PartitionByResolver.RequestParameterCount(method);
            bool takesToken = count < method.Parameters.Length;
            if (takesToken && method.Parameters[count].RefKind != RefKind.None)
                return null;

            // A batch handler's executor members take one item of its list, named for what it is.
            var requestParameters = PartitionByResolver.RequestParameters(method, attribute);
            var parameters = ImmutableArray.CreateBuilder<ParameterModel>(count);
            for (int i = 0; i < count; i++)
            {
                var parameter = method.Parameters[i];
                var type = requestParameters[i].Type;
                if (parameter.RefKind != RefKind.None || parameter.Name.Length == 0 || !IsStorable(type))
                    return null;
                parameters.Add(new ParameterModel(
                    maxBatchSize > 0 ? BatchItemParameterName : parameter.Name,
                    type.ToDisplayString(s_typeFormat),
                    type.ToDisplayString(HandlerRules.SignatureFormat)));
            }

            if (!TryParseReturn(method.ReturnType, out var returnKind, out var resultType))
                return null;
            if (!TryParseKey(attribute, requestParameters, out var key))
                return null;

            return new HandlerModel(
                method.Name,
                accessibility,
                method.IsStatic,
                returnKind,
                resultType,
                new EquatableArray<ParameterModel>(parameters.MoveToImmutable()),
                takesToken,
                key,
                maxBatchSize);
        }

        /// <summary>The name of a batch handler's item in its executor members (<c>SubmitAsync(Order item)</c>).</summary>
        internal const string BatchItemParameterName = "item";

        /// <summary>
        /// The <c>MaxBatchSize</c> of a batch handler, 0 for a handler of single requests; <see langword="false"/> when it
        /// does not bind (half-typed code must not be read as "single requests").
        /// </summary>
        private static bool TryParseMaxBatchSize(AttributeData attribute, out int maxBatchSize)
        {
            maxBatchSize = 0;
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key != PartitionByResolver.MaxBatchSizePropertyName)
                    continue;
                if (argument.Value.Value is not int size)
                    return false;
                maxBatchSize = size; // at least 1: CheckBatch rejected anything else
            }
            return true;
        }

        private static bool TryParseReturn(ITypeSymbol type, out ReturnKind kind, out string? resultType)
        {
            kind = ReturnKind.Void;
            resultType = null;
            if (type.SpecialType == SpecialType.System_Void)
                return true;

            if (type is INamedTypeSymbol named && IsTasksNamespace(named.ContainingNamespace)
                && named.Name is "Task" or "ValueTask" && named.Arity <= 1)
            {
                if (named.Arity == 0)
                {
                    kind = named.Name == "Task" ? ReturnKind.Task : ReturnKind.ValueTask;
                    return true;
                }
                kind = named.Name == "Task" ? ReturnKind.TaskOfT : ReturnKind.ValueTaskOfT;
                type = named.TypeArguments[0];
            }
            else
            {
                kind = ReturnKind.Value;
            }

            if (!IsStorable(type))
                return false;
            resultType = type.ToDisplayString(s_typeFormat);
            return true;
        }

        private static bool TryParseKey(AttributeData attribute, ImmutableArray<(string Name, ITypeSymbol Type)> requestParameters, out KeyModel? key)
        {
            key = null;
            // A PartitionBy that does not bind (half-typed code) must not be read as "unordered".
            if (attribute.NamedArguments.Any(a => a.Key == PartitionByResolver.PartitionByPropertyName && a.Value.Kind == TypedConstantKind.Error))
                return false;

            var resolution = PartitionByResolver.Resolve(requestParameters, PartitionByResolver.GetPartitionBy(attribute));
            switch (resolution.Kind)
            {
                case PartitionByResolutionKind.None:
                    return true;
                case PartitionByResolutionKind.Parameter or PartitionByResolutionKind.Member when resolution.KeyType is { } keyType && IsStorable(keyType):
                    var parameterType = requestParameters[resolution.ParameterIndex].Type;
                    var path = resolution.MemberPath.Select(m => new KeyStepModel(m.Name, m.Type.IsReferenceType)).ToImmutableArray();
                    key = new KeyModel(
                        resolution.ParameterIndex,
                        new EquatableArray<KeyStepModel>(path),
                        keyType.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(s_typeFormat),
                        !path.IsEmpty && !parameterType.IsValueType,
                        IsAnnotatedReference(keyType),
                        keyType.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(HandlerRules.SignatureFormat));
                    return true;
                default:
                    return false; // EXG100 / EXG101 (analyzers) report a PartitionBy that names nothing, or several things.
            }
        }

        /// <summary>
        /// Whether a value of the type can live in an envelope field and be a generic argument: storable by the usage
        /// rules (<see cref="HandlerRules.UnstorableReason"/>, which analyzers report), and nameable by generated code.
        /// </summary>
        private static bool IsStorable(ITypeSymbol type) => HandlerRules.UnstorableReason(type) is null && CanName(type);

        /// <summary>Whether generated code can write the type: no error type and no unnameable type anywhere in it.</summary>
        private static bool CanName(ITypeSymbol type) => type switch
        {
            IErrorTypeSymbol => false,
            IArrayTypeSymbol array => CanName(array.ElementType),
            INamedTypeSymbol named => IsNameable(named) && named.TypeArguments.All(CanName),
            _ => true,
        };

        /// <summary>
        /// Whether generated code can name the type: broken code puts stray members in the compiler's
        /// implicit <c>&lt;invalid-global-code&gt;</c> type, which no source can refer to; a file-local type
        /// can only be named in its own file.
        /// </summary>
        private static bool IsNameable(INamedTypeSymbol type)
        {
            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (current.IsImplicitlyDeclared || current.IsFileLocal || !SyntaxFacts.IsValidIdentifier(current.Name))
                    return false;
            }
            return true;
        }

        private static bool IsAnnotatedReference(ITypeSymbol type) =>
            type.NullableAnnotation == NullableAnnotation.Annotated && !type.IsValueType;

        private static bool IsTasksNamespace(INamespaceSymbol? ns) =>
            ns is { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

        private static string? TypeKeyword(INamedTypeSymbol type) => type.TypeKind switch
        {
            TypeKind.Class => type.IsRecord ? "record" : "class",
            TypeKind.Struct => type.IsRecord ? "record struct" : "struct",
            TypeKind.Interface => "interface",
            _ => null,
        };

        private static string NameWithTypeParameters(INamedTypeSymbol type) =>
            type.Arity == 0
                ? Identifiers.Escape(type.Name)
                : Identifiers.Escape(type.Name) + "<" + string.Join(", ", type.TypeParameters.Select(p => Identifiers.Escape(p.Name))) + ">";

        private static string? AccessibilityKeyword(Accessibility accessibility) => accessibility switch
        {
            Accessibility.Public => "public",
            Accessibility.Internal => "internal",
            Accessibility.Private => "private",
            Accessibility.Protected => "protected",
            Accessibility.ProtectedOrInternal => "protected internal",
            Accessibility.ProtectedAndInternal => "private protected",
            _ => null,
        };
    }
}
