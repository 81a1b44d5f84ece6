using System.Globalization;
using System.Net;
using AkkaMq.Broker.Replication;
using AkkaMq.Remoting.Transport;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker;

/// <summary>The broker's replication endpoints: the server followers fetch from, and the stream this node follows.</summary>
public sealed partial class BrokerRole
{
    private readonly ReplicationEndpoints? _replication;

    /// <summary>This node's incarnation as registered in routes (null outside a node).</summary>
    public string? NodeAddress { get; private init; }

    /// <summary>The store this role writes; the group member hands it to the replication follower.</summary>
    public MessageStore Store => _context.Store;

    /// <summary>Where followers fetch this node's log (<c>ip:port</c>, the bound port when configured with 0); null when not served.</summary>
    public string? ReplicationAddress => _replication?.Address;

    /// <summary>The replication server (null when not served): its followers and their progress.</summary>
    public ReplicationServer? ReplicationServer => _replication?.Server;

    /// <summary>The stream this node follows while it is a follower (null otherwise); GET_BROKER_HA_STATUS reads it.</summary>
    public ReplicationFollower? Follower => _replication?.Follower;

    /// <summary>
    /// Copies the master's log through a new <see cref="ReplicationFollower"/> (the previous one
    /// stopped first); each append wakes held pulls and reloads replicated tables
    /// (<see cref="OnReplicatedAppend"/>). The role owns the stream: it stops with the role.
    /// </summary>
    public async Task FollowAsync(ReplicationFollowerOptions options, ILogger log)
    {
        var r = _replication ?? throw new InvalidOperationException("this broker does not serve replication");
        await StopFollowingAsync().ConfigureAwait(false);
        var follower = new ReplicationFollower(Store, options, log);
        follower.Appended += range => OnReplicatedAppend(range.From, range.To);
        r.Follower = follower;
        follower.Start();
    }

    /// <summary>Stops the stream this node follows, if any.</summary>
    public async Task StopFollowingAsync()
    {
        if (_replication is { Follower: { } follower } r)
        {
            r.Follower = null;
            await follower.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Lets the replication server answer followers as master of <paramref name="leadership"/>'s epoch; null refuses them (not master).</summary>
    public void SetLeadership(ReplicationLeadership? leadership)
    {
        if (_replication is { } r)
        {
            r.Server.Leadership = leadership;
        }
    }

    private static ReplicationEndpoints StartReplication(MessageStore store, ReplicationSettings settings, ILoggerFactory loggers)
    {
        var listen = HostPort.Parse(settings.Listen, "akkamq.broker.replication.listen");
        var advertise = HostPort.Parse(settings.Advertise, "akkamq.broker.replication.advertise");
        var server = new ReplicationServer(store, new ReplicationServerOptions(listen)
        {
            MaxBatchSize = settings.MaxBatchBytes,
            FetchWait = settings.FetchWaitOrDefault,
        }, loggers.CreateLogger("AkkaMq.Broker.Replication"));
        server.Start();
        if (advertise.Port == 0)
        {
            advertise = new IPEndPoint(advertise.Address, server.LocalEndPoint.Port);
        }

        return new ReplicationEndpoints(server, advertise.Address + ":" + advertise.Port.ToString(CultureInfo.InvariantCulture));
    }

    private async Task StopReplicationAsync()
    {
        await StopFollowingAsync().ConfigureAwait(false);
        if (_replication is { } r)
        {
            await r.Server.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>The running replication server of a broker and, while it follows, its follower stream.</summary>
internal sealed class ReplicationEndpoints(ReplicationServer server, string address)
{
    private ReplicationFollower? _follower;

    public ReplicationServer Server { get; } = server;

    public string Address { get; } = address;

    public ReplicationFollower? Follower
    {
        get => Volatile.Read(ref _follower);
        set => Volatile.Write(ref _follower, value);
    }

    /// <summary>What GET_BROKER_HA_STATUS shows: the follower's stream while following, else the server's followers.</summary>
    public ReplicationStatus Status() => Follower?.GetStatus() ?? Server.GetStatus();
}
