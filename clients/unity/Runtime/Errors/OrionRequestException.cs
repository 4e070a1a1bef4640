using System.Collections.Generic;

namespace Orion.Client
{
    /// <summary>
    /// Orion answered an HTTP request with an error status (400, 409, 429, ...). <see cref="Errors"/>
    /// holds the sentences from its <c>{"errors": [...]}</c> body, written for players; branch on
    /// <see cref="Status"/>, not on their wording.
    /// </summary>
    public sealed class OrionRequestException : OrionException
    {
        public OrionRequestException(int status, IList<string> errors, string request)
            : base(string.Join(" ", errors) + " (HTTP " + status + " from " + request + ")")
        {
            Status = status;
            Errors = new List<string>(errors).AsReadOnly();
            Request = request;
        }

        /// <summary>The HTTP status, e.g. 409.</summary>
        public int Status { get; private set; }

        /// <summary>Orion's <c>errors</c>, e.g. <c>["The lobby does not exist."]</c>.</summary>
        public IList<string> Errors { get; private set; }

        /// <summary>The request, e.g. <c>POST /lobbies/K7Q2Z/join</c> (paths never hold a token).</summary>
        public string Request { get; private set; }
    }
}
