using System;

namespace ExecutorGen.Orleans;

/// <summary>A handler class made available to partition grains on this silo, under its executor name.</summary>
/// <param name="Executor">The name the cluster executor sends (the handler class's full name).</param>
/// <param name="CreateDispatcher">Creates the dispatcher from the silo's services, once.</param>
public sealed record ClusterHandlerRegistration(string Executor, Func<IServiceProvider, IClusterDispatcher> CreateDispatcher);
