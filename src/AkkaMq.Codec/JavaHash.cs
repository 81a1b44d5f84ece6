namespace AkkaMq.Codec;

/// <summary>Java's <c>String.hashCode</c>, the tag code of subscriptions (codeSet) and consume-queue entries (tagsCode).</summary>
public static class JavaHash
{
    public static int StringHashCode(string value)
    {
        int hash = 0;
        foreach (char c in value)
        {
            hash = unchecked((31 * hash) + c);
        }

        return hash;
    }
}
