using System.Net;
using ExecutorGen.Orleans;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace ClusterSessions;

/// <summary>
/// <c>--processes</c>: how the silo processes and the client process form one cluster. Membership (ADO.NET clustering)
/// and the de-duplication marks (ADO.NET grain storage) are in one PostgreSQL database, registered as docs/orleans.md's
/// "Production set-up with PostgreSQL" says; failure detection is tuned so that a killed silo is noticed within seconds.
/// </summary>
public static class ProcessClusterConfiguration
{
    private const string Invariant = "Npgsql";

    // Each run has a database of its own, so the ids need not differ between runs.
    private const string ClusterId = "cluster-sessions";
    private const string ServiceId = "cluster-sessions";

    /// <summary>A call whose silo died fails when the connection drops or the silo is declared dead, or after this.</summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(5);

    public static void ConfigureSilo(ISiloBuilder silo, string name, string connectionString)
    {
        silo.Configure<ClusterOptions>(Ids);
        silo.Configure<SiloOptions>(options => options.SiloName = name);
        silo.ConfigureEndpoints(IPAddress.Loopback, LocalCluster.FreePort(), LocalCluster.FreePort());
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        silo.AddAdoNetGrainStorage(ClusterHandlers.StorageName, storage => storage.Configure<Serializer>((options, serializer) =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
            options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        AllowNpgsqlExceptions(silo.Services);
        silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = ResponseTimeout);
        // Orleans' defaults (a probe every 5 s, 3 missed) take 15 s or more to declare a dead silo dead; until then, calls
        // for grains it hosted or whose directory entries it held wait. Two missed 2-second probes still leave a loaded
        // machine's live silos room to answer late without being voted out.
        silo.Configure<ClusterMembershipOptions>(options =>
        {
            options.ProbeTimeout = TimeSpan.FromSeconds(2);
            options.NumMissedProbesLimit = 2;
        });
    }

    public static void ConfigureClient(IClientBuilder client, string connectionString)
    {
        client.Configure<ClusterOptions>(Ids);
        client.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        AllowNpgsqlExceptions(client.Services);
        client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = ResponseTimeout);
    }

    private static void Ids(ClusterOptions options)
    {
        options.ClusterId = ClusterId;
        options.ServiceId = ServiceId;
    }

    private static void AllowNpgsqlExceptions(IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(options => options.SupportedNamespacePrefixes.Add("Npgsql"));
}
