using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Orion.Client.Events;
using Orion.Client.Json;
using Orion.Client.Lobby;
using Orion.Client.Mediation;
using Orion.Client.Protocol;
using Orion.Client.Punch;
using Orion.Client.Routing;
using Orion.Client.Transport;

namespace Orion.Client
{
    /// <summary>
    /// One player's connection to Orion: the WebSocket (the client's identity and message channel),
    /// the HTTP routes, and one UDP socket used both to tell Orion the player's public endpoint and
    /// to talk to peers; after a successful mediation that socket is handed to the game, punched.
    /// The token stays inside: nothing here prints or exposes it.
    ///
    /// This class is the public surface only: <see cref="ServerMessageRouter"/> decides what each
    /// server message does, <see cref="LobbyMembership"/> tracks the lobby,
    /// <see cref="MediationCoordinator"/> the mediation, and <see cref="ClientEvents"/> raises the events.
    ///
    /// Threading: network work runs on background threads. Events are queued and raised by
    /// <see cref="Poll"/> on the thread that calls it (a MonoBehaviour's Update), or posted to
    /// <see cref="OrionClientOptions.EventContext"/> when set. Tasks complete on background threads;
    /// <c>await</c> them from Unity's main thread and the code after the await runs there again.
    /// </summary>
    public sealed class OrionClient : IDisposable
    {
        private const int DefaultNextTimeoutMs = 10000;
        private readonly object gate = new object();
        private readonly WebSocketLink ws;
        private readonly HttpApi http;
        private readonly OutgoingMessages outgoing;
        private readonly ClientEvents events;
        private readonly MessageQueue queue = new MessageQueue();
        private readonly LobbyMembership lobby = new LobbyMembership();
        private readonly MediationCoordinator mediation;
        private readonly ServerMessageRouter router;
        private readonly UdpReceiveLoop receiveLoop;
        private bool disposed;

        private OrionClient(OrionClientOptions options, Uri baseUri, IPAddress udpHost, UdpClient socket)
        {
            Socket = socket;
            events = new ClientEvents(options.EventContext);
            http = new HttpApi(baseUri, options.RequestTimeoutMs);
            ws = new WebSocketLink(WebSocketUriOf(baseUri));
            outgoing = new OutgoingMessages(ws);
            var puncher = new HolePuncher(socket);
            mediation = new MediationCoordinator(socket, udpHost, puncher, outgoing, () => receiveLoop.Stop());
            router = new ServerMessageRouter(events, queue, lobby, mediation);
            receiveLoop = new UdpReceiveLoop(socket, new DatagramRouter(puncher, mediation, events).OnDatagram);
        }

