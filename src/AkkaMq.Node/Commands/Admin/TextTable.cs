namespace AkkaMq.Node.Commands.Admin;

/// <summary>Left-aligned columns sized to their widest cell, with mqadmin's <c>#Header</c> style.</summary>
internal sealed class TextTable
{
    private readonly string[] _headers;
    private readonly List<string[]> _rows = [];

    public TextTable(params string[] headers) => _headers = headers;

    public int Count => _rows.Count;

    public void Add(params object?[] cells)
    {
        var row = new string[_headers.Length];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = i < cells.Length ? Convert.ToString(cells[i], System.Globalization.CultureInfo.InvariantCulture) ?? "" : "";
        }

        _rows.Add(row);
    }

    public void WriteTo(TextWriter output)
    {
        var widths = new int[_headers.Length];
        for (var i = 0; i < widths.Length; i++)
        {
            widths[i] = _headers[i].Length + 1;
            foreach (var row in _rows)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        WriteRow(output, widths, Array.ConvertAll(_headers, h => "#" + h));
        foreach (var row in _rows)
        {
            WriteRow(output, widths, row);
        }
    }

    private static void WriteRow(TextWriter output, int[] widths, string[] cells)
    {
        var line = new System.Text.StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            line.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        output.WriteLine(line.ToString().TrimEnd());
    }
}
