using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Orion.Client.Json
{
    /// <summary>
    /// Writes JSON exactly as JavaScript's <c>JSON.stringify</c> does (no spaces, keys in
    /// insertion order, the same string escapes and number forms), so that a frame built
    /// here is byte for byte the frame the TypeScript SDK would build.
    /// </summary>
    public static class JsonWriter
    {
        public static string Write(object value)
        {
            var text = new StringBuilder();
            WriteValue(text, value);
            return text.ToString();
        }

        private static void WriteValue(StringBuilder text, object value)
        {
            if (value == null) { text.Append("null"); return; }
            var s = value as string;
            if (s != null) { WriteString(text, s); return; }
            if (value is bool) { text.Append((bool)value ? "true" : "false"); return; }
            if (value is double) { text.Append(FormatNumber((double)value)); return; }
            if (value is float || value is int || value is long || value is short || value is byte
                || value is uint || value is ulong || value is ushort || value is sbyte || value is decimal)
            {
                text.Append(FormatNumber(Convert.ToDouble(value, CultureInfo.InvariantCulture)));
                return;
            }
            var obj = value as JsonObject;
            if (obj != null) { WriteObject(text, obj); return; }
            var dictionary = value as IDictionary<string, object>;
            if (dictionary != null)
            {
                var copy = new JsonObject();
                foreach (var entry in dictionary) copy.Set(entry.Key, entry.Value);
                WriteObject(text, copy);
                return;
            }
            var list = value as IEnumerable;
            if (list != null)
            {
                text.Append('[');
                bool first = true;
                foreach (var item in list)
                {
                    if (!first) text.Append(',');
                    first = false;
                    WriteValue(text, item);
                }
                text.Append(']');
                return;
            }
            throw new ArgumentException("JsonWriter cannot write a " + value.GetType().Name + ".");
        }

        private static void WriteObject(StringBuilder text, JsonObject obj)
        {
            text.Append('{');
            bool first = true;
            foreach (var entry in obj)
            {
                if (!first) text.Append(',');
                first = false;
                WriteString(text, entry.Key);
                text.Append(':');
                WriteValue(text, entry.Value);
            }
            text.Append('}');
        }

        /// <summary>Quotes a string the way JSON.stringify does, lone surrogates included.</summary>
        public static void WriteString(StringBuilder text, string value)
        {
            text.Append('"');
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                switch (c)
                {
                    case '"': text.Append("\\\""); continue;
                    case '\\': text.Append("\\\\"); continue;
                    case '\b': text.Append("\\b"); continue;
                    case '\f': text.Append("\\f"); continue;
                    case '\n': text.Append("\\n"); continue;
                    case '\r': text.Append("\\r"); continue;
                    case '\t': text.Append("\\t"); continue;
                }
                if (c < 0x20)
                {
                    AppendUnicodeEscape(text, c);
                }
                else if (char.IsHighSurrogate(c))
                {
                    if (i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        text.Append(c).Append(value[i + 1]);
                        i++;
                    }
                    else
                    {
                        AppendUnicodeEscape(text, c);
                    }
                }
                else if (char.IsLowSurrogate(c))
                {
                    AppendUnicodeEscape(text, c);
                }
                else
                {
                    text.Append(c);
                }
            }
            text.Append('"');
        }

        private static void AppendUnicodeEscape(StringBuilder text, char c)
        {
            text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }

        /// <summary>
        /// A number as JavaScript prints it (ECMAScript Number::toString): the shortest digits
        /// that read back as the same double, plain between 1e-7 and 1e21, else with an
        /// exponent such as <c>1e+21</c>. NaN and the infinities are <c>null</c>, as in JSON.
        /// </summary>
        public static string FormatNumber(double value)
        {
            if (double.IsNaN(value) || double.IsInfinity(value)) return "null";
            if (value == 0) return "0";
            string digits;
            int exponent;
            ShortestDigits(Math.Abs(value), out digits, out exponent);
            var text = new StringBuilder();
            if (value < 0) text.Append('-');
            int k = digits.Length;
            int n = exponent; // value = 0.digits * 10^n
            if (k <= n && n <= 21)
            {
                text.Append(digits).Append('0', n - k);
            }
            else if (0 < n && n <= 21)
            {
                text.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
            }
            else if (-6 < n && n <= 0)
            {
                text.Append("0.").Append('0', -n).Append(digits);
            }
            else
            {
                int e = n - 1;
                text.Append(digits[0]);
                if (k > 1) text.Append('.').Append(digits, 1, k - 1);
                text.Append('e').Append(e >= 0 ? "+" : "-").Append(Math.Abs(e).ToString(CultureInfo.InvariantCulture));
            }
            return text.ToString();
        }

        /// <summary>The fewest significant digits (1 to 17) that round-trip, and the decimal exponent n.</summary>
        private static void ShortestDigits(double value, out string digits, out int exponent)
        {
            for (int precision = 1; precision <= 17; precision++)
            {
                string e = value.ToString("E" + (precision - 1), CultureInfo.InvariantCulture);
                double back;
                bool readsBack = double.TryParse(e, NumberStyles.Float, CultureInfo.InvariantCulture, out back) && back == value;
                if (precision < 17 && !readsBack) continue;
                int mark = e.IndexOf('E');
                string mantissa = e.Substring(0, mark).Replace(".", "");
                int power = int.Parse(e.Substring(mark + 1), CultureInfo.InvariantCulture);
                digits = mantissa.TrimEnd('0');
                if (digits.Length == 0) digits = "0";
                exponent = power + 1;
                return;
            }
            throw new InvalidOperationException("unreachable");
        }
    }
}
