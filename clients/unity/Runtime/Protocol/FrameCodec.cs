using System;
using System.Text;
using System.Text.RegularExpressions;
using Orion.Client.Json;

namespace Orion.Client.Protocol
{
    /// <summary>
    /// Orion's wire format for WebSocket text frames and UDP datagrams:
    /// <c>method:base64(UTF-8 JSON object)</c>, standard base64 with padding. Encoding gives the
    /// same text as <c>encodeFrame</c> of <c>@orion/protocol</c>; decoding accepts what it
    /// accepts and never throws (anything malformed is null, to be dropped silently).
    /// </summary>
    public static class FrameCodec
    {
        private static readonly Regex MethodPattern = new Regex("^[A-Za-z][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);
        private static readonly Regex Base64Pattern = new Regex("^[A-Za-z0-9+/]*={0,2}$", RegexOptions.CultureInvariant);
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, false);

        public static string Encode(string method, JsonObject payload)
        {
            byte[] json = Utf8.GetBytes(JsonWriter.Write(payload ?? new JsonObject()));
            return method + ":" + Convert.ToBase64String(json);
        }

        /// <summary>The frame as the UTF-8 bytes of a datagram.</summary>
        public static byte[] EncodeDatagram(string method, JsonObject payload)
        {
            return Utf8.GetBytes(Encode(method, payload));
        }

        public static Frame Decode(string text)
        {
            if (text == null) return null;
            int colon = text.IndexOf(':');
            if (colon <= 0) return null;
            string method = text.Substring(0, colon);
            string encoded = text.Substring(colon + 1).Trim();
            if (!MethodPattern.IsMatch(method) || !Base64Pattern.IsMatch(encoded)) return null;
            byte[] bytes = DecodeBase64(encoded);
            if (bytes == null) return null;
            JsonObject payload = JsonReader.ReadObject(Utf8.GetString(bytes));
            return payload == null ? null : new Frame(method, payload);
        }

        public static Frame DecodeDatagram(byte[] datagram)
        {
            return datagram == null ? null : Decode(Utf8.GetString(datagram));
        }

        /// <summary>Decodes as Node's Buffer does: padding optional, a dangling sixth bit group dropped.</summary>
        private static byte[] DecodeBase64(string encoded)
        {
            string bare = encoded.TrimEnd('=');
            int remainder = bare.Length % 4;
            if (remainder == 1) bare = bare.Substring(0, bare.Length - 1);
            else if (remainder > 1) bare = bare + new string('=', 4 - remainder);
            try
            {
                return Convert.FromBase64String(bare);
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
