using System;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace ExecutorGen.Orleans.Tests;

/// <summary>Builds in-process test clusters whose silos run the test handlers.</summary>
public static class TestClusters
{
    private const string ConnectionStringSetting = "ExecutorGenTests:PostgresConnectionString";

    /// <summary>Starts a cluster of <paramref name="silos"/> silos.</summary>
    public static Task<TestCluster> StartAsync(int silos)
    {
        var builder = new TestClusterBuilder((short)silos);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        return DeployAsync(builder);
    }

    /// <summary>
    /// Starts a cluster whose marks go to Orleans' ADO.NET grain storage in a PostgreSQL database, configured as
    /// docs/orleans.md tells users to. Clusters started on the same database share their marks (one service id).
    /// </summary>
    /// <param name="npgsqlExceptionsTravel">Whether silos and client serialize Npgsql's exceptions, as the docs advise.</param>
    public static Task<TestCluster> StartWithPostgresStorageAsync(int silos, string connectionString, bool npgsqlExceptionsTravel = true)
    {
        var builder = new TestClusterBuilder((short)silos);
        builder.Options.ServiceId = "executorgen-postgres-tests";
        builder.Properties[ConnectionStringSetting] = connectionString;
        builder.AddSiloBuilderConfigurator<PostgresSiloConfigurator>();
        if (npgsqlExceptionsTravel)
        {
            builder.AddSiloBuilderConfigurator<NpgsqlExceptionsConfigurator>();
            builder.AddClientBuilderConfigurator<NpgsqlExceptionsConfigurator>();
        }
        return DeployAsync(builder);
    }

    private static async Task<TestCluster> DeployAsync(TestClusterBuilder builder)
    {
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    // A call whose silo died fails after the response timeout at the latest; 10 s (default 30 s) keeps the
    // silo-failure test short. Production code picks its own (docs/orleans.md).
    private static readonly TimeSpan s_responseTimeout = TimeSpan.FromSeconds(10);

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = s_responseTimeout);
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            // The de-duplication marks go to storage that outlives every silo, as a database would.
            SharedMemoryGrainStorage.AddForClusterHandlers(siloBuilder.Services);
            AddHandlers(siloBuilder);
        }
    }

    private sealed class PostgresSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            string connectionString = siloBuilder.Configuration[ConnectionStringSetting]!;
            siloBuilder.AddAdoNetGrainStorage(ClusterHandlers.StorageName, options => options.Configure<Serializer>((options, serializer) =>
            {
                options.Invariant = "Npgsql";
                options.ConnectionString = connectionString;
                options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));
            AddHandlers(siloBuilder);
        }
    }

    private sealed class NpgsqlExceptionsConfigurator : ISiloConfigurator, IClientBuilderConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => AllowNpgsqlExceptions(siloBuilder.Services);

        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) => AllowNpgsqlExceptions(clientBuilder.Services);

        private static void AllowNpgsqlExceptions(IServiceCollection services) =>
            services.Configure<ExceptionSerializationOptions>(options => options.SupportedNamespacePrefixes.Add("Npgsql"));
    }

    private static void AddHandlers(ISiloBuilder siloBuilder)
    {
        siloBuilder.Services.AddRecordingHandlersClusterHandlers();
        siloBuilder.Services.AddHoldingHandlersClusterHandlers();
        siloBuilder.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = s_responseTimeout);
    }
}
