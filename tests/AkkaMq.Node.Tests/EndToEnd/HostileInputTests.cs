using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using AkkaMq.Client;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>
/// Random and mutated frames thrown at a running node's broker and nameserver ports; afterwards
/// the node must still serve a normal send and pull.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class HostileInputTests : IAsyncLifetime
{
    private const int Seed = 20261122;
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task RandomAndMutatedFrames_LeaveTheNodeServing()
    {
        var random = new Random(Seed);
        var valid = ValidSendFrame();
        var targets = new[] { _node.BrokerAddress, _node.NameServer };
        for (var i = 0; i < 300; i++)
        {
            var frame = (i % 3) switch
            {
                0 => RandomBytes(random),
                1 => Mutate(valid, random),
                _ => WithLength(RandomBytes(random), random),
            };
            await ThrowAsync(targets[i % 2], frame);
        }

        await using var producer = new Producer("after-fuzz", _node.ClientOptions("fuzz-p"));
        await producer.StartAsync();
        var sent = await producer.SendAsync(new Message("FuzzTopic", "t", Encoding.UTF8.GetBytes("still alive")));
        Assert.Equal(SendStatus.SendOk, sent.Status);

        await using var consumer = new PullConsumer("after-fuzz", _node.ClientOptions("fuzz-c"));
        await consumer.StartAsync();
        var pulled = await consumer.PullAsync(sent.MessageQueue, "*", sent.QueueOffset, 1);
        Assert.Equal("still alive", Encoding.UTF8.GetString(Assert.Single(pulled.Messages).Body));
    }

    /// <summary>Writes the bytes, then waits briefly for the node to answer or close; either is fine.</summary>
    private static async Task ThrowAsync(string address, byte[] frame)
    {
        var colon = address.LastIndexOf(':');
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(address[..colon], int.Parse(address[(colon + 1)..]));
        try
        {
            await socket.SendAsync(frame);
            socket.Shutdown(SocketShutdown.Send);
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            var buffer = new byte[4096];
            while (await socket.ReceiveAsync(buffer, cts.Token) > 0)
            {
                // Drain whatever the node answers until it closes or the wait ends.
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            // A reset or a silent wait is the node refusing the frame; what matters is that it keeps serving.
        }
    }

    private static byte[] ValidSendFrame()
    {
        var header = Encoding.UTF8.GetBytes(
            """{"code":310,"extFields":{"a":"g","b":"FuzzTopic","c":"TBW102","d":"4","e":"0","f":"0","g":"0","h":"0","i":"TAGS\u0001x\u0002"},"flag":0,"language":"JAVA","opaque":1,"version":409}""");
        var body = "fuzz"u8.ToArray();
        var frame = new byte[8 + header.Length + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, 4 + header.Length + body.Length);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), header.Length);
        header.CopyTo(frame, 8);
        body.CopyTo(frame, 8 + header.Length);
        return frame;
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 600)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var copy = (byte[])valid.Clone();
        for (var flips = random.Next(1, 8); flips > 0; flips--)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }

        return random.Next(4) == 0 ? copy[..random.Next(1, copy.Length)] : copy;
    }

    /// <summary>Random content behind a plausible (or huge, or negative) length prefix.</summary>
    private static byte[] WithLength(byte[] content, Random random)
    {
        var frame = new byte[content.Length + 4];
        var length = random.Next(3) switch { 0 => content.Length, 1 => int.MaxValue - random.Next(100), _ => -random.Next(1, 100) };
        BinaryPrimitives.WriteInt32BigEndian(frame, length);
        content.CopyTo(frame, 4);
        return frame;
    }
}
