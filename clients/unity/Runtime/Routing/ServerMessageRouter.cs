using Orion.Client.Events;
using Orion.Client.Lobby;
using Orion.Client.Mediation;
using Orion.Client.Payloads;
using Orion.Client.Protocol;

namespace Orion.Client.Routing
{
    /// <summary>
    /// What each server message, and the WebSocket's close, does to the client: decodes the frame,
    /// updates the lobby and the mediation, raises the typed event, then keeps the message for
    /// <see cref="OrionClient.NextAsync"/> and raises <see cref="OrionClient.MessageReceived"/>.
    /// Runs on the WebSocket's read loop, one message at a time.
    /// </summary>
    internal sealed class ServerMessageRouter
    {
        private readonly ClientEvents events;
        private readonly MessageQueue queue;
        private readonly LobbyMembership lobby;
        private readonly MediationCoordinator mediation;

        public ServerMessageRouter(ClientEvents events, MessageQueue queue, LobbyMembership lobby, MediationCoordinator mediation)
        {
            this.events = events;
            this.queue = queue;
            this.lobby = lobby;
            this.mediation = mediation;
        }

        /// <summary>One WebSocket text message; anything that is not a frame is dropped.</summary>
        public void OnText(string text)
        {
            var frame = FrameCodec.Decode(text);
            if (frame == null) return;
            var payload = frame.Payload;
            switch (frame.Method)
            {
                case ProtocolMethods.MediationSend:
                    var port = payload.GetInteger("port");
                    if (port == null || port < 1 || port > 65535) break;
                    if (mediation.OnMediationSend((int)port.Value)) events.RaiseMediationStarted((int)port.Value);
                    break;
                case ProtocolMethods.PeersConnectionStart:
                    var peers = PeerListReader.Read(payload);
                    mediation.OnPeerList(peers);
                    events.RaisePeersReceived(peers);
                    break;
                case ProtocolMethods.RelayAllocated:
                    mediation.OnRelayAllocated(RelayAllocationReader.Read(payload));
                    break;
                case ProtocolMethods.MediationAborted:
                    string reason = payload.GetString("abortReason") ?? "";
                    mediation.End(new MediationAbortedException(reason));
                    events.RaiseMediationAborted(reason);
                    break;
                case ProtocolMethods.MediationSuccess:
                    mediation.OnSuccess();
                    events.RaiseMediationSucceeded();
                    break;
                case ProtocolMethods.LobbyClosed:
                    mediation.End(new MediationInterruptedException("The lobby closed before the mediation succeeded."));
                    lobby.Leave();
                    events.RaiseLobbyClosed(payload.GetString("lobbyId"), payload.GetString("lobbyName"));
                    break;
                case ProtocolMethods.LobbyPeerConnect:
                    events.RaisePeerJoined(payload.GetString("peerName"));
                    break;
                case ProtocolMethods.LobbyPeerDisconnect:
                    events.RaisePeerLeft(payload.GetString("peerName"));
                    break;
                case ProtocolMethods.LobbyMessagingReceived:
                    var chat = ChatMessageReader.Read(payload);
                    if (chat != null) events.RaiseChatReceived(chat);
                    break;
            }
            queue.Push(frame.Method, payload);
            events.RaiseMessageReceived(frame);
        }

        /// <summary>The WebSocket closed with <paramref name="code"/>: the mediation, the lobby and every waiting <c>NextAsync</c> end.</summary>
        public void OnClosed(int code)
        {
            mediation.End(new MediationInterruptedException(
                "The connection to Orion closed (code " + code + ") before the mediation succeeded."));
            lobby.Leave();
            queue.Close(new OrionConnectionException("The connection to Orion closed (code " + code + ")."));
            events.RaiseClosed(code);
        }
    }
}
