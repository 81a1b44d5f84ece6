using System.Runtime.InteropServices;

namespace AkkaMq.Store.Testing;

/// <summary>The files of a <see cref="PowerCutDevice"/>.</summary>
public sealed unsafe partial class PowerCutDevice
{
    /// <summary>One file: its memory (what the store sees) and its durable image.</summary>
    private sealed class Node(long length)
    {
        public byte* Memory { get; private set; } = (byte*)NativeMemory.AllocZeroed((nuint)Math.Max(1, length));

        public long Length { get; } = length;

        /// <summary>Synced bytes; allocated at the first sync.</summary>
        public byte[]? Durable { get; private set; }

        /// <summary>The size a reopened store finds: zero until the first sync, the full size after.</summary>
        public long DurableLength { get; private set; }

        public (long Position, int Length)? LastUnsyncedWrite { get; set; }

        public void SyncRange(long from, long to)
        {
            Durable ??= new byte[Length];
            new ReadOnlySpan<byte>(Memory + from, (int)(to - from)).CopyTo(Durable.AsSpan((int)from));
            DurableLength = Length;
            if (LastUnsyncedWrite is { } w && w.Position >= from && w.Position + w.Length <= to)
            {
                LastUnsyncedWrite = null;
            }
        }

        public void CopyDurableTo(Node copy, Random? tear)
        {
            if (Durable is null || DurableLength == 0)
            {
                return;
            }
            Durable.AsSpan(0, (int)DurableLength).CopyTo(new Span<byte>(copy.Memory, (int)copy.Length));
            if (tear is not null && LastUnsyncedWrite is { } w)
            {
                long sectors = ((w.Position % SectorSize) + w.Length + SectorSize - 1) / SectorSize;
                long end = Math.Min(w.Position + w.Length, (w.Position - (w.Position % SectorSize)) + (SectorSize * tear.NextInt64(sectors + 1)));
                if (end > w.Position)
                {
                    new ReadOnlySpan<byte>(Memory + w.Position, (int)(end - w.Position)).CopyTo(new Span<byte>(copy.Memory + w.Position, (int)(end - w.Position)));
                }
            }
        }

        public void Free()
        {
            if (Memory != null)
            {
                NativeMemory.Free(Memory);
                Memory = null;
            }
        }
    }

    private sealed class MemoryFile(PowerCutDevice device, Node node, string path) : DeviceFile(path, node.Length)
    {
        public override byte* Pointer => node.Memory;

        public override void Write(long position, ReadOnlySpan<byte> data)
        {
            lock (device._gate)
            {
                device.Enter(DeviceOperation.Write, Path);
                data.CopyTo(new Span<byte>(node.Memory + position, data.Length));
                node.LastUnsyncedWrite = (position, data.Length);
                device._lastWritten = node;
            }
        }

        public override void Sync(long from, long to)
        {
            device.Delay();
            lock (device._gate)
            {
                device.Enter(DeviceOperation.Sync, Path);
                long pageStart = from - (from % PageSize);
                node.SyncRange(pageStart, Math.Min(to, node.Length));
                device._syncs++;
            }
        }

        public override void SyncAll()
        {
            device.Delay();
            lock (device._gate)
            {
                device.Enter(DeviceOperation.SyncAll, Path);
                node.SyncRange(0, node.Length);
                device._syncs++;
            }
        }

        public override void WriteOut(long from, long to)
        {
            lock (device._gate)
            {
                device.ThrowIfOff();
            }
        }

        public override void Dispose()
        {
            // The memory belongs to the device and is freed with it.
        }
    }

    private sealed class DirectoryLock(PowerCutDevice device, string directory) : IDisposable
    {
        public void Dispose()
        {
            lock (device._gate)
            {
                device._locks.Remove(directory);
            }
        }
    }
}
