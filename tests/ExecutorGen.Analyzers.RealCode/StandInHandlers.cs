using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.Analyzers.RealCode;

/// <summary>
/// <c>--stand-in-handlers</c>: marks the request entry points of a web application as <c>[RequestHandler]</c> methods, so
/// that the rules as shipped (which report on what handlers reach) can be measured on real code, where no codebase has
/// handlers of ours. ASP.NET Core runs controller actions, and MediatR, MassTransit or Rebus run message handlers, on
/// the thread pool, many at once, as the executor runs handlers: what they reach in the app's services is worker code
/// in exactly the rules' sense.
/// </summary>
/// <remarks>
/// Matched by syntax, as a reader would: public instance methods with a body of a concrete class that derives from
/// <c>Controller</c>/<c>ControllerBase</c>, or whose name ends in <c>Controller</c> in a file that uses ASP.NET (or with a
/// routing or controller attribute) (not <c>[NonAction]</c>), or of a SignalR <c>Hub</c> (made per call, as a controller
/// is per request) in a file that uses ASP.NET; and
/// <c>Handle</c>, <c>HandleAsync</c> and <c>Consume</c> of a class implementing a handler interface
/// (<c>IRequestHandler</c>, <c>INotificationHandler</c>, <c>IConsumer</c>, <c>IHandleMessages</c>, ...). One difference
/// is corrected: the framework makes a controller or a message handler per request, while the executor shares one
/// handler object among its workers; so the stand-in class's own instance fields and auto-properties are marked
/// <c>[ThreadConfined]</c> (what each request has to itself), and everything they reach stays analyzed. The marks are
/// inserted on the line where the declaration starts, so every diagnostic keeps its line in the original file (on a
/// marked line, its column moves by the length of the mark). Minimal-API endpoints need binding: <see cref="StandInEndpoints"/>.
/// </remarks>
public static class StandInHandlers
{
    private static readonly HashSet<string> s_handlerInterfaces = new(StringComparer.Ordinal)
    {
        "IRequestHandler", "INotificationHandler", "IStreamRequestHandler", "ICommandHandler", "IQueryHandler", "IEventHandler",
        "IIntegrationEventHandler", "IConsumer", "IHandleMessages", "IMessageHandler",
    };

    private static readonly HashSet<string> s_handlerMethods = new(StringComparer.Ordinal) { "Handle", "HandleAsync", "Consume" };

    /// <summary>The tree with its stand-in handlers marked, and how many methods it marked.</summary>
    public static (SyntaxTree Tree, int Marked) Mark(SyntaxTree tree)
    {
        var root = tree.GetRoot();
        var classes = root.DescendantNodes().OfType<ClassDeclarationSyntax>().Where(c => Kind(c) != null).ToList();
        if (classes.Count == 0)
            return (tree, 0);
        int marked = 0;
        var newRoot = root.ReplaceNodes(classes, (original, rewritten) =>
        {
            var kind = Kind(original)!.Value;
            var members = rewritten.Members.Select(member => member switch
            {
                MethodDeclarationSyntax method when IsEntry(method, kind) => Marked(method, "RequestHandler", ref marked),
                FieldDeclarationSyntax field when !field.Modifiers.Any(SyntaxKind.StaticKeyword) && !field.Modifiers.Any(SyntaxKind.ConstKeyword) => Marked(field, "ThreadConfined"),
                PropertyDeclarationSyntax property when !property.Modifiers.Any(SyntaxKind.StaticKeyword) && IsAuto(property) => Marked(property, "ThreadConfined"),
                _ => member,
            });
            return rewritten.WithMembers(SyntaxFactory.List(members));
        });
        return (tree.WithRootAndOptions(newRoot, tree.Options), marked);
    }

    private enum EntryKind
    {
        Controller,
        MessageHandler,
    }

