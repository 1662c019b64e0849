namespace GptImageHub.Sdk.Errors;

/// <summary>
/// Finds the cause that decides among an exception's causes: the exception itself, then its inner exceptions, and every
/// inner exception of an <see cref="AggregateException"/> (whose <see cref="Exception.InnerException"/> is only the
/// first), depth first. Wrappers (<c>HttpRequestException</c>, a store's own exception, a task's aggregate) hide it.
/// </summary>
/// <remarks>
/// Not for the charge decision: <see cref="ChargeClassifier"/> follows the one chain the transport builds, so that a
/// second cause inside someone's aggregate can never make a possibly charged submit read as not sent.
/// </remarks>
internal static class ExceptionCauses
{
    /// <summary>The first cause of type <typeparamref name="T"/> that <paramref name="match"/> accepts, or null.</summary>
    public static T? Find<T>(Exception? exception, Func<T, bool>? match = null)
        where T : Exception
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is T cause && (match is null || match(cause)))
            {
                return cause;
            }

            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    if (Find(inner, match) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            }
        }

        return null;
    }
}
