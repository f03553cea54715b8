namespace Gatehouse.Configuration;

/// <summary>The configuration cannot be bound (a misspelt key, a value of the wrong type); the message names the key.</summary>
public sealed class GatehouseConfigurationException : InvalidOperationException
{
    public GatehouseConfigurationException()
    {
    }

    public GatehouseConfigurationException(string message)
        : base(message)
    {
    }

    public GatehouseConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
