# UDP hole punching on the game's socket, the same handshake as the TypeScript SDK
# (packages/sdk/src/hole-punch.ts). From creation until stop() it reads the socket on every poll():
# each hello is answered with an ack to the address it came from, and the address each named
# peer was last heard from is remembered. punch() sends hellos to the peers on the retry
# schedule until every one has been heard from (hello or ack), or the timeout passes.
# A peer switched to Orion's relay (await_relay() at the allocation, use_relay() once bound) is
# sent no more direct hellos, and from then on only hellos and acks from its relay endpoint count
# as hearing it; its hellos go to that endpoint once it is bound.
# Datagrams that are not hellos are passed on through `game_packet`, except the relay's
# `ptpMediation_relay_bound` answers, which go to `relay_bound`.
extends Reference

const PunchFrames = preload("punch_frames.gd")
const PunchSchedule = preload("punch_schedule.gd")
const RelayFrames = preload("relay_frames.gd")

# Every peer answered: [{name, ip, port, relayed}] as reached, in the order given to punch().
signal punched(peers)
# The timeout passed: [{name, ip, port}] of the peers that never answered.
signal punch_failed(unreachable)
# A datagram that is not part of the punching arrived while this puncher read the socket.
signal game_packet(packet, ip, port)
# A relay endpoint answered a bind.
signal relay_bound(ip, port)

var _udp: PacketPeerUDP
var _self_name: String
# False: hellos only go to relayed peers, and only hearing them through the relay counts.
var _direct: bool
var _heard_from := {}  # member name -> {ip, port}
# Member name -> {ip, port} of its bound relay endpoint, or null while the bind is unanswered
# (then no hellos go to it and nothing from it counts).
var _relays := {}
var _peers := []  # what punch() was given
var _punching := false
var _stopped := false
var _attempt := 0
var _next_send_ms := 0
var _deadline_ms := 0


func _init(udp: PacketPeerUDP, self_name: String, direct: bool = true) -> void:
	_udp = udp
	_self_name = self_name
	_direct = direct


func punch(peers: Array, timeout_ms: int, now_ms: int) -> void:
	if _stopped or _punching:
		return
	_peers = peers.duplicate(true)
	_punching = true
	_attempt = 0
	_next_send_ms = now_ms
	_deadline_ms = now_ms + timeout_ms
	# A peer may have punched us before our own peer list arrived.
	_check_done()


# Reads every waiting datagram, then sends the hellos that are due or gives up.
func poll(now_ms: int) -> void:
	if _stopped:
		return
	while _udp.get_available_packet_count() > 0:
		var packet := _udp.get_packet()
		_on_datagram(packet, _udp.get_packet_ip(), _udp.get_packet_port())
		if _stopped:
			return
	if not _punching:
		return
	if now_ms >= _deadline_ms:
		_punching = false
		emit_signal("punch_failed", _pending())
		return
	if now_ms >= _next_send_ms:
		_send_round()
		_attempt += 1
		_next_send_ms = now_ms + PunchSchedule.delay_ms(_attempt)


# Orion allocated a relay for `peer_name`: no more direct hellos, and nothing heard counts until
# use_relay() names the bound endpoint, even if it was heard directly before (the peer got the
# same allocation and leaves the direct path too).
func await_relay(peer_name: String) -> void:
	if _stopped:
		return
	_relays[peer_name] = null
	_heard_from.erase(peer_name)


# From now on `peer_name` is reached at the relay endpoint ip:port: it must be heard from there,
# even if it was heard directly before (the peer uses the relay from now on too).
func use_relay(peer_name: String, ip: String, port: int, now_ms: int) -> void:
	if _stopped:
		return
	_relays[peer_name] = {"ip": ip, "port": port}
	_heard_from.erase(peer_name)
	if _punching:
		# A new path: start over with quick retries while the other side binds too.
		_attempt = 0
		_next_send_ms = now_ms


func is_punching() -> bool:
	return _punching


# The names of the peers given to punch() that have not been heard from yet.
func silent_names() -> Array:
	var names := []
	for peer in _pending():
		names.append(peer.name)
	return names


# Stops reading the socket and answering hellos; the socket is left open for the game.
func stop() -> void:
	_stopped = true
	_punching = false


func _on_datagram(packet: PoolByteArray, ip: String, port: int) -> void:
	if RelayFrames.is_bound(packet):
		emit_signal("relay_bound", ip, port)
		return
	var hello = PunchFrames.decode_hello(packet)
	if hello == null:
		emit_signal("game_packet", packet, ip, port)
		return
	# Answering costs nothing even when it will not count: the peer may still punch directly.
	if not hello.ack:
		_send(PunchFrames.encode_hello(_self_name, true), ip, port)
	if _counts(hello.name, ip, port):
		_heard_from[hello.name] = {"ip": ip, "port": port}
		if _punching:
			_check_done()


# A relayed peer counts only from its bound relay endpoint; others only when punching directly.
func _counts(peer_name: String, ip: String, port: int) -> bool:
	if _relays.has(peer_name):
		var relay = _relays[peer_name]
		return relay != null and relay.ip == ip and relay.port == port
	return _direct


func _check_done() -> void:
	if not _pending().empty():
		return
	_punching = false
	var reached := []
	for peer in _peers:
		var source: Dictionary = _heard_from[peer.name]
		var relayed := _relays.has(peer.name)
		reached.append({"name": peer.name, "ip": source.ip, "port": source.port, "relayed": relayed})
	emit_signal("punched", reached)


func _pending() -> Array:
	var silent := []
	for peer in _peers:
		if not _heard_from.has(peer.name):
			silent.append(peer)
	return silent


func _send_round() -> void:
	var hello := PunchFrames.encode_hello(_self_name, false)
	for peer in _pending():
		if _relays.has(peer.name):
			# Not bound yet (null): the relay would drop the hello anyway.
			var relay = _relays[peer.name]
			if relay != null:
				_send(hello, relay.ip, relay.port)
		elif _direct:
			_send(hello, peer.ip, peer.port)


# UDP is lossy anyway: a hello that cannot be sent is retried on schedule.
func _send(packet: PoolByteArray, ip: String, port: int) -> void:
	_udp.set_dest_address(ip, port)
	_udp.put_packet(packet)