        /// <summary>Every server message, raw (method and payload), after the typed event for it.</summary>
        public event Action<Frame> MessageReceived { add { events.MessageReceived += value; } remove { events.MessageReceived -= value; } }
        /// <summary>Another member joined your lobby (<c>lobby_peerConnect</c>).</summary>
        public event Action<string> PeerJoined { add { events.PeerJoined += value; } remove { events.PeerJoined -= value; } }
        /// <summary>Another member left your lobby (<c>lobby_peerDisconnect</c>).</summary>
        public event Action<string> PeerLeft { add { events.PeerLeft += value; } remove { events.PeerLeft -= value; } }
        /// <summary>Your lobby closed: the host left, or the mediation succeeded. (lobbyId, lobbyName)</summary>
        public event Action<string, string> LobbyClosed { add { events.LobbyClosed += value; } remove { events.LobbyClosed -= value; } }
        /// <summary>A chat line, your own included.</summary>
        public event Action<ChatMessage> ChatReceived { add { events.ChatReceived += value; } remove { events.ChatReceived -= value; } }
        /// <summary>The mediation started (first <c>ptpMediation_send</c>); the argument is Orion's UDP port. The client answers it by itself.</summary>
        public event Action<int> MediationStarted { add { events.MediationStarted += value; } remove { events.MediationStarted -= value; } }
        /// <summary>The peers to punch arrived (<c>ptpMediation_peersConnection_start</c>).</summary>
        public event Action<List<PeerEndpoint>> PeersReceived { add { events.PeersReceived += value; } remove { events.PeersReceived -= value; } }
        /// <summary>Orion aborted the mediation; the argument is its reason, fit to show players.</summary>
        public event Action<string> MediationAborted { add { events.MediationAborted += value; } remove { events.MediationAborted -= value; } }
        /// <summary>Every member reported success (<c>ptpMediation_success</c>).</summary>
        public event Action MediationSucceeded { add { events.MediationSucceeded += value; } remove { events.MediationSucceeded -= value; } }
        /// <summary>A datagram that is not the handshake's arrived while the client still owned the socket (a fast peer's first game packet).</summary>
        public event Action<byte[], IPEndPoint> GameDatagramReceived
        {
            add { events.GameDatagramReceived += value; }
            remove { events.GameDatagramReceived -= value; }
        }
        /// <summary>The WebSocket closed, with its close code (1000 after Dispose, 1006 when it dropped).</summary>
        public event Action<int> Closed { add { events.Closed += value; } remove { events.Closed -= value; } }
        /// <summary>One of your event handlers threw; the others still ran.</summary>
        public event Action<Exception> HandlerFailed { add { events.HandlerFailed += value; } remove { events.HandlerFailed -= value; } }

        /// <summary>The client's UDP socket. After a successful <see cref="MediateAsync"/> it is the game's.</summary>
        public UdpClient Socket { get; private set; }

        /// <summary>The UDP socket's local port.</summary>
        public int LocalPort { get { return ((IPEndPoint)Socket.Client.LocalEndPoint).Port; } }

        /// <summary>The lobby this client is in, or null: set by Host and Join, cleared when it closes.</summary>
        public string LobbyId { get { return lobby.LobbyId; } }

        /// <summary>This client's name in its lobby, or null.</summary>
        public string MemberName { get { return lobby.MemberName; } }

        public bool IsConnected { get { return ws.IsOpen; } }

        /// <summary>
        /// Binds the UDP socket, opens the WebSocket and waits for <c>client_registered</c>.
        /// Throws <see cref="OrionConnectionException"/> when Orion cannot be reached in time.
        /// </summary>
        public static async Task<OrionClient> ConnectAsync(OrionClientOptions options)
        {
            if (options == null || string.IsNullOrEmpty(options.Url)) throw new ArgumentException("OrionClientOptions.Url is required.");
            Uri baseUri;
            if (!Uri.TryCreate(options.Url, UriKind.Absolute, out baseUri) || (baseUri.Scheme != "http" && baseUri.Scheme != "https"))
                throw new ArgumentException("Orion's url must start with http:// or https://, not " + options.Url);
            var udpHost = UdpEndpoints.Resolve(options.UdpHost ?? baseUri.DnsSafeHost);
            var socket = UdpEndpoints.Bind(udpHost, options.LocalAddress, options.LocalPort);
            var client = new OrionClient(options, baseUri, udpHost, socket);
            var started = DateTime.UtcNow;
            try
            {
                await client.ws.OpenAsync(options.ConnectTimeoutMs, client.router.OnText, client.router.OnClosed).ConfigureAwait(false);
                int left = Math.Max(1, options.ConnectTimeoutMs - (int)(DateTime.UtcNow - started).TotalMilliseconds);
                JsonObject registered;
                try
                {
                    registered = await client.queue.NextAsync(ProtocolMethods.ClientRegistered, left).ConfigureAwait(false);
                }
                catch (Exception error)
                {
                    throw new OrionConnectionException("Orion at " + baseUri.GetLeftPart(UriPartial.Authority)
                        + " did not register this client: " + error.Message, error);
                }
                client.outgoing.Token = registered.GetString("token");
                client.receiveLoop.Start();
                return client;
            }
            catch (Exception)
            {
                client.Dispose();
                throw;
            }
        }

