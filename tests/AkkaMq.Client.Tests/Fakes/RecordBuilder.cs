using System.Buffers.Binary;
using System.Net;
using System.Text;
using AkkaMq.Client;

namespace AkkaMq.Client.Tests.Fakes;

/// <summary>Builds stored records (wire doc 4.1) the way a broker writes them, for decoding tests and the fake broker.</summary>
internal sealed record RecordBuilder
{
    public string Topic { get; init; } = "T";

    public int QueueId { get; init; }

    public int Flag { get; init; }

    public long QueueOffset { get; init; }

    public long CommitLogOffset { get; init; }

    public int SysFlag { get; init; }

    public long BornTimestamp { get; init; } = 1_700_000_000_000;

    public IPEndPoint BornHost { get; init; } = new(IPAddress.Parse("10.0.0.9"), 50000);

    public long StoreTimestamp { get; init; } = 1_700_000_000_100;

    public IPEndPoint StoreHost { get; init; } = new(IPAddress.Parse("192.168.1.1"), 10911);

    public int ReconsumeTimes { get; init; }

    public byte[] Body { get; init; } = "hello"u8.ToArray();

    public Dictionary<string, string> Properties { get; init; } = [];

    public byte[] Build()
    {
        var topic = Encoding.UTF8.GetBytes(Topic);
        var properties = Encoding.UTF8.GetBytes(MessageProperties.Encode(Properties));
        var born = BornHost.Address.GetAddressBytes();
        var store = StoreHost.Address.GetAddressBytes();
        int size = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + born.Length + 4 + 8 + store.Length + 4 + 4 + 8
            + 4 + Body.Length + 1 + topic.Length + 2 + properties.Length;
        var buffer = new byte[size];
        var w = new Writer(buffer);
        w.Int32(size);
        w.Int32(unchecked((int)0xDAA320A7));
        w.Int32(0);
        w.Int32(QueueId);
        w.Int32(Flag);
        w.Int64(QueueOffset);
        w.Int64(CommitLogOffset);
        w.Int32(SysFlag | (born.Length == 16 ? 0x10 : 0) | (store.Length == 16 ? 0x20 : 0));
        w.Int64(BornTimestamp);
        w.Bytes(born);
        w.Int32(BornHost.Port);
        w.Int64(StoreTimestamp);
        w.Bytes(store);
        w.Int32(StoreHost.Port);
        w.Int32(ReconsumeTimes);
        w.Int64(0);
        w.Int32(Body.Length);
        w.Bytes(Body);
        buffer[w.Position++] = (byte)topic.Length;
        w.Bytes(topic);
        BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(w.Position), (short)properties.Length);
        w.Position += 2;
        w.Bytes(properties);
        return buffer;
    }

    private sealed class Writer(byte[] buffer)
    {
        public int Position { get; set; }

        public void Int32(int value)
        {
            BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(Position), value);
            Position += 4;
        }

        public void Int64(long value)
        {
            BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(Position), value);
            Position += 8;
        }

        public void Bytes(byte[] bytes)
        {
            bytes.CopyTo(buffer, Position);
            Position += bytes.Length;
        }
    }
}
