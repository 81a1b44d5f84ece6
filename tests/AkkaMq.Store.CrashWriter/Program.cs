using Akka.Actor;
using AkkaMq.Broker;
using AkkaMq.Store;
using Microsoft.Extensions.Logging.Abstractions;

// Usage: AkkaMq.Store.CrashWriter <dir> <segmentSize> <run>
// Appends messages through the broker's StoreActor (the product's group-commit path: batched
// appends, one flush in flight, senders answered after a flush covering them) from 16
// concurrent producers, forever. After a send completes (durable) it prints "ACK <offset> <size> <id>" on
// stdout; the test kills this process with SIGKILL at a random moment and then checks that
// every acknowledged record survived.
string dir = args[0];
long segmentSize = long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
int run = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var settings = new StoreSettings
{
    Dir = dir,
    CommitLogSegmentSize = segmentSize,
    ConsumeQueueEntriesPerFile = 1000,
    IndexHashSlots = 101,
    IndexEntriesPerFile = 2000,
    FlushMode = FlushMode.GroupCommit,
    FlushInterval = TimeSpan.FromMilliseconds(20),
    // Tests must not depend on how full the machine's disk is; the watermark has its own test.
    DiskWatermarkRatio = 1.0,
    MaxMessageSize = 16 * 1024,
};
using MessageStore store = MessageStore.Open(settings);
using var system = ActorSystem.Create("crash-writer");
IActorRef storeActor = system.ActorOf(StoreActor.Props(store, partitions: null, NullLogger.Instance), "store");
var output = Console.Out;
var gate = new object();
Console.Out.WriteLine("READY");
var producers = new Task[16];
for (int p = 0; p < producers.Length; p++)
{
    int producer = p;
    producers[p] = Task.Run(async () =>
    {
        for (long seq = 0; ; seq++)
        {
            string id = $"{run}-{producer}-{seq}";
            var completion = new TaskAppendCompletion();
            storeActor.Tell(new AppendMessages(new[] { CrashMessages.Create(id, producer) }, completion), ActorRefs.NoSender);
            AppendResult r = (await completion.Task)[0];
            if (!r.IsOk)
            {
                lock (gate)
                {
                    output.WriteLine($"FAIL {r.Status}");
                }
                return;
            }
            lock (gate)
            {
                output.WriteLine($"ACK {r.CommitLogOffset} {r.StoredSize} {id}");
            }
        }
    });
}
await Task.WhenAll(producers);

/// <summary>Messages whose body is derived from their id, so the test can check them after a crash.</summary>
public static class CrashMessages
{
    public static MessageToStore Create(string id, int queueId)
    {
        int length = BodyLength(id);
        return new MessageToStore("crash", queueId % 4, 0, Body(id, length), $"KEYS\u0001{id}\u0002TAGS\u0001t{queueId % 3}",
            1, new IPv4Endpoint(0x7F000001, 1), new IPv4Endpoint(0x7F000001, 10911));
    }

    public static int BodyLength(string id) => 50 + (int)(Seed(id) % 2000);

    private static uint Seed(string id) => Crc32.Compute(System.Text.Encoding.UTF8.GetBytes(id));

    public static byte[] Body(string id, int length)
    {
        var body = new byte[length];
        var rnd = new Random((int)Seed(id));
        rnd.NextBytes(body);
        return body;
    }
}
