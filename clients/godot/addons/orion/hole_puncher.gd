# UDP hole punching on the game's socket, the same handshake as the TypeScript SDK
# (packages/sdk/src/hole-punch.ts). From creation until stop() it reads the socket on every poll():
# each hello is answered with an ack to the address it came from, and the address each named
# peer was last heard from is remembered. punch() sends hellos to the peers on the retry
# schedule until every one has been heard from (hello or ack), or the timeout passes.
# Datagrams that are not hellos are passed on through `game_packet`.
extends Reference

const PunchFrames = preload("punch_frames.gd")
const PunchSchedule = preload("punch_schedule.gd")

# Every peer answered: [{name, ip, port}] as reached, in the order given to punch().
signal punched(peers)
# The timeout passed: [{name, ip, port}] of the peers that never answered.
signal punch_failed(unreachable)
# A datagram that is not part of the punching arrived while this puncher read the socket.
signal game_packet(packet, ip, port)

var _udp: PacketPeerUDP
var _self_name: String
var _heard_from := {}  # member name -> {ip, port}
var _peers := []  # what punch() was given
var _punching := false
var _stopped := false
var _attempt := 0
var _next_send_ms := 0
var _deadline_ms := 0


func _init(udp: PacketPeerUDP, self_name: String) -> void:
	_udp = udp
	_self_name = self_name


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


# Stops reading the socket and answering hellos; the socket is left open for the game.
func stop() -> void:
	_stopped = true
	_punching = false


func _on_datagram(packet: PoolByteArray, ip: String, port: int) -> void:
	var hello = PunchFrames.decode_hello(packet)
	if hello == null:
		emit_signal("game_packet", packet, ip, port)
		return
	if not hello.ack:
		_send(PunchFrames.encode_hello(_self_name, true), ip, port)
	_heard_from[hello.name] = {"ip": ip, "port": port}
	if _punching:
		_check_done()


func _check_done() -> void:
	if not _pending().empty():
		return
	_punching = false
	var reached := []
	for peer in _peers:
		var source: Dictionary = _heard_from[peer.name]
		reached.append({"name": peer.name, "ip": source.ip, "port": source.port})
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
		_send(hello, peer.ip, peer.port)


# UDP is lossy anyway: a hello that cannot be sent is retried on schedule.
func _send(packet: PoolByteArray, ip: String, port: int) -> void:
	_udp.set_dest_address(ip, port)
	_udp.put_packet(packet)
