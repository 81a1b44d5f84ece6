using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AkkaMq.Node.Hosting;

namespace AkkaMq.Node.Commands.Drill;

/// <summary>
/// One node of a drill's cluster: an <c>akkamq run</c> child process with its own node file, store
/// directory and log, on fixed ports so a restart comes back at the same addresses. The drill kills,
/// pauses, stops, wipes and restarts it as the fault needs.
/// </summary>
public sealed class DrillNode
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Func<int, ProcessStartInfo, ProcessStartInfo> _wrap;
    private Process? _process;
    private StreamWriter? _log;

    internal DrillNode(int index, string name, string group, long brokerId, string host, DrillPorts ports, string directory,
        Func<int, ProcessStartInfo, ProcessStartInfo> wrap)
    {
        Index = index;
        Name = name;
        Group = group;
        BrokerId = brokerId;
        Host = host;
        Ports = ports;
        Directory = directory;
        _wrap = wrap;
    }

    public int Index { get; }

    public string Name { get; }

    /// <summary>The broker group this node's broker belongs to.</summary>
    public string Group { get; }

    /// <summary>The broker id in its node file (0: the group's configured master).</summary>
    public long BrokerId { get; }

    /// <summary>The IPv4 address every listener of the node binds and advertises.</summary>
    public string Host { get; }

    public DrillPorts Ports { get; }

    /// <summary>The node's directory: node file, log and store.</summary>
    public string Directory { get; }

    public string StoreDirectory => Path.Combine(Directory, "store");

    public string ConfigPath => Path.Combine(Directory, "node.conf");

    public string LogPath => Path.Combine(Directory, "node.log");

    public string NameServer => Host + ":" + Ports.NameServer.ToString(CultureInfo.InvariantCulture);

    public string BrokerAddress => Host + ":" + Ports.Broker.ToString(CultureInfo.InvariantCulture);

    public string AkkaAddress(string clusterName) => $"akka.tcp://{clusterName}@{Host}:{Ports.Akka.ToString(CultureInfo.InvariantCulture)}";

    public Uri HealthUri => new($"http://{Host}:{Ports.Health.ToString(CultureInfo.InvariantCulture)}/health");

    /// <summary>The running process's id, or null when the node is not running.</summary>
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The exit code of the last process once it ended; null while it runs or before the first start.</summary>
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>The drill stopped or killed this process on purpose (an exit it did not cause is the node's own).</summary>
    public bool StoppedByDrill { get; private set; }

    /// <summary>Starts the node process on its store (writing the node file first); does not wait for it to serve.</summary>
    public void Start(string configText)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException(Name + " is already running");
        }

        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(ConfigPath, configText);
        _log?.Dispose();
        _log = new StreamWriter(new FileStream(LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), Encoding.UTF8) { AutoFlush = true };
        var start = _wrap(Index, NodeExecutable.StartInfo(["run", "--config", ConfigPath], Directory));
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var log = _log;
        process.OutputDataReceived += (_, e) => WriteLog(log, e.Data);
        process.ErrorDataReceived += (_, e) => WriteLog(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        StoppedByDrill = false;
    }

    /// <summary>From now on the node is the drill's to repair: if its process ends, no service manager starts it again.</summary>
    public void Hold() => StoppedByDrill = true;

    /// <summary>kill -9: the process ends at once, nothing it holds in memory is saved.</summary>
    public void Kill()
    {
        StoppedByDrill = true;
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>SIGSTOP: the process stays but runs no instruction (a long GC pause, a frozen VM).</summary>
    public Task PauseAsync(CancellationToken ct) => SignalAsync("STOP", ct);

    /// <summary>SIGCONT after <see cref="PauseAsync"/>.</summary>
    public Task ResumeAsync(CancellationToken ct) => SignalAsync("CONT", ct);

    /// <summary>SIGTERM and wait for the exit (the node's graceful shutdown); kill -9 after <paramref name="patience"/>.</summary>
    public async Task StopAsync(TimeSpan patience, CancellationToken ct)
    {
        StoppedByDrill = true;
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        await SignalAsync("TERM", ct).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the process to end (after a kill).</summary>
    public Task WaitForExitAsync(CancellationToken ct) => _process is { } p ? p.WaitForExitAsync(ct) : Task.CompletedTask;

    /// <summary>The disk is gone: the store directory and everything in it removed (the node must not run).</summary>
    public void WipeStore()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException(Name + " runs: its store cannot be wiped");
        }

        if (System.IO.Directory.Exists(StoreDirectory))
        {
            System.IO.Directory.Delete(StoreDirectory, recursive: true);
        }
    }

    /// <summary>The node's <c>GET /health</c> answer, or null when it does not answer (stopped, paused, cut off).</summary>
    public async Task<HealthReport?> HealthAsync(HttpClient http, CancellationToken ct)
    {
        if (!IsRunning)
        {
            return null;
        }

        try
        {
            using var response = await http.GetAsync(HealthUri, ct).ConfigureAwait(false);
            return await response.Content.ReadFromJsonAsync<HealthReport>(Json, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of the node's log, for a failure message.</summary>
    public string Tail(int lines)
    {
        if (!File.Exists(LogPath))
        {
            return "(no log)";
        }

        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    internal void ReleaseLog()
    {
        _log?.Dispose();
        _log = null;
    }

    private static void WriteLog(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The drill ended and closed the log while the process still wrote its last lines.
            }
        }
    }

    private async Task SignalAsync(string signal, CancellationToken ct)
    {
        if (Pid is not { } pid)
        {
            return;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("could not run kill");
        await kill.WaitForExitAsync(ct).ConfigureAwait(false);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} ({Name}) failed: {await kill.StandardError.ReadToEndAsync(ct).ConfigureAwait(false)}");
        }
    }
}

/// <summary>The ports of one drill node (on its own host address).</summary>
public sealed record DrillPorts(int NameServer, int Broker, int Replication, int Akka, int Health);
