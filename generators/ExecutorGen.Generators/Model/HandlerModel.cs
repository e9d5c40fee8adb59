using System.Linq;
using ExecutorGen.Shared;

namespace ExecutorGen.Generators.Model;

/// <summary>One <c>[RequestHandler]</c> method.</summary>
/// <param name="Name">The method name, without <c>@</c>.</param>
/// <param name="Accessibility">The accessibility of the executor members generated for it: <c>public</c> or <c>internal</c>.</param>
/// <param name="IsStatic">Called through the class name rather than the handler instance.</param>
/// <param name="ReturnKind">The shape of the return type.</param>
/// <param name="ResultType">The fully qualified <c>T</c> for handlers returning a value; otherwise <see langword="null"/>.</param>
/// <param name="Parameters">The request parameters.</param>
/// <param name="TakesCancellationToken">The handler takes a trailing cancellation token.</param>
/// <param name="Key">Where the partition key comes from; <see langword="null"/> for an unordered handler.</param>
/// <param name="MaxBatchSize">
/// For a batch handler, the most requests per call, and <see cref="Parameters"/> is its one item (what the executor's
/// members take); 0 for a handler of single requests.
/// </param>
internal sealed record HandlerModel(
    string Name,
    string Accessibility,
    bool IsStatic,
    ReturnKind ReturnKind,
    string? ResultType,
    EquatableArray<ParameterModel> Parameters,
    bool TakesCancellationToken,
    KeyModel? Key,
    int MaxBatchSize = 0)
{
    public bool IsBatch => MaxBatchSize > 0;

    /// <summary>
    /// Whether the executor also gets the contract's plain <c>SubmitAsync</c>/<c>TrySubmit</c>/<c>InvokeAsync</c>
    /// overloads for it: only where its request types tell it apart from the class's other handlers (EXG109);
    /// <c>Submit{Handler}Async</c> and friends always exist. Set when the class's handlers are grouped.
    /// </summary>
    public bool HasPlainOverloads { get; init; }

    /// <summary>
    /// Its member of the executor's <c>HandlerId</c> enum, which tags its requests: the method name, numbered from a
    /// second overload of the name on (<see cref="ExecutorGenerator.HandlerIds"/>). Set when the class's handlers are grouped.
    /// </summary>
    public string Id { get; init; } = "";

    public bool ReturnsValue => ResultType is not null;

    /// <summary>The method name as generated code writes it (<c>@</c>-escaped where it is a keyword).</summary>
    public string Identifier => Identifiers.Escape(Name);

    /// <summary>The name without a trailing <c>Async</c>, for generated names such as <c>Submit{BaseName}Async</c>.</summary>
    public string BaseName => HandlerRules.BaseName(Name);

    /// <summary>What the handler contributes to the class-wide usage rules.</summary>
    public HandlerShape Shape =>
        new(Name, HandlerRules.RequestSignature(Parameters.Select(p => p.SignatureType)), Key?.SignatureType);
}
