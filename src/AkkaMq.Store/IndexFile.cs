using System.Buffers.Binary;

namespace AkkaMq.Store;

/// <summary>
/// One hash index file, RocketMQ's layout with configurable slot and entry counts.
/// <code>
/// header 40:  beginTimestamp 8, endTimestamp 8, beginPhyOffset 8, endPhyOffset 8, slotCount 4, indexCount 4 (starts at 1)
/// slots:      slotCount x 4   newest entry number in the slot, 0 = empty
/// entries:    n x 20          keyHash 4, commit-log offset 8, seconds since beginTimestamp 4, previous entry number 4
/// </code>
/// Little-endian (our own file, never on the wire). The writer writes an entry, then its slot,
/// then the header count, so a reader following a slot never reaches an unwritten entry.
/// </summary>
public sealed class IndexFile
{
    public const int HeaderSize = 40;
    public const int EntrySize = 20;
    private const int BeginTsAt = 0, EndTsAt = 8, BeginPhyAt = 16, EndPhyAt = 24, SlotCountAt = 32, CountAt = 36;

    private const long PacedSlice = 256 * 1024;
    private readonly int _slots;
    private readonly int _maxEntries;

    public IndexFile(MappedSegment segment, int slots, int maxEntries)
    {
        Segment = segment;
        _slots = slots;
        _maxEntries = maxEntries;
    }

    public MappedSegment Segment { get; }

    public static long FileSize(int slots, int maxEntries) => HeaderSize + (4L * slots) + (20L * maxEntries);

    public int Count => Volatile.Read(ref Int(CountAt));

    public bool IsFull => Count >= _maxEntries;

    public long BeginTimestamp => Long(BeginTsAt);

    public long EndTimestamp => Long(EndTsAt);

    public long BeginPhyOffset => Long(BeginPhyAt);

    public long EndPhyOffset => Long(EndPhyAt);

    public void InitHeader()
    {
        Int(SlotCountAt) = _slots;
        Volatile.Write(ref Int(CountAt), 1);
    }

    /// <summary>Adds a key; false when full. Writer only.</summary>
    public bool Put(int keyHash, long phyOffset, long storeTimestamp)
    {
        int n = Count;
        if (n >= _maxEntries)
        {
            return false;
        }
        if (n == 1)
        {
            Long(BeginTsAt) = storeTimestamp;
            Long(BeginPhyAt) = phyOffset;
        }
        int slot = SlotOf(keyHash);
        ref int slotRef = ref Int(HeaderSize + (4L * slot));
        Span<byte> e = Segment.Span(EntryAt(n), EntrySize);
        BinaryPrimitives.WriteInt32LittleEndian(e, keyHash);
        BinaryPrimitives.WriteInt64LittleEndian(e.Slice(4), phyOffset);
        BinaryPrimitives.WriteInt32LittleEndian(e.Slice(12), (int)Math.Max(0, (storeTimestamp - BeginTimestamp) / 1000));
        BinaryPrimitives.WriteInt32LittleEndian(e.Slice(16), slotRef);
        Volatile.Write(ref slotRef, n);
        Long(EndTsAt) = storeTimestamp;
        Long(EndPhyAt) = phyOffset;
        Volatile.Write(ref Int(CountAt), n + 1);
        return true;
    }

    /// <summary>Adds commit-log offsets of entries for <paramref name="keyHash"/> stored in [beginTs, endTs] (second precision), newest first.</summary>
    public void Query(int keyHash, long beginTs, long endTs, List<long> results, int max)
    {
        int count = Count;
        int n = Volatile.Read(ref Int(HeaderSize + (4L * SlotOf(keyHash))));
        long begin = BeginTimestamp;
        while (n > 0 && n < count && results.Count < max)
        {
            ReadOnlySpan<byte> e = Segment.Span(EntryAt(n), EntrySize);
            long ts = begin + (1000L * BinaryPrimitives.ReadInt32LittleEndian(e.Slice(12)));
            if (BinaryPrimitives.ReadInt32LittleEndian(e) == keyHash && ts >= beginTs - 1000 && ts <= endTs)
            {
                results.Add(BinaryPrimitives.ReadInt64LittleEndian(e.Slice(4)));
            }
            int prev = BinaryPrimitives.ReadInt32LittleEndian(e.Slice(16));
            n = prev < n ? prev : 0;
        }
    }

