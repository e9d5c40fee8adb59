namespace ExecutorGen.Generators;

/// <summary>Names of the generator's incremental steps, for tests that assert what was cached.</summary>
public static class TrackingNames
{
    /// <summary>One <see cref="Model.HandlerCandidate"/> per <c>[RequestHandler]</c> method.</summary>
    public const string Handlers = nameof(Handlers);

    /// <summary>All handler candidates of the compilation, collected for grouping.</summary>
    public const string CollectedHandlers = nameof(CollectedHandlers);

    /// <summary>One <see cref="Model.ExecutorModel"/> per handler class that an executor is generated for.</summary>
    public const string Executors = nameof(Executors);

    /// <summary>Whether the compilation references ExecutorGen.Hosting (its marker type is present).</summary>
    public const string HostingReferenced = nameof(HostingReferenced);

    /// <summary>The executors that get hosting code: all of them once ExecutorGen.Hosting is referenced.</summary>
    public const string HostedExecutors = nameof(HostedExecutors);

    /// <summary>Whether the compilation references ExecutorGen.Orleans (its marker type is present).</summary>
    public const string OrleansReferenced = nameof(OrleansReferenced);

    /// <summary>The executors that get a cluster executor: all of them once ExecutorGen.Orleans is referenced.</summary>
    public const string ClusterExecutors = nameof(ClusterExecutors);

    /// <summary>The metadata names of the classes with handlers that got no executor.</summary>
    public const string SkippedClasses = nameof(SkippedClasses);
}
