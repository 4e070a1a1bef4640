# One player's connection to Orion (docs/protocol.md): a WebSocket that is the client's identity
# and message channel, the HTTP routes, and one UDP socket used both to tell Orion this player's
# public endpoint and, after hole punching, to talk to the peers (directly, or through Orion's
# opt-in relay when punching a peer does not work). Add it to the scene tree (it polls in
# _process), call connect_to_server() and follow the signals. The token stays inside this
# node: no signal carries it and nothing here prints it.
extends Node

const HttpApi = preload("http_api.gd")
const MediationSession = preload("mediation_session.gd")
const PunchFrames = preload("punch_frames.gd")
const ServerUrl = preload("server_url.gd")
const UdpBinding = preload("udp_binding.gd")
const WebSocketLink = preload("websocket_link.gd")

signal registered()
# The WebSocket could not be opened, or Orion did not register this client in time.
signal connection_failed(url)
# The WebSocket closed: 1000 after close(), otherwise Orion's close code (1006: dropped).
signal connection_closed(code)
signal lobby_list(lobbies)
signal lobby_hosted(lobby_id, lobby_name)
# Orion's join answer: {lobbyId, lobbyName, lobbyMembers, host}.
signal lobby_joined(info)
# An HTTP call failed: its status (0: no answer), Orion's `errors` sentences, e.g. "POST /lobbies".
signal request_failed(status, errors, request)
signal peer_joined(name)
signal peer_left(name)
signal lobby_closed(lobby_id, lobby_name)
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

# How long hole punching tries before punch_failed; Orion's own connect timeout is far longer.
export var punch_timeout_ms := 5000
# When to ask Orion to relay a peer (the relay is opt-in on the server; without it, asking does
# nothing): "fallback" asks for the peers still silent after relay_after_ms of punching,
# "always" asks for every peer at once and reaches them through the relay only, "off" never asks.
# Relay endpoints Orion allocates anyway (the other side asked) are always used.
export(String, "fallback", "always", "off") var relay := "fallback"
export var relay_after_ms := 2000

var _http: HttpApi = HttpApi.new()
var _ws: WebSocketLink = null
var _udp: PacketPeerUDP = null
var _udp_port := 0
var _udp_host := ""
var _token := ""
var _register_deadline_ms := 0
var _url := ""
var _lobby_id := ""
var _member_name := ""
var _mediation: MediationSession = null
# A succeeded mediation whose relay bind was still unanswered: it goes on binding, bounded.
var _late_binds: MediationSession = null
var _peers := []
var _udp_handed_over := false


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
	if _ws != null:
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
	_ws = WebSocketLink.new()
	_ws.connect("frame_received", self, "_on_frame")
	_ws.connect("closed", self, "_on_ws_closed")
	_ws.connect("failed", self, "_on_ws_failed")
	_register_deadline_ms = OS.get_ticks_msec() + CONNECT_TIMEOUT_MS
	var error := _ws.open(endpoints.ws)
	if error != OK:
		_ws = null
		_release_udp()
	return error


func list_lobbies() -> int:
	return _http.get_json({"action": "list"}, "/lobbies")


func host_lobby(host_name: String, lobby_name: String, is_public: bool = false, max_members: int = 8) -> int:
	if _token.empty():
		return ERR_UNCONFIGURED
	var body := {
		"token": _token,
		"hostName": host_name,
		"lobbyName": lobby_name,
		"isPublic": is_public,
		"maxMembers": max_members,
	}
	return _http.post_json({"action": "host", "name": host_name}, "/lobbies", body)


func join_lobby(lobby_id: String, peer_name: String) -> int:
	if _token.empty():
		return ERR_UNCONFIGURED
	var path := "/lobbies/%s/join" % lobby_id.strip_edges().percent_encode()
	var body := {"token": _token, "peerName": peer_name}
	return _http.post_json({"action": "join", "name": peer_name}, path, body)


