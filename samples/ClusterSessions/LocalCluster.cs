using System.Net;
using System.Net.Sockets;
using ExecutorGen.Orleans;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace ClusterSessions;

/// <summary>Two silos and a client in this process, on free localhost ports (UseLocalhostClustering).</summary>
public sealed class LocalCluster : IAsyncDisposable
{
    // A call whose silo died fails after the response timeout at the latest (Orleans' default is 30 s).
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(10);

    private readonly List<IHost> _silos;
    private readonly IHost _client;

    private LocalCluster(List<IHost> silos, IHost client)
    {
        _silos = silos;
        _client = client;
    }

    /// <summary>The client to build cluster executors on.</summary>
    public IClusterClient Client => _client.Services.GetRequiredService<IClusterClient>();

    public static async Task<LocalCluster> StartAsync(SessionHistory history, Latencies latencies)
    {
        int[] siloPorts = { FreePort(), FreePort() };
        int[] gatewayPorts = { FreePort(), FreePort() };
        var primary = new IPEndPoint(IPAddress.Loopback, siloPorts[0]);
        var silos = new List<IHost>();
        for (int i = 0; i < 2; i++)
        {
            int silo = i;
            var host = new HostBuilder()
                .UseOrleans(builder =>
                {
                    builder.UseLocalhostClustering(siloPorts[silo], gatewayPorts[silo], primary);
                    builder.Services.AddSingleton(history);
                    builder.Services.AddSessionHandlersClusterHandlers();
                    builder.Services.AddSingleton(latencies); // the throughput comparison's handlers (--measure)
                    builder.Services.AddWorkHandlersClusterHandlers();
                    // The de-duplication marks must outlive a silo. In this one-process demo the two silos share an
                    // in-process store; a real cluster uses ADO.NET or Redis grain storage (docs/orleans.md).
                    SharedMemoryGrainStorage.AddForClusterHandlers(builder.Services);
                    builder.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = ResponseTimeout);
                })
                .ConfigureLogging(Quiet)
                .Build();
            await host.StartAsync();
            silos.Add(host);
        }

        var client = new HostBuilder()
            .UseOrleansClient(builder =>
            {
                builder.UseLocalhostClustering(gatewayPorts);
                builder.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = ResponseTimeout);
            })
            .ConfigureLogging(Quiet)
            .Build();
        await client.StartAsync();
        return new LocalCluster(silos, client);
    }

    /// <summary>Stops the second silo without a graceful shutdown: its activations and in-flight replies are lost.</summary>
    public async Task KillSecondSiloAsync()
    {
        var silo = _silos[1];
        _silos.RemoveAt(1);
        using var killed = new CancellationTokenSource();
        killed.Cancel();
        try
        {
            await silo.StopAsync(killed.Token);
        }
        catch (OperationCanceledException)
        {
            // Expected: the stop was cancelled from the start, which is what makes it abrupt.
        }
        silo.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _client.StopAsync();
        _client.Dispose();
        foreach (var silo in _silos)
        {
            await silo.StopAsync();
            silo.Dispose();
        }
    }

    internal static void Quiet(ILoggingBuilder logging) => logging.SetMinimumLevel(LogLevel.Error).AddFilter("Orleans", LogLevel.Critical);

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
