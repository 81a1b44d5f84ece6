using System.Text.Json;

namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>Shared pieces of the body codecs.</summary>
internal static class JsonBodies
{
    public static void WriteStringListMap(FastJsonWriter json, Dictionary<string, List<string>> map)
    {
        json.StartObject();
        var keys = new List<string>(map.Keys);
        keys.Sort(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            json.PropertyName(key);
            WriteStringList(json, map[key]);
        }

        json.EndObject();
    }

    public static Dictionary<string, List<string>> ReadStringListMap(JsonElement element, string name)
    {
        var map = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var entry in FastJson.GetObject(element, name))
        {
            map[entry.Name] = ReadStringList(entry.Value);
        }

        return map;
    }

    public static void WriteStringList(FastJsonWriter json, IEnumerable<string> values)
    {
        json.StartArray();
        foreach (var value in values)
        {
            json.String(value);
        }

        json.EndArray();
    }

    public static List<string> ReadStringList(JsonElement array)
    {
        var list = new List<string>();
        if (array.ValueKind != JsonValueKind.Array)
        {
            return list;
        }

        foreach (var item in array.EnumerateArray())
        {
            if (FastJson.AsString(item) is { } text)
            {
                list.Add(text);
            }
        }

        return list;
    }
}
