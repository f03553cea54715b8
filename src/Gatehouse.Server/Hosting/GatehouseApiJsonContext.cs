using System.Text.Json;
using System.Text.Json.Serialization;
using Gatehouse.Budgets;
using Gatehouse.Keys;
using Gatehouse.Prompts;
using Gatehouse.Records;
using Microsoft.AspNetCore.Mvc;

namespace Gatehouse.Hosting;

/// <summary>Source-generated JSON for the <c>/api/*</c> boundary (camelCase, like ASP.NET Core's web defaults).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CreateKeyRequest))]
[JsonSerializable(typeof(UpdateKeyRequest))]
[JsonSerializable(typeof(KeyResponse))]
[JsonSerializable(typeof(KeyResponse[]))]
[JsonSerializable(typeof(CreateBudgetRequest))]
[JsonSerializable(typeof(UpdateBudgetRequest))]
[JsonSerializable(typeof(BudgetResponse))]
[JsonSerializable(typeof(BudgetResponse[]))]
[JsonSerializable(typeof(RequestRecord))]
[JsonSerializable(typeof(RequestRecordPage))]
[JsonSerializable(typeof(Executions.Execution))]
[JsonSerializable(typeof(Prompts.ExecutePromptRequest))]
[JsonSerializable(typeof(Executions.ExecutionPage))]
[JsonSerializable(typeof(Analytics.AnalyticsReport))]
[JsonSerializable(typeof(Status.GatewayStatus))]
[JsonSerializable(typeof(Degradation.DegradationView))]
[JsonSerializable(typeof(Degradation.SetDegradationRequest))]
[JsonSerializable(typeof(CreatePromptRequest))]
[JsonSerializable(typeof(UpdatePromptRequest))]
[JsonSerializable(typeof(AddVersionRequest))]
[JsonSerializable(typeof(SetLabelRequest))]
[JsonSerializable(typeof(RenderPromptRequest))]
[JsonSerializable(typeof(PromptResponse))]
[JsonSerializable(typeof(PromptPageResponse))]
[JsonSerializable(typeof(PromptVersionResponse))]
[JsonSerializable(typeof(PromptVersionResponse[]))]
[JsonSerializable(typeof(RenderPromptResponse))]
[JsonSerializable(typeof(ModelCatalog.ModelInfo))]
[JsonSerializable(typeof(ModelCatalog.ModelPage))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
internal sealed partial class GatehouseApiJsonContext : JsonSerializerContext;
