using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ExecutorGen.Orleans;

/// <summary>Registers handler classes with a silo's services; the generated <c>Add{Class}ClusterHandlers()</c> calls this.</summary>
public static class ClusterHandlers
{
    /// <summary>
    /// The name of the grain storage that holds the partition grains' de-duplication marks. Register one under this
    /// name on every silo (<c>AddMemoryGrainStorage(ClusterHandlers.StorageName)</c> for development; a durable, shared
    /// store such as ADO.NET or Redis grain storage in production, so that marks outlive a silo).
    /// </summary>
    public const string StorageName = "ExecutorGen";

    /// <summary>Makes a handler class's requests runnable by the partition grains of this silo.</summary>
    /// <param name="services">The silo's service collection.</param>
    /// <param name="executor">The executor name the cluster executor sends (the handler class's full name).</param>
    /// <param name="createDispatcher">Creates the class's dispatcher from the silo's services.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection Add(IServiceCollection services, string executor, Func<IServiceProvider, IClusterDispatcher> createDispatcher)
    {
        if (services is null)
            throw new ArgumentNullException(nameof(services));
        if (string.IsNullOrEmpty(executor))
            throw new ArgumentException("The executor name must not be empty.", nameof(executor));
        if (createDispatcher is null)
            throw new ArgumentNullException(nameof(createDispatcher));
        services.AddSingleton(new ClusterHandlerRegistration(executor, createDispatcher));
        services.TryAddSingleton<ClusterHandlerCatalog>();
        return services;
    }
}
