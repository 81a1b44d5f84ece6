namespace AkkaMq.Store;

/// <summary>
/// The operating-system error behind a failed store operation, and whether it ends the store's
/// life as a writer. A full disk is not fatal (appends are refused until space returns, reads go
/// on); a read-only file system, an I/O error or a device that is gone is: the data a sync failed
/// to write is lost from the page cache's point of view (Linux marks the pages clean after a failed
/// writeback), so a later sync that succeeds proves nothing.
/// </summary>
public static class StoreErrors
{
    public const int ENOENT = 2;
    public const int EIO = 5;
    public const int ENXIO = 6;
    public const int ENODEV = 19;
    public const int ENOSPC = 28;
    public const int EROFS = 30;
    public const int ESTALE = 116;
    public const int EDQUOT = 122;

    /// <summary>An IOException carrying <paramref name="errno"/> the way the store's device reports it (as its HResult).</summary>
    public static IOException WithErrno(int errno, string message) => new(message, errno);

    /// <summary>
    /// The errno of <paramref name="error"/>: the HResult of an IOException raised by the store's
    /// device or by .NET's file APIs on Unix (both carry the raw errno there); ENOENT for a file or
    /// directory that is not found; null when it is not known.
    /// </summary>
    public static int? Errno(Exception error) => error switch
    {
        FileNotFoundException or DirectoryNotFoundException => ENOENT,
        IOException { HResult: > 0 and < 4096 } io => io.HResult,
        _ => null,
    };

    /// <summary>
    /// The name of the fatal condition <paramref name="error"/> shows (read-only file system, I/O
    /// error, device gone, file vanished), or null when it is not fatal by itself (a full disk, or
    /// an error the store cannot place; repeated flush failures of any kind are fatal all the same).
    /// </summary>
    public static string? FatalKind(Exception error) => Errno(error) switch
    {
        EROFS => "read-only file system (EROFS)",
        EIO => "I/O error (EIO)",
        ENODEV => "device gone (ENODEV)",
        ENXIO => "device gone (ENXIO)",
        ESTALE => "device gone (ESTALE)",
        ENOENT => "file vanished (ENOENT)",
        _ => null,
    };
}
