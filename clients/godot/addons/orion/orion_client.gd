# One player's connection to Orion (docs/protocol.md): a WebSocket that is the client's identity
# and message channel, the HTTP routes, and one UDP socket used both to tell Orion this player's
# public endpoint and, after hole punching, to talk to the peers (directly, or through Orion's
# opt-in relay when punching a peer does not work). Add it to the scene tree (it polls in
# _process), call connect_to_server() and follow the signals. The token stays inside this
# node: no signal carries it and nothing here prints it. With `reconnect` on, a dropped
# WebSocket is replaced by a new one that resumes the same client (reconnector.gd).
extends Node

const HttpApi = preload("http_api.gd")
const MediationSession = preload("mediation_session.gd")
const PunchFrames = preload("punch_frames.gd")
const Reconnector = preload("reconnector.gd")
const ServerUrl = preload("server_url.gd")
const UdpBinding = preload("udp_binding.gd")
const WebSocketLink = preload("websocket_link.gd")

signal registered()
# The WebSocket could not be opened, or Orion did not register this client in time.
signal connection_failed(url)
# The WebSocket closed: 1000 after close(), otherwise Orion's close code (1006: dropped).
# With `reconnect` on it comes only once reconnecting is over: the code is then the drop's.
signal connection_closed(code)
# With `reconnect` on: the WebSocket dropped (`code` as for connection_closed) and the client is
# reconnecting; the lobby seat and a running mediation are kept meanwhile.
signal connection_lost(code)
# The client is back with its lobby seat: `summary` is {lobby: {lobbyId, lobbyName, host,
# members, locked} or null, mediation: {phase} or null, missedChat}. The missed chat follows
# through chat_received; lobby_closed follows when the lobby is gone (lobby null).
signal reconnected(summary)
# [{id, name, currentMembers, maxMembers}], plus hasPassword and data on lobbies that have them.
signal lobby_list(lobbies)
# One page of find_lobbies(): every lobby with hasPassword and data ({} for none); pass `next`
# as filters.after for the following page ("" on the last one).
signal lobby_page(lobbies, next)
signal lobby_hosted(lobby_id, lobby_name)
# Orion's join answer: {lobbyId, lobbyName, lobbyMembers, host}.
signal lobby_joined(info)
# An HTTP call failed: its status (0: no answer), Orion's `errors` sentences, e.g. "POST /lobbies".
signal request_failed(status, errors, request)
signal peer_joined(name)
signal peer_left(name)
# A member's connection dropped and the server holds its seat (it may come back): peer_back, or
# peer_left once its grace ends.
signal peer_away(name)
signal peer_back(name)
signal lobby_closed(lobby_id, lobby_name)
# leave_lobby() was accepted: out of the lobby, still connected.
signal lobby_left(lobby_id)
# The host kicked this client: out of the lobby, still connected (as after lobby_closed).
signal lobby_kicked(lobby_id, lobby_name)
# kick() was accepted; `peer_name` as the member chose it.
signal member_kicked(peer_name)
# A hostMigration lobby's host left: `host_name` is the host now (maybe this client).
signal host_changed(lobby_id, host_name)
# The host changed the lobby: {lobbyId, lobbyName, isPublic, data}. Every member, the host
# included, hears it; it is also how the host learns that update_lobby() was accepted.
signal lobby_updated(settings)
signal chat_received(sender, text, timestamp)
# The first ptpMediation_send of a mediation; the client answers every one by itself.
signal mediation_started(server_udp_port)
# [{name, ip, port}]: the host gets every member, a member gets the host.
signal peers_received(peers)
# The client asked Orion to relay these peers (see `relay`).
signal relay_requested(peer_names)
# Orion relays the pair with `peer_name` from now on (whoever asked): its traffic goes to the relay
# endpoint ip:port, which get_peers() reports at once. `peer_relayed` follows once bound.
signal relay_allocated(peer_name, ip, port)
# The relay accepted our bind: hellos for `peer_name` go to the relay endpoint ip:port now. It may
# come after mediation_succeeded, when the bind outlived the mediation (see consume_packet()).
signal peer_relayed(peer_name, ip, port)
# Every peer answered the hello handshake; the client has told Orion so.
# [{name, ip, port, relayed}]: `relayed` peers are reached at their relay endpoint.
signal punched(peers)
signal punch_failed(unreachable)
# From here on the UDP socket is the game's: see get_udp_peer() and get_peers().
signal mediation_succeeded(peers)
signal mediation_aborted(reason)
# A game datagram read while the client still owned the socket (during a mediation).
signal game_packet_received(packet, ip, port)

