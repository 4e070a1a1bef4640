using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Orion.Client.Events;
using Orion.Client.Json;
using Orion.Client.Protocol;
using Orion.Client.Punch;
using Orion.Client.Relay;
using Orion.Client.Transport;

namespace Orion.Client
{
    /// <summary>
    /// One player's connection to Orion: the WebSocket (the client's identity and message channel),
    /// the HTTP routes, and one UDP socket used both to tell Orion the player's public endpoint and
    /// to talk to peers; after a successful mediation that socket is handed to the game, punched.
    /// The token stays inside: nothing here prints or exposes it.
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
        private readonly IPAddress udpHost;
        private readonly EventDispatcher events;
        private readonly MessageQueue queue = new MessageQueue();
        private readonly HolePuncher puncher;
        private readonly UdpReceiveLoop receiveLoop;
        private string token = "";
        private string memberName;
        private string lobbyId;
        private bool mediationRunning;
        private List<PeerEndpoint> knownPeers;
        private readonly List<PeerEndpoint> knownRelays = new List<PeerEndpoint>();
        private MediationSession session;
        private bool socketHandedOver;
        private bool disposed;

        private OrionClient(OrionClientOptions options, Uri baseUri, IPAddress udpHost, UdpClient socket)
        {
            this.udpHost = udpHost;
            Socket = socket;
            events = new EventDispatcher(options.EventContext);
            events.HandlerFailed += error => { var failed = HandlerFailed; if (failed != null) failed(error); };
            http = new HttpApi(baseUri, options.RequestTimeoutMs);
            ws = new WebSocketLink(WebSocketUriOf(baseUri));
            puncher = new HolePuncher(socket);
            receiveLoop = new UdpReceiveLoop(socket, OnDatagram);
        }

        /// <summary>Every server message, raw (method and payload), after the typed event for it.</summary>
        public event Action<Frame> MessageReceived;
        /// <summary>Another member joined your lobby (<c>lobby_peerConnect</c>).</summary>
        public event Action<string> PeerJoined;
        /// <summary>Another member left your lobby (<c>lobby_peerDisconnect</c>).</summary>
        public event Action<string> PeerLeft;
        /// <summary>Your lobby closed: the host left, or the mediation succeeded. (lobbyId, lobbyName)</summary>
        public event Action<string, string> LobbyClosed;
        /// <summary>A chat line, your own included.</summary>
        public event Action<ChatMessage> ChatReceived;
        /// <summary>The mediation started (first <c>ptpMediation_send</c>); the argument is Orion's UDP port. The client answers it by itself.</summary>
        public event Action<int> MediationStarted;
        /// <summary>The peers to punch arrived (<c>ptpMediation_peersConnection_start</c>).</summary>
        public event Action<List<PeerEndpoint>> PeersReceived;
        /// <summary>Orion aborted the mediation; the argument is its reason, fit to show players.</summary>
        public event Action<string> MediationAborted;
        /// <summary>Every member reported success (<c>ptpMediation_success</c>).</summary>
        public event Action MediationSucceeded;
        /// <summary>A datagram that is not the handshake's arrived while the client still owned the socket (a fast peer's first game packet).</summary>
        public event Action<byte[], IPEndPoint> GameDatagramReceived;
        /// <summary>The WebSocket closed, with its close code (1000 after Dispose, 1006 when it dropped).</summary>
        public event Action<int> Closed;
        /// <summary>One of your event handlers threw; the others still ran.</summary>
        public event Action<Exception> HandlerFailed;

        /// <summary>The client's UDP socket. After a successful <see cref="MediateAsync"/> it is the game's.</summary>
        public UdpClient Socket { get; private set; }

        /// <summary>The UDP socket's local port.</summary>
        public int LocalPort { get { return ((IPEndPoint)Socket.Client.LocalEndPoint).Port; } }

        /// <summary>The lobby this client is in, or null: set by Host and Join, cleared when it closes.</summary>
        public string LobbyId { get { lock (gate) return lobbyId; } }

