using System.Text;
using AkkaMq.Store;

namespace AkkaMq.Broker.Filtering;

/// <summary>
/// A compiled SQL92 selector node. Evaluation reads properties straight from the record's
/// property string and follows RocketMQ's three-valued logic: a missing property yields NULL,
/// and NULL or an evaluation error at the top means "no match".
/// </summary>
internal abstract class SqlExpression
{
    /// <summary>True for nodes that yield a boolean (RocketMQ's BooleanExpression): comparisons, logic, TRUE/FALSE/NULL.</summary>
    public virtual bool IsBoolean => false;

    public abstract SqlValue Evaluate(ReadOnlySpan<byte> properties);
}

internal sealed class SqlConstant : SqlExpression
{
    private readonly byte[] _text;

    private SqlConstant(SqlKind kind, long number, double real, byte[] text)
    {
        Kind = kind;
        Number = number;
        Real = real;
        _text = text;
    }

    public static SqlConstant Null { get; } = new(SqlKind.Null, 0, 0, []);

    public static SqlConstant True { get; } = new(SqlKind.Bool, 1, 0, []);

    public static SqlConstant False { get; } = new(SqlKind.Bool, 0, 0, []);

    public SqlKind Kind { get; }

    public long Number { get; }

    public double Real { get; }

    public bool IsNumber => Kind is SqlKind.Int or SqlKind.Long or SqlKind.Double;

    public override bool IsBoolean => Kind is SqlKind.Bool or SqlKind.Null;

    public static SqlConstant Whole(long value) =>
        value is >= int.MinValue and <= int.MaxValue ? new(SqlKind.Int, value, 0, []) : new(SqlKind.Long, value, 0, []);

    public static SqlConstant Double(double value) => new(SqlKind.Double, 0, value, []);

    public static SqlConstant String(string value) => new(SqlKind.String, 0, 0, Encoding.UTF8.GetBytes(value));

    public override SqlValue Evaluate(ReadOnlySpan<byte> properties) => Kind switch
    {
        SqlKind.Bool => SqlValue.Of(Number != 0),
        SqlKind.Int => SqlValue.OfInt((int)Number),
        SqlKind.Long => SqlValue.OfLong(Number),
        SqlKind.Double => SqlValue.OfDouble(Real),
        SqlKind.String => SqlValue.OfString(_text),
        _ => SqlValue.Null,
    };

    public override string ToString() => Evaluate(default).ToString();
}

internal sealed class SqlProperty(string name) : SqlExpression
{
    private readonly byte[] _name = Encoding.UTF8.GetBytes(name);

    public string Name { get; } = name;

    public override SqlValue Evaluate(ReadOnlySpan<byte> properties) =>
        PropertyString.TryGetValue(properties, _name, out var value) ? SqlValue.OfString(value) : SqlValue.Null;

    public override string ToString() => Name;
}

/// <summary>Unary minus: numbers only; anything else (a property's text included) yields NULL.</summary>
internal sealed class SqlNegate(SqlExpression inner) : SqlExpression
{
    public override SqlValue Evaluate(ReadOnlySpan<byte> properties)
    {
        var v = inner.Evaluate(properties);
        return v.Kind switch
        {
            SqlKind.Error => v,
            SqlKind.Int => SqlValue.OfInt(unchecked(-(int)v.Number)),
            SqlKind.Long => SqlValue.OfLong(unchecked(-v.Number)),
            SqlKind.Double => SqlValue.OfDouble(-v.Real),
            _ => SqlValue.Null,
        };
    }

    public override string ToString() => "(- " + inner + ")";
}

internal sealed class SqlNot(SqlExpression inner) : SqlExpression
{
    public override bool IsBoolean => true;

    public override SqlValue Evaluate(ReadOnlySpan<byte> properties)
    {
        var v = inner.Evaluate(properties);
        return v.Kind switch
        {
            SqlKind.Bool => SqlValue.Of(v.Number == 0),
            SqlKind.Null or SqlKind.Error => v,
            _ => SqlValue.Error,
        };
    }

    public override string ToString() => "(NOT " + inner + ")";
}

/// <summary>A bare property used as a condition: true only for a boolean value, which a property text never is.</summary>
internal sealed class SqlBooleanCast(SqlExpression inner) : SqlExpression
{
    public override bool IsBoolean => true;

    public override SqlValue Evaluate(ReadOnlySpan<byte> properties)
    {
        var v = inner.Evaluate(properties);
        return v.Kind switch
        {
            SqlKind.Null or SqlKind.Error => v,
            SqlKind.Bool => v,
            _ => SqlValue.False,
        };
    }

    public override string ToString() => inner.ToString() ?? string.Empty;
}

internal sealed class SqlAnd(SqlExpression left, SqlExpression right) : SqlExpression
{
    public override bool IsBoolean => true;

