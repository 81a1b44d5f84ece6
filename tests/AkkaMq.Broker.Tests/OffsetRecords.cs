using AkkaMq.Store;

namespace AkkaMq.Broker.Tests;

/// <summary>The consumer-offset records of a store's log, read back for tests.</summary>
internal static class OffsetRecords
{
    /// <summary>Every record body of the offsets queue, oldest first.</summary>
    public static List<byte[]> Bodies(MessageStore store)
    {
        var bodies = new List<byte[]>();
        Span<QueueEntry> entry = stackalloc QueueEntry[1];
        for (long offset = store.GetMinOffset(OffsetSnapshot.Topic, 0); offset < store.GetMaxOffset(OffsetSnapshot.Topic, 0); offset++)
        {
            if (store.ReadQueue(OffsetSnapshot.Topic, 0, offset, entry, default, 1).Count == 1
                && store.TryGetMessage(entry[0].CommitLogOffset, entry[0].Size, out StoredBytes bytes))
            {
                using (bytes)
                {
                    bodies.Add(MessageRecordLayout.Body(bytes.Span).ToArray());
                }
            }
        }

        return bodies;
    }

    /// <summary>Whole-table snapshots in the log (delta records left out).</summary>
    public static long CountSnapshots(MessageStore store) => Bodies(store).Count(b => !OffsetSnapshot.IsDelta(b));

    /// <summary>Delta records in the log.</summary>
    public static List<byte[]> Deltas(MessageStore store) => Bodies(store).Where(b => OffsetSnapshot.IsDelta(b)).ToList();
}
