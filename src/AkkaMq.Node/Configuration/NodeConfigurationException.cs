namespace AkkaMq.Node.Configuration;

/// <summary>
/// A node's configuration cannot be used. The message names the file, position and key
/// (<c>node.conf:12:5: akkamq.broker.listen: ...</c>); the node exits with code 2 and starts nothing.
/// </summary>
public sealed class NodeConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