    /// <summary>
    /// Drops entries at or past <paramref name="phyOffset"/>; returns the entries left. Writer only.
    /// Also repairs the slot chains when a slot leads past the entries (after a power cut: the
    /// flush that made a slot durable ran while the writer went on, so the entry it names, and
    /// the link to the older entries in that entry, may be missing).
    /// </summary>
    public int TruncateFrom(long phyOffset)
    {
        int count = Count;
        int keep = count;
        while (keep > 1 && BinaryPrimitives.ReadInt64LittleEndian(Segment.Span(EntryAt(keep - 1) + 4, 8)) >= phyOffset)
        {
            keep--;
        }
        if (keep == count && SlotsLeadToEntries(count))
        {
            return keep - 1;
        }
        Volatile.Write(ref Int(CountAt), keep);
        RebuildChains(keep);
        Segment.Span(EntryAt(keep), (count - keep) * EntrySize).Clear();
        ReadOnlySpan<byte> last = Segment.Span(EntryAt(keep - 1), EntrySize);
        Long(EndPhyAt) = keep > 1 ? BinaryPrimitives.ReadInt64LittleEndian(last.Slice(4)) : 0;
        Long(EndTsAt) = keep > 1 ? BeginTimestamp + (1000L * BinaryPrimitives.ReadInt32LittleEndian(last.Slice(12))) : 0;
        Segment.Flush(0, Segment.Size);
        return keep - 1;
    }

    /// <summary>msync of header, slots and written entries; skipped if the file was retired meanwhile.</summary>
    /// <param name="paced">
    /// Write the dirty pages out a slice at a time with a short pause between slices before the
    /// flush. Keys land on random pages of the slot table, so a checkpoint has up to its whole
    /// 20 MB to write; in one go that queues ahead of every group commit's flush meanwhile.
    /// </param>
    public void Flush(bool paced = false)
    {
        if (Segment.TryAcquire())
        {
            try
            {
                long end = EntryAt(Count);
                if (paced)
                {
                    for (long at = 0; at < end; at += PacedSlice)
                    {
                        Segment.WriteOut(at, Math.Min(end, at + PacedSlice));
                        // The checkpoint's own thread; nothing else waits for it.
                        Thread.Sleep(1);
                    }
                }

                Segment.Flush(0, end);
            }
            finally
            {
                Segment.Release();
            }
        }
    }

    /// <summary>True when every slot is empty or names an entry below <paramref name="count"/> that hashes to it.</summary>
    private bool SlotsLeadToEntries(int count)
    {
        for (int s = 0; s < _slots; s++)
        {
            int n = Int(HeaderSize + (4L * s));
            if (n != 0 && (n >= count || SlotOf(BinaryPrimitives.ReadInt32LittleEndian(Segment.Span(EntryAt(n), 4))) != s))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Rewrites every slot and every entry's link to the previous one from the entries below <paramref name="count"/>, in order.</summary>
    private void RebuildChains(int count)
    {
        Segment.Span(HeaderSize, 4 * _slots).Clear();
        for (int n = 1; n < count; n++)
        {
            Span<byte> e = Segment.Span(EntryAt(n), EntrySize);
            ref int slotRef = ref Int(HeaderSize + (4L * SlotOf(BinaryPrimitives.ReadInt32LittleEndian(e))));
            BinaryPrimitives.WriteInt32LittleEndian(e.Slice(16), slotRef);
            slotRef = n;
        }
    }

    private long EntryAt(int n) => HeaderSize + (4L * _slots) + ((long)n * EntrySize);

    private int SlotOf(int keyHash) => (int)((uint)keyHash % (uint)_slots);

    private unsafe ref int Int(long at) => ref *(int*)(Segment.Pointer + at);

    private unsafe ref long Long(long at) => ref *(long*)(Segment.Pointer + at);
}
