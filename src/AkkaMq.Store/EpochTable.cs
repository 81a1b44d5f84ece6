using System.Buffers.Binary;

namespace AkkaMq.Store;

/// <summary>One epoch and the first commit-log offset written in it.</summary>
public readonly record struct EpochEntry(int Epoch, long StartOffset);

/// <summary>
/// The epoch file kept with the log: a list of (epoch, first commit-log offset), epochs and
/// offsets increasing. A returning former master compares it with the new master's and
/// truncates what was never replicated. File: count 4, then per entry epoch 4 + offset 8, then
/// a CRC-32 of everything before it; replaced atomically. Writer-owned; readers get a snapshot.
/// </summary>
public sealed class EpochTable
{
    private readonly string _path;
    private readonly StoreDevice _device;
    private volatile EpochEntry[] _entries = [];

    public EpochTable(string dir, StoreDevice? device = null)
    {
        _path = Path.Combine(dir, "epoch");
        _device = device ?? StoreDevice.Local;
    }

    public IReadOnlyList<EpochEntry> Entries => _entries;

    public EpochEntry? Last => _entries is { Length: > 0 } e ? e[^1] : null;

    public void Load()
    {
        byte[]? b = _device.ReadAllBytes(_path);
        if (b is null)
        {
            return;
        }
        int n = b.Length >= 8 ? BinaryPrimitives.ReadInt32LittleEndian(b) : -1;
        if (n < 0 || b.Length != 8 + (12 * n)
            || BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(b.Length - 4)) != Crc32.Compute(b.AsSpan(0, b.Length - 4)))
        {
            throw new StoreCorruptedException($"{_path} is damaged (bad length or CRC); restore it from a replica.");
        }
        var entries = new EpochEntry[n];
        for (int i = 0; i < n; i++)
        {
            entries[i] = new EpochEntry(BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(4 + (12 * i))),
                BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(8 + (12 * i))));
        }
        _entries = entries;
    }

    /// <summary>Starts <paramref name="epoch"/> at <paramref name="startOffset"/>; a repeat of the last epoch is a no-op.</summary>
    public void Add(int epoch, long startOffset)
    {
        EpochEntry[] e = _entries;
        if (e.Length > 0 && e[^1].Epoch == epoch)
        {
            return;
        }
        if (e.Length > 0 && (epoch < e[^1].Epoch || startOffset < e[^1].StartOffset))
        {
            throw new ArgumentException($"Epoch {epoch}@{startOffset} does not follow {e[^1].Epoch}@{e[^1].StartOffset}.");
        }
        Save([.. e, new EpochEntry(epoch, startOffset)]);
    }

    /// <summary>The epoch a record at <paramref name="offset"/> was written in, or null before the first entry.</summary>
    public EpochEntry? Find(long offset)
    {
        EpochEntry[] e = _entries;
        for (int i = e.Length - 1; i >= 0; i--)
        {
            if (e[i].StartOffset <= offset)
            {
                return e[i];
            }
        }
        return null;
    }

    /// <summary>With the log truncated to <paramref name="offset"/>: drop epochs that start at or after it (they hold no record any more).</summary>
    public void TruncateFrom(long offset)
    {
        EpochEntry[] e = _entries;
        int keep = e.Length;
        while (keep > 0 && e[keep - 1].StartOffset >= offset)
        {
            keep--;
        }
        if (keep != e.Length)
        {
            Save(e[..keep]);
        }
    }

    private void Save(EpochEntry[] entries)
    {
        byte[] b = new byte[8 + (12 * entries.Length)];
        BinaryPrimitives.WriteInt32LittleEndian(b, entries.Length);
        for (int i = 0; i < entries.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4 + (12 * i)), entries[i].Epoch);
            BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(8 + (12 * i)), entries[i].StartOffset);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(b.Length - 4), Crc32.Compute(b.AsSpan(0, b.Length - 4)));
        AtomicFile.Write(_device, _path, b);
        _entries = entries;
    }
}
