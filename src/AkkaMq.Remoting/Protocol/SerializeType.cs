namespace AkkaMq.Remoting.Protocol;

/// <summary>Header encoding, carried in the high byte of the frame's header word (wire doc 1.1).</summary>
public enum SerializeType : byte
{
    Json = 0,
    RocketMq = 1,
}
