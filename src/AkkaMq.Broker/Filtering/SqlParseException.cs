namespace AkkaMq.Broker.Filtering;

/// <summary>An SQL92 selector that does not parse, with where (1-based line and column) the problem was found.</summary>
internal sealed class SqlParseException : Exception
{
    private SqlParseException(string detail, int offset, int line, int column)
        : base("Invalid SQL92 expression: " + detail + " at line " + line + ", column " + column)
    {
        Detail = detail;
        Offset = offset;
        Line = line;
        Column = column;
    }

    public string Detail { get; }

    /// <summary>Zero-based character offset in the expression.</summary>
    public int Offset { get; }

    public int Line { get; }

    public int Column { get; }

    internal static SqlParseException At(string source, int offset, string detail)
    {
        int line = 1;
        int column = 1;
        for (int i = 0; i < offset && i < source.Length; i++)
        {
            if (source[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return new SqlParseException(detail, offset, line, column);
    }
}