const CONNECT_TIMEOUT_MS := 5000
const DEFAULT_PAGE_SIZE := 50
# Frames sent while reconnecting wait for the new socket; past this many, sends fail.
const OUTBOX_LIMIT := 64

# How long hole punching tries before punch_failed; Orion's own connect timeout is far longer.
export var punch_timeout_ms := 5000
# When to ask Orion to relay a peer (the relay is opt-in on the server; without it, asking does
# nothing): "fallback" asks for the peers still silent after relay_after_ms of punching,
# "always" asks for every peer at once and reaches them through the relay only, "off" never asks.
# Relay endpoints Orion allocates anyway (the other side asked) are always used.
export(String, "fallback", "always", "off") var relay := "fallback"
export var relay_after_ms := 2000
# Opt-in: when the WebSocket drops (any close but our own, a clean 1000 from Orion, or 4001),
# reconnect and resume this client, for at most reconnect_within_ms since the drop, waiting
# between tries from reconnect_initial_delay_ms, doubling up to reconnect_max_delay_ms (jittered).
# It only helps against an Orion started with --reconnectGraceMs.
export var reconnect := false
export var reconnect_within_ms := 15000
export var reconnect_initial_delay_ms := 250
export var reconnect_max_delay_ms := 4000

var _http: HttpApi = HttpApi.new()
var _ws: WebSocketLink = null
var _udp: PacketPeerUDP = null
var _udp_port := 0
var _udp_host := ""
var _token := ""
var _register_deadline_ms := 0
var _url := ""
var _ws_url := ""
var _lobby_id := ""
var _lobby_name := ""
var _member_name := ""
var _host_name := ""
var _mediation: MediationSession = null
# A succeeded mediation whose relay bind was still unanswered: it goes on binding, bounded.
var _late_binds: MediationSession = null
var _peers := []
var _udp_handed_over := false
var _reconnector: Reconnector = null
var _lost_code := 0  # the close code of the drop being reconnected from
var _outbox := []  # [method, payload] sent while reconnecting
var _chat_received := 0  # chat lines received on any socket: where a resume's replay starts


func _ready() -> void:
	add_child(_http)
	_http.connect("succeeded", self, "_on_http_succeeded")
	_http.connect("failed", self, "_on_http_failed")


func _exit_tree() -> void:
	close()


# Binds the UDP socket (`udp_port` 0: a free random port) and opens the WebSocket;
# `registered` follows once Orion has accepted the client.
func connect_to_server(url: String, udp_port: int = 0, udp_bind_address: String = "*") -> int:
	var endpoints := ServerUrl.parse(url)
	if endpoints.empty():
		push_error("Orion's url must start with http:// or https://: " + url)
		return ERR_INVALID_PARAMETER
	if _ws != null or _reconnector != null:
		return ERR_ALREADY_IN_USE
	var bound := UdpBinding.open(udp_port, udp_bind_address)
	if bound.has("error"):
		return bound.error
	_udp = bound.udp
	_udp_port = bound.port
	_udp_handed_over = false
	_udp_host = endpoints.udp_host
	_url = endpoints.base
	_http.set_base_url(endpoints.base)
	_ws_url = endpoints.ws
	_attach(WebSocketLink.new())
	_register_deadline_ms = OS.get_ticks_msec() + CONNECT_TIMEOUT_MS
	var error := _ws.open(endpoints.ws)
	if error != OK:
		_ws = null
		_release_udp()
	return error


func list_lobbies() -> int:
	return _http.get_json({"action": "list"}, "/lobbies")


# One page of the public lobbies that match `filters` (every one given must match), oldest
# first; lobby_page follows. `filters` may hold: "data" {key: string or number} (exact values),
# "dataRange" {key: {"min": n, "max": n}} (inclusive, numbers only), "hasPassword" and
# "notFull" (bools), "limit" (1 to 100, default 50) and "after" (the previous page's `next`).
func find_lobbies(filters: Dictionary = {}) -> int:
	var query := _filter_query(filters)
	query.append("limit=%d" % int(filters.get("limit", DEFAULT_PAGE_SIZE)))
	if filters.has("after"):
		query.append("after=" + str(filters.after).percent_encode())
	return _http.get_json({"action": "page"}, "/lobbies?" + query.join("&"))


