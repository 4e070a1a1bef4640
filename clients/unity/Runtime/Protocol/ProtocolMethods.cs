namespace Orion.Client.Protocol
{
    /// <summary>The message names of Orion's protocol (see docs/protocol.md), and of the punch handshake.</summary>
    public static class ProtocolMethods
    {
        // Orion to client, over the WebSocket.
        public const string ClientRegistered = "client_registered";
        public const string LobbyPeerConnect = "lobby_peerConnect";
        public const string LobbyPeerDisconnect = "lobby_peerDisconnect";
        public const string LobbyClosed = "lobby_closed";
        public const string LobbyMessagingReceived = "lobby_messaging_received";
        public const string MediationSend = "ptpMediation_send";
        public const string PeersConnectionStart = "ptpMediation_peersConnection_start";
        public const string MediationAborted = "ptpMediation_aborted";
        public const string MediationSuccess = "ptpMediation_success";
        public const string RelayAllocated = "ptpMediation_relay_allocated";

        // Client to Orion, over the WebSocket.
        public const string LobbyMessagingSend = "lobby_messaging_send";
        public const string PeersConnectionSuccess = "ptpMediation_peersConnection_success";
        public const string RelayRequest = "ptpMediation_relay_request";

        // Client to Orion, over UDP.
        public const string MediationConnect = "ptpMediation_connect";
        public const string RelayBind = "ptpMediation_relay_bind";

        // Orion's relay to client, over UDP.
        public const string RelayBound = "ptpMediation_relay_bound";

        // Client to client, over UDP: the punch handshake (a client convention, not Orion's).
        public const string PunchHello = "orionPunch_hello";
    }
}
