using System;
using System.IO;
using System.Threading.Tasks;
using Npgsql;

namespace ExecutorGen.Orleans.Tests;

/// <summary>
/// Creates the tables and queries of Orleans' ADO.NET clustering and grain storage in a PostgreSQL database, with the
/// scripts Orleans publishes (vendored in OrleansAdoNetScripts/, copied to the output), applied once per database as a
/// deployment would. Also linked into samples/ClusterSessions (<c>--processes</c>).
/// </summary>
public static class OrleansAdoNetSchema
{
    private static readonly string[] s_scripts = { "PostgreSQL-Main.sql", "PostgreSQL-Clustering.sql", "PostgreSQL-Persistence.sql" };

    public static async Task ApplyAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (string script in s_scripts)
        {
            // Each script is several statements; Npgsql runs them as one batch when the command has no parameters.
            string sql = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "OrleansAdoNetScripts", script));
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
