using Orion.Client.Json;

namespace Orion.Client.Protocol
{
    /// <summary>One decoded <c>method:base64(JSON)</c> message: its method and its payload object.</summary>
    public sealed class Frame
    {
        public Frame(string method, JsonObject payload)
        {
            Method = method;
            Payload = payload;
        }

        public string Method { get; private set; }
        public JsonObject Payload { get; private set; }
    }
}
