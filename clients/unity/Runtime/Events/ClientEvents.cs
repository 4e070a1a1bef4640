using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using Orion.Client.Protocol;

namespace Orion.Client.Events
{
    /// <summary>
    /// The handlers behind <see cref="OrionClient"/>'s public events, and one <c>Raise…</c> per
    /// event that queues the call on the <see cref="EventDispatcher"/>: handlers run in
    /// <see cref="Drain"/> (Poll) or on the EventContext, never on a network thread. The handler
    /// list is read when the event runs, not when it was queued.
    /// </summary>
    internal sealed class ClientEvents
    {
        private readonly EventDispatcher dispatcher;

        public ClientEvents(SynchronizationContext context)
        {
            dispatcher = new EventDispatcher(context);
            dispatcher.HandlerFailed += error => { var failed = HandlerFailed; if (failed != null) failed(error); };
        }

        public event Action<Frame> MessageReceived;
        public event Action<string> PeerJoined;
        public event Action<string> PeerLeft;
        public event Action<string, string> LobbyClosed;
        public event Action<ChatMessage> ChatReceived;
        public event Action<int> MediationStarted;
        public event Action<List<PeerEndpoint>> PeersReceived;
        public event Action<string> MediationAborted;
        public event Action MediationSucceeded;
        public event Action<byte[], IPEndPoint> GameDatagramReceived;
        public event Action<int> Closed;
        /// <summary>Raised at once, on the thread of the handler that threw.</summary>
        public event Action<Exception> HandlerFailed;

        /// <summary>Runs the queued events on the calling thread; returns how many ran.</summary>
        public int Drain() { return dispatcher.Drain(); }

        public void RaiseMessageReceived(Frame frame) { Post(() => { var e = MessageReceived; if (e != null) e(frame); }); }

        public void RaisePeerJoined(string name) { Post(() => { var e = PeerJoined; if (e != null) e(name); }); }

        public void RaisePeerLeft(string name) { Post(() => { var e = PeerLeft; if (e != null) e(name); }); }

        public void RaiseLobbyClosed(string lobbyId, string lobbyName)
        {
            Post(() => { var e = LobbyClosed; if (e != null) e(lobbyId, lobbyName); });
        }

        public void RaiseChatReceived(ChatMessage chat) { Post(() => { var e = ChatReceived; if (e != null) e(chat); }); }

        public void RaiseMediationStarted(int serverUdpPort)
        {
            Post(() => { var e = MediationStarted; if (e != null) e(serverUdpPort); });
        }

        /// <summary>Handlers get a copy: none can change the list the mediation punches.</summary>
        public void RaisePeersReceived(List<PeerEndpoint> peers)
        {
            Post(() => { var e = PeersReceived; if (e != null) e(new List<PeerEndpoint>(peers)); });
        }

        public void RaiseMediationAborted(string reason) { Post(() => { var e = MediationAborted; if (e != null) e(reason); }); }

        public void RaiseMediationSucceeded() { Post(() => { var e = MediationSucceeded; if (e != null) e(); }); }

        public void RaiseGameDatagramReceived(byte[] datagram, IPEndPoint from)
        {
            Post(() => { var e = GameDatagramReceived; if (e != null) e(datagram, from); });
        }

        public void RaiseClosed(int code) { Post(() => { var e = Closed; if (e != null) e(code); }); }

        private void Post(Action raise) { dispatcher.Post(raise); }
    }
}
