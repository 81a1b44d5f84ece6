using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Broker.Tests;

/// <summary>Frames written by hand the way ali-ons writes them (wire doc 8): JSON header, raw numbers and booleans, version 121.</summary>
public sealed class AliOnsWireTests
{
    [Fact]
    public async Task SendAndPull_WithRawJsonScalars_AndTrailingPropertySeparator()
    {
        await using var node = await BrokerFixture.StartAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(node.Broker.LocalEndPoint);

        const string send = """
            {"code":310,"language":"JAVA","version":121,"opaque":1,"flag":0,"extFields":{"a":"PG","b":"OnsTopic","c":"TBW102","d":4,"e":1,"f":0,"g":1700000000000,"h":0,"i":"TAGS\u0001null\u0002","j":0,"k":false}}
            """;
        await socket.SendAsync(Frame(send, "ons-body"u8.ToArray()), SocketFlags.None);
        var sent = await ReadFrameAsync(socket);
        Assert.Equal(0, sent.Code);
        Assert.Equal(1, sent.Opaque);
        Assert.True(sent.IsResponse);
        Assert.Equal("1", sent.GetExtField("queueId"));

        const string pull = """
            {"code":11,"language":"JAVA","version":121,"opaque":2,"flag":0,"extFields":{"consumerGroup":"GID_ONS","topic":"OnsTopic","queueId":1,"queueOffset":0,"maxMsgNums":32,"sysFlag":6,"commitOffset":0,"suspendTimeoutMillis":15000,"subscription":"*","subVersion":1700000000000}}
            """;
        await socket.SendAsync(Frame(pull, []), SocketFlags.None);
        var pulled = await ReadFrameAsync(socket);
        Assert.Equal(0, pulled.Code);
        Assert.Equal(2, pulled.Opaque);
        var record = Assert.Single(Requests.Records(pulled.Body));
        Assert.Equal("ons-body", Encoding.UTF8.GetString(record.Body));
        Assert.Equal("null", record.Tags);
        Assert.Equal(BrokerFixture.Cluster, record.GetProperty("CLUSTER"));
        Assert.Equal("1", pulled.GetExtField("nextBeginOffset"));
    }

    private static byte[] Frame(string headerJson, byte[] body)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson.Trim());
        var frame = new byte[8 + header.Length + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, 4 + header.Length + body.Length);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), header.Length);
        header.CopyTo(frame, 8);
        body.CopyTo(frame, 8 + header.Length);
        return frame;
    }

    private static async Task<RemotingCommand> ReadFrameAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new List<byte>();
        var chunk = new byte[65536];
        while (true)
        {
            var buffer = new ReadOnlySequence<byte>(received.ToArray());
            if (FrameDecoder.TryReadFrame(ref buffer, FrameDecoder.DefaultMaxFrameLength, out var command).Status == FrameReadStatus.Frame)
            {
                return command!;
            }

            int n = await socket.ReceiveAsync(chunk, SocketFlags.None, timeout.Token);
            Assert.True(n > 0, "connection closed");
            received.AddRange(chunk.AsSpan(0, n));
        }
    }
}
