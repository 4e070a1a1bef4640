namespace Orion.Client
{
    /// <summary>The payload of an <c>orionPunch_hello</c> datagram: who sends it, and whether it answers one.</summary>
    public struct PunchHello
    {
        public PunchHello(string name, bool ack)
        {
            Name = name;
            Ack = ack;
        }

        /// <summary>The sender's member name in the lobby.</summary>
        public string Name;

        /// <summary>False for a hello, true for the answer to one.</summary>
        public bool Ack;
    }
}
