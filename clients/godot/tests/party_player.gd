# One player of the headless party test (test/godot.e2e-spec.ts), run as a SceneTree script:
#   godot3-server --no-window --path clients/godot -s res://tests/party_host.gd -- --url ...
# It uses the addon like a game would: once everyone in --roster is in the lobby it sends one
# chat line, waits for all of them to come back, mediates, and exchanges one game datagram with
# each punched peer. It exits 0 only when every expected event arrived; on anything unexpected,
# or when --timeout-ms passes, it says what is missing and exits 1. --relay and --relay-after-ms
# set the client's relay options; relay requests and relayed peers are only reported.
extends SceneTree

const OrionClient = preload("res://addons/orion/orion_client.gd")
const TestArgs = preload("res://tests/test_args.gd")
const TestReport = preload("res://tests/test_report.gd")

const EXIT_OK := 0
const EXIT_FAILED := 1

var args := {}
var report = TestReport.new()
var client: OrionClient
var me := ""
var roster := []
var present := []
var chat_sent := false
var chat_senders := []
var deadline_ms := 0
var owns_udp := false
var closing := false
var finished := false


func _initialize() -> void:
	args = TestArgs.parse(OS.get_cmdline_args())
	me = args.get("name", "")
	roster = args.get("roster", "").split(",", false)
	deadline_ms = OS.get_ticks_msec() + int(args.get("timeout-ms", "20000"))
	# A game loop, not a busy loop: three of these share the machine with Orion.
	Engine.target_fps = 200
	report.expect(["registered", "mediation_started", "peers_received", "punched"])
	report.expect(["mediation_succeeded", "lobby_closed", "connection_closed"])
	for name in roster:
		report.expect(["chat:" + name])
	# The roster starts with the host: it hears from every member, a member from the host.
	for name in roster:
		if name != me and (me == roster[0] or name == roster[0]):
			report.expect(["game_datagram:" + name])
	client = OrionClient.new()
	client.punch_timeout_ms = int(args.get("punch-timeout-ms", "3000"))
	client.relay = args.get("relay", client.relay)
	client.relay_after_ms = int(args.get("relay-after-ms", str(client.relay_after_ms)))
	root.add_child(client)
	_wire_signals()
	var error: int = client.connect_to_server(args.get("url", ""), int(args.get("udp-port", "0")), "127.0.0.1")
	if error != OK:
		fail("connect_to_server returned error %d" % error)


func _idle(_delta: float) -> bool:
	if finished:
		return false
	if owns_udp:
		_read_game_datagrams()
	if OS.get_ticks_msec() > deadline_ms:
		fail("timed out")
	return false


func _wire_signals() -> void:
	var signals := [
		"registered", "connection_failed", "connection_closed",
		"lobby_list", "lobby_hosted", "lobby_joined", "request_failed",
		"peer_joined", "peer_left", "lobby_closed", "chat_received",
		"mediation_started", "peers_received", "punched", "punch_failed",
		"mediation_succeeded", "mediation_aborted", "game_packet_received",
		"relay_requested", "relay_allocated", "peer_relayed",
	]
	for name in signals:
		client.connect(name, self, "_on_" + name)


# Overridden by the host and the member scripts.
func _on_registered() -> void:
	report.event("registered", {"udpPort": client.get_local_udp_port()})
	report.met("registered")


func _on_lobby_list(_lobbies: Array) -> void:
	fail("unexpected lobby_list")


func _on_lobby_hosted(_lobby_id: String, _lobby_name: String) -> void:
	fail("unexpected lobby_hosted")


func _on_lobby_joined(_info: Dictionary) -> void:
	fail("unexpected lobby_joined")


func _on_request_failed(status: int, errors: Array, request: String) -> void:
	fail("unexpected request_failed %d %s: %s" % [status, request, errors])


func _on_everyone_present() -> void:
	pass


func _on_all_chat_received() -> void:
	pass


func _on_peer_joined(name: String) -> void:
	report.event("peer_joined", {"name": name})
	report.met("peer_joined:" + name)
	_note_present([name])


func _on_peer_left(name: String) -> void:
	fail("unexpected peer_left " + name)


func _note_present(names: Array) -> void:
	for name in names:
		if not present.has(name):
			present.append(name)
	for name in roster:
		if not present.has(name):
			return
	if chat_sent:
		return
	chat_sent = true
	var error: int = client.send_chat("hello from " + me)
	if error != OK:
		fail("send_chat returned error %d" % error)
	_on_everyone_present()


