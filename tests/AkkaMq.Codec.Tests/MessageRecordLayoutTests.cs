using System.Buffers.Binary;
using System.Text;

namespace AkkaMq.Codec.Tests;

public sealed class MessageRecordLayoutTests
{
    private static readonly IPv4Endpoint Born = new(0x0A000009, 50000);
    private static readonly IPv4Endpoint Store = new(0xC0A80101, 10911);
    private const string Properties = "TAGS\u0001a\u0002KEYS\u0001k1";

    [Fact]
    public void Encode_WritesDocumentedLayout_ThatCheckAcceptsAndTryReadReadsBack()
    {
        byte[] record = Encode("T", "body", physicalOffset: 4096);

        Assert.Equal(91 + 4 + 1 + Properties.Length, record.Length);
        Assert.Equal(new byte[] { 0xDA, 0xA3, 0x20, 0xA7 }, record[4..8]);
        Assert.Equal(RecordCheck.Valid, MessageRecordLayout.Check(record, 4096, 1 << 20, out int checkedSize));
        Assert.Equal(record.Length, checkedSize);
        Assert.Equal(RecordCheck.Corrupt, MessageRecordLayout.Check(record, 4097, 1 << 20, out _));

        Assert.True(MessageRecordLayout.TryRead(record, out StoredRecordFields f));
        Assert.Equal((record.Length, 3, 7, 9L, 4096L, 1_700_000_000_000L, 1234L, 2, 77L),
            (f.TotalSize, f.QueueId, f.Flag, f.QueueOffset, f.PhysicalOffset, f.BornTimestamp, f.StoreTimestamp, f.ReconsumeTimes, f.PreparedTransactionOffset));
        Assert.Equal(Crc32.BodyCrc("body"u8), f.BodyCrc);
        Assert.Equal(Born, IPv4Endpoint.Read(record.AsSpan()[f.BornHost]));
        Assert.Equal(Store, IPv4Endpoint.Read(record.AsSpan()[f.StoreHost]));
        Assert.Equal("body", Encoding.UTF8.GetString(record.AsSpan()[f.Body]));
        Assert.Equal("T", Encoding.UTF8.GetString(record.AsSpan()[f.Topic]));
        Assert.Equal(Properties, Encoding.UTF8.GetString(record.AsSpan()[f.Properties]));
    }

    [Fact]
    public void TryRead_FailsAtEveryTruncation_AndReadsOnlyTheFirstOfTwoRecords()
    {
        byte[] record = Encode("Topic", "payload", physicalOffset: 0);
        for (int cut = 0; cut < record.Length; cut++)
        {
            Assert.False(MessageRecordLayout.TryRead(record.AsSpan(0, cut), out _));
        }

        byte[] two = [.. record, .. Encode("Other", "x", physicalOffset: record.Length)];
        Assert.True(MessageRecordLayout.TryRead(two, out StoredRecordFields f));
        Assert.Equal(record.Length, f.TotalSize);
        Assert.Equal("Topic", Encoding.UTF8.GetString(two.AsSpan()[f.Topic]));
    }

    [Fact]
    public void TryRead_ReadsAnIPv6StoreHost_WhichThisStoreRefuses()
    {
        byte[] v4 = Encode("T", "body", physicalOffset: 0);
        byte[] v6 = WithIPv6StoreHost(v4);

        Assert.True(MessageRecordLayout.TryRead(v6, out StoredRecordFields f));
        Assert.Equal(20, f.StoreHost.GetOffsetAndLength(v6.Length).Length);
        Assert.Equal(10911, BinaryPrimitives.ReadInt32BigEndian(v6.AsSpan()[f.StoreHost][16..]));
        Assert.Equal(1234L, f.StoreTimestamp);
        Assert.Equal("body", Encoding.UTF8.GetString(v6.AsSpan()[f.Body]));
        Assert.Equal(Properties, Encoding.UTF8.GetString(v6.AsSpan()[f.Properties]));
        Assert.Equal(RecordCheck.Corrupt, MessageRecordLayout.Check(v6, 0, 1 << 20, out _));
    }

    [Fact]
    public void TryReadAndCheck_Refuse_AHostPortOutsideTheValidRange()
    {
        byte[] record = Encode("T", "body", physicalOffset: 0);
        BinaryPrimitives.WriteInt32BigEndian(record.AsSpan(MessageRecordLayout.StoreHostOffset + 4), 70000);

        Assert.False(MessageRecordLayout.TryRead(record, out _));
        Assert.Equal(RecordCheck.Corrupt, MessageRecordLayout.Check(record, 0, 1 << 20, out _));
    }

    private static byte[] Encode(string topic, string body, long physicalOffset)
    {
        var m = new MessageToStore(topic, 3, 7, Encoding.UTF8.GetBytes(body), Properties, 1_700_000_000_000, Born, Store,
            ReconsumeTimes: 2, PreparedTransactionOffset: 77);
        int topicBytes = Encoding.UTF8.GetByteCount(topic);
        var record = new byte[MessageRecordLayout.CalcSize(m.Body.Length, topicBytes, Properties.Length)];
        MessageRecordLayout.Encode(record, m, topicBytes, Properties.Length, physicalOffset, 9, 1234);
        return record;
    }

    /// <summary>The record as a broker with an IPv6 store host writes it: SYSFLAG 0x20 and 16 address bytes.</summary>
    private static byte[] WithIPv6StoreHost(byte[] v4)
    {
        int at = MessageRecordLayout.StoreHostOffset;
        byte[] address = System.Net.IPAddress.Parse("2001:db8::5").GetAddressBytes();
        byte[] v6 = [.. v4.AsSpan(0, at), .. address, .. v4.AsSpan(at + 4)];
        BinaryPrimitives.WriteInt32BigEndian(v6, v6.Length);
        int sysFlag = BinaryPrimitives.ReadInt32BigEndian(v6.AsSpan(MessageRecordLayout.SysFlagOffset));
        BinaryPrimitives.WriteInt32BigEndian(v6.AsSpan(MessageRecordLayout.SysFlagOffset), sysFlag | MessageRecordLayout.SysFlagStoreHostV6);
        return v6;
    }
}
