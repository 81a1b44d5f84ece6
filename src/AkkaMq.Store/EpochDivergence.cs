namespace AkkaMq.Store;

/// <summary>
/// Where a replica's log stops matching its master's (RocketMQ 5's rule): the newest epoch both
/// epoch tables hold with the same number AND the same start offset is common; records up to the
/// end of that epoch on whichever side ends it first are identical. Everything after is truncated.
/// </summary>
public static class EpochDivergence
{
    /// <summary>
    /// The offset the replica's log must be truncated to, or null when the tables share no epoch
    /// (nothing of the replica's log can be trusted: truncate all of it). A result equal to
    /// <paramref name="replicaEnd"/> means nothing needs truncating.
    /// </summary>
    /// <param name="master">The master's epoch table, epochs and offsets increasing.</param>
    /// <param name="masterEnd">The end of the master's log.</param>
    /// <param name="replica">The replica's epoch table.</param>
    /// <param name="replicaEnd">The end of the replica's log.</param>
    public static long? TruncationPoint(IReadOnlyList<EpochEntry> master, long masterEnd, IReadOnlyList<EpochEntry> replica, long replicaEnd)
    {
        ArgumentNullException.ThrowIfNull(master);
        ArgumentNullException.ThrowIfNull(replica);
        for (int r = replica.Count - 1; r >= 0; r--)
        {
            int m = IndexOf(master, replica[r]);
            if (m < 0)
            {
                continue;
            }
            long endOnMaster = m + 1 < master.Count ? master[m + 1].StartOffset : masterEnd;
            long endOnReplica = r + 1 < replica.Count ? replica[r + 1].StartOffset : replicaEnd;
            return Math.Min(Math.Min(endOnMaster, endOnReplica), replicaEnd);
        }
        return null;
    }

    private static int IndexOf(IReadOnlyList<EpochEntry> table, EpochEntry entry)
    {
        for (int i = table.Count - 1; i >= 0; i--)
        {
            if (table[i] == entry)
            {
                return i;
            }
            if (table[i].Epoch < entry.Epoch)
            {
                break;
            }
        }
        return -1;
    }
}
