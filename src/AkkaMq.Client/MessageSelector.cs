namespace AkkaMq.Client;

/// <summary>
/// What a consumer selects from a topic (Java MessageSelector): tags (<c>*</c> or
/// <c>tagA || tagB</c>, filtered by hash in the broker's consume queue) or an SQL92 expression
/// over the message's properties (evaluated by the broker on each message, e.g.
/// <c>region = 'eu' AND amount &gt; 100</c>). Tags are the <c>TAGS</c> property in SQL92.
/// </summary>
public sealed class MessageSelector
{
    public const string TagType = "TAG";
    public const string Sql92Type = "SQL92";

    private MessageSelector(string type, string expression)
    {
        ExpressionType = type;
        Expression = expression;
    }

    /// <summary><see cref="TagType"/> or <see cref="Sql92Type"/>, as sent on the wire.</summary>
    public string ExpressionType { get; }

    public string Expression { get; }

    public bool IsSql92 => ExpressionType == Sql92Type;

    /// <summary>An SQL92 selector; the broker checks it when the consumer starts.</summary>
    public static MessageSelector BySql(string sql)
    {
        if (string.IsNullOrWhiteSpace(sql))
        {
            throw new ArgumentException("an SQL92 selector must not be empty", nameof(sql));
        }

        return new MessageSelector(Sql92Type, sql.Trim());
    }

    /// <summary>A tag selector: <c>*</c> (or empty) for all, else tags separated by <c>||</c>.</summary>
    public static MessageSelector ByTag(string? tags) =>
        new(TagType, string.IsNullOrWhiteSpace(tags) ? "*" : tags.Trim());

    public override string ToString() => ExpressionType + ": " + Expression;
}
