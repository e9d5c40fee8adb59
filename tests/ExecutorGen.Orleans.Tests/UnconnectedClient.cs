using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Hosting;

namespace ExecutorGen.Orleans.Tests;

/// <summary>A real Orleans client's grain factory that is never connected: for tests that only build executors.</summary>
public static class UnconnectedClient
{
    private static readonly Lazy<IGrainFactory> s_grains = new(() =>
        new HostBuilder().UseOrleansClient(client => client.UseLocalhostClustering()).Build().Services.GetRequiredService<IGrainFactory>());

    public static IGrainFactory Grains => s_grains.Value;
}