# `options` may hold "password" (1 to 64 characters: joining then needs it), "data" (a flat
# {key: string or number} map shown in the list and filtered on) and "hostMigration" (true:
# when the host leaves before mediation, the member present longest becomes host).
func host_lobby(
		host_name: String, lobby_name: String, is_public: bool = false, max_members: int = 8,
		options: Dictionary = {}) -> int:
	if _token.empty():
		return ERR_UNCONFIGURED
	var body := {
		"token": _token,
		"hostName": host_name,
		"lobbyName": lobby_name,
		"isPublic": is_public,
		"maxMembers": max_members,
	}
	# Only what is given is sent: without options the request is the original one.
	for key in ["password", "data", "hostMigration"]:
		if options.has(key):
			body[key] = options[key]
	return _http.post_json({"action": "host", "name": host_name}, "/lobbies", body)


# `password`: the lobby's, when it has one (hasPassword); "" sends none.
func join_lobby(lobby_id: String, peer_name: String, password: String = "") -> int:
	if _token.empty():
		return ERR_UNCONFIGURED
	var path := "/lobbies/%s/join" % lobby_id.strip_edges().percent_encode()
	var body := {"token": _token, "peerName": peer_name}
	if not password.empty():
		body["password"] = password
	return _http.post_json({"action": "join", "name": peer_name}, path, body)


# Joins the oldest open public lobby without a password that matches `filters` (those of
# find_lobbies() but "limit" and "after"): lobby_joined follows, or request_failed with 409
# when none seats this client.
func quick_join(peer_name: String, filters: Dictionary = {}) -> int:
	if _token.empty():
		return ERR_UNCONFIGURED
	var query := _filter_query(filters)
	var path := "/lobbies/quick-join" + ("" if query.empty() else "?" + query.join("&"))
	return _http.post_json({"action": "join", "name": peer_name}, path, {"token": _token, "peerName": peer_name})


# Leaves the lobby and stays connected; lobby_left follows. The host's leaving closes the
# lobby, or hands it over when it was hosted with hostMigration.
func leave_lobby() -> int:
	if _lobby_id.empty() or _token.empty():
		return ERR_UNCONFIGURED
	var path := "/lobbies/%s/leave" % _lobby_id.percent_encode()
	return _http.post_json({"action": "leave", "lobby": _lobby_id}, path, {"token": _token})


# Host only: removes the member named `peer_name` (it hears lobby_kicked); member_kicked
# follows. `ban_ms` (0 to 600000) keeps that client out of the lobby for so long; -1: no ban.
func kick(peer_name: String, ban_ms: int = -1) -> int:
	if _lobby_id.empty() or _token.empty():
		return ERR_UNCONFIGURED
	var path := "/lobbies/%s/kick" % _lobby_id.percent_encode()
	var body := {"token": _token, "peerName": peer_name}
	if ban_ms >= 0:
		body["banMs"] = ban_ms
	return _http.post_json({"action": "kick"}, path, body)


# Host only, not during mediation: `update` holds at least one of "lobbyName", "isPublic" and
# "data" (replaces the whole map; null or {} clears it). Every member hears lobby_updated.
func update_lobby(update: Dictionary) -> int:
	if _lobby_id.empty() or _token.empty():
		return ERR_UNCONFIGURED
	var body := {"token": _token}
	for key in ["lobbyName", "isPublic", "data"]:
		if update.has(key):
			body[key] = update[key]
	var path := "/lobbies/%s" % _lobby_id.percent_encode()
	return _http.patch_json({"action": "update"}, path, body)


# The line is delivered when it comes back through chat_received. While reconnecting it waits
# for the new socket.
func send_chat(text: String) -> int:
	if _lobby_id.empty() or (_ws == null and _reconnector == null):
		return ERR_UNCONFIGURED
	return _send("lobby_messaging_send", {"token": _token, "lobbyId": _lobby_id, "message": text})


# Host only: locks the lobby; mediation_started follows for every member.
func start_mediation() -> int:
	if _lobby_id.empty():
		return ERR_UNCONFIGURED
	var path := "/lobbies/%s/ptp/start" % _lobby_id.percent_encode()
	return _http.post_json({"action": "start"}, path, {"token": _token})


