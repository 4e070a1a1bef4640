using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Orion.Client.Json;
using Orion.Client.Protocol;
using Orion.Client.Relay;

namespace Orion.Client.Transport
{
    /// <summary>
    /// What this client sends Orion, each message with its token: the WebSocket frames (chat, relay
    /// request, punch success) and the UDP datagrams (mediation connect, relay bind). The token is
    /// set once Orion registered the client, and goes nowhere but into these and the HTTP calls.
    /// </summary>
    internal sealed class OutgoingMessages
    {
        private readonly WebSocketLink ws;
        private volatile string token = "";

        public OutgoingMessages(WebSocketLink ws)
        {
            this.ws = ws;
        }

        /// <summary>The token of <c>client_registered</c>, which the HTTP routes need too; empty before it.</summary>
        public string Token
        {
            get { return token; }
            set { token = value ?? ""; }
        }

        /// <summary><c>lobby_messaging_send</c>. Throws <see cref="OrionConnectionException"/> at once when the WebSocket is closed.</summary>
        public Task ChatAsync(string lobbyId, string message)
        {
            var payload = new JsonObject { { "token", token }, { "lobbyId", lobbyId }, { "message", message } };
            return SendAsync(ProtocolMethods.LobbyMessagingSend, payload);
        }

        /// <summary><c>ptpMediation_peersConnection_success</c>: this client reached every peer.</summary>
        public Task ReportPunchSuccessAsync()
        {
            return SendAsync(ProtocolMethods.PeersConnectionSuccess, new JsonObject { { "token", token } });
        }

        /// <summary><c>ptpMediation_relay_request</c> for these peers, not waited for.</summary>
        public void RequestRelay(List<string> peerNames)
        {
            var payload = new JsonObject { { "token", token }, { "peerNames", peerNames.Cast<object>().ToList() } };
            try
            {
                // Unanswered by a server without the relay: the punch timeout still runs.
                SendAsync(ProtocolMethods.RelayRequest, payload).ContinueWith(sent => { var ignored = sent.Exception; },
                    TaskContinuationOptions.OnlyOnFaulted);
            }
            catch (OrionConnectionException)
            {
                // The WebSocket closed: its close ends this mediation.
            }
        }

        /// <summary>The <c>ptpMediation_connect</c> datagram that answers a <c>ptpMediation_send</c>.</summary>
        public byte[] MediationConnectDatagram()
        {
            return FrameCodec.EncodeDatagram(ProtocolMethods.MediationConnect, new JsonObject { { "token", token } });
        }

        /// <summary>The <c>ptpMediation_relay_bind</c> datagram that claims this client's side of a relayed pair.</summary>
        public byte[] RelayBindDatagram() { return RelayFrames.EncodeBind(token); }

        private Task SendAsync(string method, JsonObject payload)
        {
            if (!ws.IsOpen) throw new OrionConnectionException("Cannot send " + method + ": the connection to Orion is closed.");
            return ws.SendTextAsync(FrameCodec.Encode(method, payload));
        }
    }
}
