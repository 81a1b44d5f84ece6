namespace AkkaMq.Remoting.Protocol;

/// <summary>Client language (wire doc 1.5). JSON headers carry the name, binary headers the number.</summary>
public enum LanguageCode : byte
{
    Java = 0,
    Cpp = 1,
    DotNet = 2,
    Python = 3,
    Delphi = 4,
    Erlang = 5,
    Ruby = 6,
    Other = 7,
    Http = 8,
    Go = 9,
    Php = 10,
    Oms = 11,
    Rust = 12,
    NodeJs = 13,
}

/// <summary>Maps <see cref="LanguageCode"/> to and from its Java enum name without allocating.</summary>
public static class LanguageCodeNames
{
    private static readonly string[] Names =
    [
        "JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY", "OTHER",
        "HTTP", "GO", "PHP", "OMS", "RUST", "NODE_JS",
    ];

    /// <summary>The wire name, e.g. <c>"JAVA"</c>; numbers outside the table become their decimal text.</summary>
    public static string ToName(LanguageCode code) =>
        (int)code < Names.Length ? Names[(int)code] : ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Finds the code for a wire name (exact, upper case as Java writes it).</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8Name, out LanguageCode code)
    {
        for (int i = 0; i < Names.Length; i++)
        {
            if (AsciiEquals(utf8Name, Names[i]))
            {
                code = (LanguageCode)i;
                return true;
            }
        }

        code = LanguageCode.Other;
        return false;
    }

    private static bool AsciiEquals(ReadOnlySpan<byte> utf8, string ascii)
    {
        if (utf8.Length != ascii.Length)
        {
            return false;
        }

        for (int i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] != ascii[i])
            {
                return false;
            }
        }

        return true;
    }
}
