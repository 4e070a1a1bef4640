# This client's part of one mediation (docs/protocol.md, steps 6 to 9), like the SDK's
# packages/sdk/src/mediation-session.ts: answer every ptpMediation_send with a ptpMediation_connect
# datagram from the game's socket, then punch the peers Orion names. The client reports
# success over the WebSocket when `punched` fires, and drops the session when the mediation
# ends; from then on the socket is left alone.
# With Orion's opt-in relay (docs/protocol.md, "Relay fallback (opt-in)" and its client convention)
# the session also says when to ask for it (`relay_wanted`, by the relay mode), and follows every
# allocation Orion sends for one of our peers, asked for or not: that pair is relayed from then on
# (no more direct hellos, only its relay endpoint counts, its endpoint is the relay's), the session
# binds the relay endpoint and then punches the peer through it. A bind still unanswered when the
# mediation succeeds goes on after hand_over(), bounded, so that the relay learns our endpoint.
extends Reference

const FrameCodec = preload("frame_codec.gd")
const HolePuncher = preload("hole_puncher.gd")
const PunchFrames = preload("punch_frames.gd")
const RelayBinder = preload("relay_binder.gd")
const RelayFrames = preload("relay_frames.gd")
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
# Orion relays the pair with `peer_name` from now on: its endpoint is the relay's ip:port.
signal relay_allocated(peer_name, ip, port)
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
var _reached := []  # what `punched` reported, before allocations are applied
var _allocations := {}  # peer name -> {ip, port} of its relay endpoint
var _relay_at_ms := -1  # when the fallback asks; -1: not (any more)
var _handed_over := false


# Answering hellos starts at once: a peer may punch before our own peer list arrives.
# `relay_mode` is one of RELAY_MODES; tests shorten `relay_bind_gap_ms`.
func _init(
		udp: PacketPeerUDP, udp_host: String, token: String, self_name: String,
		punch_timeout_ms: int, relay_mode: String = RELAY_FALLBACK, relay_after_ms: int = 2000,
		relay_bind_gap_ms: int = RelayBinder.BIND_GAP_MS) -> void:
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
	_binder = RelayBinder.new(udp, token, relay_bind_gap_ms)
	_puncher.connect("relay_bound", _binder, "on_bound")
	_binder.connect("bound", self, "_on_relay_bound")


# Each ptpMediation_send gets one datagram to Orion's UDP port, from the game's socket.
func send_connect(server_udp_port: int) -> void:
	_udp.set_dest_address(_udp_host, server_udp_port)
	_udp.put_packet(FrameCodec.encode("ptpMediation_connect", {"token": _token}).to_utf8())


# ptpMediation_peersConnection_start: the host gets every member, a member the host. Orion sends
# it again to a client that resumed after a drop: punching already under way just goes on.
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


# ptpMediation_relay_allocated: each entry that names one of our peers, asked for or not, relays
# that pair from now on, even if the peer was reached directly (it got the same message and
# switches too). Until the bind is answered the peer gets no hellos and nothing from it counts.
func on_relay_allocated(relays, now_ms: int) -> void:
	if typeof(relays) != TYPE_ARRAY or _handed_over:
		return
	for entry in relays:
		if typeof(entry) != TYPE_DICTIONARY:
			continue
		var peer_name := str(entry.get("peerName", ""))
		var ip := str(entry.get("ip", ""))
		var port := int(entry.get("port", 0))
		if not _peer_names.has(peer_name) or ip.empty() or port < 1 or port > 65535:
			continue
		var current = _allocations.get(peer_name)
		if current != null and current.ip == ip and current.port == port:
			continue
		_allocations[peer_name] = {"ip": ip, "port": port}
		_puncher.await_relay(peer_name)
		_binder.bind(peer_name, ip, port, now_ms)
		emit_signal("relay_allocated", peer_name, ip, port)


# True once every peer answered (`punched` came): a repeated start only needs the report again.
func is_punched() -> bool:
	return not _reached.empty()


# The peers as reached, [{name, ip, port, relayed}], once every one answered (before: []).
# A peer with an allocation has its relay endpoint, even before that is bound.
func get_peers() -> Array:
	var peers := []
	for reached in _reached:
		var peer: Dictionary = reached.duplicate()
		var relay = _allocations.get(peer.name)
		if relay != null:
			peer.ip = relay.ip
			peer.port = relay.port
			peer.relayed = true
		peers.append(peer)
	return peers


func poll(now_ms: int) -> void:
	_puncher.poll(now_ms)
	if _relay_at_ms >= 0 and now_ms >= _relay_at_ms:
		_relay_at_ms = -1
		var silent := _puncher.silent_names()
		if _puncher.is_punching() and not silent.empty():
			emit_signal("relay_wanted", silent)
	_binder.poll(now_ms)


# The mediation failed or was dropped: everything stops.
func stop() -> void:
	hand_over()
	_binder.stop()


# The mediation succeeded: the socket is the game's, so the session stops reading it and
# punching. A bind still unanswered goes on (poll() sends it) until bound or given up, since the
# relay forwards nothing to us before it has our endpoint.
func hand_over() -> void:
	_handed_over = true
	_relay_at_ms = -1
	_puncher.stop()


# True while a relay endpoint is still being bound.
func is_binding() -> bool:
	return _binder.is_binding()


# After the handover the game reads the socket and passes each datagram here: true for the
# handshake's own (late hellos, relay answers), which the game skips. A relay answer among them
# ends that endpoint's binding.
func consume_packet(packet: PoolByteArray, ip: String, port: int) -> bool:
	if RelayFrames.is_bound(packet):
		_binder.on_bound(ip, port)
		return true
	return PunchFrames.is_punch_packet(packet)


func _on_punched(peers: Array) -> void:
	_reached = peers
	emit_signal("punched", get_peers())


# Orion aborts the mediation once its own connect timeout passes; nothing to tell it here.
func _on_punch_failed(unreachable: Array) -> void:
	stop()
	emit_signal("punch_failed", unreachable)


func _on_game_packet(packet: PoolByteArray, ip: String, port: int) -> void:
	emit_signal("game_packet", packet, ip, port)


func _on_relay_bound(peer_name: String, ip: String, port: int) -> void:
	_puncher.use_relay(peer_name, ip, port, OS.get_ticks_msec())
	emit_signal("peer_relayed", peer_name, ip, port)
