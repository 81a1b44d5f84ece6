using System.Globalization;
using System.Text.Json;

namespace AkkaMq.Hocon;

/// <summary>Writes a resolved tree as plain JSON.</summary>
internal static class ConfigJson
{
    public static string Write(HValue root, bool indented)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            WriteValue(writer, root);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter writer, HValue value)
    {
        switch (value)
        {
            case HObject obj:
                writer.WriteStartObject();
                foreach (var key in obj.Keys)
                {
                    writer.WritePropertyName(key);
                    WriteValue(writer, obj.Get(key)!);
                }

                writer.WriteEndObject();
                break;
            case HArray array:
                writer.WriteStartArray();
                foreach (var item in array.Items)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            case HScalar scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                throw new ConfigException(value.Origin, null, "cannot write an unresolved value as JSON");
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, HScalar scalar)
    {
        switch (scalar.Kind)
        {
            case ScalarKind.Number when long.TryParse(scalar.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole):
                writer.WriteNumberValue(whole);
                break;
            case ScalarKind.Number:
                writer.WriteNumberValue(double.Parse(scalar.Text, NumberStyles.Float, CultureInfo.InvariantCulture));
                break;
            case ScalarKind.Boolean:
                writer.WriteBooleanValue(scalar.Text == "true");
                break;
            case ScalarKind.Null:
                writer.WriteNullValue();
                break;
            default:
                writer.WriteStringValue(scalar.Text);
                break;
        }
    }
}