func _on_chat_received(sender: String, text: String, timestamp: int) -> void:
	report.event("chat", {"sender": sender, "text": text, "timestamp": timestamp})
	if text != "hello from " + sender or chat_senders.has(sender):
		fail("unexpected chat line from %s: %s" % [sender, text])
		return
	chat_senders.append(sender)
	report.met("chat:" + sender)
	if chat_senders.size() == roster.size():
		_on_all_chat_received()


func _on_mediation_started(server_udp_port: int) -> void:
	report.event("mediation_started", {"serverUdpPort": server_udp_port})
	report.met("mediation_started")


func _on_peers_received(peers: Array) -> void:
	report.event("peers_received", {"peers": peers})
	report.met("peers_received")


# Whether the relay is used is up to the Node test to check: here it is only reported.
func _on_relay_requested(peer_names: Array) -> void:
	report.event("relay_requested", {"peerNames": peer_names})


func _on_relay_allocated(peer_name: String, ip: String, port: int) -> void:
	report.event("relay_allocated", {"name": peer_name, "ip": ip, "port": port})


func _on_peer_relayed(peer_name: String, ip: String, port: int) -> void:
	report.event("peer_relayed", {"name": peer_name, "ip": ip, "port": port})


func _on_punched(peers: Array) -> void:
	report.event("punched", {"peers": peers})
	report.met("punched")


func _on_punch_failed(unreachable: Array) -> void:
	report.event("punch_failed", {"unreachable": unreachable})
	fail("hole punching failed")


# The socket is ours now. A member greets the host here; the host greeted earlier.
func _on_mediation_succeeded(peers: Array) -> void:
	report.event("mediation_succeeded", {"peers": peers, "relayed": client.get_relayed_peer_names()})
	report.met("mediation_succeeded")
	owns_udp = true
	if me != roster[0]:
		_greet(peers)
	_close_when_done()


# One game datagram to each peer, over the punched socket.
func _greet(peers: Array) -> void:
	var udp: PacketPeerUDP = client.get_udp_peer()
	for peer in peers:
		udp.set_dest_address(peer.ip, peer.port)
		udp.put_packet(("game from %s to %s" % [me, peer.name]).to_utf8())


func _on_mediation_aborted(reason: String) -> void:
	report.event("mediation_aborted", {"reason": reason})
	fail("mediation aborted")


func _on_lobby_closed(lobby_id: String, lobby_name: String) -> void:
	report.event("lobby_closed", {"lobbyId": lobby_id, "lobbyName": lobby_name})
	report.met("lobby_closed")
	_close_when_done()


func _on_connection_failed(url: String) -> void:
	fail("could not connect to " + url)


func _on_connection_closed(code: int) -> void:
	report.event("connection_closed", {"code": code})
	report.met("connection_closed")
	if report.all_met():
		_finish(EXIT_OK)
	else:
		fail("the connection closed early")


# Datagrams that came in while the client still read the socket.
func _on_game_packet_received(packet: PoolByteArray, ip: String, port: int) -> void:
	_on_game_datagram(packet.get_string_from_utf8(), ip, port, "game_packet_received")


func _read_game_datagrams() -> void:
	var udp: PacketPeerUDP = client.get_udp_peer()
	while udp.get_available_packet_count() > 0:
		var packet := udp.get_packet()
		var ip := udp.get_packet_ip()
		var port := udp.get_packet_port()
		# A late hello or relay answer may still arrive after the handover; games skip those.
		if client.consume_packet(packet, ip, port):
			continue
		_on_game_datagram(packet.get_string_from_utf8(), ip, port, "socket")


# `via`: the addon's signal (before the handover) or the game's own read of the socket (after).
func _on_game_datagram(text: String, ip: String, port: int, via: String) -> void:
	report.event("game_datagram", {"text": text, "ip": ip, "port": port, "via": via})
	var words := text.split(" ")
	if words.size() != 5 or words[0] != "game" or words[4] != me:
		fail("unexpected datagram: " + text)
		return
	if not report.missing().has("game_datagram:" + words[2]):
		fail("unexpected or repeated datagram: " + text)
		return
	report.met("game_datagram:" + words[2])
	_close_when_done()


# Leaves Orion once everything but the close itself has happened.
func _close_when_done() -> void:
	var left: Array = report.missing()
	left.erase("connection_closed")
	if left.empty() and not closing:
		closing = true
		client.close()


func fail(why: String) -> void:
	if finished:
		return
	report.event("failed", {"name": me, "why": why, "missing": report.missing()})
	_finish(EXIT_FAILED)


func _finish(code: int) -> void:
	if finished:
		return
	finished = true
	if code == EXIT_OK:
		report.event("done", {"name": me})
	client.close()
	if owns_udp:
		client.get_udp_peer().close()
	quit(code)
