namespace Gatehouse.Gateway;

internal delegate Task GatewayDelegate(GatewayContext context);

/// <summary>
/// One concern of the request path. A stage does its work and calls <c>next</c>, or answers the
/// call itself and stops there (authentication failing, a bad body). Stages run in registration order.
/// </summary>
internal interface IGatewayStage
{
    Task InvokeAsync(GatewayContext context, GatewayDelegate next);
}
