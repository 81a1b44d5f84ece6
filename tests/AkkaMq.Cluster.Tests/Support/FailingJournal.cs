using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace AkkaMq.Cluster.Tests.Support;

/// <summary>
/// An empty journal whose writes fail (as when the database is unreachable) or are rejected (as
/// when an event cannot be serialized), chosen by <c>fail-mode = fail | reject</c> in its config.
/// </summary>
public sealed class FailingJournal : AsyncWriteJournal
{
    private readonly bool _reject;

    public FailingJournal(Config config) => _reject = config.GetString("fail-mode") == "reject";

    public static Config ConfigFor(string mode) => ConfigurationFactory.ParseString($$"""
        akka.persistence.journal.plugin = failing-journal
        akka.persistence.snapshot-store.plugin = "akka.persistence.no-snapshot-store"
        failing-journal {
          class = "{{typeof(FailingJournal).AssemblyQualifiedName}}"
          plugin-dispatcher = "akka.actor.default-dispatcher"
          fail-mode = {{mode}}
        }
        """);

    public override Task ReplayMessagesAsync(
        IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<IPersistentRepresentation> recoveryCallback) =>
        Task.CompletedTask;

    public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken) => Task.FromResult(0L);

    protected override Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        if (_reject)
        {
            IImmutableList<Exception?> rejections = messages.Select(_ => (Exception?)new InvalidOperationException("write rejected")).ToImmutableList();
            return Task.FromResult(rejections);
        }

        return Task.FromException<IImmutableList<Exception?>>(new IOException("database unreachable"));
    }

    protected override Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken) => Task.CompletedTask;
}
