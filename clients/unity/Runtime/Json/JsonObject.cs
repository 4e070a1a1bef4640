using System;
using System.Collections;
using System.Collections.Generic;

namespace Orion.Client.Json
{
    /// <summary>
    /// A JSON object that keeps its keys in insertion order, as JavaScript does, so that
    /// <see cref="JsonWriter"/> writes the same bytes as <c>JSON.stringify</c>. Values are
    /// null, bool, double, string, <see cref="JsonObject"/> or <c>List&lt;object&gt;</c>.
    /// </summary>
    public sealed class JsonObject : IEnumerable<KeyValuePair<string, object>>
    {
        private readonly List<KeyValuePair<string, object>> entries = new List<KeyValuePair<string, object>>();

        public int Count { get { return entries.Count; } }

        /// <summary>Sets <paramref name="key"/>: a new key goes last, an existing one keeps its place.</summary>
        public JsonObject Set(string key, object value)
        {
            for (int i = 0; i < entries.Count; i++)
            {
                if (entries[i].Key == key)
                {
                    entries[i] = new KeyValuePair<string, object>(key, value);
                    return this;
                }
            }
            entries.Add(new KeyValuePair<string, object>(key, value));
            return this;
        }

        /// <summary>Collection-initialiser form of <see cref="Set"/>.</summary>
        public void Add(string key, object value) { Set(key, value); }

        public bool TryGet(string key, out object value)
        {
            foreach (var entry in entries)
            {
                if (entry.Key == key) { value = entry.Value; return true; }
            }
            value = null;
            return false;
        }

        public bool ContainsKey(string key) { object ignored; return TryGet(key, out ignored); }

        /// <summary>The string at <paramref name="key"/>, or null when absent or not a string.</summary>
        public string GetString(string key)
        {
            object value;
            return TryGet(key, out value) ? value as string : null;
        }

        /// <summary>The number at <paramref name="key"/>, or null when absent or not a number.</summary>
        public double? GetNumber(string key)
        {
            object value;
            if (TryGet(key, out value) && value is double) return (double)value;
            return null;
        }

        /// <summary>The whole number at <paramref name="key"/>, or null when absent, fractional or too large.</summary>
        public long? GetInteger(string key)
        {
            var number = GetNumber(key);
            if (number == null || Math.Floor(number.Value) != number.Value) return null;
            if (Math.Abs(number.Value) > 9007199254740991d) return null;
            return (long)number.Value;
        }

        public bool? GetBool(string key)
        {
            object value;
            if (TryGet(key, out value) && value is bool) return (bool)value;
            return null;
        }

        public JsonObject GetObject(string key)
        {
            object value;
            return TryGet(key, out value) ? value as JsonObject : null;
        }

        public List<object> GetArray(string key)
        {
            object value;
            return TryGet(key, out value) ? value as List<object> : null;
        }

        public IEnumerator<KeyValuePair<string, object>> GetEnumerator() { return entries.GetEnumerator(); }

        IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }

        public override string ToString() { return JsonWriter.Write(this); }
    }
}
