namespace AkkaMq.Cluster.Coordination;

/// <summary>
/// Control state in files of one directory, <c>&lt;key&gt;.json</c> each. A save writes a temporary
/// file, flushes it to disk and renames it over the old one, so a crash leaves either the old or
/// the new document, never a torn one.
/// </summary>
public sealed class FileControlStateStore : IControlStateStore
{
    private readonly string _directory;

    public FileControlStateStore(string directory)
    {
        _directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(_directory);
    }

    public async ValueTask<byte[]?> LoadAsync(string key, CancellationToken cancellation)
    {
        var path = PathOf(key);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellation).ConfigureAwait(false) : null;
    }

    public async ValueTask SaveAsync(string key, ReadOnlyMemory<byte> document, CancellationToken cancellation)
    {
        var path = PathOf(key);
        var temp = path + ".tmp";
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await stream.WriteAsync(document, cancellation).ConfigureAwait(false);
            // On disk before the rename makes it visible.
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    private string PathOf(string key)
    {
        if (key.Length == 0)
        {
            throw new ArgumentException("control state key is empty", nameof(key));
        }

        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new ArgumentException($"control state key '{key}' may hold only letters, digits, '-', '_' and '.'", nameof(key));
            }
        }

        return Path.Combine(_directory, key + ".json");
    }
}
