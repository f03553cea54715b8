using System.Text.Json;
using Gatehouse.Keys;
using Gatehouse.OpenAI;
using Gatehouse.Routing;

namespace Gatehouse.Gateway;

/// <summary>
/// <c>GET /v1/models</c>: the public model names this key may use, in OpenAI's list shape and with
/// exactly OpenAI's four fields per model: clients generated from OpenAI's specification with strict
/// deserialisation refuse any other. Chat models come first (<see cref="RouteTable.Listed"/>). The
/// details (kind, context window, prices, deployments) are <c>GET /api/models</c>.
/// </summary>
internal static class ModelsEndpoint
{
    public static async Task ListAsync(HttpContext context, KeyAuthenticator keys, RouteTableProvider routes)
    {
        var authentication = await keys.CheckAsync(context.Request, context.RequestAborted);
        if (authentication.Caller is not { } caller)
        {
            await OpenAIErrorWriter.WriteResponseAsync(context.Response, AuthenticationStage.ErrorFor(authentication.Check), context.RequestAborted);
            return;
        }

        context.Response.ContentType = "application/json";
        using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("object", "list");
        writer.WriteStartArray("data");
        foreach (var route in routes.Current.Listed)
        {
            if (caller.MayUseModel(route.PublicName))
            {
                WriteModel(writer, route);
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    public static async Task GetAsync(string model, HttpContext context, KeyAuthenticator keys, RouteTableProvider routes)
    {
        var authentication = await keys.CheckAsync(context.Request, context.RequestAborted);
        if (authentication.Caller is not { } caller)
        {
            await OpenAIErrorWriter.WriteResponseAsync(context.Response, AuthenticationStage.ErrorFor(authentication.Check), context.RequestAborted);
            return;
        }

        if (!routes.Current.TryGet(model, out var route) || !caller.MayUseModel(model))
        {
            await OpenAIErrorWriter.WriteResponseAsync(context.Response, OpenAIError.ModelNotFound(model), context.RequestAborted);
            return;
        }

        context.Response.ContentType = "application/json";
        using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        WriteModel(writer, route);
        writer.Flush();
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    private static void WriteModel(Utf8JsonWriter writer, ModelRoute route)
    {
        writer.WriteStartObject();
        writer.WriteString("id", route.PublicName);
        writer.WriteString("object", "model");
        writer.WriteNumber("created", route.LoadedAt.ToUnixTimeSeconds());
        writer.WriteString("owned_by", route.Primary.Provider.Name);
        writer.WriteEndObject();
    }
}
