using System.Buffers.Binary;
using System.Net;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Client.Tests.Fakes;

namespace AkkaMq.Client.Tests;

public sealed class MessageCodecTests
{
    [Fact]
    public void DecodeAll_ReadsEveryField()
    {
        var record = new RecordBuilder
        {
            Topic = "OrderTopic",
            QueueId = 3,
            Flag = 7,
            QueueOffset = 42,
            CommitLogOffset = 0x1A2B,
            ReconsumeTimes = 2,
            Body = "payload"u8.ToArray(),
            Properties = new() { ["TAGS"] = "TagA", ["KEYS"] = "k1 k2", ["UNIQ_KEY"] = "ABC" },
        }.Build();

        var message = Assert.Single(MessageDecoder.DecodeAll(record));

        Assert.Equal("OrderTopic", message.Topic);
        Assert.Equal(3, message.QueueId);
        Assert.Equal(7, message.Flag);
        Assert.Equal(42, message.QueueOffset);
        Assert.Equal(0x1A2B, message.CommitLogOffset);
        Assert.Equal(2, message.ReconsumeTimes);
        Assert.Equal(record.Length, message.StoreSize);
        Assert.Equal(1_700_000_000_000, message.BornTimestamp);
        Assert.Equal(1_700_000_000_100, message.StoreTimestamp);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.9"), 50000), message.BornHost);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.168.1.1"), 10911), message.StoreHost);
        Assert.Equal("C0A8010100002A9F0000000000001A2B", message.MsgId);
        Assert.Equal("payload", Encoding.UTF8.GetString(message.Body));
        Assert.Equal("TagA", message.Tags);
        Assert.Equal("k1 k2", message.Keys);
        Assert.Equal("ABC", message.UniqueKey);
        Assert.Null(message.GetProperty("WAIT"));
    }

    [Fact]
    public void RecordsOfDifferentTopicsInOneBuffer_EachKeepItsOwnTopic()
    {
        // A pull shares one topic, a query need not: the decoder reuses the previous record's
        // topic only when the stored bytes spell the same name.
        string[] topics = ["Orders", "Orders", "Ordert", "Bestellungen-ü", "Bestellungen-ü", "Orders"];
        var buffer = topics.SelectMany(t => new RecordBuilder { Topic = t, Body = "x"u8.ToArray() }.Build()).ToArray();

        var decoded = MessageDecoder.DecodeAll(buffer);

        Assert.Equal(topics, decoded.Select(m => m.Topic));
    }

    [Fact]
    public void QueueOffsets_SetAfterDecoding_AppearAmongTheStoredProperties_BeforeOrAfterTheyAreRead()
    {
        var record = new RecordBuilder { Properties = new() { ["TAGS"] = "TagA" } }.Build();
        var unread = Assert.Single(MessageDecoder.DecodeAll(record));
        var read = Assert.Single(MessageDecoder.DecodeAll(record));
        Assert.Equal("TagA", read.Tags);

        unread.SetQueueOffsets(3, 90);
        read.SetQueueOffsets(3, 90);

        foreach (var message in new[] { unread, read })
        {
            Assert.Equal("TagA", message.Tags);
            Assert.Equal("3", message.GetProperty(MessageProperty.MinOffset));
            Assert.Equal("90", message.Properties[MessageProperty.MaxOffset]);
            Assert.Equal(3, message.Properties.Count);
        }
    }

    [Fact]
    public async Task ThreadsReadingTheSameDecodedMessageAtOnce_AllSeeItsProperties()
    {
        var record = new RecordBuilder { Properties = new() { ["TAGS"] = "TagA", ["KEYS"] = "k" } }.Build();
        var buffer = Enumerable.Repeat(record, 2_000).SelectMany(r => r).ToArray();
        var messages = MessageDecoder.DecodeAll(buffer);
        int wrong = 0;

        using var start = new Barrier(4);
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                foreach (var message in messages)
                {
                    if (message.Tags != "TagA" || message.Keys != "k")
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(readers);

        Assert.Equal(2_000, messages.Count);
        Assert.Equal(0, wrong);
    }

    [Fact]
    public void Properties_RoundTrip_RandomMaps()
    {
        var random = new Random(42);
        for (int round = 0; round < 200; round++)
        {
            var map = new Dictionary<string, string>();
            int count = random.Next(0, 8);
            for (int i = 0; i < count; i++)
            {
                map["k" + random.Next(1000)] = new string((char)random.Next('a', 'z' + 1), random.Next(1, 20)) + " é中";
            }

            Assert.Equal(map, MessageProperties.Decode(MessageProperties.Encode(map)));
            Assert.Equal(MessageProperties.Encode((IEnumerable<KeyValuePair<string, string>>)map), MessageProperties.Encode(map));
        }
    }

    [Fact]
    public void DecodeAll_StopsCleanly_AtEveryTruncation()
    {
        var one = new RecordBuilder { Properties = new() { ["TAGS"] = "a" } }.Build();
        var two = one.Concat(new RecordBuilder { QueueOffset = 1 }.Build()).ToArray();
        for (int cut = 0; cut <= two.Length; cut++)
        {
            int expected = cut >= two.Length ? 2 : cut >= one.Length ? 1 : 0;
            Assert.Equal(expected, MessageDecoder.DecodeAll(two.AsMemory(0, cut)).Count);
        }
    }

    [Fact]
    public void DecodeAll_ReadsConcatenatedRecords_AndStopsAtATornTail()
    {
        var first = new RecordBuilder { QueueOffset = 0, Body = "a"u8.ToArray() }.Build();
        var second = new RecordBuilder { QueueOffset = 1, Body = "bb"u8.ToArray() }.Build();
        var third = new RecordBuilder { QueueOffset = 2 }.Build();
        var buffer = first.Concat(second).Concat(third.Take(third.Length - 3)).ToArray();

        var messages = MessageDecoder.DecodeAll(buffer);

        Assert.Equal([0L, 1L], messages.Select(m => m.QueueOffset));
        Assert.Equal("bb", Encoding.UTF8.GetString(messages[1].Body));
    }

    [Fact]
    public void DecodeAll_InflatesZlibBodies_WhenSysFlagHasCompressedBit()
    {
        var original = Encoding.UTF8.GetBytes(new string('x', 5000));
        var record = new RecordBuilder { SysFlag = 0x1, Body = MessageDecoder.Deflate(original) }.Build();

        var message = Assert.Single(MessageDecoder.DecodeAll(record));

        Assert.Equal(original, message.Body);
        Assert.Equal(1, message.SysFlag & 1);
    }

    [Fact]
    public void DecodeAll_KeepsStoredBody_WhenCompressionIsUnsupportedOrCorrupt()
    {
        var lz4 = new RecordBuilder { SysFlag = 0x1 | (1 << 8), Body = [1, 2, 3] }.Build();
        var corrupt = new RecordBuilder { SysFlag = 0x1, Body = [9, 9, 9] }.Build();

        var messages = MessageDecoder.DecodeAll(lz4.Concat(corrupt).ToArray());

        Assert.Equal(2, messages.Count);
        Assert.Equal([1, 2, 3], messages[0].Body);
        Assert.Equal([9, 9, 9], messages[1].Body);
    }

    [Fact]
    public void DecodeAll_ReadsIpv6Hosts()
    {
        var record = new RecordBuilder
        {
            BornHost = new IPEndPoint(IPAddress.Parse("fe80::1"), 1234),
            StoreHost = new IPEndPoint(IPAddress.Parse("2001:db8::5"), 10911),
            CommitLogOffset = 5,
        }.Build();

        var message = Assert.Single(MessageDecoder.DecodeAll(record));

        Assert.Equal(IPAddress.Parse("fe80::1"), message.BornHost.Address);
        Assert.Equal(IPAddress.Parse("2001:db8::5"), message.StoreHost.Address);
        Assert.Equal(56, message.MsgId.Length);
    }

    [Fact]
    public void DecodeAll_ReturnsNothing_ForGarbage()
    {
        Assert.Empty(MessageDecoder.DecodeAll(new byte[] { 0, 0, 0, 5, 1, 2, 3 }));
        Assert.Empty(MessageDecoder.DecodeAll(Array.Empty<byte>()));
    }

    [Fact]
    public void Properties_RoundTrip_WithoutTrailingSeparator()
    {
        var text = MessageProperties.Encode([new("TAGS", "a"), new("KEYS", "k1 k2")]);
        Assert.Equal("TAGS\u0001a\u0002KEYS\u0001k1 k2", text);
        Assert.Equal(new Dictionary<string, string> { ["TAGS"] = "a", ["KEYS"] = "k1 k2" }, MessageProperties.Decode(text));
    }

    [Fact]
    public void Properties_Decode_SkipsShortAndMalformedSegments()
    {
        var map = MessageProperties.Decode("TAGS\u0001null\u0002\u0002x\u0002noseparator\u0002K\u0001v\u0002");
        Assert.Equal(new Dictionary<string, string> { ["TAGS"] = "null", ["K"] = "v" }, map);
    }

    [Fact]
    public void OffsetId_RoundTrips_AndParsesDocExample()
    {
        Assert.True(MessageId.TryParseAnyHost("C0A8010100002A9F0000000000001A2B", out var host, out long offset));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.168.1.1"), 10911), host);
        Assert.Equal(0x1A2B, offset);
        Assert.Equal("C0A8010100002A9F0000000000001A2B", MessageId.Create(host, offset));
        Assert.False(MessageId.TryParseAnyHost("XYZ", out _, out _));
        Assert.False(MessageId.TryParseAnyHost("ZZA8010100002A9F0000000000001A2B", out _, out _));
    }

    [Fact]
    public void UniqueId_Is32HexChars_AndUnique()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => UniqueMessageId.Create()).ToList();
        Assert.All(ids, id => Assert.Matches("^[0-9A-F]{32}$", id));
        Assert.Equal(1000, ids.Distinct().Count());
    }

    [Fact]
    public void Batch_EncodesItemsBackToBack()
    {
        var m1 = new Message("T", "TagA", "ab"u8.ToArray()) { Flag = 9 };
        var m2 = new Message("T", "xyz"u8.ToArray());
        var body = MessageBatch.Encode([m1, m2]);

        var span = body.AsSpan();
        int size1 = BinaryPrimitives.ReadInt32BigEndian(span);
        Assert.Equal(0, BinaryPrimitives.ReadInt32BigEndian(span[4..]));
        Assert.Equal(0, BinaryPrimitives.ReadInt32BigEndian(span[8..]));
        Assert.Equal(9, BinaryPrimitives.ReadInt32BigEndian(span[12..]));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(span[16..]));
        Assert.Equal("ab", Encoding.UTF8.GetString(span.Slice(20, 2)));
        short propLength = BinaryPrimitives.ReadInt16BigEndian(span[22..]);
        Assert.Equal(
            new Dictionary<string, string> { ["WAIT"] = "true", ["TAGS"] = "TagA" },
            MessageProperties.Decode(Encoding.UTF8.GetString(span.Slice(24, propLength))));
        Assert.Equal(24 + propLength, size1);

        var second = span[size1..];
        Assert.Equal(second.Length, BinaryPrimitives.ReadInt32BigEndian(second));
        Assert.Equal(3, BinaryPrimitives.ReadInt32BigEndian(second[16..]));
        Assert.Equal("WAIT\u0001true", Encoding.UTF8.GetString(second.Slice(25, BinaryPrimitives.ReadInt16BigEndian(second[23..]))));
    }

    [Fact]
    public void Message_DelayAndWaitProperties()
    {
        var message = new Message("T", [1]) { DelayTimeLevel = 3, WaitStoreMsgOk = false };
        Assert.Equal("3", message.GetProperty("DELAY"));
        Assert.Equal("false", message.GetProperty("WAIT"));
        message.DelayTimeLevel = 0;
        Assert.Null(message.GetProperty("DELAY"));
        Assert.False(message.WaitStoreMsgOk);
    }
}
