using Akka.Actor;
using Akka.Persistence;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Cluster.Routing;

/// <summary>
/// Owns the route table — topic configuration, broker groups and nameserver KV config — as cluster
/// state, event-sourced under the fixed persistence id <see cref="RegistryPersistenceId"/>. Exactly
/// one runs per cluster, as a cluster singleton on a controller node (see
/// <see cref="AkkaMq.Cluster.Coordination.ControlPlane"/>), so a new instance anywhere recovers the
/// same table from the shared journal.
/// </summary>
/// <remarks>
/// A change is checked first; a rejected one replies <see cref="RouteChangeResult.Rejected"/> and
/// stores nothing, and one that alters nothing replies the current table and stores nothing.
/// Otherwise its event is written to the journal, applied, published through the
/// <see cref="RouteTableFeed"/>, and only then answered with <see cref="RouteChangeResult.Accepted"/>.
/// Changes are handled one at a time: Akka stashes commands while an event is being written and
/// while the actor recovers, so the feed sees every version in order. A journal write failure is
/// answered with <see cref="Status.Failure"/> (<see cref="RouteChangeNotStoredException"/>) and, as
/// Akka does for every persistence failure, stops the actor; its supervisor decides about a restart.
/// </remarks>
public sealed class RouteRegistryActor : ReceivePersistentActor
{
    /// <summary>The journal and snapshot key; one per cluster, whichever node hosts the registry.</summary>
    public const string RegistryPersistenceId = "route-registry";
    public const int MaxQueues = 1024;

    private readonly RouteTableFeed _feed;
    private readonly ILogger _log;
    private readonly RouteRegistryOptions _options;
    private RouteTable _table = RouteTable.Empty;

    /// <summary>The asker of the change whose event is being written, to answer if the write fails.</summary>
    private IActorRef? _awaitingWrite;

    /// <summary>Public for Akka's <see cref="Akka.Actor.Props"/>, which creates actors with <see cref="Activator"/>; use <see cref="Props"/>.</summary>
    public RouteRegistryActor(RouteTableFeed feed, ILogger log, RouteRegistryOptions options)
    {
        _feed = feed;
        _log = log;
        _options = options;

        Recover<SnapshotOffer>(offer => _table = ((RouteRegistrySnapshot)offer.Snapshot).Table);
        Recover<IRouteRegistryEvent>(e => _table = RouteRegistryEvents.Apply(_table, e));
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<UpsertTopic>(m => Change(ValidateTopic(m.Config), new TopicUpserted(m.Group, m.Config)));
        Command<DeleteTopic>(m => Change(
            _table.Topics.ContainsKey(m.Topic) ? null : $"topic {m.Topic} does not exist",
            new TopicDeleted(m.Topic)));
        Command<RegisterBrokerMember>(m => Change(null, new BrokerMemberRegistered(m.Cluster, m.Group, m.BrokerId, m.Address, m.NodeAddress)));
        Command<PutKv>(m => Change(null, new KvPut(m.Namespace, m.Key, m.Value)));
        Command<DeleteKv>(m => Change(null, new KvDeleted(m.Namespace, m.Key)));
        Command<ChangeBrokerWritePerm>(m => Change(
            _table.Groups.ContainsKey(m.Group) ? null : $"broker group {m.Group} is not registered",
            new BrokerWritePermChanged(m.Group, m.Writable)));
        Command<GetRouteTable>(_ => Sender.Tell(_table, Self));

        Command<SaveSnapshotSuccess>(m => OnSnapshotSaved(m.Metadata));
        Command<SaveSnapshotFailure>(m => _log.LogWarning(
            m.Cause, "Route table snapshot at event {SequenceNr} not saved; recovery replays more events until the next one", m.Metadata.SequenceNr));
        Command<DeleteSnapshotsSuccess>(m => _log.LogDebug("Route table snapshots up to event {SequenceNr} deleted", m.Criteria.MaxSequenceNr));
        Command<DeleteSnapshotsFailure>(m => _log.LogWarning(m.Cause, "Old route table snapshots not deleted; they are tried again after the next snapshot"));
        Command<DeleteMessagesSuccess>(m => _log.LogDebug("Route events up to {SequenceNr} deleted", m.ToSequenceNr));
        Command<DeleteMessagesFailure>(m => _log.LogWarning(
            m.Cause, "Route events up to {SequenceNr} not deleted; they are tried again after the next snapshot", m.ToSequenceNr));
    }

    public override string PersistenceId => RegistryPersistenceId;

    /// <summary>
    /// The registry's props. The actor system must carry <see cref="AkkaMq.Cluster.Coordination.ControlStatePersistence"/>'s
    /// configuration (journal, snapshot store, serializer). Nothing is read before the actor starts:
    /// it recovers its table from the journal, publishes it to <paramref name="feed"/>, then accepts changes.
    /// </summary>
    public static Props Props(RouteTableFeed feed, ILogger log, RouteRegistryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(log);
        var settings = options ?? RouteRegistryOptions.Default;
        settings.Validate();
        return Akka.Actor.Props.Create(() => new RouteRegistryActor(feed, log, settings));
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.LogError(cause, "Route change {Event} not written to the journal (event {SequenceNr}); the registry stops", @event.GetType().Name, sequenceNr);
        AnswerWriteFailure(cause, @event);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.LogError(cause, "Journal rejected route change {Event} (event {SequenceNr}); the table is unchanged", @event.GetType().Name, sequenceNr);
        AnswerWriteFailure(cause, @event);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _log.LogCritical(reason, "Route registry could not recover its table from the journal{Detail}; it stops",
            message is null ? string.Empty : " (at " + message.GetType().Name + ")");
    }

