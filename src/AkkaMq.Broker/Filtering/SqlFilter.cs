using AkkaMq.Store;

namespace AkkaMq.Broker.Filtering;

/// <summary>
/// A compiled SQL92 selector (RocketMQ's <c>MessageSelector.bySql</c>). Immutable and safe to
/// share between threads. A message matches only when the selector evaluates to TRUE: NULL
/// (a missing property) and evaluation errors (a text that does not read as the number it is
/// compared with) mean no match.
/// </summary>
internal sealed class SqlFilter
{
    private readonly SqlExpression _root;

    private SqlFilter(string expression, SqlExpression root)
    {
        Expression = expression;
        _root = root;
    }

    public string Expression { get; }

    /// <summary>Compiles <paramref name="expression"/>; throws <see cref="SqlParseException"/> naming the problem and its position.</summary>
    public static SqlFilter Compile(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw SqlParseException.At(expression ?? string.Empty, 0, "the expression is empty");
        }

        return new SqlFilter(expression, SqlParser.Parse(expression));
    }

    public static bool TryCompile(string? expression, out SqlFilter? filter, out SqlParseException? error)
    {
        try
        {
            filter = Compile(expression);
            error = null;
            return true;
        }
        catch (SqlParseException e)
        {
            filter = null;
            error = e;
            return false;
        }
    }

    /// <summary>Evaluates against a property string (<c>key\u0001value\u0002…</c>, UTF-8).</summary>
    public bool Matches(ReadOnlySpan<byte> properties) => _root.Evaluate(properties).IsTrue;

    /// <summary>Evaluates against a stored message record.</summary>
    public bool MatchesRecord(ReadOnlySpan<byte> record) => Matches(MessageRecordLayout.Properties(record));

    public override string ToString() => _root.ToString() ?? Expression;
}
