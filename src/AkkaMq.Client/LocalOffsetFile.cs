using System.Text.Json;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>
/// Offsets of a broadcasting consumer, kept on the consumer's own disk (Java LocalFileOffsetStore):
/// <c>&lt;dir&gt;/&lt;clientId&gt;/&lt;group&gt;/offsets.json</c>. Each consumer instance keeps its own
/// progress, so the broker stores nothing for the group. A save writes a temporary file and
/// moves it over the old one, so a crash mid-write leaves the previous offsets readable.
/// </summary>
internal sealed class LocalOffsetFile
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public LocalOffsetFile(string directory, string clientId, string group)
    {
        Path = System.IO.Path.Combine(directory, Sanitize(clientId), Sanitize(group), "offsets.json");
    }

    public string Path { get; }

    /// <summary>The default directory: <c>.akkamq_offsets</c> under the user's home.</summary>
    public static string DefaultDirectory =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".akkamq_offsets");

    /// <summary>The saved offsets; empty when there is no file yet. A corrupt file is an error, not a silent restart.</summary>
    public async Task<Dictionary<MessageQueue, long>> LoadAsync(CancellationToken cancellationToken)
    {
        var offsets = new Dictionary<MessageQueue, long>();
        if (!File.Exists(Path))
        {
            return offsets;
        }

        byte[] bytes = await File.ReadAllBytesAsync(Path, cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(bytes);
            foreach (var entry in document.RootElement.GetProperty("offsetTable").EnumerateArray())
            {
                var queue = new MessageQueue(
                    entry.GetProperty("topic").GetString() ?? string.Empty,
                    entry.GetProperty("brokerName").GetString() ?? string.Empty,
                    entry.GetProperty("queueId").GetInt32());
                offsets[queue] = entry.GetProperty("offset").GetInt64();
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new MQClientException("The local offset file " + Path + " is not valid: " + ex.Message, ex);
        }

        return offsets;
    }

    public async Task SaveAsync(IReadOnlyDictionary<MessageQueue, long> offsets, CancellationToken cancellationToken)
    {
        var sorted = new List<KeyValuePair<MessageQueue, long>>(offsets);
        sorted.Sort(static (a, b) => Compare(a.Key, b.Key));
        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("offsetTable");
            foreach (var (queue, offset) in sorted)
            {
                json.WriteStartObject();
                json.WriteString("topic", queue.Topic);
                json.WriteString("brokerName", queue.BrokerName);
                json.WriteNumber("queueId", queue.QueueId);
                json.WriteNumber("offset", offset);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            string temporary = Path + ".tmp";
            await File.WriteAllBytesAsync(temporary, buffer.ToArray(), cancellationToken).ConfigureAwait(false);
            File.Move(temporary, Path, overwrite: true);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static int Compare(MessageQueue a, MessageQueue b)
    {
        int order = string.CompareOrdinal(a.Topic, b.Topic);
        order = order != 0 ? order : string.CompareOrdinal(a.BrokerName, b.BrokerName);
        return order != 0 ? order : a.QueueId.CompareTo(b.QueueId);
    }

    /// <summary>Client ids hold <c>@</c>, <c>#</c> and maybe <c>:</c>; keep the name but make it a valid file name.</summary>
    private static string Sanitize(string name)
    {
        var invalid = System.IO.Path.GetInvalidFileNameChars();
        var chars = name.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (Array.IndexOf(invalid, chars[i]) >= 0 || chars[i] == ':')
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }
}