    private static string? ValidateTopic(TopicConfig config)
    {
        if (TopicNames.Validate(config.TopicName) is { } problem)
        {
            return problem;
        }

        return config.ReadQueueNums is < 1 or > MaxQueues || config.WriteQueueNums is < 1 or > MaxQueues
            ? $"queue counts must be 1..{MaxQueues}, got read {config.ReadQueueNums} write {config.WriteQueueNums}"
            : null;
    }

    private void OnRecovered()
    {
        var legacy = _options.LegacyDirectory is { } directory ? new LegacyRouteTableFile(directory) : null;
        if (LastSequenceNr == 0 && legacy is { Exists: true })
        {
            Import(legacy);
            return;
        }

        if (legacy is { Exists: true })
        {
            _log.LogWarning(
                "{File} is still there but the journal already holds the route table (an import was interrupted before the rename); the file is ignored and can be removed",
                legacy.Path);
        }

        _feed.Publish(_table);
        _log.LogInformation("Route table recovered at version {Version} (event {SequenceNr})", _table.Version, LastSequenceNr);
    }

    /// <summary>Writes the legacy file's table as the first event, then renames the file so it is never read again.</summary>
    private void Import(LegacyRouteTableFile legacy)
    {
        RouteTable imported;
        try
        {
            imported = legacy.Read();
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            var message = $"route registry cannot start: {legacy.Path} (route table of the earlier file-based store) cannot be imported: "
                + $"{e.Message}. Move the file away to start with an empty route table, or restore it from a backup.";
            _log.LogCritical(e, "{Message}", message);
            throw new RouteRegistryStartException(message, e);
        }

        Persist(new RouteTableImported(imported), e =>
        {
            _table = e.Table;
            legacy.MarkMigrated();
            _feed.Publish(_table);
            _log.LogInformation(
                "Imported the route table (version {Version}: {Topics} topics, {Groups} broker groups) from {File} into the journal and renamed the file to {Migrated}",
                _table.Version, _table.Topics.Count, _table.Groups.Count, legacy.Path, legacy.MigratedPath);
            SnapshotWhenDue();
        });
    }

    private void Change(string? rejection, IRouteRegistryEvent change)
    {
        if (rejection is not null)
        {
            Sender.Tell(RouteChangeResult.Rejected(rejection), Self);
            return;
        }

        if (RouteRegistryEvents.ChangesNothing(_table, change))
        {
            Sender.Tell(RouteChangeResult.Accepted(_table), Self);
            return;
        }

        _awaitingWrite = Sender;
        Persist(change, written =>
        {
            _awaitingWrite = null;
            _table = RouteRegistryEvents.Apply(_table, written);
            _feed.Publish(_table);
            _log.LogDebug("Route table now at version {Version} after {Event}", _table.Version, written.GetType().Name);
            Sender.Tell(RouteChangeResult.Accepted(_table), Self);
            SnapshotWhenDue();
        });
    }

    private void SnapshotWhenDue()
    {
        if (LastSequenceNr % _options.SnapshotInterval == 0)
        {
            SaveSnapshot(new RouteRegistrySnapshot(_table));
        }
    }

    private void OnSnapshotSaved(SnapshotMetadata saved)
    {
        _log.LogDebug("Route table snapshot saved at event {SequenceNr}", saved.SequenceNr);
        DeleteMessages(saved.SequenceNr);
        DeleteSnapshots(new SnapshotSelectionCriteria(saved.SequenceNr - 1));
    }

    private void AnswerWriteFailure(Exception cause, object @event)
    {
        _awaitingWrite?.Tell(new Status.Failure(new RouteChangeNotStoredException(
            $"route change {@event.GetType().Name} not stored: {cause.Message}", cause)), Self);
        _awaitingWrite = null;
    }
}

/// <summary>Creates or replaces <paramref name="Config"/>'s topic on broker group <paramref name="Group"/>.</summary>
public sealed record UpsertTopic(string Group, TopicConfig Config);

/// <summary>Removes a topic from every group; rejected when there is no such topic.</summary>
public sealed record DeleteTopic(string Topic);

/// <summary>
/// Records that <paramref name="Address"/> serves <paramref name="Group"/> as broker id <paramref name="BrokerId"/> (0 = master),
/// on the cluster node with Akka address <paramref name="NodeAddress"/> (e.g. <c>akka.tcp://DefaultCluster@10.0.0.5:2552</c>).
/// Nameservers leave a member out of their answers while its node is unreachable or has left; without a node
/// address the member is always listed.
/// </summary>
public sealed record RegisterBrokerMember(string Cluster, string Group, long BrokerId, string Address, string? NodeAddress = null);

public sealed record PutKv(string Namespace, string Key, string Value);

public sealed record DeleteKv(string Namespace, string Key);

/// <summary>
/// Takes write permission away from every topic of broker group <paramref name="Group"/> (<paramref name="Writable"/>
/// false) or gives it back (true); rejected when no such group is registered.
/// </summary>
public sealed record ChangeBrokerWritePerm(string Group, bool Writable);

/// <summary>Asks for the current table; the reply is the <see cref="RouteTable"/> itself.</summary>
public sealed record GetRouteTable
{
    public static GetRouteTable Instance { get; } = new();
}
