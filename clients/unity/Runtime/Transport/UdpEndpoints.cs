using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace Orion.Client.Transport
{
    /// <summary>Binding the client's UDP socket, and sending and naming addresses the way Orion reports them.</summary>
    internal static class UdpEndpoints
    {
        /// <summary>
        /// Binds the one UDP socket. Its family follows the bind address, or else Orion's UDP host,
        /// so that it can reach the address it will send to; an IPv6 socket is dual-stack.
        /// </summary>
        public static UdpClient Bind(IPAddress udpHost, string localAddress, int localPort)
        {
            IPAddress bindAddress;
            if (!string.IsNullOrEmpty(localAddress))
            {
                if (!IPAddress.TryParse(localAddress, out bindAddress))
                    throw new OrionConnectionException("The UDP bind address " + localAddress + " is not an IP address.");
            }
            else
            {
                bindAddress = udpHost.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
            }
            try
            {
                var client = new UdpClient(bindAddress.AddressFamily);
                if (bindAddress.AddressFamily == AddressFamily.InterNetworkV6) client.Client.DualMode = true;
                IgnoreConnectionResets(client);
                client.Client.Bind(new IPEndPoint(bindAddress, localPort));
                return client;
            }
            catch (SocketException error)
            {
                throw new OrionConnectionException(
                    "Could not bind a UDP socket on " + bindAddress + ":" + localPort + ": " + error.Message, error);
            }
        }

        /// <summary>The address of <paramref name="host"/> to send UDP to: itself when it is an IP, else its first IPv4 address.</summary>
        public static IPAddress Resolve(string host)
        {
            IPAddress address;
            if (IPAddress.TryParse(host, out address)) return address;
            try
            {
                var addresses = Dns.GetHostAddresses(host);
                var found = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                    ?? addresses.FirstOrDefault();
                if (found != null) return found;
            }
            catch (SocketException)
            {
                // Reported below.
            }
            throw new OrionConnectionException("Could not resolve Orion's host " + host + ".");
        }

        /// <summary>An endpoint as Orion reports peers: an IPv4-mapped IPv6 address in dotted form.</summary>
        public static IPEndPoint Normalize(IPEndPoint endpoint)
        {
            if (endpoint.Address.IsIPv4MappedToIPv6) return new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port);
            return endpoint;
        }

        public static string AddressText(IPEndPoint endpoint)
        {
            return Normalize(endpoint).Address.ToString();
        }

        /// <summary>Sends without throwing: UDP is lossy anyway, and a lost hello is retried on schedule.</summary>
        public static void SendQuietly(UdpClient socket, byte[] datagram, string ip, int port)
        {
            IPAddress address;
            if (!IPAddress.TryParse(ip, out address)) return;
            SendQuietly(socket, datagram, new IPEndPoint(address, port));
        }

        public static void SendQuietly(UdpClient socket, byte[] datagram, IPEndPoint to)
        {
            try
            {
                var family = socket.Client.AddressFamily;
                if (family == AddressFamily.InterNetworkV6 && to.Address.AddressFamily == AddressFamily.InterNetwork)
                    to = new IPEndPoint(to.Address.MapToIPv6(), to.Port);
                socket.Send(datagram, datagram.Length, to);
            }
            catch (SocketException)
            {
                // Unreachable for now; the schedule retries.
            }
            catch (ObjectDisposedException)
            {
                // The socket closed underneath us; whoever owns it reports that.
            }
        }

        // On Windows an ICMP port unreachable makes the next receive throw; a game socket must not care.
        private static void IgnoreConnectionResets(UdpClient client)
        {
            const int SIO_UDP_CONNRESET = -1744830452;
            try
            {
                client.Client.IOControl(SIO_UDP_CONNRESET, new byte[] { 0 }, null);
            }
            catch (Exception)
            {
                // Not Windows: nothing to switch off.
            }
        }
    }
}
