using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Store;

/// <summary>
/// Key and unique-id index over the commit log: files in index/ named by their creation time
/// (yyyyMMddHHmmssSSS), each holding keys of records in commit-log order. The index key is
/// <c>topic + "#" + key</c> for each space-separated KEYS value and for UNIQ_KEY. Written by the
/// store's single writer; queried from any thread (files are pinned while read).
/// </summary>
public sealed class IndexService : IDisposable
{
    private static ReadOnlySpan<byte> Hash => "#"u8;

    private readonly string _dir;
    private readonly int _slots;
    private readonly int _entries;
    private readonly ILogger _logger;
    private readonly StoreDevice _device;
    private volatile IndexFile[] _files = [];

    public IndexService(string dir, int slots, int entries, ILogger logger, StoreDevice? device = null)
    {
        _device = device ?? StoreDevice.Local;
        _dir = dir;
        _slots = slots;
        _entries = entries;
        _logger = logger;
    }

    public void Load()
    {
        _device.CreateDirectoryDurably(_dir);
        var names = new List<string>();
        foreach (string path in _device.EnumerateEntries(_dir))
        {
            string name = Path.GetFileName(path);
            if (!_device.FileExists(path))
            {
                continue;
            }
            if (name.Length == 17 && long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                names.Add(name);
            }
            else if (name.EndsWith(MappedSegment.TempSuffix, StringComparison.Ordinal))
            {
                _logger.LogInformation("Removing {Path}: an index file whose creation was interrupted", path);
                _device.DeleteFile(path);
            }
            else
            {
                _logger.LogWarning("Ignoring {Path}: not an index file; left untouched", path);
            }
        }
        names.Sort(StringComparer.Ordinal);
        long size = IndexFile.FileSize(_slots, _entries);
        var files = new IndexFile[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            files[i] = new IndexFile(MappedSegment.Open(_device, Path.Combine(_dir, names[i]), 0, size), _slots, _entries);
            if (files[i].Count == 0)
            {
                files[i].InitHeader(); // created, then the process died before the header was written
            }
        }
        _files = files;
    }

    /// <summary>Indexes UNIQ_KEY and each KEYS value of a stored record. Writer only; false on a full disk.</summary>
    public bool Add(ReadOnlySpan<byte> record, long offset)
    {
        int sysFlag = MessageRecordLayout.ReadSysFlag(record);
        if ((sysFlag & MessageRecordLayout.SysFlagTransactionMask) == MessageRecordLayout.SysFlagTransactionRollback)
        {
            return true;
        }
        ReadOnlySpan<byte> props = MessageRecordLayout.Properties(record);
        ReadOnlySpan<byte> topic = MessageRecordLayout.Topic(record);
        long ts = MessageRecordLayout.ReadStoreTimestamp(record);
        bool ok = true;
        if (PropertyString.TryGetValue(props, PropertyString.UniqueKey, out ReadOnlySpan<byte> uniq) && !uniq.IsEmpty)
        {
            ok &= Put(KeyHash(topic, uniq), offset, ts);
        }
        if (PropertyString.TryGetValue(props, PropertyString.KeysKey, out ReadOnlySpan<byte> keys))
        {
            foreach (Range r in keys.Split((byte)' '))
            {
                if (!keys[r].IsEmpty)
                {
                    ok &= Put(KeyHash(topic, keys[r]), offset, ts);
                }
            }
        }
        return ok;
    }

    /// <summary>Candidate commit-log offsets for <paramref name="key"/> (hash matches: the caller verifies the record).</summary>
    public List<long> Query(string topic, string key, long beginTs, long endTs, int max)
    {
        int hash = KeyHash(Encoding.UTF8.GetBytes(topic), Encoding.UTF8.GetBytes(key));
        var results = new List<long>();
        IndexFile[] files = _files;
        for (int i = files.Length - 1; i >= 0 && results.Count < max; i--)
        {
            IndexFile f = files[i];
            if (!f.Segment.TryAcquire())
            {
                continue;
            }
            if (f.Count > 1 && f.BeginTimestamp <= endTs && f.EndTimestamp >= beginTs - 1000)
            {
                f.Query(hash, beginTs, endTs, results, max);
            }
            f.Segment.Release();
        }
        return results;
    }

    /// <summary>Drops every entry at or past <paramref name="phyOffset"/>, deleting files left empty.</summary>
    public void TruncateFrom(long phyOffset)
    {
        IndexFile[] files = _files;
        int keep = files.Length;
        while (keep > 0 && files[keep - 1].TruncateFrom(phyOffset) == 0)
        {
            keep--;
        }
        _files = files[..keep];
        for (int i = keep; i < files.Length; i++)
        {
            files[i].Segment.Retire(deleteFile: true);
        }
    }

    /// <summary>Retention: delete whole files (not the newest) whose keys all point below <paramref name="commitLogMin"/>.</summary>
    public void DeleteBefore(long commitLogMin)
    {
        IndexFile[] files = _files;
        int drop = 0;
        while (drop < files.Length - 1 && files[drop].EndPhyOffset < commitLogMin)
        {
            drop++;
        }
        _files = files[drop..];
        for (int i = 0; i < drop; i++)
        {
            files[i].Segment.Retire(deleteFile: true);
        }
    }

    /// <summary>Flushes the newest index file (older ones were flushed when they filled); see <see cref="IndexFile.Flush"/> for <paramref name="paced"/>.</summary>
    public void Flush(bool paced = false)
    {
        IndexFile[] files = _files;
        if (files.Length > 0)
        {
            files[^1].Flush(paced);
        }
    }

    public void Dispose()
    {
        IndexFile[] files = _files;
        _files = [];
        foreach (IndexFile f in files)
        {
            f.Segment.Retire(deleteFile: false);
        }
    }

    private static int KeyHash(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> key)
    {
        int h = PropertyString.JavaHashCode(topic, Hash);
        return PropertyString.JavaHashCode(default, key) + (h * Pow31(key));
    }

    /// <summary>31^(UTF-16 length of key): lets the hash of topic#key be built from its parts.</summary>
    private static int Pow31(ReadOnlySpan<byte> keyUtf8)
    {
        int n = Encoding.UTF8.GetCharCount(keyUtf8);
        int p = 1;
        for (int i = 0; i < n; i++)
        {
            p = unchecked(p * 31);
        }
        return p;
    }

    private bool Put(int keyHash, long offset, long ts)
    {
        IndexFile[] files = _files;
        if (files.Length > 0 && files[^1].Put(keyHash, offset, ts))
        {
            return true;
        }
        try
        {
            IndexFile created = CreateFile(ts);
            return created.Put(keyHash, offset, ts);
        }
        catch (IOException e)
        {
            _logger.LogError(e, "Cannot create an index file in {Dir}; keys of offset {Offset} not indexed", _dir, offset);
            return false;
        }
    }

    private IndexFile CreateFile(long ts)
    {
        if (_files is { Length: > 0 } old)
        {
            old[^1].Flush();
        }
        DateTime t = DateTimeOffset.FromUnixTimeMilliseconds(ts).UtcDateTime;
        string path;
        while (_device.FileExists(path = Path.Combine(_dir, t.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture))))
        {
            t = t.AddMilliseconds(1);
        }
        var f = new IndexFile(MappedSegment.Create(_device, path, 0, IndexFile.FileSize(_slots, _entries)), _slots, _entries);
        f.InitHeader();
        IndexFile[] files = _files;
        _files = [.. files, f];
        return f;
    }
}