# Leaves Orion (a clean close, 1000: no reconnecting). The UDP socket is closed too, unless a
# mediation handed it to the game. While reconnecting, the tries stop and connection_closed(1000)
# follows at once; the server lets the dropped client go when its grace ends.
func close() -> void:
	_end_mediation()
	if _reconnector != null:
		_reconnector.stop()
		_reconnector = null
		_forget_client(WebSocketLink.CLOSE_NORMAL)
	if _ws != null:
		_ws.close()
		# A link that never opened will not report a close: forget it now.
		if not _ws.is_open():
			_ws = null
	_release_udp()


func get_udp_peer() -> PacketPeerUDP:
	return _udp


func get_local_udp_port() -> int:
	return _udp_port


# After mediation_succeeded, pass every datagram the game reads from get_udp_peer() here: true
# means it belongs to the handshake (a late hello, the relay's answer to a bind), so skip it. The
# relay's answer also ends a bind that went on after the handover; without this, that bind
# simply stops after its 40 tries.
func consume_packet(packet: PoolByteArray, ip: String, port: int) -> bool:
	if _late_binds != null:
		return _late_binds.consume_packet(packet, ip, port)
	return PunchFrames.is_punch_packet(packet)


# The peers as punched: [{name, ip, port, relayed}], the addresses they answered from, or for a
# relayed peer its relay endpoint (from the moment Orion allocates it, even before it is bound).
func get_peers() -> Array:
	return _peers.duplicate(true)


# The names of the peers reached through Orion's relay.
func get_relayed_peer_names() -> Array:
	var names := []
	for peer in _peers:
		if peer.relayed:
			names.append(peer.name)
	return names


func get_lobby_id() -> String:
	return _lobby_id


func get_member_name() -> String:
	return _member_name


# The current lobby's host as last heard (host_changed updates it); "" outside a lobby.
func get_host_name() -> String:
	return _host_name if not _lobby_id.empty() else ""


func is_host() -> bool:
	return not _lobby_id.empty() and _host_name == _member_name


func is_registered() -> bool:
	return not _token.empty() and _ws != null and _ws.is_open()


# True between connection_lost and reconnected or connection_closed.
func is_reconnecting() -> bool:
	return _reconnector != null


# For tests: cuts the WebSocket as a failing network would. The server grants the reconnection
# grace, and the client reacts as to any drop (connection_lost with `reconnect` on, otherwise
# connection_closed, both with 1006). Godot 3 cannot cut the TCP stream without a close frame,
# so what Orion sees is a close 1001 ("going away") not waited for; see websocket_link.gd.
func drop_connection() -> void:
	var link := _ws
	if link != null:
		link.drop()


func _process(_delta: float) -> void:
	# After a success the relay still needs our endpoint, whether or not we are still connected.
	var late := _late_binds
	if late != null:
		late.poll(OS.get_ticks_msec())
		if not late.is_binding() and late == _late_binds:
			_late_binds = null
	# Locals keep the link and the mediation alive while a signal they emit drops them.
	var link := _ws
	var reconnector := _reconnector
	if link == null and reconnector == null:
		return
	var now := OS.get_ticks_msec()
	if link != null:
		link.poll()
	elif reconnector != null:
		reconnector.poll(now)
	if _token.empty() and _ws != null and now > _register_deadline_ms:
		_give_up_connecting()
	# A mediation goes on while reconnecting: punching needs only the UDP socket.
	var mediation := _mediation
	if mediation != null:
		mediation.poll(now)


