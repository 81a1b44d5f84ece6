using System.Globalization;
using System.Text;

namespace AkkaMq.Broker.Filtering;

/// <summary>
/// The kinds of value an SQL92 selector works with. Integer literals that fit 32 bits are
/// <see cref="Int"/>, larger ones <see cref="Long"/> (RocketMQ keeps the two apart, and a
/// property text is parsed with the range of the literal it is compared with). Property values
/// are always <see cref="String"/>. <see cref="Error"/> stands for RocketMQ's evaluation
/// exception: it ends the evaluation and the message does not match.
/// </summary>
internal enum SqlKind : byte
{
    Null,
    Bool,
    Int,
    Long,
    Double,
    String,
    Error,
}

/// <summary>
/// One evaluated value. Strings are UTF-8 bytes that point into the stored record or a
/// literal, so evaluating a message allocates nothing.
/// </summary>
internal readonly ref struct SqlValue
{
    private SqlValue(SqlKind kind, long number, double real, ReadOnlySpan<byte> text)
    {
        Kind = kind;
        Number = number;
        Real = real;
        Text = text;
    }

    public SqlKind Kind { get; }

    /// <summary>Bool (0/1), Int and Long payload.</summary>
    public long Number { get; }

    public double Real { get; }

    public ReadOnlySpan<byte> Text { get; }

    public static SqlValue Null => default;

    public static SqlValue Error => new(SqlKind.Error, 0, 0, default);

    public static SqlValue True => new(SqlKind.Bool, 1, 0, default);

    public static SqlValue False => new(SqlKind.Bool, 0, 0, default);

    public bool IsNull => Kind == SqlKind.Null;

    public bool IsError => Kind == SqlKind.Error;

    public bool IsTrue => Kind == SqlKind.Bool && Number != 0;

    public bool IsFalse => Kind == SqlKind.Bool && Number == 0;

    public static SqlValue Of(bool value) => value ? True : False;

    public static SqlValue OfInt(int value) => new(SqlKind.Int, value, 0, default);

    public static SqlValue OfLong(long value) => new(SqlKind.Long, value, 0, default);

    public static SqlValue OfDouble(double value) => new(SqlKind.Double, 0, value, default);

    public static SqlValue OfString(ReadOnlySpan<byte> utf8) => new(SqlKind.String, 0, 0, utf8);

    public override string ToString() => Kind switch
    {
        SqlKind.Null => "NULL",
        SqlKind.Bool => Number != 0 ? "TRUE" : "FALSE",
        SqlKind.Int or SqlKind.Long => Number.ToString(CultureInfo.InvariantCulture),
        SqlKind.Double => Real.ToString("R", CultureInfo.InvariantCulture),
        SqlKind.String => "'" + Encoding.UTF8.GetString(Text).Replace("'", "''", StringComparison.Ordinal) + "'",
        _ => "<error>",
    };
}
