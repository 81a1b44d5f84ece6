using System.Globalization;

namespace AkkaMq.Hocon;

/// <summary>
/// Conversion of numerically-indexed objects to arrays (HOCON spec): formats such as Java
/// properties have no array syntax, so <c>foo.0 = a, foo.1 = b</c> stands for <c>foo = [a, b]</c>
/// wherever an array is needed: in a concatenation with an array (which is what <c>+=</c> is)
/// and when an array is asked for by type. The conversion is lazy; the object itself stays an object.
/// </summary>
internal static class NumericallyIndexed
{
    /// <summary>
    /// The array <paramref name="obj"/> stands for: the values of its non-negative integer keys in
    /// numeric order (gaps closed up, other keys ignored); null when it has no such key, as an
    /// empty object has none, so that those still fail as the wrong type.
    /// </summary>
    public static HArray? ToArray(HObject obj)
    {
        var indexed = new List<(int Index, string Key)>();
        foreach (var key in obj.Keys)
        {
            // Digits only: a sign, a space or a number beyond 32 bits is not an index.
            if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                indexed.Add((index, key));
            }
        }

        if (indexed.Count == 0)
        {
            return null;
        }

        var items = indexed.OrderBy(static i => i.Index).Select(i => obj.Get(i.Key)!).ToList();
        return new HArray(obj.Origin, items);
    }

    /// <summary><paramref name="value"/> as an array when it is one or an object that converts to one; otherwise null.</summary>
    public static HArray? AsArray(HValue value) => value switch
    {
        HArray array => array,
        HObject obj => ToArray(obj),
        _ => null,
    };
}
