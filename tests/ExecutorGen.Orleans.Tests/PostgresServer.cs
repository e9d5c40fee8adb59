using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;

namespace ExecutorGen.Orleans.Tests;

/// <summary>
/// A throwaway PostgreSQL server for the tests that keep marks in a database: <c>initdb</c> into a fresh temporary
/// folder, started on a free port of 127.0.0.1 (its socket in that folder too), stopped and deleted at the end. Run as
/// the <c>postgres</c> user when the tests run as root, because <c>initdb</c> refuses root. Also linked into
/// samples/ClusterSessions (<c>--processes</c>), so it does not depend on xunit: the tests' fixture part is in
/// PostgresCollection.cs.
/// </summary>
public sealed partial class PostgresServer
{
    private const string SuperUser = "postgres";
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_installTimeout = TimeSpan.FromMinutes(10);

    private string _binaries = "";
    private string _folder = "";
    private int _port;
    private int _databases;

    private string DataFolder => Path.Combine(_folder, "data");

    public async Task InitializeAsync()
    {
        _binaries = FindBinaries() ?? await InstallAsync() ?? throw new InvalidOperationException(
            "PostgreSQL is not installed: these tests start their own PostgreSQL server with initdb and pg_ctl. Install the " +
            "'postgresql' Debian package (apt-get install -y postgresql), or put a PostgreSQL bin folder on PATH.");
        _folder = Directory.CreateTempSubdirectory("executorgen-pg-").FullName;
        if (Environment.IsPrivilegedProcess)
            await RunAsync("chown", SuperUser, _folder);
        _port = FreePort();

        await RunServerToolAsync("initdb", "--pgdata", DataFolder, "--username", SuperUser, "--auth", "trust", "--encoding", "UTF8", "--no-sync");
        // Durability against an operating-system crash is not what these tests are about (a silo dies, the database
        // does not), so the server skips flushing to disk: it keeps the tests fast on a busy machine.
        string options = $"-c listen_addresses=127.0.0.1 -p {_port} -k {_folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        await RunServerToolAsync("pg_ctl", "start", "--pgdata", DataFolder, "--wait", "--log", Path.Combine(_folder, "server.log"), "-o", options);
    }

    /// <summary>Creates an empty database of its own; returns the connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        string name = $"executorgen_{Interlocked.Increment(ref _databases)}";
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        if (_folder.Length == 0)
            return;
        try
        {
            if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
                await RunServerToolAsync("pg_ctl", "stop", "--pgdata", DataFolder, "--mode", "immediate", "--wait");
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _port,
        Username = SuperUser,
        Database = database,
        // Three silos, each with a pool of its own, must stay under the server's 100 connections.
        MaxPoolSize = 20,
    }.ConnectionString;

    /// <summary>
    /// On a Debian machine without PostgreSQL, run as root (a fresh CI machine, or a container), installs the package, so
    /// that the README's test command needs nothing but the .NET SDK there; elsewhere returns null (the caller explains).
    /// Processes that start a server at the same time wait for each other on dpkg's lock.
    /// </summary>
    private static async Task<string?> InstallAsync()
    {
        if (!Environment.IsPrivilegedProcess || !File.Exists("/usr/bin/apt-get"))
            return null;
        await RunAsync(s_installTimeout, "apt-get", "-o", "DPkg::Lock::Timeout=600", "update");
        await RunAsync(s_installTimeout, "apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "postgresql");
        return FindBinaries();
    }

    // Debian keeps the server programs in /usr/lib/postgresql/<version>/bin, off PATH; other installations put them on it.
    private static string? FindBinaries()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => (Version: int.TryParse(Path.GetFileName(version), out int number) ? number : 0, Bin: Path.Combine(version, "bin")))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Bin)
            : Enumerable.Empty<string>();
        return onPath.Concat(debian).FirstOrDefault(folder => IsProgram(Path.Combine(folder, "initdb")) && IsProgram(Path.Combine(folder, "pg_ctl")));

        // A link left behind by an uninstalled package (/usr/local/bin/initdb → a removed version) is no program.
        static bool IsProgram(string path)
        {
            var file = new FileInfo(path);
            return file.Exists && (file.LinkTarget is null || file.ResolveLinkTarget(returnFinalTarget: true)?.Exists == true);
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private Task RunServerToolAsync(string tool, params string[] arguments)
    {
        string program = Path.Combine(_binaries, tool);
        return Environment.IsPrivilegedProcess
            ? RunAsync("runuser", new[] { "-u", SuperUser, "--", program }.Concat(arguments).ToArray())
            : RunAsync(program, arguments);
    }

    private async Task RunAsync(string program, params string[] arguments)
    {
        try
        {
            await RunAsync(s_commandTimeout, program, arguments);
        }
        catch (InvalidOperationException failure)
        {
            throw new InvalidOperationException(failure.Message + ServerLog(), failure);
        }
    }

    private static async Task RunAsync(TimeSpan timeout, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(timeout);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
    }

    private string ServerLog()
    {
        string log = Path.Combine(_folder, "server.log");
        return File.Exists(log) ? "\nserver log:\n" + File.ReadAllText(log) : "";
    }
}
