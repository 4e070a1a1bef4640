using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Orion.Client;
using Orion.Client.Json;
using Orion.Client.Protocol;

/// <summary>
/// The console player test/unity-client.e2e-spec.ts runs with mono: one scenario per run, chosen
/// by the first argument, options as `--name value`. It reports what happened as lines
/// `ORION_TEST {json}` on stdout, and exits 0 when the scenario went through, 1 when it did not
/// (after an `error` line). Events are raised only by Poll(), pumped here as Unity's Update would.
/// </summary>
public static class OrionTestDriver
{
    internal static readonly Dictionary<string, string> Args = new Dictionary<string, string>();
    /// <summary>The client whose events <see cref="WaitUntil"/> raises while it waits.</summary>
    internal static OrionClient Pumped;
    private static readonly Stopwatch SinceStart = Stopwatch.StartNew();

    public static int Main(string[] argv)
    {
        int code = Run(argv);
        Exit(code);
        return code;
    }

    /// <summary>
    /// Ends the process now, output flushed. Mono 6.8 (Debian's) sometimes waits 5 to 60 s at
    /// shutdown for idle thread-pool workers (mono/mono#9000), long after the scenario ended.
    /// </summary>
    internal static void Exit(int code)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        ExitNow(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void ExitNow(int status);

    private static int Run(string[] argv)
    {
        for (int i = 1; i + 1 < argv.Length; i += 2) Args[argv[i].TrimStart('-')] = argv[i + 1];
        try
        {
            switch (argv.Length > 0 ? argv[0] : "")
            {
                case "codec": Codec(); break;
                case "host": Party(true); break;
                case "member": Party(false); break;
                case "refused-join": RefusedJoin(); break;
                case "unreachable": Unreachable(); break;
                case "lab-member": return LabPeer.Run();
                default: throw new ArgumentException("Unknown scenario: " + string.Join(" ", argv));
            }
            return 0;
        }
        catch (Exception error)
        {
            var root = error is AggregateException ? error.InnerException : error;
            Emit("error", new JsonObject { { "type", root.GetType().Name }, { "message", root.Message } });
            Console.Error.WriteLine(error);
            return 1;
        }
    }

    /// <summary>Encodes and decodes what the test gives on stdin, for comparison with @orion/protocol.</summary>
    private static void Codec()
    {
        var input = JsonReader.ReadObject(Console.In.ReadToEnd());
        if (input == null) throw new ArgumentException("stdin is not a JSON object");
        var frames = new List<object>();
        foreach (JsonObject item in input.GetArray("encode")) frames.Add(FrameCodec.Encode(item.GetString("method"), item.GetObject("payload")));
        Emit("encoded", new JsonObject { { "frames", frames } });

        var decoded = new List<object>();
        foreach (string text in input.GetArray("decode"))
        {
            var frame = FrameCodec.Decode(text);
            decoded.Add(frame == null ? null : new JsonObject { { "method", frame.Method }, { "payload", frame.Payload } });
        }
        Emit("decoded", new JsonObject { { "results", decoded } });

        var hellos = new List<object>();
        foreach (JsonObject hello in input.GetArray("hellos"))
            hellos.Add(Encoding.UTF8.GetString(PunchFrames.EncodeHello(new PunchHello(hello.GetString("name"), hello.GetBool("ack").Value))));
        Emit("hellos_encoded", new JsonObject { { "datagrams", hellos } });

        var read = new List<object>();
        foreach (string datagram in input.GetArray("datagrams"))
        {
            var bytes = Encoding.UTF8.GetBytes(datagram);
            PunchHello hello;
            read.Add(new JsonObject
            {
                { "hello", PunchFrames.TryDecodeHello(bytes, out hello) ? new JsonObject { { "name", hello.Name }, { "ack", hello.Ack } } : null },
                { "isPunch", PunchFrames.IsPunchDatagram(bytes) },
            });
        }
        Emit("datagrams_read", new JsonObject { { "results", read } });

        var delays = new List<object>();
        for (int attempt = 0; attempt < 10; attempt++) delays.Add((double)PunchSchedule.Default.DelayMs(attempt));
        Emit("schedule", new JsonObject { { "delaysMs", delays } });
    }

    /// <summary>
    /// One player of a lobby: host or member, through chat (unless <c>--chat off</c>), mediation
    /// and one game datagram each way. Events that come while Host or Join waits for its answer
    /// are reported then, before <c>hosted</c> or <c>lobby_joined</c>.
    /// </summary>
    private static void Party(bool hosting)
    {
        string name = Args["name"];
        string[] roster = Args["roster"].Split(',');
        int timeoutMs = int.Parse(Args["timeout-ms"]);
        var client = Connect(int.Parse(Args["udp-port"]));
        var present = new HashSet<string> { name };
        var chatSenders = new HashSet<string>();
        var gameDatagrams = new List<JsonObject>();
        bool lobbyClosed = false;
        client.PeerJoined += peer => { present.Add(peer); Emit("peer_joined", new JsonObject { { "name", peer } }); };
        client.ChatReceived += chat =>
        {
            chatSenders.Add(chat.SenderName);
            Emit("chat", new JsonObject { { "sender", chat.SenderName }, { "text", chat.Message } });
        };
        client.MediationStarted += port => Emit("mediation_started", new JsonObject { { "serverUdpPort", (double)port } });
        client.PeersReceived += peers => Emit("peers_received", new JsonObject { { "peers", PeersJson(peers) } });
        client.LobbyClosed += (id, lobbyName) =>
        {
            lobbyClosed = true;
            Emit("lobby_closed", new JsonObject { { "lobbyId", id }, { "lobbyName", lobbyName } });
        };
        client.Closed += code => Emit("connection_closed", new JsonObject { { "code", (double)code } });
        client.MessageReceived += frame =>
        {
            if (frame.Method == ProtocolMethods.RelayAllocated) Emit("relay_allocated", new JsonObject { { "relays", frame.Payload.GetArray("relays") } });
        };
        client.GameDatagramReceived += (data, from) => gameDatagrams.Add(GameDatagramJson(data, from, true));

        string hostName;
        if (hosting)
        {
            hostName = name;
            var hosted = Pump(client.HostAsync(new HostOptions
            {
                HostName = name, LobbyName = "Unity Night", IsPublic = true, MaxMembers = roster.Length,
            }), timeoutMs, "hosting");
            Emit("hosted", new JsonObject { { "lobbyId", hosted.LobbyId }, { "lobbyName", hosted.LobbyName } });
            var lobbies = Pump(client.ListLobbiesAsync(), timeoutMs, "listing lobbies");
            Emit("lobby_list", new JsonObject { { "lobbies", lobbies.Select(l => (object)new JsonObject
            {
                { "id", l.Id }, { "name", l.Name }, { "currentMembers", (double)l.CurrentMembers }, { "maxMembers", (double)l.MaxMembers },
            }).ToList() } });
        }
        else
        {
            var joined = Pump(client.JoinAsync(Args["lobby"], name), timeoutMs, "joining");
            hostName = joined.Host;
            foreach (var member in joined.LobbyMembers) present.Add(member);
            Emit("lobby_joined", new JsonObject { { "info", new JsonObject
            {
                { "lobbyId", joined.LobbyId }, { "lobbyName", joined.LobbyName }, { "host", joined.Host },
                { "lobbyMembers", joined.LobbyMembers.Cast<object>().ToList() },
            } } });
        }

        // Everyone chats once the whole roster is in, so that every line reaches every player;
        // `--chat off` skips that, for a host that starts the mediation as soon as we are in.
        WaitUntil(() => roster.All(present.Contains), timeoutMs, "the whole roster in the lobby");
        if (Optional("chat", "on") == "on")
        {
            Pump(client.ChatAsync("hello from " + name), timeoutMs, "chatting");
            WaitUntil(() => roster.All(chatSenders.Contains), timeoutMs, "every roster member's chat line");
        }

        var punchTimeoutMs = int.Parse(Args["punch-timeout-ms"]);
        var mediation = client.MediateAsync(new MediateOptions
        {
            PunchTimeoutMs = punchTimeoutMs,
            Relay = RelayModeOf(Optional("relay", "fallback")),
            RelayAfterMs = int.Parse(Optional("relay-after-ms", "2000")),
        });
        if (hosting) Pump(client.StartMediationAsync(), timeoutMs, "starting the mediation");
        var result = Pump(mediation, timeoutMs, "the mediation");
        Emit("mediation_succeeded", new JsonObject
        {
            { "peers", PeersJson(result.Peers) }, { "relayed", result.Relayed.Cast<object>().ToList() },
        });

        // One game datagram to each peer, and one from each, over the handed-over socket.
        var socket = result.Socket;
        foreach (var peer in result.Peers)
        {
            var text = Encoding.UTF8.GetBytes("game from " + name + " to " + peer.Name);
            socket.Send(text, text.Length, new IPEndPoint(IPAddress.Parse(peer.Ip), peer.Port));
        }
        var deadline = Stopwatch.StartNew();
        while (gameDatagrams.Count < result.Peers.Count)
        {
            client.Poll();
            if (deadline.ElapsedMilliseconds > timeoutMs) throw new TimeoutException("No game datagram from every peer in time.");
            if (!socket.Client.Poll(10000, SelectMode.SelectRead)) continue;
            var from = new IPEndPoint(IPAddress.Any, 0);
            var data = socket.Receive(ref from);
            if (PunchFrames.IsPunchDatagram(data)) continue; // a peer's late hello
            gameDatagrams.Add(GameDatagramJson(data, from, false));
        }
        foreach (var datagram in gameDatagrams) Emit("game_datagram", datagram);

        WaitUntil(() => lobbyClosed, timeoutMs, "lobby_closed");
        Pump(client.CloseAsync().ContinueWith(_ => 0), timeoutMs, "closing");
        client.Poll();
        socket.Close();
        Emit("done", new JsonObject { { "host", hostName } });
    }

    private static void RefusedJoin()
    {
        var client = Connect(0);
        foreach (var lobby in new[] { Args["lobby"], "bad id!" })
        {
            try
            {
                Pump(client.JoinAsync(lobby, "Ann"), 10000, "joining");
                Emit("joined_unexpectedly", new JsonObject { { "lobby", lobby } });
            }
            catch (OrionRequestException error)
            {
                Emit("request_failed", new JsonObject
                {
                    { "status", (double)error.Status },
                    { "errors", error.Errors.Cast<object>().ToList() },
                    { "request", error.Request },
                    { "message", error.Message },
                    { "lobbyId", client.LobbyId },
                });
            }
        }
        Pump(client.CloseAsync().ContinueWith(_ => 0), 10000, "closing");
        Emit("done", new JsonObject());
    }

    private static void Unreachable()
    {
        var clock = Stopwatch.StartNew();
        try
        {
            Connect(0).Dispose();
            Emit("connected_unexpectedly", new JsonObject());
        }
        catch (OrionConnectionException error)
        {
            Emit("connect_failed", new JsonObject
            {
                { "type", error.GetType().Name }, { "message", error.Message }, { "elapsedMs", (double)clock.ElapsedMilliseconds },
            });
        }
        clock.Restart();
        try
        {
            // Lobby listing needs no connection; the same server is just as absent for it.
            var options = new OrionClientOptions { Url = Args["url"] };
            Pump(ListWithoutConnection(options), 10000, "listing");
            Emit("listed_unexpectedly", new JsonObject());
        }
        catch (OrionConnectionException error)
        {
            Emit("request_failed", new JsonObject
            {
                { "type", error.GetType().Name }, { "message", error.Message }, { "elapsedMs", (double)clock.ElapsedMilliseconds },
            });
        }
        Emit("done", new JsonObject());
    }

    private static Task<List<LobbySummary>> ListWithoutConnection(OrionClientOptions options)
    {
        return OrionLobbyBrowser.ListLobbiesAsync(options.Url);
    }

    private static OrionClient Connect(int udpPort)
    {
        var client = Pump(OrionClient.ConnectAsync(new OrionClientOptions
        {
            Url = Args["url"],
            UdpHost = Optional("udp-host", null),
            LocalAddress = "127.0.0.1",
            LocalPort = udpPort,
            ConnectTimeoutMs = 5000,
        }), 10000, "connecting");
        Pumped = client;
        client.HandlerFailed += error => Emit("handler_failed", new JsonObject { { "message", error.ToString() } });
        Emit("registered", new JsonObject { { "udpPort", (double)client.LocalPort } });
        return client;
    }

    internal static string Optional(string name, string fallback)
    {
        string value;
        return Args.TryGetValue(name, out value) ? value : fallback;
    }

    internal static RelayMode RelayModeOf(string text)
    {
        switch (text)
        {
            case "always": return RelayMode.Always;
            case "off": return RelayMode.Off;
            case "fallback": return RelayMode.Fallback;
            default: throw new ArgumentException("Unknown relay mode: " + text);
        }
    }

    internal static List<object> PeersJson(IEnumerable<PeerEndpoint> peers)
    {
        return peers.Select(peer => (object)new JsonObject { { "name", peer.Name }, { "ip", peer.Ip }, { "port", (double)peer.Port } }).ToList();
    }

    private static JsonObject GameDatagramJson(byte[] data, IPEndPoint from, bool early)
    {
        return new JsonObject
        {
            { "text", Encoding.UTF8.GetString(data) },
            { "ip", from.Address.ToString() },
            { "port", (double)from.Port },
            { "beforeHandover", early },
        };
    }

    /// <summary>Waits for a task while raising the client's events on this thread, as a game's Update would.</summary>
    internal static T Pump<T>(Task<T> task, int timeoutMs, string what)
    {
        WaitUntil(() => task.IsCompleted, timeoutMs, what);
        return task.GetAwaiter().GetResult();
    }

    internal static void Pump(Task task, int timeoutMs, string what)
    {
        WaitUntil(() => task.IsCompleted, timeoutMs, what);
        task.GetAwaiter().GetResult();
    }

    internal static void WaitUntil(Func<bool> done, int timeoutMs, string what)
    {
        var clock = Stopwatch.StartNew();
        for (;;)
        {
            if (Pumped != null) Pumped.Poll();
            if (done()) return;
            if (clock.ElapsedMilliseconds > timeoutMs) throw new TimeoutException("Timed out after " + timeoutMs + " ms waiting for " + what + ".");
            Thread.Sleep(5);
        }
    }

    internal static void Emit(string name, JsonObject fields)
    {
        var line = new JsonObject { { "event", name } };
        foreach (var field in fields) line.Set(field.Key, field.Value);
        line.Set("atMs", (double)SinceStart.ElapsedMilliseconds);
        Console.Out.WriteLine("ORION_TEST " + JsonWriter.Write(line));
        Console.Out.Flush();
    }
}