func _on_frame(method: String, payload: Dictionary) -> void:
	match method:
		"client_registered":
			_on_registered(payload)
		"lobby_peerConnect":
			emit_signal("peer_joined", str(payload.get("peerName", "")))
		"lobby_peerDisconnect":
			emit_signal("peer_left", str(payload.get("peerName", "")))
		"lobby_peerAway":
			emit_signal("peer_away", str(payload.get("peerName", "")))
		"lobby_peerBack":
			emit_signal("peer_back", str(payload.get("peerName", "")))
		"lobby_closed":
			_end_mediation()
			_lobby_id = ""
			emit_signal("lobby_closed", str(payload.get("lobbyId", "")), str(payload.get("lobbyName", "")))
		"lobby_kicked":
			# Out of the lobby just as when it closes.
			_end_mediation()
			_lobby_id = ""
			emit_signal("lobby_kicked", str(payload.get("lobbyId", "")), str(payload.get("lobbyName", "")))
		"lobby_hostChanged":
			_host_name = str(payload.get("hostName", ""))
			emit_signal("host_changed", str(payload.get("lobbyId", "")), _host_name)
		"lobby_updated":
			var settings := _settings_of(payload)
			if settings.lobbyId == _lobby_id:
				_lobby_name = settings.lobbyName
			emit_signal("lobby_updated", settings)
		"lobby_messaging_received":
			_chat_received += 1
			var line = payload.get("message")
			if typeof(line) == TYPE_DICTIONARY:
				var sender := str(line.get("senderName", ""))
				emit_signal("chat_received", sender, str(line.get("message", "")), int(line.get("timestamp", 0)))
		"ptpMediation_send":
			_on_mediation_send(int(payload.get("port", 0)))
		"ptpMediation_peersConnection_start":
			# Sent again after a resume when Orion has no success report from us: if punching
			# already succeeded, the report was lost with the old socket.
			if _mediation != null and _mediation.is_punched():
				_send("ptpMediation_peersConnection_success", {"token": _token})
			elif _mediation != null:
				_mediation.start_punching(payload.get("peers"), OS.get_ticks_msec())
		"ptpMediation_relay_allocated":
			if _mediation != null:
				_mediation.on_relay_allocated(payload.get("relays"), OS.get_ticks_msec())
		"ptpMediation_aborted":
			_end_mediation()
			emit_signal("mediation_aborted", str(payload.get("abortReason", "")))
		"ptpMediation_success":
			_hand_over_mediation()
			_udp_handed_over = true
			emit_signal("mediation_succeeded", get_peers())


func _on_registered(payload: Dictionary) -> void:
	var token = payload.get("token")
	if typeof(token) != TYPE_STRING or token.empty() or not _token.empty():
		return
	_token = token
	emit_signal("registered")


func _on_mediation_send(port: int) -> void:
	if port < 1 or port > 65535 or _udp == null:
		return
	if _mediation == null:
		# A new match: the last one's relay binds (its session reads nothing any more) end.
		_stop_late_binds()
		_peers = []
		_udp_handed_over = false
		_mediation = MediationSession.new(
				_udp, _udp_host, _token, _member_name, punch_timeout_ms, _relay_mode(), relay_after_ms)
		var names := [
			"peers_received", "punch_failed", "game_packet",
			"relay_wanted", "relay_allocated", "peer_relayed",
		]
		for name in names:
			_mediation.connect(name, self, "_on_mediation_" + name)
		_mediation.connect("punched", self, "_on_punched")
		emit_signal("mediation_started", port)
	_mediation.send_connect(port)


func _end_mediation() -> void:
	if _mediation != null:
		_mediation.stop()
		_mediation = null


# The mediation succeeded: everything stops but a relay bind still unanswered (the peer may have
# completed first), which the relay needs before it forwards anything to us.
func _hand_over_mediation() -> void:
	var mediation := _mediation
	_mediation = null
	if mediation == null:
		return
	mediation.hand_over()
	if mediation.is_binding():
		_stop_late_binds()
		_late_binds = mediation


func _stop_late_binds() -> void:
	if _late_binds != null:
		_late_binds.stop()
		_late_binds = null


# Protocol step 9: every peer answered, so tell Orion.
func _on_punched(peers: Array) -> void:
	_peers = peers
	if _ws == null and _reconnector == null:
		return
	_send("ptpMediation_peersConnection_success", {"token": _token})
	emit_signal("punched", get_peers())


func _on_mediation_peers_received(peers: Array) -> void:
	emit_signal("peers_received", peers)


# Orion answers with ptpMediation_relay_allocated, or not at all when its relay is off.
func _on_mediation_relay_wanted(peer_names: Array) -> void:
	if _ws == null and _reconnector == null:
		return
	_send("ptpMediation_relay_request", {"token": _token, "peerNames": peer_names})
	emit_signal("relay_requested", peer_names.duplicate())


# A peer reached directly before switches too: the other side uses the relay from now on.
func _on_mediation_relay_allocated(peer_name: String, ip: String, port: int) -> void:
	if _mediation != null and not _peers.empty():
		_peers = _mediation.get_peers()
	emit_signal("relay_allocated", peer_name, ip, port)


