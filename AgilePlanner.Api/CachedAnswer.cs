using System.Net.Http.Headers;

namespace AgilePlanner.Api;

/// <summary>An answer kept by <see cref="AgilePlannerResponseCache"/>: its body, type, validator and how long it stays fresh.</summary>
internal sealed record CachedAnswer(byte[] Body, MediaTypeHeaderValue? ContentType, EntityTagHeaderValue? ETag, DateTimeOffset FreshUntil)
{
    public HttpResponseMessage ToResponse(HttpRequestMessage request)
    {
        var content = new ByteArrayContent(Body);
        content.Headers.ContentType = ContentType;
        var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = content, RequestMessage = request };
        response.Headers.ETag = ETag;
        return response;
    }
}
