using System;

namespace Orion.Client
{
    /// <summary>The base of every error this library throws. No message ever holds the client's token.</summary>
    public class OrionException : Exception
    {
        public OrionException(string message) : base(message) { }

        public OrionException(string message, Exception inner) : base(message, inner) { }
    }
}
