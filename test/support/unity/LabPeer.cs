using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using Orion.Client;
using Orion.Client.Json;

/// <summary>
/// The NAT lab's C# member (`OrionTestDriver.exe lab-member`, run inside a home namespace by
/// test/support/labs/nat-lab/cs-peer-process.ts): it plays what test/support/labs/nat-lab/peer.mjs
/// plays for the SDK, with the same events and the same game exchange, so that the lab's
/// expectations read both. It joins, mediates, then sends `game:&lt;me&gt;-&gt;&lt;peer&gt;:&lt;i&gt;` to each peer
/// every 100 ms until acked, answering each of theirs with the same text plus `:ack`. Exit 0 when
/// every datagram went both ways, 2 when the mediation failed, 1 on any other error, 3 when
/// run-timeout-ms ran out.
/// </summary>
internal static class LabPeer
{
    private const int ResendMs = 100;
    private const int LingerMs = 300;
    private static string self;
    private static UdpClient gameSocket;
    private static readonly Dictionary<string, HashSet<int>> Requests = new Dictionary<string, HashSet<int>>();
    private static readonly Dictionary<string, HashSet<int>> Acks = new Dictionary<string, HashSet<int>>();

    public static int Run()
    {
        var args = OrionTestDriver.Args;
        self = args["name"];
        int runTimeoutMs = int.Parse(args["run-timeout-ms"]);
        int datagrams = int.Parse(args["datagrams"]);
        var giveUp = new Timer(_ =>
        {
            OrionTestDriver.Emit("timeout", new JsonObject { { "message", "no outcome within " + runTimeoutMs + " ms" } });
            OrionTestDriver.Exit(3);
        }, null, runTimeoutMs, Timeout.Infinite);

        var client = OrionTestDriver.Pump(OrionClient.ConnectAsync(new OrionClientOptions
        {
            Url = args["url"], LocalPort = int.Parse(args["local-port"]),
        }), runTimeoutMs, "connecting");
        OrionTestDriver.Pumped = client;
        OrionTestDriver.Emit("connected", new JsonObject { { "local", client.Socket.Client.LocalEndPoint.ToString() } });
        client.PeersReceived += peers => OrionTestDriver.Emit("peersFromOrion", new JsonObject { { "peers", OrionTestDriver.PeersJson(peers) } });
        client.MediationAborted += reason => OrionTestDriver.Emit("aborted", new JsonObject { { "reason", reason } });
        client.GameDatagramReceived += Receive;
        var joined = OrionTestDriver.Pump(client.JoinAsync(args["lobby"], self), runTimeoutMs, "joining");
        OrionTestDriver.Emit("joined", new JsonObject { { "lobbyId", joined.LobbyId }, { "host", joined.Host } });

        var clock = Stopwatch.StartNew();
        MediationResult result;
        try
        {
            result = OrionTestDriver.Pump(client.MediateAsync(new MediateOptions
            {
                PunchTimeoutMs = int.Parse(args["punch-timeout-ms"]),
                Relay = OrionTestDriver.RelayModeOf(OrionTestDriver.Optional("relay", "fallback")),
                RelayAfterMs = int.Parse(OrionTestDriver.Optional("relay-after-ms", "2000")),
            }), runTimeoutMs, "the mediation");
        }
        catch (OrionException error)
        {
            OrionTestDriver.Emit("mediationFailed", new JsonObject
            {
                { "errorClass", error.GetType().Name }, { "message", error.Message }, { "elapsedMs", (double)clock.ElapsedMilliseconds },
            });
            client.Dispose();
            return 2;
        }
        OrionTestDriver.Emit("mediated", new JsonObject
        {
            { "peers", OrionTestDriver.PeersJson(result.Peers) },
            { "relayed", result.Relayed.Cast<object>().ToList() },
            { "elapsedMs", (double)clock.ElapsedMilliseconds },
        });
        gameSocket = result.Socket;
        client.Poll(); // datagrams that came before the handover
        Exchange(result.Peers, datagrams);
        var linger = Stopwatch.StartNew();
        while (linger.ElapsedMilliseconds < LingerMs) ReadFor(10);
        OrionTestDriver.Emit("done", new JsonObject { { "requests", Counts(Requests) }, { "acks", Counts(Acks) } });
        client.Dispose();
        gameSocket.Close();
        giveUp.Dispose();
        return 0;
    }

    private static void Exchange(List<PeerEndpoint> peers, int datagrams)
    {
        Func<Dictionary<string, HashSet<int>>, PeerEndpoint, bool> complete = (seen, peer) =>
            seen.ContainsKey(peer.Name) && seen[peer.Name].Count == datagrams;
        while (!peers.All(peer => complete(Requests, peer) && complete(Acks, peer)))
        {
            foreach (var peer in peers)
            {
                var to = new IPEndPoint(IPAddress.Parse(peer.Ip), peer.Port);
                for (int i = 0; i < datagrams; i++)
                {
                    if (Acks.ContainsKey(peer.Name) && Acks[peer.Name].Contains(i)) continue;
                    Send("game:" + self + "->" + peer.Name + ":" + i, to);
                }
            }
            ReadFor(ResendMs);
        }
    }

    private static void ReadFor(int ms)
    {
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < ms)
        {
            if (!gameSocket.Client.Poll(10000, SelectMode.SelectRead)) continue;
            var from = new IPEndPoint(IPAddress.Any, 0);
            var data = gameSocket.Receive(ref from);
            if (PunchFrames.IsPunchDatagram(data)) continue;
            Receive(data, from);
        }
    }

    private static void Receive(byte[] data, IPEndPoint from)
    {
        var text = Encoding.UTF8.GetString(data);
        if (!text.StartsWith("game:", StringComparison.Ordinal)) return;
        OrionTestDriver.Emit("datagram", new JsonObject { { "text", text }, { "from", from.Address + ":" + from.Port } });
        var parts = text.Substring(5).Split(':');
        var names = parts[0].Split(new[] { "->" }, StringSplitOptions.None);
        int number;
        if (parts.Length < 2 || names.Length != 2 || names[1] != self || !int.TryParse(parts[1], out number)) return;
        bool ack = parts.Length == 3 && parts[2] == "ack";
        var seen = ack ? Acks : Requests;
        if (!seen.ContainsKey(names[0])) seen[names[0]] = new HashSet<int>();
        seen[names[0]].Add(number);
        if (!ack && gameSocket != null) Send("game:" + self + "->" + names[0] + ":" + number + ":ack", from);
    }

    private static void Send(string text, IPEndPoint to)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        gameSocket.Send(bytes, bytes.Length, to);
    }

    private static JsonObject Counts(Dictionary<string, HashSet<int>> seen)
    {
        var counts = new JsonObject();
        foreach (var entry in seen) counts.Set(entry.Key, (double)entry.Value.Count);
        return counts;
    }
}