# May come after mediation_succeeded, from a bind that went on after the handover.
func _on_mediation_peer_relayed(peer_name: String, ip: String, port: int) -> void:
	emit_signal("peer_relayed", peer_name, ip, port)


func _on_mediation_punch_failed(unreachable: Array) -> void:
	emit_signal("punch_failed", unreachable)


func _on_mediation_game_packet(packet: PoolByteArray, ip: String, port: int) -> void:
	emit_signal("game_packet_received", packet, ip, port)


# `answer` is a Dictionary, or null for an empty body (ptp/start answers with none).
func _on_http_succeeded(context: Dictionary, answer) -> void:
	var body: Dictionary = answer if answer != null else {}
	match context.action:
		"list":
			emit_signal("lobby_list", _lobbies_of(body, false))
		"page":
			var next = body.get("next")
			emit_signal("lobby_page", _lobbies_of(body, true), next if typeof(next) == TYPE_STRING else "")
		"host":
			_lobby_id = str(body.get("lobbyId", ""))
			_lobby_name = str(body.get("lobbyName", ""))
			_member_name = context.name
			_host_name = context.name
			emit_signal("lobby_hosted", _lobby_id, str(body.get("lobbyName", "")))
		"join":
			_lobby_id = str(body.get("lobbyId", ""))
			_lobby_name = str(body.get("lobbyName", ""))
			_member_name = context.name
			_host_name = str(body.get("host", ""))
			emit_signal("lobby_joined", body)
		"leave":
			# Unless a lobby_closed or lobby_kicked already took it, or another lobby came since.
			if _lobby_id == context.lobby:
				_end_mediation()
				_lobby_id = ""
			emit_signal("lobby_left", context.lobby)
		"kick":
			emit_signal("member_kicked", str(body.get("peerName", "")))
		"update":
			pass


func _on_http_failed(_context: Dictionary, status: int, errors: Array, request: String) -> void:
	emit_signal("request_failed", status, errors, request)


# An unknown mode is a mistake in the game: say so, and use the default.
func _relay_mode() -> String:
	if MediationSession.RELAY_MODES.has(relay):
		return relay
	push_warning("Orion's relay mode must be fallback, always or off, not %s; using fallback." % relay)
	return MediationSession.RELAY_FALLBACK


# `complete`: every lobby gets hasPassword and data; otherwise only those that have them, so
# that a lobby created the original way is listed exactly as it always was.
static func _lobbies_of(body: Dictionary, complete: bool) -> Array:
	var lobbies := []
	if typeof(body.get("lobbies")) != TYPE_ARRAY:
		return lobbies
	for lobby in body.lobbies:
		if typeof(lobby) != TYPE_DICTIONARY:
			continue
		var listed := {
			"id": str(lobby.get("id", "")),
			"name": str(lobby.get("name", "")),
			"currentMembers": int(lobby.get("currentMembers", 0)),
			"maxMembers": int(lobby.get("maxMembers", 0)),
		}
		if complete or lobby.has("hasPassword"):
			listed["hasPassword"] = lobby.get("hasPassword") == true
		if complete or lobby.has("data"):
			listed["data"] = _data_of(lobby.get("data"))
		lobbies.append(listed)
	return lobbies


static func _settings_of(payload: Dictionary) -> Dictionary:
	return {
		"lobbyId": str(payload.get("lobbyId", "")),
		"lobbyName": str(payload.get("lobbyName", "")),
		"isPublic": payload.get("isPublic") == true,
		"data": _data_of(payload.get("data")),
	}


# A lobby's data as strings and numbers (JSON numbers arrive as floats; whole ones become ints).
static func _data_of(data) -> Dictionary:
	var copy := {}
	if typeof(data) != TYPE_DICTIONARY:
		return copy
	for key in data:
		var value = data[key]
		if typeof(value) == TYPE_REAL and value == floor(value) and abs(value) < 1e15:
			copy[key] = int(value)
		elif typeof(value) == TYPE_STRING or typeof(value) == TYPE_REAL or typeof(value) == TYPE_INT:
			copy[key] = value
	return copy


