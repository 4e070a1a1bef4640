namespace Orion.Client
{
    /// <summary>
    /// When <see cref="OrionClient.MediateAsync"/> asks Orion to relay a pair (the TypeScript SDK's
    /// <c>relay</c> option). Whatever the mode, an allocation Orion sends because the other side
    /// asked is always followed. A server without the relay ignores the request.
    /// </summary>
    public enum RelayMode
    {
        /// <summary>Punch first; ask for the peers still silent after <see cref="MediateOptions.RelayAfterMs"/>.</summary>
        Fallback,

        /// <summary>Ask for every peer as soon as the peer list comes, and reach them through the relay only (no peer learns another's address).</summary>
        Always,

        /// <summary>Never ask.</summary>
        Off,
    }
}
