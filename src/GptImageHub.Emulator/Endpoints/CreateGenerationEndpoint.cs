using System.Globalization;
using GptImageHub.Emulator.Faults;
using GptImageHub.Emulator.Jobs;
using GptImageHub.Emulator.Journal;
using GptImageHub.Emulator.Json;
using GptImageHub.Emulator.Requests;
using GptImageHub.Emulator.State;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace GptImageHub.Emulator.Endpoints;

/// <summary>
/// <c>POST /api/v1/images/generations</c>. The body is read and recorded first (so every attempt
/// is counted, and a large upload is never cut off by an early answer); then come injected faults,
/// authentication (401), the request rules (400), the up-front charge (402) and the job itself.
/// </summary>
internal static class CreateGenerationEndpoint
{
    public static async Task HandleAsync(HttpContext context, EmulatorState state)
    {
        var raw = await ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        state.Ledger.RecordRequest(new ReceivedGenerationRequest(
            state.Time.GetUtcNow(), raw.Prompt, raw.Model, raw.N, raw.Async, raw.IsMultipart, raw.ReferenceImageCount));

        await FaultPipeline.RunAsync(context, EmulatorEndpoint.CreateGeneration, state, cancellationToken => ProcessAsync(context, state, raw, cancellationToken)).ConfigureAwait(false);
    }

    private static async Task<RawGenerationRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType))
        {
            if (contentType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            {
                return await JsonRequestReader.ReadAsync(request, cancellationToken).ConfigureAwait(false);
            }

            if (contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            {
                var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary);
                if (!StringSegment.IsNullOrEmpty(boundary))
                {
                    return await MultipartRequestReader.ReadAsync(request, boundary.Value!, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        var raw = new RawGenerationRequest();
        raw.Reject("Content-Type must be application/json or multipart/form-data with a boundary");
        return raw;
    }

    private static async Task<IResult> ProcessAsync(HttpContext context, EmulatorState state, RawGenerationRequest raw, CancellationToken cancellationToken)
    {
        var authentication = ApiResults.Authenticate(context, state);
        if (!authentication.Succeeded)
        {
            return ApiResults.Unauthorized(authentication);
        }

        if (!GenerationRequestValidator.TryValidate(raw, out var spec, out var error))
        {
            return ApiResults.InvalidRequest(error!);
        }

        var userId = authentication.UserId!;
        var generationId = EntityIds.New();
        if (!state.Ledger.TryCharge(userId, spec!.CreditsRequested, generationId, out var balance))
        {
            return ApiResults.Error(
                StatusCodes.Status402PaymentRequired,
                ApiErrorCodes.InsufficientCredits,
                string.Create(CultureInfo.InvariantCulture, $"Insufficient credits: {spec.CreditsRequested} needed, {balance} available"));
        }

        var notes = context.Features.Get<RequestNotes>();
        notes?.GenerationId = generationId;
        var imagesToDeliver = spec.N;
        if (state.Faults.TryTakeGenerationFault(out var fault))
        {
            imagesToDeliver = fault.ImagesDelivered;
            if (notes is not null)
            {
                notes.Fault = notes.Fault is null ? FaultDescriptions.Generation(fault) : notes.Fault + ", " + FaultDescriptions.Generation(fault);
            }
        }

        var job = new GenerationJob(generationId, userId, spec, state.Time.GetUtcNow(), state.Options.QueueDelay, state.Options.ProcessingDelay, imagesToDeliver);
        state.Store.Add(job);

        // The 202 describes the job as submitted, even when zero delays let it finish before the answer is written.
        var submitted = new JobSnapshot(GenerationStatuses.Queued, [], 0);
        state.Scheduler.Start(job);
        var baseAddress = state.BaseFor(context.Request);
        if (spec.Async)
        {
            var queued = WireMapper.Generation(job, submitted, state.CdnFor(context.Request), pollUrl: WireMapper.PollUrl(baseAddress, job.Id));
            return Results.Json(queued, EmulatorJsonContext.Default.GenerationWire, statusCode: StatusCodes.Status202Accepted);
        }

        await job.Finished.WaitAsync(cancellationToken).ConfigureAwait(false);
        var snapshot = job.Snapshot();
        if (snapshot.Status == GenerationStatuses.Failed)
        {
            return ApiResults.Error(StatusCodes.Status500InternalServerError, ApiErrorCodes.GenerationFailed, "Image generation failed; the credits were refunded");
        }

        var body = WireMapper.Generation(job, snapshot, state.CdnFor(context.Request), WireMapper.Balance(state.Ledger.GetAccount(userId)));
        return Results.Json(body, EmulatorJsonContext.Default.GenerationWire);
    }
}
