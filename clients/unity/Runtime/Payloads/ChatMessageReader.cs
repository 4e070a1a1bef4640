using Orion.Client.Json;

namespace Orion.Client.Payloads
{
    /// <summary>The chat line of <c>lobby_messaging_received</c>.</summary>
    internal static class ChatMessageReader
    {
        /// <summary>The line, or null when the payload has no <c>message</c> object.</summary>
        public static ChatMessage Read(JsonObject payload)
        {
            var message = payload.GetObject("message");
            if (message == null) return null;
            return new ChatMessage
            {
                LobbyId = payload.GetString("lobbyId"),
                SenderName = message.GetString("senderName"),
                Message = message.GetString("message"),
                Timestamp = message.GetInteger("timestamp") ?? 0,
            };
        }
    }
}
