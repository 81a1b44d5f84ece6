using System.Buffers;
using System.Runtime.Serialization;
using System.Text.Json;

namespace AkkaMq.Cluster;

/// <summary>
/// What the control plane's serializers share: a record written as a small JSON document, and a
/// stored record read back with every parse failure turned into a <see cref="SerializationException"/>
/// naming the serializer and the manifest.
/// </summary>
internal static class JsonRecords
{
    public static byte[] Write(int capacity, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(capacity);
        using (var w = new Utf8JsonWriter(buffer))
        {
            write(w);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Runs <paramref name="decode"/>; a damaged document becomes "<paramref name="owner"/>: damaged '<paramref name="manifest"/>' record".</summary>
    public static object Decode(string owner, string manifest, Func<object> decode)
    {
        try
        {
            return decode();
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new SerializationException($"{owner}: damaged '{manifest}' record: {e.Message}", e);
        }
    }

    public static SerializationException UnknownManifest(string owner, string manifest, int length) =>
        new($"{owner}: unknown manifest '{manifest}' ({length} bytes); it was written by a newer version of AkkaMq or is damaged");

    /// <summary>A string property that must be present and not null.</summary>
    public static string Text(JsonElement e, string name) =>
        e.GetProperty(name).GetString() ?? throw new FormatException($"\"{name}\" is null");
}
