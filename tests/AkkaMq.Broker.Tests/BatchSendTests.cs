using System.Buffers.Binary;
using System.Text;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;

namespace AkkaMq.Broker.Tests;

/// <summary>
/// A send is a batch when its header's batch flag says so (<c>batch</c> / <c>m</c>), whatever the
/// request code, as in RocketMQ's broker: the C++ client sends batches as 310 with <c>m</c> = "1"
/// or "true". A malformed batch is refused whole with MESSAGE_ILLEGAL and a remark naming the fault.
/// </summary>
public sealed class BatchSendTests : IAsyncLifetime
{
    private const string Illegal = "the batch message body is malformed: ";

    private BrokerFixture _node = null!;

    public async Task InitializeAsync() => _node = await BrokerFixture.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Theory]
    [InlineData(RequestCode.SendMessageV2, SerializeType.Json, "1")]
    [InlineData(RequestCode.SendMessageV2, SerializeType.Json, "true")]
    [InlineData(RequestCode.SendMessageV2, SerializeType.Json, "TRUE")]
    [InlineData(RequestCode.SendMessageV2, SerializeType.RocketMq, "1")]
    [InlineData(RequestCode.SendMessageV2, SerializeType.RocketMq, "true")]
    [InlineData(RequestCode.SendMessage, SerializeType.Json, "true")]
    [InlineData(RequestCode.SendMessage, SerializeType.Json, "1")]
    [InlineData(RequestCode.SendMessage, SerializeType.RocketMq, "True")]
    [InlineData(RequestCode.SendMessage, SerializeType.RocketMq, "1")]
    [InlineData(RequestCode.SendBatchMessage, SerializeType.Json, "true")]
    [InlineData(RequestCode.SendBatchMessage, SerializeType.RocketMq, "1")]
    public async Task Send_WithTheBatchFlag_StoresEachItemAsItsOwnMessage(RequestCode code, SerializeType serialize, string flag)
    {
        string topic = "Flag" + (int)code + serialize + flag;
        var request = Send(code, topic, Items(("one", "TagA"), ("two", "TagB"), ("three", "TagC")), flag);
        request.SerializeType = serialize;

        var response = await _node.BrokerAsync(request);

        Assert.Equal((int)ResponseCode.Success, response.Code);
        Assert.Equal(3, response.GetExtField("msgId")!.Split(',').Length);
        var records = Requests.Records((await _node.BrokerAsync(Requests.Pull("G", topic, 0, 0))).Body);
        Assert.Equal(["one", "two", "three"], records.ConvertAll(r => Encoding.UTF8.GetString(r.Body)));
        Assert.Equal(["TagA", "TagB", "TagC"], records.ConvertAll(r => r.Tags));
        Assert.Equal([0L, 1, 2], records.ConvertAll(r => r.QueueOffset));
    }

    [Theory]
    [InlineData(RequestCode.SendMessageV2, null)]
    [InlineData(RequestCode.SendMessageV2, "false")]
    [InlineData(RequestCode.SendMessageV2, "0")]
    [InlineData(RequestCode.SendMessageV2, "yes")]
    [InlineData(RequestCode.SendMessage, null)]
    [InlineData(RequestCode.SendMessage, "false")]
    public async Task Send_WithoutTheBatchFlag_StoresTheBodyAsOneMessage(RequestCode code, string? flag)
    {
        string topic = "NoFlag" + (int)code + (flag ?? "absent");
        byte[] body = Items(("one", "TagA"), ("two", "TagB"));

        var response = await _node.BrokerAsync(Send(code, topic, body, flag));

        Assert.Equal((int)ResponseCode.Success, response.Code);
        var record = Assert.Single(Requests.Records((await _node.BrokerAsync(Requests.Pull("G", topic, 0, 0))).Body));
        Assert.Equal(body, record.Body);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("false")]
    public async Task SendBatchMessage_IsABatch_EvenWithoutTheFlag(string? flag)
    {
        string topic = "Code320" + (flag ?? "absent");

        var response = await _node.BrokerAsync(Send(RequestCode.SendBatchMessage, topic, Items(("a", "x"), ("b", "y")), flag));

        Assert.Equal((int)ResponseCode.Success, response.Code);
        Assert.Equal(2, Requests.Records((await _node.BrokerAsync(Requests.Pull("G", topic, 0, 0))).Body).Count);
    }

    public static TheoryData<string, byte[], string> MalformedBodies()
    {
        byte[] good = Items(("first", "TagA"));
        int at = good.Length;
        return new()
        {
            { "empty", [], "the batch holds no messages" },
            { "short tail", [.. good, .. new byte[10]], $"item 2 (at byte {at}): truncated: 10 bytes left, an item takes at least 22" },
            { "total past end", Item("body", string.Empty, total: 100), "item 1 (at byte 0): truncated: TOTALSIZE 100 but only 26 bytes left" },
            { "total below minimum", Item("body", string.Empty, total: 8), "item 1 (at byte 0): TOTALSIZE 8 is below the 22 bytes of an empty item" },
            { "total disagrees", [.. Item("body", string.Empty, total: 30), 0, 0, 0, 0], "item 1 (at byte 0): TOTALSIZE 30 disagrees with BODYLEN 4 and PROPERTIESLEN 0, which make 26" },
            { "body length too big", Item("body", string.Empty, bodyLength: 900), "item 1 (at byte 0): BODYLEN 900 does not fit in TOTALSIZE 26" },
            { "body length negative", Item("body", string.Empty, bodyLength: -1), "item 1 (at byte 0): BODYLEN -1 does not fit in TOTALSIZE 26" },
            { "bad magic", [.. good, .. Item("x", string.Empty, magic: unchecked((int)0xDAA320A7))], $"item 2 (at byte {at}): MAGICCODE is -626843481, clients write 0" },
            { "properties length negative", Item("body", "TAGS\u0001a", propertiesLength: -2), "item 1 (at byte 0): PROPERTIESLEN -2 is negative (properties over 32767 bytes)" },
            { "properties overflow", Item("b", Requests.Props(("KEYS", new string('k', 32_760)))), "item 1 (at byte 0): its properties with the batch's and CLUSTER come to 32785 bytes, over 32767" },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task MalformedBatch_IsMessageIllegal_NamingTheFault_AndStoresNothing(string shape, byte[] body, string fault)
    {
        foreach (var code in new[] { RequestCode.SendMessageV2, RequestCode.SendBatchMessage })
        {
            string topic = "Malformed" + (int)code;
            var response = await _node.BrokerAsync(Send(code, topic, body, "1"));

            Assert.True((int)ResponseCode.MessageIllegal == response.Code, shape + ": " + response.Remark);
            Assert.Equal(Illegal + fault, response.Remark);
            var max = await _node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.GetMaxOffset, new GetMaxOffsetRequestHeader { Topic = topic, QueueId = 0 }));
            Assert.Equal(0, Requests.Long(max, "offset"));
        }
    }

    /// <summary>A send of <paramref name="code"/> to queue 0 in the key style of its code, the batch flag set to <paramref name="flag"/> (absent when null).</summary>
    internal static RemotingCommand Send(RequestCode code, string topic, byte[] body, string? flag)
    {
        var style = SendMessageRequestHeader.KeyStyleFor((int)code);
        var request = CommandHeader.CreateRequest(code, Requests.SendHeader(topic, 0), body, style);
        string key = style == HeaderKeyStyle.Short ? "m" : "batch";
        if (flag is null)
        {
            request.ExtFields.Remove(key);
        }
        else
        {
            request.ExtFields[key] = flag;
        }

        return request;
    }

    /// <summary>A batch body of items with these bodies and tags, encoded as every client does.</summary>
    internal static byte[] Items(params (string Body, string Tag)[] items)
    {
        var stream = new MemoryStream();
        foreach (var (body, tag) in items)
        {
            stream.Write(Item(body, Requests.Props(("TAGS", tag))));
        }

        return stream.ToArray();
    }

    /// <summary>One batch item; the optional arguments overwrite a field with a wrong value.</summary>
    private static byte[] Item(string body, string properties, int? total = null, int magic = 0, int? bodyLength = null, short? propertiesLength = null)
    {
        byte[] b = Encoding.UTF8.GetBytes(body);
        byte[] p = Encoding.UTF8.GetBytes(properties);
        var item = new byte[22 + b.Length + p.Length];
        BinaryPrimitives.WriteInt32BigEndian(item, total ?? item.Length);
        BinaryPrimitives.WriteInt32BigEndian(item.AsSpan(4), magic);
        BinaryPrimitives.WriteInt32BigEndian(item.AsSpan(12), 5);
        BinaryPrimitives.WriteInt32BigEndian(item.AsSpan(16), bodyLength ?? b.Length);
        b.CopyTo(item, 20);
        BinaryPrimitives.WriteInt16BigEndian(item.AsSpan(20 + b.Length), propertiesLength ?? (short)p.Length);
        p.CopyTo(item, 22 + b.Length);
        return item;
    }
}
