# This client's part of one mediation (docs/protocol.md, steps 6 to 9), like the SDK's
# packages/sdk/src/mediation-session.ts: answer every ptpMediation_send with a ptpMediation_connect
# datagram from the game's socket, then punch the peers Orion names. The client reports
# success over the WebSocket when `punched` fires, and drops the session when the mediation
# ends; from then on the socket is left alone.
# With Orion's opt-in relay (docs/protocol.md, "Relay fallback (opt-in)") the session also says
# when to ask for it (`relay_wanted`, by the relay mode), binds every relay endpoint Orion
# allocates for one of our peers, asked for or not, and then punches that peer through it.
extends Reference

const FrameCodec = preload("frame_codec.gd")
const HolePuncher = preload("hole_puncher.gd")
const RelayBinder = preload("relay_binder.gd")
const UdpBinding = preload("udp_binding.gd")

# Punch first; ask for the peers still silent after relay_after_ms.
const RELAY_FALLBACK := "fallback"
# Ask for every peer as soon as the peer list arrives, and reach them through the relay only.
const RELAY_ALWAYS := "always"
# Never ask (allocations the other side asked for are still followed).
const RELAY_OFF := "off"
const RELAY_MODES := [RELAY_FALLBACK, RELAY_ALWAYS, RELAY_OFF]

signal peers_received(peers)
signal punched(peers)
signal punch_failed(unreachable)
signal game_packet(packet, ip, port)
# Orion should be asked to relay these peers (the client sends ptpMediation_relay_request).
signal relay_wanted(peer_names)
# The relay endpoint accepted our bind: `peer_name` is reached through ip:port from now on.
signal peer_relayed(peer_name, ip, port)

var _udp: PacketPeerUDP
var _udp_host: String
var _token: String
var _punch_timeout_ms: int
var _relay_mode: String
var _relay_after_ms: int
var _puncher: HolePuncher
var _binder: RelayBinder
var _punching := false
var _peer_names := []
var _relay_at_ms := -1  # when the fallback asks; -1: not (any more)


# Answering hellos starts at once: a peer may punch before our own peer list arrives.
# `relay_mode` is one of RELAY_MODES.
func _init(
		udp: PacketPeerUDP, udp_host: String, token: String, self_name: String,
		punch_timeout_ms: int, relay_mode: String = RELAY_FALLBACK, relay_after_ms: int = 2000) -> void:
	_udp = udp
	_udp_host = udp_host
	_token = token
	_punch_timeout_ms = punch_timeout_ms
	_relay_mode = relay_mode
	_relay_after_ms = relay_after_ms
	# Whatever is queued (late hellos of an earlier mediation) is not for this one.
	UdpBinding.drain(udp)
	_puncher = HolePuncher.new(udp, self_name, relay_mode != RELAY_ALWAYS)
	_puncher.connect("punched", self, "_on_punched")
	_puncher.connect("punch_failed", self, "_on_punch_failed")
	_puncher.connect("game_packet", self, "_on_game_packet")
	_binder = RelayBinder.new(udp, token)
	_puncher.connect("relay_bound", _binder, "on_bound")
	_binder.connect("bound", self, "_on_relay_bound")


# Each ptpMediation_send gets one datagram to Orion's UDP port, from the game's socket.
func send_connect(server_udp_port: int) -> void:
	_udp.set_dest_address(_udp_host, server_udp_port)
	_udp.put_packet(FrameCodec.encode("ptpMediation_connect", {"token": _token}).to_utf8())


# ptpMediation_peersConnection_start: the host gets every member, a member the host.
func start_punching(raw_peers, now_ms: int) -> void:
	if _punching or typeof(raw_peers) != TYPE_ARRAY:
		return
	_punching = true
	var peers := []
	for raw in raw_peers:
		if typeof(raw) == TYPE_DICTIONARY:
			var name := str(raw.get("name", ""))
			peers.append({"name": name, "ip": str(raw.get("ip", "")), "port": int(raw.get("port", 0))})
			_peer_names.append(name)
	emit_signal("peers_received", peers)
	_puncher.punch(peers, _punch_timeout_ms, now_ms)
	if _relay_mode == RELAY_ALWAYS and not _peer_names.empty():
		emit_signal("relay_wanted", _peer_names.duplicate())
	elif _relay_mode == RELAY_FALLBACK:
		_relay_at_ms = now_ms + _relay_after_ms


# ptpMediation_relay_allocated: bind each entry that names one of our peers, asked for or not.
func on_relay_allocated(relays, now_ms: int) -> void:
	if typeof(relays) != TYPE_ARRAY:
		return
	for entry in relays:
		if typeof(entry) != TYPE_DICTIONARY:
			continue
		var peer_name := str(entry.get("peerName", ""))
		var ip := str(entry.get("ip", ""))
		var port := int(entry.get("port", 0))
		if _peer_names.has(peer_name) and not ip.empty() and port >= 1 and port <= 65535:
			_binder.bind(peer_name, ip, port, now_ms)


func poll(now_ms: int) -> void:
	_puncher.poll(now_ms)
	if _relay_at_ms >= 0 and now_ms >= _relay_at_ms:
		_relay_at_ms = -1
		var silent := _puncher.silent_names()
		if _puncher.is_punching() and not silent.empty():
			emit_signal("relay_wanted", silent)
	_binder.poll(now_ms)


func stop() -> void:
	_relay_at_ms = -1
	_puncher.stop()
	_binder.stop()


func _on_punched(peers: Array) -> void:
	emit_signal("punched", peers)


# Orion aborts the mediation once its own connect timeout passes; nothing to tell it here.
func _on_punch_failed(unreachable: Array) -> void:
	stop()
	emit_signal("punch_failed", unreachable)


func _on_game_packet(packet: PoolByteArray, ip: String, port: int) -> void:
	emit_signal("game_packet", packet, ip, port)


func _on_relay_bound(peer_name: String, ip: String, port: int) -> void:
	_puncher.use_relay(peer_name, ip, port, OS.get_ticks_msec())
	emit_signal("peer_relayed", peer_name, ip, port)
