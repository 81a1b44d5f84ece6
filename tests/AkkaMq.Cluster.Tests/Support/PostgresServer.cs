using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AkkaMq.Cluster.Tests.Support;

/// <summary>
/// A throw-away PostgreSQL server from Debian's <c>postgresql</c> package: a fresh data directory in
/// a temporary directory, listening on a free loopback port, stopped and deleted on dispose. As root
/// (CI), initdb and the server run as the package's <c>postgres</c> user, which owns the directory.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _directory;
    private readonly bool _asPostgresUser;
    private bool _started;

    private PostgresServer(string bin)
    {
        _bin = bin;
        _directory = Path.Combine(Path.GetTempPath(), "akkamq-pg-" + Guid.NewGuid().ToString("N")[..12]);
        _asPostgresUser = Environment.UserName == "root";
        Port = FreePort();
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=akkamq;Database=postgres;Pooling=false";

    private string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>The server binaries directory (<c>/usr/lib/postgresql/N/bin</c>, newest), or null when the package is missing.</summary>
    public static string? FindBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;

    /// <summary>
    /// The server binaries for a test; null, said through <paramref name="log"/>, when they are missing
    /// outside CI. CI installs the package (tests/run-all.sh), so there a missing server fails the test.
    /// </summary>
    public static string? RequireBinaries(Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var bin = FindBinaries();
        if (bin is null)
        {
            Assert.False(
                string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                "PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) not found; install Debian's postgresql package");
            log("PostgreSQL server binaries not found; test not run (install Debian's postgresql package)");
        }

        return bin;
    }

    public static async Task<PostgresServer> StartAsync(string bin)
    {
        var server = new PostgresServer(bin);
        try
        {
            await server.InitAndStartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            await RunAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"]);
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task InitAndStartAsync()
    {
        Directory.CreateDirectory(_directory);
        if (_asPostgresUser)
        {
            await RunPlainAsync("chown", ["postgres", _directory]);
        }

        await RunAsync("initdb", ["-D", DataDirectory, "-U", "akkamq", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        var options = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={_directory} -c fsync=off";
        await RunAsync("pg_ctl", ["-D", DataDirectory, "-o", options, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "start"]);
        _started = true;
    }

    private Task RunAsync(string tool, IReadOnlyList<string> args)
    {
        var exe = Path.Combine(_bin, tool);
        return _asPostgresUser ? RunPlainAsync("runuser", ["-u", "postgres", "--", exe, .. args]) : RunPlainAsync(exe, args);
    }

    private static async Task RunPlainAsync(string file, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + file);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