    private static EntryKind? Kind(ClassDeclarationSyntax type)
    {
        if (type.Modifiers.Any(SyntaxKind.AbstractKeyword) || type.Modifiers.Any(SyntaxKind.StaticKeyword))
            return null;
        var bases = type.BaseList?.Types.Select(b => SimpleName(b.Type)).ToList() ?? new List<string?>();
        if (bases.Any(b => b is not null && s_handlerInterfaces.Contains(b)))
            return EntryKind.MessageHandler;
        if (bases.Any(b => b is "Controller" or "ControllerBase")
            || type.Identifier.ValueText.EndsWith("Controller", StringComparison.Ordinal) && IsWeb(type)
            || bases.Any(b => b is "Hub") && IsWeb(type))
        {
            return EntryKind.Controller;
        }
        return null;
    }

    /// <summary>
    /// Whether a class named <c>…Controller</c> is a web framework's (ASP.NET Core finds such POCO controllers only in the
    /// assemblies that use MVC): its file uses an ASP.NET namespace, or it or a method of it carries a routing or
    /// controller attribute. Not a library's class that happens to be called a controller (Duplicati's backup
    /// <c>Controller</c>, whose public methods are not requests).
    /// </summary>
    private static bool IsWeb(ClassDeclarationSyntax type) =>
        type.SyntaxTree.GetRoot().DescendantNodes(node => node is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>()
            .Any(u => u.Name?.ToString() is { } name && (name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || name.StartsWith("System.Web", StringComparison.Ordinal)))
        || type.AttributeLists.Concat(type.Members.OfType<MethodDeclarationSyntax>().SelectMany(m => m.AttributeLists)).SelectMany(l => l.Attributes)
            .Any(a => SimpleName(a.Name) is { } name && (name.StartsWith("Route", StringComparison.Ordinal) || name.StartsWith("Http", StringComparison.Ordinal)
                || name.EndsWith("Controller", StringComparison.Ordinal) || name.EndsWith("ControllerAttribute", StringComparison.Ordinal)));

    private static bool IsEntry(MethodDeclarationSyntax method, EntryKind kind)
    {
        if ((method.Body is null && method.ExpressionBody is null) || method.Modifiers.Any(SyntaxKind.StaticKeyword)
            || method.ExplicitInterfaceSpecifier is not null && kind == EntryKind.Controller)
        {
            return false;
        }
        if (kind == EntryKind.MessageHandler)
            return s_handlerMethods.Contains(method.Identifier.ValueText);
        return method.Modifiers.Any(SyntaxKind.PublicKeyword) && !method.Modifiers.Any(SyntaxKind.OverrideKeyword)
            && !method.AttributeLists.SelectMany(l => l.Attributes).Any(a => SimpleName(a.Name) is "NonAction" or "NonActionAttribute");
    }

    private static bool IsAuto(PropertyDeclarationSyntax property) =>
        property.ExpressionBody is null && property.AccessorList is { } accessors && accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null);

    private static string? SimpleName(TypeSyntax type) => type switch
    {
        GenericNameSyntax generic => generic.Identifier.ValueText,
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        QualifiedNameSyntax qualified => SimpleName(qualified.Right),
        AliasQualifiedNameSyntax alias => SimpleName(alias.Name),
        _ => null,
    };

    private static MemberDeclarationSyntax Marked(MemberDeclarationSyntax member, string attribute, ref int count)
    {
        count++;
        return Marked(member, attribute);
    }

    /// <summary><paramref name="member"/> with <c>[global::ExecutorGen.<paramref name="attribute"/>]</c> first, on the line it starts on.</summary>
    internal static MemberDeclarationSyntax Marked(MemberDeclarationSyntax member, string attribute)
    {
        var first = member.GetFirstToken();
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(SyntaxFactory.ParseName("global::ExecutorGen." + attribute))))
            .WithLeadingTrivia(first.LeadingTrivia)
            .WithTrailingTrivia(SyntaxFactory.Space);
        var bare = member.ReplaceToken(first, first.WithLeadingTrivia(SyntaxTriviaList.Empty));
        return bare.WithAttributeLists(bare.AttributeLists.Insert(0, list));
    }
}