    public override SqlValue Evaluate(ReadOnlySpan<byte> properties)
    {
        var l = left.Evaluate(properties);
        if (l.IsError || l.IsFalse)
        {
            return l;
        }

        var r = right.Evaluate(properties);
        if (r.IsError || r.IsFalse)
        {
            return r;
        }

        return l.IsNull || r.IsNull ? SqlValue.Null : SqlValue.True;
    }

    public override string ToString() => "(" + left + " AND " + right + ")";
}

internal sealed class SqlOr(SqlExpression left, SqlExpression right) : SqlExpression
{
    public override bool IsBoolean => true;

    public override SqlValue Evaluate(ReadOnlySpan<byte> properties)
    {
        var l = left.Evaluate(properties);
        if (l.IsError || l.IsTrue)
        {
            return l;
        }

        var r = right.Evaluate(properties);
        if (r.IsError || r.IsTrue)
        {
            return r;
        }

        return l.IsNull || r.IsNull ? SqlValue.Null : SqlValue.False;
    }

    public override string ToString() => "(" + left + " OR " + right + ")";
}

/// <summary>
/// <c>=</c> (and IS NULL, which compares with NULL): both NULL is true; a NULL left side is
/// NULL; a NULL right side is false; otherwise the values compare equal after conversion.
/// </summary>
internal sealed class SqlEqual(SqlExpression left, SqlExpression right) : SqlExpression
{
    public override bool IsBoolean => true;

    public override SqlValue Evaluate(ReadOnlySpan<byte> properties)
    {
        var l = left.Evaluate(properties);
        if (l.IsError)
        {
            return l;
        }

        var r = right.Evaluate(properties);
        if (r.IsError)
        {
            return r;
        }

        if (l.IsNull || r.IsNull)
        {
            return l.IsNull && r.IsNull ? SqlValue.True : l.IsNull ? SqlValue.Null : SqlValue.False;
        }

        return SqlCompare.TryCompare(l, r, out int order) ? SqlValue.Of(order == 0) : SqlValue.Error;
    }

    public override string ToString() => "(" + left + " = " + right + ")";
}

internal enum SqlRelation
{
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}

/// <summary>
/// <c>&gt; &gt;= &lt; &lt;=</c>: NULL on either side is NULL; two strings (two properties)
/// must both read as doubles, else evaluation fails.
/// </summary>
internal sealed class SqlRelational(SqlRelation relation, SqlExpression left, SqlExpression right) : SqlExpression
{
    public override bool IsBoolean => true;

    public override SqlValue Evaluate(ReadOnlySpan<byte> properties)
    {
        var l = left.Evaluate(properties);
        if (l.IsError || l.IsNull)
        {
            return l;
        }

        var r = right.Evaluate(properties);
        if (r.IsError || r.IsNull)
        {
            return r;
        }

        int order;
        if (l.Kind == SqlKind.String && r.Kind == SqlKind.String)
        {
            if (!SqlCompare.TryParseDouble(l.Text, out double a) || !SqlCompare.TryParseDouble(r.Text, out double b))
            {
                return SqlValue.Error;
            }

            order = SqlCompare.JavaCompare(a, b);
        }
        else if (!SqlCompare.TryCompare(l, r, out order))
        {
            return SqlValue.Error;
        }

        return SqlValue.Of(relation switch
        {
            SqlRelation.Greater => order > 0,
            SqlRelation.GreaterOrEqual => order >= 0,
            SqlRelation.Less => order < 0,
            _ => order <= 0,
        });
    }

    public override string ToString() => "(" + left + Symbol + right + ")";

    private string Symbol => relation switch
    {
        SqlRelation.Greater => " > ",
        SqlRelation.GreaterOrEqual => " >= ",
        SqlRelation.Less => " < ",
        _ => " <= ",
    };
}

/// <summary><c>prop IN ('a', 'b')</c> / NOT IN: a missing property is NULL, so neither matches it.</summary>
internal sealed class SqlIn(SqlProperty property, IReadOnlyList<string> values, bool negated) : SqlExpression
{
    private readonly byte[][] _values = [.. values.Select(Encoding.UTF8.GetBytes)];

    public override bool IsBoolean => true;

    public override SqlValue Evaluate(ReadOnlySpan<byte> properties)
    {
        var v = property.Evaluate(properties);
        if (v.Kind != SqlKind.String)
        {
            return v;
        }

        bool found = false;
        foreach (byte[] candidate in _values)
        {
            if (v.Text.SequenceEqual(candidate))
            {
                found = true;
                break;
            }
        }

        return SqlValue.Of(found ^ negated);
    }

    public override string ToString() => property + (negated ? " NOT IN (" : " IN (") + string.Join(", ", values) + ")";
}
