using ExecutorGen;

/// <summary>A handler class in the global namespace (unordered: no PartitionBy).</summary>
public sealed class GlobalShapeHandlers
{
    [RequestHandler]
    public string Echo(string text) => text;
}
