using Xunit;

namespace ExecutorGen.Orleans.Tests;

/// <summary>The server is an xunit fixture: started before the collection's first test, stopped after its last.</summary>
public sealed partial class PostgresServer : IAsyncLifetime
{
}

/// <summary>The tests that share one <see cref="PostgresServer"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