        /// <summary>Raises the queued events on the calling thread. Call it every frame (Update) unless EventContext is set.</summary>
        public int Poll() { return events.Drain(); }

        /// <summary><c>GET /lobbies</c>: the public lobbies.</summary>
        public Task<List<LobbySummary>> ListLobbiesAsync() { return http.ListLobbiesAsync(); }

        /// <summary>Creates a lobby and becomes its host. Throws <see cref="OrionRequestException"/> when Orion refuses.</summary>
        public async Task<HostedLobby> HostAsync(HostOptions options)
        {
            var hosted = await http.HostAsync(outgoing.Token, options).ConfigureAwait(false);
            EnterLobby(hosted.LobbyId, options.HostName);
            return hosted;
        }

        /// <summary>Joins a lobby by id (any letter case). Throws <see cref="OrionRequestException"/> when Orion refuses.</summary>
        public async Task<JoinedLobby> JoinAsync(string lobbyIdToJoin, string peerName)
        {
            var joined = await http.JoinAsync(outgoing.Token, lobbyIdToJoin, peerName).ConfigureAwait(false);
            EnterLobby(joined.LobbyId, peerName);
            return joined;
        }

        /// <summary>Sends a chat line; it is delivered when it comes back through <see cref="ChatReceived"/>.</summary>
        public Task ChatAsync(string message) { return outgoing.ChatAsync(lobby.Require("chat"), message); }

        /// <summary>Host only: locks the lobby and starts the peer-to-peer mediation.</summary>
        public Task StartMediationAsync() { return http.StartMediationAsync(outgoing.Token, lobby.Require("start mediation")); }

        /// <summary>
        /// Takes part in the lobby's mediation: waits for the peer list (or uses one that already
        /// came), hole-punches every peer, reports success and completes on <c>ptpMediation_success</c>
        /// with the punched socket, which is then the game's. Fails with <see cref="PunchFailedException"/>,
        /// <see cref="MediationAbortedException"/> or <see cref="MediationInterruptedException"/> instead of waiting forever.
        /// Every member calls it; the host calls it before <see cref="StartMediationAsync"/>.
        /// </summary>
        public async Task<MediationResult> MediateAsync(MediateOptions options = null)
        {
            if (!ws.IsOpen) throw new MediationInterruptedException("The connection to Orion is closed.");
            lobby.Require("mediate");
            return await mediation.RunAsync(options ?? new MediateOptions()).ConfigureAwait(false);
        }

        /// <summary>
        /// The oldest server message of that method not yet returned here, waiting up to
        /// <paramref name="timeoutMs"/> for one. Fails at once when the connection has closed.
        /// </summary>
        public Task<JsonObject> NextAsync(string method, int timeoutMs = DefaultNextTimeoutMs)
        {
            return queue.NextAsync(method, timeoutMs);
        }

        /// <summary>Closes the WebSocket (leaving Orion), waiting up to a second for Orion's answer.</summary>
        public async Task CloseAsync()
        {
            await ws.CloseAsync().ConfigureAwait(false);
            Dispose();
        }

        /// <summary>Leaves Orion and closes the UDP socket, unless a mediation handed it to the game.</summary>
        public void Dispose()
        {
            lock (gate)
            {
                if (disposed) return;
                disposed = true;
            }
            receiveLoop.Stop();
            ws.Dispose();
            if (!mediation.SocketHandedOver) Socket.Close();
        }

        private void EnterLobby(string id, string name)
        {
            lobby.Enter(id, name);
            mediation.EnteredLobby(name);
        }

        private static Uri WebSocketUriOf(Uri baseUri)
        {
            var scheme = baseUri.Scheme == "https" ? "wss" : "ws";
            return new Uri(scheme + "://" + baseUri.Authority + "/");
        }
    }
}
