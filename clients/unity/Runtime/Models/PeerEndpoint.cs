namespace Orion.Client
{
    /// <summary>A peer by its member name, and the UDP address and port to reach it at.</summary>
    public sealed class PeerEndpoint
    {
        public PeerEndpoint(string name, string ip, int port)
        {
            Name = name;
            Ip = ip;
            Port = port;
        }

        public string Name { get; private set; }
        public string Ip { get; private set; }
        public int Port { get; private set; }

        /// <summary><c>ip:port</c>, with brackets around an IPv6 address.</summary>
        public string Address
        {
            get { return Ip.Contains(":") ? "[" + Ip + "]:" + Port : Ip + ":" + Port; }
        }

        public override string ToString() { return Name + " (" + Address + ")"; }
    }
}
