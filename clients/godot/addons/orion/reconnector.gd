# Opt-in reconnection (docs/protocol.md, "Reconnection (opt-in)"): after the client's WebSocket
# dropped, opens new ones, waiting longer each time (backoff.gd), until one takes the old client
# back or the time since the drop runs out. One try: open a socket, wait for client_registered
# (its new token is not kept: that client is dropped once the old one is resumed), send the old
# token in client_resume as the first frame, and wait for the answer. The token is never printed.
# `unknown_client` and `in_lobby` end the tries; `unavailable`, `connected_elsewhere`, a socket
# that does not open, one closed under us (1013: the server could not finish) and no answer
# within ANSWER_TIMEOUT_MS are tried again.
extends Reference

const Backoff = preload("backoff.gd")
const WebSocketLink = preload("websocket_link.gd")

# How long one step of a try (open and registration, then the resume's answer) may take.
const ANSWER_TIMEOUT_MS := 5000
# The old client is gone for good, or this socket's own client cannot give way to it.
const FINAL_REFUSALS := ["unknown_client", "in_lobby"]
const TIMED_OUT := "timed_out"

# The old client is back on `link`, which is the client's socket from now on; `summary` is the
# client_resumed payload as typed values (see summary_of()). Frames after it (missed chat,
# repeated mediation requests) come from `link` once the receiver connects to it.
signal resumed(link, summary)
# No more tries: `reason` is one of FINAL_REFUSALS, or TIMED_OUT.
signal gave_up(reason)

var _url: String
var _token: String
var _chat_received: int
var _deadline_ms: int
var _backoff: Backoff
var _link: WebSocketLink = null
var _resume_sent := false
var _answer_deadline_ms := 0
var _next_try_ms := 0
var _active := true


# `url` is the WebSocket address; `token` the dropped client's; `chat_received` how many chat
# lines it has received in all (Orion replays the ones after those). The first try waits one step.
func _init(url: String, token: String, chat_received: int, now_ms: int, within_ms: int,
		initial_delay_ms: int, max_delay_ms: int) -> void:
	_url = url
	_token = token
	_chat_received = chat_received
	_deadline_ms = now_ms + within_ms
	_backoff = Backoff.new(initial_delay_ms, max_delay_ms)
	_next_try_ms = now_ms + _backoff.next_delay_ms()


func poll(now_ms: int) -> void:
	if not _active:
		return
	if now_ms >= _deadline_ms:
		_give_up(TIMED_OUT)
		return
	# A local keeps the link alive while one of its signals lets go of it.
	var link := _link
	if link != null:
		link.poll()
		if link == _link and now_ms >= _answer_deadline_ms:
			_abandon_link()
			_schedule(now_ms)
	elif now_ms >= _next_try_ms:
		_try(now_ms)


# The game closed the client: the socket of a try under way is closed cleanly (1000).
func stop() -> void:
	_active = false
	_abandon_link()


func _try(now_ms: int) -> void:
	_link = WebSocketLink.new()
	_link.connect("frame_received", self, "_on_frame")
	_link.connect("closed", self, "_on_link_ended")
	_link.connect("failed", self, "_on_link_ended")
	_resume_sent = false
	_answer_deadline_ms = now_ms + ANSWER_TIMEOUT_MS
	if _link.open(_url) != OK:
		_link = null
		_schedule(now_ms)


func _on_frame(method: String, payload: Dictionary) -> void:
	var now := OS.get_ticks_msec()
	match method:
		"client_registered":
			# Only now: a frame sent before it is dropped by the server.
			if not _resume_sent:
				_resume_sent = true
				_answer_deadline_ms = now + ANSWER_TIMEOUT_MS
				_link.send("client_resume", {"token": _token, "chatReceived": _chat_received})
		"client_resumed":
			if _resume_sent:
				var link := _release_link()
				_active = false
				emit_signal("resumed", link, summary_of(payload))
		"client_resumeRefused":
			var reason := str(payload.get("reason", ""))
			_abandon_link()
			if FINAL_REFUSALS.has(reason):
				_give_up(reason)
			else:
				_schedule(now)


# The try's socket failed to open or closed under us (1013 included): try again later.
func _on_link_ended(_code: int = 0) -> void:
	_release_link()
	_schedule(OS.get_ticks_msec())


func _schedule(now_ms: int) -> void:
	_next_try_ms = now_ms + _backoff.next_delay_ms()


func _give_up(reason: String) -> void:
	_active = false
	_abandon_link()
	emit_signal("gave_up", reason)


# The try's socket is let go with a clean close, so that the server drops its client at once.
func _abandon_link() -> void:
	var link := _release_link()
	if link != null:
		link.close()


func _release_link() -> WebSocketLink:
	var link := _link
	_link = null
	if link != null:
		link.disconnect("frame_received", self, "_on_frame")
		link.disconnect("closed", self, "_on_link_ended")
		link.disconnect("failed", self, "_on_link_ended")
	return link


# client_resumed as {lobby: {lobbyId, lobbyName, host, members, locked} or null,
# mediation: {phase} or null, missedChat: int}: lobby null means the client is in no lobby now.
static func summary_of(payload: Dictionary) -> Dictionary:
	var lobby = payload.get("lobby")
	var mediation = payload.get("mediation")
	var summary := {"lobby": null, "mediation": null, "missedChat": int(payload.get("missedChat", 0))}
	if typeof(lobby) == TYPE_DICTIONARY:
		var members := []
		if typeof(lobby.get("members")) == TYPE_ARRAY:
			for name in lobby.members:
				members.append(str(name))
		summary.lobby = {
			"lobbyId": str(lobby.get("lobbyId", "")),
			"lobbyName": str(lobby.get("lobbyName", "")),
			"host": str(lobby.get("host", "")),
			"members": members,
			"locked": lobby.get("locked") == true,
		}
	if typeof(mediation) == TYPE_DICTIONARY:
		summary.mediation = {"phase": str(mediation.get("phase", ""))}
	return summary
