using System.Buffers.Binary;
using System.Globalization;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Store;

namespace AkkaMq.Broker.Replication;

/// <summary>
/// The commit-log replication stream between a group's master and its followers: RocketMQ frames on
/// a listener of its own (akkamq.broker.replication.listen, not the client port), with private
/// request and response codes from 30000 up, far from RocketMQ's own (below 1000 and 2000-2100).
/// Pull-based: a follower has one FETCH in flight; the master answers it at once when it has
/// records past the follower's offset and otherwise holds it up to fetch-wait.
///
/// HELLO (30001), follower to master. Ext fields: group, brokerId, nodeName, endOffset, minOffset,
/// segmentSize (the commit-log segment size, which must equal the master's: logs are byte-identical).
/// Body: the follower's epoch table (see <see cref="EncodeEpochs"/>). Answers: 0 with masterEpoch,
/// masterMinOffset, masterEndOffset and the master's epoch table as body; 30101 TRUNCATE with the
/// same fields plus truncateTo (-1: the whole log) when the follower's log diverges or lies wholly
/// below the master's first offset; 30102 NOT_MASTER; 30103 WRONG_GROUP; 30107 BAD_REQUEST (also a
/// different segment size).
///
/// FETCH (30002), follower to master, also the follower's progress report. Ext fields: offset (the
/// follower's written end), flushedOffset, knownEpoch (the newest master epoch the follower knows).
/// Answer 0: masterEpoch, recordsEpoch, recordsEpochStart, masterEndOffset, masterFlushedOffset,
/// nextOffset, readableOffset (what every in-sync member holds, -1: all; the follower serves consumers
/// no further, since a later election may take back what lies beyond); body: whole
/// records from offset, all of recordsEpoch, at most max-batch-size bytes (one larger record alone),
/// never past a segment end (a filler travels as its 8-byte header). Refusals: 30102 NOT_MASTER
/// (also when knownEpoch is newer than the master's), 30104 OFFSET_UNAVAILABLE (say hello again),
/// 30105 HELLO_FIRST, 30106 FETCH_IN_FLIGHT, 30107 BAD_REQUEST.
/// </summary>
public static class ReplicationProtocol
{
    public const int HelloRequest = 30001;
    public const int FetchRequest = 30002;

    public const int Ok = 0;
    public const int Truncate = 30101;
    public const int NotMaster = 30102;
    public const int WrongGroup = 30103;
    public const int OffsetUnavailable = 30104;
    public const int HelloFirst = 30105;
    public const int FetchInFlight = 30106;
    public const int BadRequest = 30107;

    public const string Group = "group";
    public const string BrokerId = "brokerId";
    public const string NodeName = "nodeName";
    public const string EndOffset = "endOffset";
    public const string MinOffset = "minOffset";
    public const string SegmentSize = "segmentSize";
    public const string MasterEpoch = "masterEpoch";
    public const string MasterMinOffset = "masterMinOffset";
    public const string MasterEndOffset = "masterEndOffset";
    public const string TruncateTo = "truncateTo";
    public const string Offset = "offset";
    public const string FlushedOffset = "flushedOffset";
    public const string KnownEpoch = "knownEpoch";
    public const string RecordsEpoch = "recordsEpoch";
    public const string RecordsEpochStart = "recordsEpochStart";
    public const string NextOffset = "nextOffset";
    public const string MasterFlushedOffset = "masterFlushedOffset";
    public const string ReadableOffset = "readableOffset";

    private const int EntrySize = 12;

    /// <summary>Epoch table on the wire: per entry epoch (int32) then start offset (int64), big-endian.</summary>
    public static byte[] EncodeEpochs(IReadOnlyList<EpochEntry> entries)
    {
        var b = new byte[entries.Count * EntrySize];
        for (int i = 0; i < entries.Count; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(i * EntrySize), entries[i].Epoch);
            BinaryPrimitives.WriteInt64BigEndian(b.AsSpan((i * EntrySize) + 4), entries[i].StartOffset);
        }
        return b;
    }

    /// <summary>Reads an epoch table; throws <see cref="FormatException"/> when the length or ordering is wrong.</summary>
    public static EpochEntry[] DecodeEpochs(ReadOnlySpan<byte> body)
    {
        if (body.Length % EntrySize != 0)
        {
            throw new FormatException($"An epoch table is a multiple of {EntrySize} bytes, not {body.Length}.");
        }
        var entries = new EpochEntry[body.Length / EntrySize];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = new EpochEntry(BinaryPrimitives.ReadInt32BigEndian(body.Slice(i * EntrySize)),
                BinaryPrimitives.ReadInt64BigEndian(body.Slice((i * EntrySize) + 4)));
            if (i > 0 && (entries[i].Epoch <= entries[i - 1].Epoch || entries[i].StartOffset < entries[i - 1].StartOffset))
            {
                throw new FormatException($"Epoch {entries[i].Epoch}@{entries[i].StartOffset} does not follow {entries[i - 1].Epoch}@{entries[i - 1].StartOffset}.");
            }
        }
        return entries;
    }

    internal static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A required integer ext field; throws <see cref="FormatException"/> naming it when absent or malformed.</summary>
    internal static long Long(RemotingCommand command, string key) =>
        long.TryParse(command.GetExtField(key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)
            ? v
            : throw new FormatException($"field {key} is missing or not an integer");

    internal static int Int(RemotingCommand command, string key) => checked((int)Long(command, key));

    /// <summary>A field older peers may not send: its value, or <paramref name="absent"/> when missing or not an integer.</summary>
    internal static long LongOr(RemotingCommand command, string key, long absent) =>
        long.TryParse(command.GetExtField(key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : absent;
}

/// <summary>What makes this node a group's master for the replication stream: its group and epoch.</summary>
public sealed record ReplicationLeadership(string Group, int Epoch);