# The filter parameters of GET /lobbies and quick join, as "name=value" (no paging).
static func _filter_query(filters: Dictionary) -> PoolStringArray:
	var query := PoolStringArray()
	var data = filters.get("data", {})
	if typeof(data) == TYPE_DICTIONARY:
		for key in data:
			query.append("data.%s=%s" % [str(key).percent_encode(), _query_value(data[key])])
	var ranges = filters.get("dataRange", {})
	if typeof(ranges) == TYPE_DICTIONARY:
		for key in ranges:
			var bounds = ranges[key]
			if typeof(bounds) != TYPE_DICTIONARY:
				continue
			for bound in ["min", "max"]:
				if bounds.has(bound):
					query.append("data.%s.%s=%s" % [str(key).percent_encode(), bound, _query_value(bounds[bound])])
	for flag in ["hasPassword", "notFull"]:
		if filters.has(flag):
			query.append("%s=%s" % [flag, "true" if filters[flag] else "false"])
	return query


# A number as JSON writes it (4, not 4.0), a string percent-encoded.
static func _query_value(value) -> String:
	if typeof(value) == TYPE_REAL and value == floor(value) and abs(value) < 1e15:
		return str(int(value))
	return str(value).percent_encode()


func _on_ws_closed(code: int) -> void:
	_ws = null
	if reconnect and not _token.empty() and code != WebSocketLink.CLOSE_NORMAL \
			and code != WebSocketLink.CLOSE_TAKEN_OVER:
		_start_reconnecting(code)
	else:
		_forget_client(code)


# The connection is over for good: the client, its lobby and a running mediation are gone.
func _forget_client(code: int) -> void:
	_end_mediation()
	_release_udp()
	_token = ""
	_lobby_id = ""
	_outbox = []
	emit_signal("connection_closed", code)


func _attach(link: WebSocketLink) -> void:
	_ws = link
	link.connect("frame_received", self, "_on_frame")
	link.connect("closed", self, "_on_ws_closed")
	link.connect("failed", self, "_on_ws_failed")


# While reconnecting, frames wait (in order) for the resumed socket.
func _send(method: String, payload: Dictionary) -> int:
	if _ws != null:
		return _ws.send(method, payload)
	if _reconnector == null:
		return ERR_UNCONFIGURED
	if _outbox.size() >= OUTBOX_LIMIT:
		return ERR_BUSY
	_outbox.append([method, payload])
	return OK


func _start_reconnecting(code: int) -> void:
	_lost_code = code
	_reconnector = Reconnector.new(
			_ws_url, _token, _chat_received, OS.get_ticks_msec(), reconnect_within_ms,
			reconnect_initial_delay_ms, reconnect_max_delay_ms)
	_reconnector.connect("resumed", self, "_on_resumed")
	_reconnector.connect("gave_up", self, "_on_reconnect_gave_up")
	emit_signal("connection_lost", code)


# The old client and token are back on `link`. What was queued goes out first, then the game
# hears of it, then of what changed meanwhile.
func _on_resumed(link: WebSocketLink, summary: Dictionary) -> void:
	_reconnector = null
	_attach(link)
	var queued := _outbox
	_outbox = []
	for frame in queued:
		link.send(frame[0], frame[1])
	emit_signal("reconnected", summary.duplicate(true))
	_apply_resumed(summary)


# The summary replaces what the client missed: only chat is replayed, so a lobby that closed,
# a new host or a mediation that ended meanwhile are learnt from it.
func _apply_resumed(summary: Dictionary) -> void:
	var lobby = summary.lobby
	if lobby == null:
		if not _lobby_id.empty():
			var closed_id := _lobby_id
			_end_mediation()
			_lobby_id = ""
			emit_signal("lobby_closed", closed_id, _lobby_name)
		return
	_lobby_id = lobby.lobbyId
	_lobby_name = lobby.lobbyName
	if lobby.host != _host_name:
		_host_name = lobby.host
		emit_signal("host_changed", _lobby_id, _host_name)
	if summary.mediation == null and _mediation != null:
		_end_mediation()
		emit_signal("mediation_aborted", "The mediation ended while this client was away.")


func _on_reconnect_gave_up(_reason: String) -> void:
	_reconnector = null
	_forget_client(_lost_code)


func _on_ws_failed() -> void:
	_release_udp()
	_ws = null
	emit_signal("connection_failed", _url)


func _give_up_connecting() -> void:
	var link := _ws
	_ws = null
	link.close()
	_release_udp()
	emit_signal("connection_failed", _url)


# The socket is closed with the client, unless a successful mediation made it the game's.
func _release_udp() -> void:
	if _udp != null and not _udp_handed_over:
		_udp.close()
