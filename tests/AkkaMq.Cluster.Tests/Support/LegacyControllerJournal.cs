using System.Text;
using Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Serialization;
using AkkaMq.Cluster.Coordination;

namespace AkkaMq.Cluster.Tests.Support;

/// <summary>
/// Writes the controller's journal and snapshot rows with given bytes under given manifests and the controller
/// serializer's id, as an earlier version of the product wrote them: a separate actor system over the same files
/// whose serializer with that id copies the bytes through.
/// </summary>
public static class LegacyControllerJournal
{
    /// <summary>Persists <paramref name="events"/> (manifest, JSON) under the controller's persistence id, then saves <paramref name="snapshot"/> if given.</summary>
    public static async Task WriteAsync(string controlDirectory, IReadOnlyList<(string Manifest, string Json)> events, (string Manifest, string Json)? snapshot = null)
    {
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.serializers.akkamq-controller = "{{typeof(RawSerializer).FullName}}, {{typeof(RawSerializer).Assembly.GetName().Name}}"
            """).WithFallback(ControlStatePersistence.Sqlite(controlDirectory));
        var system = ActorSystem.Create("legacy", config);
        try
        {
            var writer = system.ActorOf(Props.Create(() => new Writer()));
            foreach (var (manifest, json) in events)
            {
                await writer.Ask<Done>(new RawRecord(manifest, Encoding.UTF8.GetBytes(json)), TimeSpan.FromSeconds(10));
            }

            if (snapshot is { } s)
            {
                await writer.Ask<Done>(new SaveRaw(new RawRecord(s.Manifest, Encoding.UTF8.GetBytes(s.Json))), TimeSpan.FromSeconds(10));
            }
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Stored bytes with their manifest.</summary>
    public sealed record RawRecord(string Manifest, byte[] Bytes) : IControllerPersisted;

    private sealed record SaveRaw(RawRecord Snapshot);

    private sealed class Writer : ReceivePersistentActor
    {
        private IActorRef? _snapshotAsker;

        public Writer()
        {
            Recover<object>(_ => { });
            Command<RawRecord>(r =>
            {
                var sender = Sender;
                Persist(r, _ => sender.Tell(Done.Instance));
            });
            Command<SaveRaw>(s =>
            {
                _snapshotAsker = Sender;
                SaveSnapshot(s.Snapshot);
            });
            Command<SaveSnapshotSuccess>(_ => _snapshotAsker?.Tell(Done.Instance));
            Command<SaveSnapshotFailure>(f => _snapshotAsker?.Tell(new Status.Failure(f.Cause)));
        }

        public override string PersistenceId => ControllerActor.ControllerPersistenceId;
    }

    /// <summary>Takes the controller serializer's id and writes a <see cref="RawRecord"/>'s bytes under its manifest.</summary>
    public sealed class RawSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
    {
        public override int Identifier => ControllerSerializer.SerializerId;

        public override string Manifest(object o) => ((RawRecord)o).Manifest;

        public override byte[] ToBinary(object obj) => ((RawRecord)obj).Bytes;

        public override object FromBinary(byte[] bytes, string manifest) => new RawRecord(manifest, bytes);
    }
}
