using System.Buffers.Binary;
using System.Text;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;

namespace AkkaMq.Remoting.Tests.Protocol;

/// <summary>
/// The send header's batch flag (V1 <c>batch</c>, V2 <c>m</c>) as each client spells it, read from
/// JSON and binary frames: Java writes "true", the C++ client "1" (2.2.0) or "true" (master),
/// non-Java JSON writers a bare <c>true</c> or <c>1</c>.
/// </summary>
public sealed class SendBatchFlagTests
{
    private const string V2Fields = "\"a\":\"PG\",\"b\":\"T\",\"c\":\"TBW102\",\"d\":\"4\",\"e\":\"0\",\"f\":\"0\",\"g\":\"1700000000000\",\"h\":\"0\"";
    private const string V1Fields = "\"producerGroup\":\"PG\",\"topic\":\"T\",\"defaultTopic\":\"TBW102\",\"defaultTopicQueueNums\":4,\"queueId\":0,\"sysFlag\":0,\"bornTimestamp\":1700000000000,\"flag\":0";

    [Theory]
    [InlineData("true", true)]
    [InlineData("\"true\"", true)]
    [InlineData("\"TRUE\"", true)]
    [InlineData("\"1\"", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("\"false\"", false)]
    [InlineData("\"0\"", false)]
    [InlineData("0", false)]
    [InlineData("\"yes\"", false)]
    [InlineData("\"\"", false)]
    public void JsonHeader_ReadsTheBatchFlag_InBothKeyStyles(string json, bool expected)
    {
        var v2 = Frames.DecodeSingle(Frames.Json("{\"code\":310,\"extFields\":{" + V2Fields + ",\"m\":" + json + "},\"flag\":0,\"language\":\"CPP\",\"opaque\":1,\"version\":409}"));
        var v1 = Frames.DecodeSingle(Frames.Json("{\"code\":10,\"extFields\":{" + V1Fields + ",\"batch\":" + json + "},\"flag\":0,\"language\":\"CPP\",\"opaque\":2,\"version\":409}"));

        Assert.True(SendMessageRequestHeader.TryDecode(v2, out var fromV2, out var error), error);
        Assert.True(SendMessageRequestHeader.TryDecode(v1, out var fromV1, out error), error);
        Assert.Equal(expected, fromV2.Batch);
        Assert.Equal(expected, fromV1.Batch);
        Assert.Equal("T", fromV1.Topic);
    }

    [Fact]
    public void JsonHeader_WithoutTheFlag_LeavesItUnset()
    {
        var v2 = Frames.DecodeSingle(Frames.Json("{\"code\":310,\"extFields\":{" + V2Fields + "},\"flag\":0,\"language\":\"CPP\",\"opaque\":1,\"version\":409}"));

        Assert.True(SendMessageRequestHeader.TryDecode(v2, out var header, out var error), error);
        Assert.Null(header.Batch);
    }

    [Theory]
    [InlineData(310, "m", "1", true)]
    [InlineData(310, "m", "true", true)]
    [InlineData(310, "m", "True", true)]
    [InlineData(310, "m", "0", false)]
    [InlineData(10, "batch", "1", true)]
    [InlineData(10, "batch", "true", true)]
    [InlineData(10, "batch", "false", false)]
    [InlineData(320, "m", "1", true)]
    public void BinaryHeader_ReadsTheBatchFlag(int code, string key, string value, bool expected)
    {
        var fields = code == 10
            ? new[] { ("producerGroup", "PG"), ("topic", "T"), ("defaultTopic", "TBW102"), ("defaultTopicQueueNums", "4"), ("queueId", "0"), ("sysFlag", "0"), ("bornTimestamp", "1"), ("flag", "0") }
            : new[] { ("a", "PG"), ("b", "T"), ("c", "TBW102"), ("d", "4"), ("e", "0"), ("f", "0"), ("g", "1"), ("h", "0") };
        var request = Frames.DecodeSingle(Frames.Build(SerializeType.RocketMq, BinaryHeader(code, [.. fields, (key, value)]), "body"u8.ToArray()));

        Assert.Equal(SerializeType.RocketMq, request.SerializeType);
        Assert.True(SendMessageRequestHeader.TryDecode(request, out var header, out var error), error);
        Assert.Equal(expected, header.Batch);
    }

    [Fact]
    public void EncodedFlag_IsJavasSpelling()
    {
        var header = new SendMessageRequestHeader { ProducerGroup = "PG", Topic = "T", DefaultTopic = "TBW102", Batch = true };

        var request = CommandHeader.CreateRequest(RequestCode.SendBatchMessage, header, style: HeaderKeyStyle.Short);

        Assert.Equal("true", request.ExtFields["m"]);
    }

    /// <summary>Binary header (wire doc 1.3): code, language CPP, version, opaque, flag, no remark, then the ext map.</summary>
    private static byte[] BinaryHeader(int code, (string Key, string Value)[] fields)
    {
        var ext = new MemoryStream();
        foreach (var (key, value) in fields)
        {
            byte[] k = Encoding.UTF8.GetBytes(key);
            byte[] v = Encoding.UTF8.GetBytes(value);
            var entry = new byte[2 + k.Length + 4 + v.Length];
            BinaryPrimitives.WriteInt16BigEndian(entry, (short)k.Length);
            k.CopyTo(entry, 2);
            BinaryPrimitives.WriteInt32BigEndian(entry.AsSpan(2 + k.Length), v.Length);
            v.CopyTo(entry, 6 + k.Length);
            ext.Write(entry);
        }

        var header = new byte[17 + 4 + ext.Length];
        BinaryPrimitives.WriteInt16BigEndian(header, (short)code);
        header[2] = 1;
        BinaryPrimitives.WriteInt16BigEndian(header.AsSpan(3), 409);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(5), 7);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(17), (int)ext.Length);
        ext.ToArray().CopyTo(header, 21);
        return header;
    }
}
