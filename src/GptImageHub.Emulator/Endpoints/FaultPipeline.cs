using System.Globalization;
using System.Text;
using GptImageHub.Emulator.Faults;
using GptImageHub.Emulator.Journal;
using Microsoft.AspNetCore.Http;

namespace GptImageHub.Emulator.Endpoints;

/// <summary>
/// Runs an endpoint's work between the injected faults: latency first, then a replaced answer or a
/// dropped connection, or the real work with its answer dropped afterwards.
/// </summary>
internal static class FaultPipeline
{
    public static async Task RunAsync(HttpContext context, EmulatorEndpoint endpoint, EmulatorState state, Func<CancellationToken, Task<IResult>> handle)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, state.Stopping);
        var cancellationToken = linked.Token;
        var notes = context.Features.Get<RequestNotes>() ?? new RequestNotes();
        try
        {
            if (state.Faults.TryTakeLatency(endpoint, out var delay))
            {
                notes.Fault = FaultDescriptions.Delay(delay);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, state.Time, cancellationToken).ConfigureAwait(false);
                }
            }

            ResponseFault? after = null;
            if (state.Faults.TryTakeResponseFault(endpoint, out var fault))
            {
                notes.Fault = notes.Fault is null ? FaultDescriptions.Response(fault) : notes.Fault + ", " + FaultDescriptions.Response(fault);
                switch (fault.Drop)
                {
                    case DropMoment.BeforeProcessing:
                        notes.Dropped = true;
                        context.Abort();
                        return;
                    case DropMoment.AfterProcessing:
                        after = fault;
                        break;
                    default:
                        if (fault.AfterProcessing)
                        {
                            after = fault;
                            break;
                        }

                        await WriteAsync(context, fault, cancellationToken).ConfigureAwait(false);
                        return;
                }
            }

            var result = await handle(cancellationToken).ConfigureAwait(false);
            if (after is not null)
            {
                // The work is done (and charged); the client sees only the fault.
                notes.AnswerReplaced = true;
                if (after.Drop == DropMoment.AfterProcessing)
                {
                    notes.Dropped = true;
                    context.Abort();
                }
                else
                {
                    await WriteAsync(context, after, cancellationToken).ConfigureAwait(false);
                }

                return;
            }

            await result.ExecuteAsync(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left or the emulator is stopping: nobody is waiting for an answer.
            context.Abort();
        }
    }

    private static async Task WriteAsync(HttpContext context, ResponseFault fault, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = fault.StatusCode;
        if (fault.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (fault.Body is null)
        {
            response.ContentLength = 0;
            return;
        }

        var body = Encoding.UTF8.GetBytes(fault.Body);
        response.ContentType = fault.ContentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, cancellationToken).ConfigureAwait(false);
    }
}
