namespace ExecutorGen.Generators.Model;

/// <summary>Everything the emitter needs to write one executor.</summary>
/// <param name="Class">The handler class.</param>
/// <param name="KeyType">The partition key type shared by the keyed handlers, or <c>NoPartitionKey</c>.</param>
/// <param name="Handlers">The handlers, in declaration order; a handler's index is its envelope tag.</param>
internal sealed record ExecutorModel(HandlerClassModel Class, string KeyType, EquatableArray<HandlerModel> Handlers)
{
    public string ExecutorName => Class.Name + "Executor";
}