        /// <summary>This client's name in its lobby, or null.</summary>
        public string MemberName { get { lock (gate) return memberName; } }

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
                await client.ws.OpenAsync(options.ConnectTimeoutMs, client.OnText, client.OnClosed).ConfigureAwait(false);
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
                client.token = registered.GetString("token") ?? "";
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
            var lobby = await http.HostAsync(token, options).ConfigureAwait(false);
            EnterLobby(lobby.LobbyId, options.HostName);
            return lobby;
        }

        /// <summary>Joins a lobby by id (any letter case). Throws <see cref="OrionRequestException"/> when Orion refuses.</summary>
        public async Task<JoinedLobby> JoinAsync(string lobbyIdToJoin, string peerName)
        {
            var lobby = await http.JoinAsync(token, lobbyIdToJoin, peerName).ConfigureAwait(false);
            EnterLobby(lobby.LobbyId, peerName);
            return lobby;
        }

        /// <summary>Sends a chat line; it is delivered when it comes back through <see cref="ChatReceived"/>.</summary>
        public Task ChatAsync(string message)
        {
            var payload = new JsonObject { { "token", token }, { "lobbyId", RequireLobby("chat") }, { "message", message } };
            return SendAsync(ProtocolMethods.LobbyMessagingSend, payload);
        }

        /// <summary>Host only: locks the lobby and starts the peer-to-peer mediation.</summary>
        public Task StartMediationAsync() { return http.StartMediationAsync(token, RequireLobby("start mediation")); }

        /// <summary>
        /// Takes part in the lobby's mediation: waits for the peer list (or uses one that already
        /// came), hole-punches every peer, reports success and completes on <c>ptpMediation_success</c>
        /// with the punched socket, which is then the game's. Fails with <see cref="PunchFailedException"/>,
        /// <see cref="MediationAbortedException"/> or <see cref="MediationInterruptedException"/> instead of waiting forever.
        /// Every member calls it; the host calls it before <see cref="StartMediationAsync"/>.
        /// </summary>
        public async Task<MediationResult> MediateAsync(MediateOptions options = null)
        {
            options = options ?? new MediateOptions();
            MediationSession current;
            List<PeerEndpoint> peers, relays;
            lock (gate)
            {
                if (!ws.IsOpen) throw new MediationInterruptedException("The connection to Orion is closed.");
                if (lobbyId == null) throw new InvalidOperationException("Cannot mediate: this client is in no lobby.");
                if (session != null) throw new InvalidOperationException("MediateAsync is already running for this client.");
                var relay = new RelayFallback(Socket, puncher, options, RelayFrames.EncodeBind(token), RequestRelay);
                current = session = new MediationSession(puncher, options, ReportSuccess, relay);
                peers = knownPeers;
                relays = new List<PeerEndpoint>(knownRelays);
            }
            // Allocations that came first wait in the session until the peer list is there.
            current.RelayAllocated(relays);
            if (peers != null) current.Start(peers);
            try
            {
                return await current.Outcome.ConfigureAwait(false);
            }
            finally
            {
                lock (gate) if (session == current) session = null;
            }
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
            bool closeSocket;
            lock (gate)
            {
                if (disposed) return;
                disposed = true;
                closeSocket = !socketHandedOver;
            }
            receiveLoop.Stop();
            ws.Dispose();
            if (closeSocket) Socket.Close();
        }

        private void OnText(string text)
        {
            var frame = FrameCodec.Decode(text);
            if (frame == null) return;
            var payload = frame.Payload;
            switch (frame.Method)
            {
                case ProtocolMethods.MediationSend:
                    OnMediationSend(payload);
                    break;
                case ProtocolMethods.PeersConnectionStart:
                    OnPeersConnectionStart(payload);
                    break;
                case ProtocolMethods.RelayAllocated:
                    OnRelayAllocated(payload);
                    break;
                case ProtocolMethods.MediationAborted:
                    string reason = payload.GetString("abortReason") ?? "";
                    EndMediation(new MediationAbortedException(reason));
                    Raise(() => { var e = MediationAborted; if (e != null) e(reason); });
                    break;
                case ProtocolMethods.MediationSuccess:
                    OnMediationSuccess();
                    Raise(() => { var e = MediationSucceeded; if (e != null) e(); });
                    break;
                case ProtocolMethods.LobbyClosed:
                    EndMediation(new MediationInterruptedException("The lobby closed before the mediation succeeded."));
                    lock (gate) lobbyId = null;
                    string closedId = payload.GetString("lobbyId"), closedName = payload.GetString("lobbyName");
                    Raise(() => { var e = LobbyClosed; if (e != null) e(closedId, closedName); });
                    break;
                case ProtocolMethods.LobbyPeerConnect:
                    string joined = payload.GetString("peerName");
                    Raise(() => { var e = PeerJoined; if (e != null) e(joined); });
                    break;
                case ProtocolMethods.LobbyPeerDisconnect:
                    string left = payload.GetString("peerName");
                    Raise(() => { var e = PeerLeft; if (e != null) e(left); });
                    break;
                case ProtocolMethods.LobbyMessagingReceived:
                    var chat = ChatOf(payload);
                    if (chat != null) Raise(() => { var e = ChatReceived; if (e != null) e(chat); });
                    break;
            }
            queue.Push(frame.Method, payload);
            Raise(() => { var e = MessageReceived; if (e != null) e(frame); });
        }

        private void OnMediationSend(JsonObject payload)
        {
            var port = payload.GetInteger("port");
            if (port == null || port < 1 || port > 65535) return;
            bool first;
            lock (gate)
            {
                first = !mediationRunning;
                if (first)
                {
                    // A new mediation: only hellos from now on count.
                    mediationRunning = true;
                    knownPeers = null;
                    knownRelays.Clear();
                    puncher.Reset(memberName);
                }
            }
            // Every request gets one datagram, from the socket the peers will use.
            var connect = FrameCodec.EncodeDatagram(ProtocolMethods.MediationConnect, new JsonObject { { "token", token } });
            UdpEndpoints.SendQuietly(Socket, connect, new IPEndPoint(udpHost, (int)port.Value));
            if (first) Raise(() => { var e = MediationStarted; if (e != null) e((int)port.Value); });
        }

        private void OnPeersConnectionStart(JsonObject payload)
        {
            var peers = new List<PeerEndpoint>();
            foreach (var item in payload.GetArray("peers") ?? new List<object>())
            {
                var peer = item as JsonObject;
                var port = peer == null ? null : peer.GetInteger("port");
                if (peer == null || peer.GetString("ip") == null || port == null) continue;
                peers.Add(new PeerEndpoint(peer.GetString("name") ?? peer.GetString("ip"), peer.GetString("ip"), (int)port.Value));
            }
            MediationSession current;
            lock (gate)
            {
                knownPeers = peers;
                current = session;
            }
            if (current != null) current.Start(peers);
            Raise(() => { var e = PeersReceived; if (e != null) e(new List<PeerEndpoint>(peers)); });
        }

        private void OnRelayAllocated(JsonObject payload)
        {
            var relays = new List<PeerEndpoint>();
            foreach (var item in payload.GetArray("relays") ?? new List<object>())
            {
                var relay = item as JsonObject;
                var port = relay == null ? null : relay.GetInteger("port");
                if (relay == null || relay.GetString("peerName") == null || relay.GetString("ip") == null || port == null) continue;
                relays.Add(new PeerEndpoint(relay.GetString("peerName"), relay.GetString("ip"), (int)port.Value));
            }
            MediationSession current;
            lock (gate)
            {
                knownRelays.AddRange(relays);
                current = session;
            }
            if (current != null) current.RelayAllocated(relays);
        }

        private void RequestRelay(List<string> peerNames)
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

        private void OnMediationSuccess()
        {
            MediationSession current;
            lock (gate)
            {
                mediationRunning = false;
                knownPeers = null;
                knownRelays.Clear();
                current = session;
                if (current == null || !current.HasReported) return;
                socketHandedOver = true;
            }
            // Hand over: the receive loop lets go before the game gets the socket.
            receiveLoop.Stop();
            current.Succeed(Socket);
        }

        private void EndMediation(Exception reason)
        {
            MediationSession current;
            lock (gate)
            {
                mediationRunning = false;
                knownPeers = null;
                knownRelays.Clear();
                current = session;
            }
            if (current != null) current.Fail(reason);
        }

        private void OnClosed(int code)
        {
            EndMediation(new MediationInterruptedException("The connection to Orion closed (code " + code + ") before the mediation succeeded."));
            lock (gate) lobbyId = null;
            queue.Close(new OrionConnectionException("The connection to Orion closed (code " + code + ")."));
            Raise(() => { var e = Closed; if (e != null) e(code); });
        }

        private void OnDatagram(byte[] datagram, IPEndPoint remote)
        {
            if (puncher.OnDatagram(datagram, remote)) return;
            if (RelayFrames.IsRelayBound(datagram))
            {
                MediationSession current;
                lock (gate) current = session;
                if (current != null) current.RelayBound(remote);
                return;
            }
            if (PunchFrames.IsPunchDatagram(datagram)) return;
            var from = UdpEndpoints.Normalize(remote);
            Raise(() => { var e = GameDatagramReceived; if (e != null) e(datagram, from); });
        }

        private void ReportSuccess()
        {
            // Not waited for here (this may be the UDP thread); a failed send ends the mediation.
            SendAsync(ProtocolMethods.PeersConnectionSuccess, new JsonObject { { "token", token } }).ContinueWith(sent =>
            {
                var failure = sent.Exception == null ? null : sent.Exception.GetBaseException();
                EndMediation(new MediationInterruptedException("Could not report success to Orion: " + failure.Message));
            }, TaskContinuationOptions.OnlyOnFaulted);
        }

        private Task SendAsync(string method, JsonObject payload)
        {
            if (!ws.IsOpen) throw new OrionConnectionException("Cannot send " + method + ": the connection to Orion is closed.");
            return ws.SendTextAsync(FrameCodec.Encode(method, payload));
        }

        private void EnterLobby(string id, string name)
        {
            bool started;
            lock (gate)
            {
                lobbyId = id;
                memberName = name;
                // A host may start the mediation as soon as we are in: its ptpMediation_send and
                // peer list can arrive before Orion's answer to our join. Keep them.
                started = mediationRunning;
                if (!started)
                {
                    knownPeers = null;
                    knownRelays.Clear();
                }
            }
            if (started) puncher.Rename(name);
            else puncher.Reset(name);
        }

        private string RequireLobby(string action)
        {
            lock (gate)
            {
                if (lobbyId == null) throw new InvalidOperationException("Cannot " + action + ": this client is in no lobby.");
                return lobbyId;
            }
        }

        private void Raise(Action raise) { events.Post(raise); }

        private static ChatMessage ChatOf(JsonObject payload)
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

        private static Uri WebSocketUriOf(Uri baseUri)
        {
            var scheme = baseUri.Scheme == "https" ? "wss" : "ws";
            return new Uri(scheme + "://" + baseUri.Authority + "/");
        }
    }
}
