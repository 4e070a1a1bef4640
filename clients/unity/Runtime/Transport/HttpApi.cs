using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using Orion.Client.Json;
using Orion.Client.Payloads;

namespace Orion.Client.Transport
{
    /// <summary>
    /// Orion's HTTP routes as plain calls, over HttpWebRequest (in System.dll, so no extra assembly);
    /// <see cref="LobbyAnswerReader"/> reads the answers.
    /// Bodies are JSON sent as <c>application/json</c> (Unity's form-encoded default would get 415).
    /// An error status becomes <see cref="OrionRequestException"/> with the body's <c>errors</c>; no
    /// answer at all becomes <see cref="OrionConnectionException"/> naming the URL.
    /// </summary>
    internal sealed class HttpApi
    {
        private readonly Uri baseUri;
        private readonly int timeoutMs;

        public HttpApi(Uri baseUri, int timeoutMs)
        {
            this.baseUri = baseUri;
            this.timeoutMs = timeoutMs;
        }

        public async Task<List<LobbySummary>> ListLobbiesAsync()
        {
            return LobbyAnswerReader.LobbyList(await RequestObjectAsync("GET", "/lobbies", null).ConfigureAwait(false));
        }

        public async Task<HostedLobby> HostAsync(string token, HostOptions options)
        {
            var request = new JsonObject
            {
                { "token", token },
                { "hostName", options.HostName },
                { "lobbyName", options.LobbyName },
                { "isPublic", options.IsPublic },
                { "maxMembers", (double)options.MaxMembers },
            };
            return LobbyAnswerReader.Hosted(await RequestObjectAsync("POST", "/lobbies", request).ConfigureAwait(false));
        }

        public async Task<JoinedLobby> JoinAsync(string token, string lobbyId, string peerName)
        {
            var request = new JsonObject { { "token", token }, { "peerName", peerName } };
            var path = "/lobbies/" + Uri.EscapeDataString(lobbyId) + "/join";
            return LobbyAnswerReader.Joined(await RequestObjectAsync("POST", path, request).ConfigureAwait(false));
        }

        public Task StartMediationAsync(string token, string lobbyId)
        {
            var path = "/lobbies/" + Uri.EscapeDataString(lobbyId) + "/ptp/start";
            return RequestAsync("POST", path, new JsonObject { { "token", token } });
        }

        private async Task<JsonObject> RequestObjectAsync(string method, string path, JsonObject body)
        {
            string text = await RequestAsync(method, path, body).ConfigureAwait(false);
            var parsed = JsonReader.ReadObject(text);
            if (parsed == null)
                throw new OrionConnectionException("The server at " + Origin + " answered " + method + " " + path + " with something other than a JSON object.");
            return parsed;
        }

        private string Origin { get { return baseUri.GetLeftPart(UriPartial.Authority); } }

        private async Task<string> RequestAsync(string method, string path, JsonObject body)
        {
            string described = method + " " + path;
            var request = (HttpWebRequest)WebRequest.Create(new Uri(baseUri, path));
            request.Method = method;
            request.Accept = "application/json";
            // Straight to Orion, like the WebSocket: an environment proxy would not carry it.
            request.Proxy = null;
            var work = SendAsync(request, body, described);
            var late = Task.Delay(timeoutMs);
            if (await Task.WhenAny(work, late).ConfigureAwait(false) == late)
            {
                request.Abort();
                IgnoreFault(work);
                throw new OrionConnectionException("Orion at " + Origin + " did not answer " + described + ": no answer within " + timeoutMs + " ms.");
            }
            return await work.ConfigureAwait(false);
        }

        private async Task<string> SendAsync(HttpWebRequest request, JsonObject body, string described)
        {
            HttpWebResponse response;
            try
            {
                if (body != null)
                {
                    byte[] bytes = new UTF8Encoding(false).GetBytes(JsonWriter.Write(body));
                    request.ContentType = "application/json";
                    request.ContentLength = bytes.Length;
                    using (var stream = await request.GetRequestStreamAsync().ConfigureAwait(false))
                        await stream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
                }
                response = (HttpWebResponse)await request.GetResponseAsync().ConfigureAwait(false);
            }
            catch (WebException error)
            {
                var failed = error.Response as HttpWebResponse;
                if (failed == null)
                    throw new OrionConnectionException("Orion at " + Origin + " did not answer " + described + ": " + Describe(error), error);
                response = failed;
            }
            using (response)
            {
                string text;
                using (var reader = new StreamReader(response.GetResponseStream(), Encoding.UTF8))
                    text = await reader.ReadToEndAsync().ConfigureAwait(false);
                int status = (int)response.StatusCode;
                if (status >= 400) throw new OrionRequestException(status, ErrorsOf(text, response), described);
                return text;
            }
        }

        /// <summary>The <c>errors</c> of an Orion error body, or one sentence saying what came back instead.</summary>
        private static List<string> ErrorsOf(string text, HttpWebResponse response)
        {
            var errors = new List<string>();
            var body = JsonReader.ReadObject(text);
            var list = body == null ? null : body.GetArray("errors");
            if (list != null)
            {
                foreach (var item in list)
                {
                    var sentence = item as string;
                    if (sentence == null) { errors.Clear(); break; }
                    errors.Add(sentence);
                }
            }
            if (errors.Count == 0)
                errors.Add("The server answered " + (int)response.StatusCode + " " + response.StatusDescription + " without Orion's errors.");
            return errors;
        }

        private static string Describe(WebException error)
        {
            var inner = error.InnerException;
            return inner == null ? error.Status + " (" + error.Message + ")" : error.Status + " (" + inner.Message + ")";
        }

        private static void IgnoreFault(Task task)
        {
            task.ContinueWith(t => { var ignored = t.Exception; }, TaskContinuationOptions.OnlyOnFaulted);
        }
    }
}
