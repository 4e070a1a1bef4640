using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Orion.Client.Json
{
    /// <summary>
    /// Reads JSON text (RFC 8259, as JavaScript's <c>JSON.parse</c> accepts it) into null, bool,
    /// double, string, <see cref="JsonObject"/> and <c>List&lt;object&gt;</c>. Never throws on
    /// bad input: <see cref="TryRead"/> says false. Nesting deeper than <see cref="MaxDepth"/>
    /// is refused, as Orion refuses it.
    /// </summary>
    public sealed class JsonReader
    {
        /// <summary>The deepest nesting of objects and arrays accepted (Orion's own limit).</summary>
        public const int MaxDepth = 16;

        private readonly string text;
        private int at;

        private JsonReader(string text) { this.text = text; }

        public static bool TryRead(string text, out object value)
        {
            value = null;
            if (text == null) return false;
            var reader = new JsonReader(text);
            try
            {
                reader.SkipWhitespace();
                value = reader.ReadValue(1);
                reader.SkipWhitespace();
                if (reader.at != text.Length) { value = null; return false; }
                return true;
            }
            catch (FormatException)
            {
                value = null;
                return false;
            }
        }

        /// <summary>The object in <paramref name="text"/>, or null when it is not a JSON object.</summary>
        public static JsonObject ReadObject(string text)
        {
            object value;
            return TryRead(text, out value) ? value as JsonObject : null;
        }

        private object ReadValue(int depth)
        {
            if (at >= text.Length) throw Bad();
            char c = text[at];
            switch (c)
            {
                case '{': return ReadObject(depth);
                case '[': return ReadArray(depth);
                case '"': return ReadString();
                case 't': Expect("true"); return true;
                case 'f': Expect("false"); return false;
                case 'n': Expect("null"); return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber();
                    throw Bad();
            }
        }

        private JsonObject ReadObject(int depth)
        {
            if (depth > MaxDepth) throw Bad();
            at++; // {
            var obj = new JsonObject();
            SkipWhitespace();
            if (Peek() == '}') { at++; return obj; }
            for (;;)
            {
                SkipWhitespace();
                if (Peek() != '"') throw Bad();
                string key = ReadString();
                SkipWhitespace();
                if (Peek() != ':') throw Bad();
                at++;
                SkipWhitespace();
                obj.Set(key, ReadValue(depth + 1));
                SkipWhitespace();
                char next = Peek();
                at++;
                if (next == '}') return obj;
                if (next != ',') throw Bad();
            }
        }

        private List<object> ReadArray(int depth)
        {
            if (depth > MaxDepth) throw Bad();
            at++; // [
            var list = new List<object>();
            SkipWhitespace();
            if (Peek() == ']') { at++; return list; }
            for (;;)
            {
                SkipWhitespace();
                list.Add(ReadValue(depth + 1));
                SkipWhitespace();
                char next = Peek();
                at++;
                if (next == ']') return list;
                if (next != ',') throw Bad();
            }
        }

        private string ReadString()
        {
            at++; // opening quote
            var result = new StringBuilder();
            for (;;)
            {
                if (at >= text.Length) throw Bad();
                char c = text[at++];
                if (c == '"') return result.ToString();
                if (c < 0x20) throw Bad();
                if (c != '\\') { result.Append(c); continue; }
                if (at >= text.Length) throw Bad();
                char escape = text[at++];
                switch (escape)
                {
                    case '"': result.Append('"'); break;
                    case '\\': result.Append('\\'); break;
                    case '/': result.Append('/'); break;
                    case 'b': result.Append('\b'); break;
                    case 'f': result.Append('\f'); break;
                    case 'n': result.Append('\n'); break;
                    case 'r': result.Append('\r'); break;
                    case 't': result.Append('\t'); break;
                    case 'u':
                        if (at + 4 > text.Length) throw Bad();
                        int code;
                        if (!int.TryParse(text.Substring(at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code))
                            throw Bad();
                        at += 4;
                        result.Append((char)code);
                        break;
                    default: throw Bad();
                }
            }
        }

        private double ReadNumber()
        {
            int start = at;
            if (Peek() == '-') at++;
            if (Peek() == '0') at++;
            else if (IsDigit(Peek())) while (IsDigit(Peek())) at++;
            else throw Bad();
            if (Peek() == '.')
            {
                at++;
                if (!IsDigit(Peek())) throw Bad();
                while (IsDigit(Peek())) at++;
            }
            if (Peek() == 'e' || Peek() == 'E')
            {
                at++;
                if (Peek() == '+' || Peek() == '-') at++;
                if (!IsDigit(Peek())) throw Bad();
                while (IsDigit(Peek())) at++;
            }
            double value;
            if (double.TryParse(text.Substring(start, at - start), NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                return value;
            // Well-formed but beyond a double, as JSON.parse reads it.
            return text[start] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
        }

        private void Expect(string word)
        {
            if (string.CompareOrdinal(text, at, word, 0, word.Length) != 0) throw Bad();
            at += word.Length;
        }

        private void SkipWhitespace()
        {
            while (at < text.Length)
            {
                char c = text[at];
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
                at++;
            }
        }

        private char Peek() { return at < text.Length ? text[at] : '\0'; }

        private static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

        private static FormatException Bad() { return new FormatException("Not valid JSON."); }
    }
}
