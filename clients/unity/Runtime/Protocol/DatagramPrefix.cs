namespace Orion.Client.Protocol
{
    /// <summary>Whether a datagram starts with a frame's method text: a byte check, so that game traffic is never decoded as text.</summary>
    internal static class DatagramPrefix
    {
        public static bool Matches(byte[] datagram, string prefix)
        {
            if (datagram == null || datagram.Length <= prefix.Length) return false;
            for (int i = 0; i < prefix.Length; i++)
            {
                if (datagram[i] != (byte)prefix[i]) return false;
            }
            return true;
        }
    }
}
