using System;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace ExecutorGen.Hosting;

/// <summary>
/// Registers an executor with a service collection. The generated <c>services.Add{Class}Executor()</c> calls
/// <see cref="AddExecutor{TExecutor}"/>; call it yourself for an executor the generator emits no method for
/// (one nested in another type).
/// </summary>
public static class ExecutorHosting
{
    /// <summary>The configuration section that holds one subsection of <see cref="ExecutorOptions"/> per executor: <c>Executors:{Class}</c>.</summary>
    public const string ConfigurationSection = "Executors";

    /// <summary>Each executor logs under the category <c>ExecutorGen.Executors.{Class}</c>.</summary>
    public const string LoggerCategoryPrefix = "ExecutorGen.Executors.";

    /// <summary>The tag of every executor health check.</summary>
    public const string HealthCheckTag = "executor";

    /// <summary>
    /// Registers <typeparamref name="TExecutor"/> as a singleton built by <paramref name="factory"/>, a hosted
    /// service that starts it with the host and drains it when the host stops, and a health check named
    /// <paramref name="name"/> (tagged <see cref="HealthCheckTag"/>). Its <see cref="ExecutorOptions"/> (named
    /// options <paramref name="name"/>) are bound from the configuration section <c>Executors:{name}</c>, then
    /// passed to <paramref name="configure"/>, which has the last word. Dead letters, backpressure changes and stuck
    /// workers are logged (rate-limited) under <c>ExecutorGen.Executors.{name}</c>; a configured
    /// <see cref="ExecutorOptions.DeadLetters"/> sink still receives every letter. A second call for the same
    /// executor type only adds its <paramref name="configure"/>.
    /// </summary>
    /// <typeparam name="TExecutor">The generated executor.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The executor's name: the handler class's name.</param>
    /// <param name="configure">Adjusts the options after configuration binding; optional.</param>
    /// <param name="factory">Builds the executor from the service provider and its options.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddExecutor<TExecutor>(
        IServiceCollection services,
        string name,
        Action<ExecutorOptions>? configure,
        Func<IServiceProvider, ExecutorOptions, TExecutor> factory)
        where TExecutor : class, IHostedExecutor
    {
        if (services is null)
            throw new ArgumentNullException(nameof(services));
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException("The executor needs a name.", nameof(name));
        if (factory is null)
            throw new ArgumentNullException(nameof(factory));

        bool registered = false;
        foreach (var descriptor in services)
            registered |= descriptor.ServiceType == typeof(ExecutorHost<TExecutor>);

        var options = services.AddOptions<ExecutorOptions>(name);
        if (!registered)
        {
            options.Configure<IServiceProvider>((o, provider) =>
                provider.GetService<IConfiguration>()?.GetSection(ConfigurationSection + ":" + name).Bind(o));
        }
        if (configure is not null)
            options.Configure(configure);
        if (registered)
            return services;

        services.AddSingleton(provider => new ExecutorHost<TExecutor>(name, provider, factory));
        services.AddSingleton(provider => provider.GetRequiredService<ExecutorHost<TExecutor>>().Executor);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ExecutorHostedService<TExecutor>>(
            provider => new ExecutorHostedService<TExecutor>(provider.GetRequiredService<ExecutorHost<TExecutor>>())));
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            name,
            provider => new ExecutorHealthCheck<TExecutor>(provider.GetRequiredService<ExecutorHost<TExecutor>>()),
            failureStatus: null,
            tags: new[] { HealthCheckTag }));
        return services;
    }
}