# The line is delivered when it comes back through chat_received.
func send_chat(text: String) -> int:
	if _lobby_id.empty() or _ws == null:
		return ERR_UNCONFIGURED
	return _ws.send("lobby_messaging_send", {"token": _token, "lobbyId": _lobby_id, "message": text})


# Host only: locks the lobby; mediation_started follows for every member.
func start_mediation() -> int:
	if _lobby_id.empty():
		return ERR_UNCONFIGURED
	var path := "/lobbies/%s/ptp/start" % _lobby_id.percent_encode()
	return _http.post_json({"action": "start"}, path, {"token": _token})


# Leaves Orion. The UDP socket is closed too, unless a mediation handed it to the game.
func close() -> void:
	_end_mediation()
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


func is_registered() -> bool:
	return not _token.empty() and _ws != null and _ws.is_open()


func _process(_delta: float) -> void:
	# After a success the relay still needs our endpoint, whether or not we are still connected.
	var late := _late_binds
	if late != null:
		late.poll(OS.get_ticks_msec())
		if not late.is_binding() and late == _late_binds:
			_late_binds = null
	# Locals keep the link and the mediation alive while a signal they emit drops them.
	var link := _ws
	if link == null:
		return
	link.poll()
	var now := OS.get_ticks_msec()
	if _token.empty() and _ws != null and now > _register_deadline_ms:
		_give_up_connecting()
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
		"lobby_closed":
			_end_mediation()
			_lobby_id = ""
			emit_signal("lobby_closed", str(payload.get("lobbyId", "")), str(payload.get("lobbyName", "")))
		"lobby_messaging_received":
			var line = payload.get("message")
			if typeof(line) == TYPE_DICTIONARY:
				var sender := str(line.get("senderName", ""))
				emit_signal("chat_received", sender, str(line.get("message", "")), int(line.get("timestamp", 0)))
		"ptpMediation_send":
			_on_mediation_send(int(payload.get("port", 0)))
		"ptpMediation_peersConnection_start":
			if _mediation != null:
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
	if _ws == null:
		return
	_ws.send("ptpMediation_peersConnection_success", {"token": _token})
	emit_signal("punched", get_peers())


func _on_mediation_peers_received(peers: Array) -> void:
	emit_signal("peers_received", peers)


# Orion answers with ptpMediation_relay_allocated, or not at all when its relay is off.
func _on_mediation_relay_wanted(peer_names: Array) -> void:
	if _ws == null:
		return
	_ws.send("ptpMediation_relay_request", {"token": _token, "peerNames": peer_names})
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
			emit_signal("lobby_list", _lobbies_of(body))
		"host":
			_lobby_id = str(body.get("lobbyId", ""))
			_member_name = context.name
			emit_signal("lobby_hosted", _lobby_id, str(body.get("lobbyName", "")))
		"join":
			_lobby_id = str(body.get("lobbyId", ""))
			_member_name = context.name
			emit_signal("lobby_joined", body)


func _on_http_failed(_context: Dictionary, status: int, errors: Array, request: String) -> void:
	emit_signal("request_failed", status, errors, request)


# An unknown mode is a mistake in the game: say so, and use the default.
func _relay_mode() -> String:
	if MediationSession.RELAY_MODES.has(relay):
		return relay
	push_warning("Orion's relay mode must be fallback, always or off, not %s; using fallback." % relay)
	return MediationSession.RELAY_FALLBACK


static func _lobbies_of(body: Dictionary) -> Array:
	var lobbies := []
	if typeof(body.get("lobbies")) != TYPE_ARRAY:
		return lobbies
	for lobby in body.lobbies:
		if typeof(lobby) != TYPE_DICTIONARY:
			continue
		lobbies.append({
			"id": str(lobby.get("id", "")),
			"name": str(lobby.get("name", "")),
			"currentMembers": int(lobby.get("currentMembers", 0)),
			"maxMembers": int(lobby.get("maxMembers", 0)),
		})
	return lobbies


func _on_ws_closed(code: int) -> void:
	_end_mediation()
	_release_udp()
	_ws = null
	_token = ""
	_lobby_id = ""
	emit_signal("connection_closed", code)


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
