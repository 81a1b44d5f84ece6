using System.Diagnostics;
using System.Globalization;
using AkkaMq.Client;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Node.Commands.Bench;

/// <summary>
/// <c>bench produce --replication &lt;master broker&gt;</c>: samples the master's replication
/// status (GET_BROKER_HA_STATUS) while the measured load runs, then until its slowest follower has
/// acknowledged everything the master held when the load stopped (at most <see cref="CatchUpLimit"/>),
/// and prints the follower's lag.
/// </summary>
internal sealed class ReplicationProbe : IAsyncDisposable
{
    /// <summary>How long the probe waits after the load for the follower to catch up.</summary>
    public static readonly TimeSpan CatchUpLimit = TimeSpan.FromSeconds(10);

    private readonly AdminClient _admin;
    private readonly string _master;
    private readonly TimeSpan _interval;
    private readonly ReplicationLag _lag = new();
    private readonly CancellationTokenSource _loadOver = new();
    private readonly HashSet<string> _followers = [];
    private string? _lastFollower;
    private Task? _sampling;
    private int _failures;
    private string? _firstFailure;
    private int _withoutFollower;

    public ReplicationProbe(string nameServers, string master, TimeSpan interval)
    {
        _master = master;
        _interval = interval;
        _admin = new AdminClient(new ClientOptions { NameServerAddresses = nameServers, InstanceName = "akkamq-bench-ha-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8] });
    }

    /// <summary>A broker address as <c>host:port</c>, or null with the reason in <paramref name="error"/>.</summary>
    public static string? ParseAddress(string? value, out string? error)
    {
        error = null;
        var text = value?.Trim() ?? "";
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            error = $"--replication: expected the master broker's address as host:port, got '{value}'";
            return null;
        }

        return text;
    }

    /// <summary>Starts sampling; the first sample is taken at once.</summary>
    public void Start(CancellationToken ct) => _sampling = Task.Run(() => SampleAsync(ct), ct);

    /// <summary>Ends the load phase: sampling goes on until the follower holds the master's end, then stops.</summary>
    public async Task<ReplicationLagSummary> StopAsync()
    {
        await _loadOver.CancelAsync().ConfigureAwait(false);
        if (_sampling is not null)
        {
            await _sampling.ConfigureAwait(false);
        }

        return _lag.Summarize();
    }

    /// <summary>The summary line for the run's output.</summary>
    public string Describe(ReplicationLagSummary summary)
    {
        var c = CultureInfo.InvariantCulture;
        var line = summary.Samples == 0
            ? string.Create(c, $"Replication lag: no sample with a follower from {_master}")
            : string.Create(c, $"Replication lag of {_lastFollower} behind {_master} ({summary.Samples} samples every {_interval.TotalMilliseconds:0} ms): {summary.Format()}");
        if (_followers.Count > 1)
        {
            // The master names a follower by its connection, so a follower that reconnected shows up again.
            line += string.Create(c, $"; {_followers.Count} follower connections seen");
        }

        if (_withoutFollower > 0)
        {
            line += string.Create(c, $"; {_withoutFollower} samples showed no follower");
        }

        if (_failures > 0)
        {
            line += string.Create(c, $"; {_failures} samples failed, the first: {_firstFailure}");
        }

        return line;
    }

    private async Task SampleAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_interval);
        long catchUpTarget = -1;
        long catchUpDeadline = 0;
        try
        {
            do
            {
                if (!await SampleOnceAsync(ct).ConfigureAwait(false) && _lag.Count == 0 && _loadOver.IsCancellationRequested)
                {
                    return;
                }

                if (_loadOver.IsCancellationRequested)
                {
                    if (catchUpTarget < 0)
                    {
                        catchUpTarget = Math.Max(0, _lag.LastMasterOffset);
                        catchUpDeadline = Stopwatch.GetTimestamp() + (long)(CatchUpLimit.TotalSeconds * Stopwatch.Frequency);
                    }

                    if (_lag.LastFollowerOffset >= catchUpTarget || Stopwatch.GetTimestamp() > catchUpDeadline)
                    {
                        return;
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The run was interrupted; the samples so far are summarized.
        }
    }

    /// <summary>One status request; false when it failed or showed no follower.</summary>
    private async Task<bool> SampleOnceAsync(CancellationToken ct)
    {
        long sent = Stopwatch.GetTimestamp();
        try
        {
            var status = await _admin.GetBrokerHaStatusAsync(_master, ct).ConfigureAwait(false);
            long received = Stopwatch.GetTimestamp();
            if (status.HaConnectionInfo.Count == 0)
            {
                _withoutFollower++;
                return false;
            }

            var slowest = status.HaConnectionInfo.MinBy(f => f.SlaveAckOffset)!;
            _followers.Add(slowest.Addr);
            _lastFollower = slowest.Addr;
            _lag.Record((sent + received) / 2.0 * 1000.0 / Stopwatch.Frequency, status.MasterCommitLogMaxOffset, slowest.SlaveAckOffset);
            return true;
        }
        catch (Exception e) when (e is MQClientException or MQBrokerException or RemotingTimeoutException or RemotingConnectionException or FormatException)
        {
            _failures++;
            _firstFailure ??= e.Message;
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _loadOver.Dispose();
        await _admin.DisposeAsync().ConfigureAwait(false);
    }
}
