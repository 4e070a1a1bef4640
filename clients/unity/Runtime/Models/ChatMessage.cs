namespace Orion.Client
{
    /// <summary>A chat line from <c>lobby_messaging_received</c> (your own lines come back too).</summary>
    public sealed class ChatMessage
    {
        public string LobbyId;
        public string SenderName;
        public string Message;
        /// <summary>The server's clock, milliseconds since the Unix epoch.</summary>
        public long Timestamp;
    }
}
