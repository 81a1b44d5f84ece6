namespace AkkaMq.Hocon;

/// <summary>Typed getters.</summary>
public sealed partial class Config
{
    public string GetString(string path) => ValueReader.ReadString(Require(path), FullPath(path));

    public int GetInt(string path) => ValueReader.ReadInt(Require(path), FullPath(path));

    public long GetLong(string path) => ValueReader.ReadLong(Require(path), FullPath(path));

    public double GetDouble(string path) => ValueReader.ReadDouble(Require(path), FullPath(path));

    public bool GetBoolean(string path) => ValueReader.ReadBoolean(Require(path), FullPath(path));

    /// <summary>"10s", "500ms", "2 minutes"; a bare number means milliseconds.</summary>
    public TimeSpan GetDuration(string path) => ValueReader.ReadDuration(Require(path), FullPath(path));

    /// <summary>"1g", "512M", "64 KiB"; a bare number means bytes.</summary>
    public long GetBytes(string path) => ValueReader.ReadBytes(Require(path), FullPath(path));

    /// <summary>"P1Y", "12 months", "3 weeks"; a bare number means days.</summary>
    public ConfigPeriod GetPeriod(string path) => ValueReader.ReadPeriod(Require(path), FullPath(path));

    public IReadOnlyList<string> GetStringList(string path)
    {
        var full = FullPath(path);
        var array = ValueReader.ReadArray(Require(path), full, "array of strings");
        var result = new List<string>(array.Items.Count);
        for (var i = 0; i < array.Items.Count; i++)
        {
            result.Add(ValueReader.ReadString(array.Items[i], $"{full}[{i}]"));
        }

        return result;
    }
}
